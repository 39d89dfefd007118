import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { provisionRuntimeRole } from '../../src/db/runtime-role';
import { applyMigrations } from '../../src/db/schema-engine';

declare module 'vitest' {
  export interface ProvidedContext {
    db: { serverUrl: string; template: string; embedded: boolean };
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * One PostgreSQL for the whole run: TEST_DATABASE_URL or DATABASE_URL when given (any database on
 * the server; the tests make their own), else an embedded one in a temporary folder. A template
 * database is migrated once; each test file clones it (CREATE DATABASE ... TEMPLATE), which is fast.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let serverUrl: string;
  let stop = async (): Promise<void> => undefined;
  if (given) {
    serverUrl = withDatabase(given, 'postgres');
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'svcpath-test-pg-'));
    const pg = await startEmbeddedPostgres({ dataDir: dir, persistent: false });
    serverUrl = pg.adminUrl('postgres');
    stop = async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const template = `svcpath_tpl_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await applyMigrations(withDatabase(serverUrl, template));
  await provisionRuntimeRole(withDatabase(serverUrl, template));
  project.provide('db', { serverUrl, template, embedded: !given });
  return async () => {
    // Drop every database this run made (test files drop their own; this catches leftovers), and no other run's.
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2',
      [`svcpath_t_${template.slice('svcpath_tpl_'.length)}_%`, template],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
    await stop();
  };
}
