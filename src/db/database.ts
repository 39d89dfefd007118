import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { provisionRuntimeRole } from './runtime-role';
import { applyMigrations } from './schema-engine';

export interface Database {
  readonly embedded: boolean;
  /** The migrating role: owns the schema. */
  readonly adminUrl: string;
  /** The role the app runs as: no BYPASSRLS, not the owner, not a superuser. */
  readonly runtimeUrl: string;
  readonly appliedMigrations: string[];
  stop(): Promise<void>;
}

export async function createDatabaseIfMissing(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * The database the service runs on: DATABASE_URL when given, else an embedded PostgreSQL whose
 * files live in the data folder. Either way migrations are applied and the runtime role provisioned.
 */
export async function openDatabase(config: AppConfig, log: (line: string) => void): Promise<Database> {
  let adminUrl = config.databaseUrl;
  let stop = async (): Promise<void> => undefined;
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      persistent: true,
      log: (l) => log(`postgres: ${l}`),
    });
    await createDatabaseIfMissing(embedded.adminUrl('postgres'), 'svcpath');
    adminUrl = embedded.adminUrl('svcpath');
    stop = embedded.stop;
  }
  const appliedMigrations = await applyMigrations(adminUrl);
  const runtimeUrl = config.appDatabaseUrl ?? (await provisionRuntimeRole(adminUrl));
  return { embedded: !config.databaseUrl, adminUrl, runtimeUrl, appliedMigrations, stop };
}

/** SVCPATH_ADMIN_TOKEN, or in embedded mode one generated once and kept in the data folder. */
export function resolveAdminToken(config: AppConfig, embedded: boolean): string | null {
  if (config.adminToken) return config.adminToken;
  if (!embedded) return null;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'admin-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = `svcadm_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
