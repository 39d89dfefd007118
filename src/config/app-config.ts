import { resolve } from 'node:path';
import { Limits, readLimits } from './limits';

/** Everything the service reads from its environment, validated once at boot. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** Admin (migration) connection; null = start the embedded PostgreSQL. */
  readonly databaseUrl: string | null;
  /** Runtime connection (a role that cannot bypass row-level security); null = provision `svcpath_app`. */
  readonly appDatabaseUrl: string | null;
  /** Direct connection the change feed LISTENs on (APP_LISTEN_DATABASE_URL), for when requests go through PgBouncer; null = the runtime URL. */
  readonly listenDatabaseUrl: string | null;
  readonly dataDir: string;
  /** Operator token from SVCPATH_ADMIN_TOKEN; null = generated and kept in the data dir (embedded mode only). */
  readonly adminToken: string | null;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  readonly seedDemo: boolean;
  /** Memory for remembered analysis responses (AnswerMemo), in MiB; 0 turns it off. */
  readonly answerMemoMb: number;
  /** Request, connection, GraphQL, rate and shutdown bounds (see limits.ts). */
  readonly limits: Limits;
  /** /metrics: its token (SVCPATH_METRICS_TOKEN) and own port (SVCPATH_METRICS_PORT, bound on HOST); both null = not served. */
  readonly metrics: { readonly token: string | null; readonly port: number | null; readonly host: string };
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const;

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535, got "${raw}"`);
  }
  return port;
}

function readUrl(name: string, raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new ConfigError(`${name} must be a postgresql:// URL`);
  }
  return raw;
}

function readMegabytes(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const mb = Number(raw);
  if (!Number.isInteger(mb) || mb < 0 || mb > 65536)
    throw new ConfigError(`${name} must be an integer number of MiB from 0 to 65536, got "${raw}"`);
  return mb;
}

/** SVCPATH_METRICS_TOKEN (≥ 16 characters) and SVCPATH_METRICS_PORT (0–65535, not PORT); unset = null. */
function readMetrics(env: NodeJS.ProcessEnv): AppConfig['metrics'] {
  const token =
    env.SVCPATH_METRICS_TOKEN === undefined || env.SVCPATH_METRICS_TOKEN === '' ? null : env.SVCPATH_METRICS_TOKEN;
  if (token !== null && (token.length < 16 || /\s/.test(token)))
    throw new ConfigError('SVCPATH_METRICS_TOKEN must be at least 16 characters, without spaces');
  const raw = env.SVCPATH_METRICS_PORT;
  let port: number | null = null;
  if (raw !== undefined && raw !== '') {
    port = Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new ConfigError(`SVCPATH_METRICS_PORT must be an integer from 0 to 65535, got "${raw}"`);
    if (port !== 0 && port === readPort(env.PORT)) throw new ConfigError('SVCPATH_METRICS_PORT must differ from PORT');
  }
  return { token, port, host: env.HOST ?? '0.0.0.0' };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const logLevel = (env.LOG_LEVEL ?? 'info') as AppConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const databaseUrl = readUrl('DATABASE_URL', env.DATABASE_URL);
  const tokenFromEnv = env.SVCPATH_ADMIN_TOKEN;
  if (tokenFromEnv !== undefined && tokenFromEnv !== '' && tokenFromEnv.length < 16) {
    throw new ConfigError('SVCPATH_ADMIN_TOKEN must be at least 16 characters');
  }
  return {
    port: readPort(env.PORT),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl,
    appDatabaseUrl: readUrl('APP_DATABASE_URL', env.APP_DATABASE_URL),
    listenDatabaseUrl: readUrl('APP_LISTEN_DATABASE_URL', env.APP_LISTEN_DATABASE_URL),
    dataDir: resolve(env.SVCPATH_DATA_DIR ?? '.data'),
    adminToken: tokenFromEnv === undefined || tokenFromEnv === '' ? null : tokenFromEnv,
    logLevel,
    seedDemo: env.SVCPATH_DEMO !== 'false',
    answerMemoMb: readMegabytes('SVCPATH_ANSWER_MEMO_MB', env.SVCPATH_ANSWER_MEMO_MB, 64),
    limits: readLimits(env),
    metrics: readMetrics(env),
  };
}
