import 'reflect-metadata';
import { createApp } from './app.factory';
import pino from 'pino';
import { Lifecycle } from './common/lifecycle';
import { createLogger, logProcessWarnings } from './common/log';
import { ConfigError, loadConfig } from './config/app-config';
import { openDatabase, resolveAdminToken } from './db/database';
import { seedDemo } from './demo/seed';
import { MetricsServer } from './modules/metrics/metrics-server';

// Written synchronously: the last line before process.exit() must not be lost.
const bootstrap = createLogger('info', pino.destination({ dest: 1, sync: true })).child({ context: 'bootstrap' });
logProcessWarnings(bootstrap);

function log(level: 'info' | 'error', message: string, extra: Record<string, unknown> = {}): void {
  bootstrap[level](extra, message);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config, () => undefined);
  log(
    'info',
    database.embedded ? `embedded PostgreSQL ready (data in ${config.dataDir})` : 'connected to DATABASE_URL',
    { appliedMigrations: database.appliedMigrations },
  );
  const adminToken = resolveAdminToken(config, database.embedded);
  const app = await createApp({
    databaseUrl: database.runtimeUrl,
    listenDatabaseUrl: config.listenDatabaseUrl,
    adminToken,
    logLevel: config.logLevel,
    cache: { answerBytes: config.answerMemoMb * 2 ** 20 },
    limits: config.limits,
    metrics: config.metrics,
  });
  const demo = config.seedDemo ? await seedDemo(app, config.dataDir) : null;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const grace = config.limits.http.shutdownGraceMs;
    log('info', `${signal}: draining requests (grace ${grace} ms) and shutting down`);
    const drained = await app.get(Lifecycle).drain(app.getHttpServer(), grace);
    log(
      drained.finished ? 'info' : 'error',
      drained.finished
        ? `drained in ${drained.ms} ms`
        : `grace period over after ${drained.ms} ms: ${drained.cut} request(s) cut`,
      { ...drained },
    );
    await app.close();
    await database.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  // PORT=0 lets the system choose; the banner names the port actually bound.
  const bound = app.getHttpServer().address();
  const base = `http://localhost:${typeof bound === 'object' && bound ? bound.port : config.port}`;
  const lines = [
    '',
    `svcpath is up: ${base}`,
    `  REST docs (Swagger UI):  ${base}/docs`,
    `  OpenAPI document:        ${base}/docs/openapi.yaml`,
    `  GraphiQL playground:     ${base}/graphiql   (GraphQL endpoint ${base}/graphql)`,
    `  The page:                ${base}/ui   (summary, path diagram, matrix)`,
    `  Health:                  ${base}/health/live, ${base}/health/ready`,
    ...(config.metrics.port !== null
      ? [
          `  Metrics:                 port ${app.get(MetricsServer).address()?.port ?? config.metrics.port} /metrics${config.metrics.token ? ' (Bearer SVCPATH_METRICS_TOKEN)' : ''}`,
        ]
      : config.metrics.token
        ? [`  Metrics:                 ${base}/metrics   (Bearer SVCPATH_METRICS_TOKEN)`]
        : []),
    ...(demo
      ? [
          `  Demo tenant "${demo.tenantName}", cluster "${demo.clusterName}" (${demo.clusterId})`,
          `  Demo API key:            ${demo.apiKey}`,
        ]
      : []),
    ...(adminToken
      ? [`  Operator token:          ${config.adminToken ? '(from SVCPATH_ADMIN_TOKEN)' : adminToken}`]
      : ['  Operator token:          none (set SVCPATH_ADMIN_TOKEN to create tenants)']),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error);
  log('error', `failed to start: ${message}`);
  process.exit(1);
});
