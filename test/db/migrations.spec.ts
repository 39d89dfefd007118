import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, diffToSchema } from '../../src/db/schema-engine';
import { createTestDatabase } from '../support/test-app';

/**
 * The migrations folder (applied by the wasm schema engine, as at start) must produce exactly the
 * database schema.prisma describes. Prisma's own diff is used to build the reference: the SQL it
 * generates from nothing to schema.prisma is run on a second empty database, and the two catalogs
 * (tables, columns, types, defaults, constraints, indexes, enums) must be identical.
 */
const CATALOG = `
  SELECT 'column' AS kind, table_name || '.' || column_name AS name,
         concat_ws(' ', data_type, udt_name, is_nullable, column_default) AS detail
    FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
  UNION ALL
  SELECT 'constraint', conrelid::regclass || '.' || conname, pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations'
  UNION ALL
  SELECT 'index', tablename || '.' || indexname, indexdef
    FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
  UNION ALL
  SELECT 'enum', t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname
  ORDER BY 1, 2`;

async function catalog(url: string): Promise<unknown[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(CATALOG)).rows;
  } finally {
    await c.end();
  }
}

let migrated: Awaited<ReturnType<typeof createTestDatabase>>;
let fromSchema: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  migrated = await createTestDatabase();
  fromSchema = await createTestDatabase();
  // Empty the clone, then build it from schema.prisma alone.
  const c = new Client({ connectionString: fromSchema.adminUrl });
  await c.connect();
  await c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await c.end();
  const sql = await diffToSchema(fromSchema.adminUrl);
  const c2 = new Client({ connectionString: fromSchema.adminUrl });
  await c2.connect();
  await c2.query(sql);
  await c2.end();
});
afterAll(async () => {
  await migrated?.drop();
  await fromSchema?.drop();
});

describe('migrations', () => {
  it('produce exactly the schema that schema.prisma describes', async () => {
    const [a, b] = [await catalog(migrated.adminUrl), await catalog(fromSchema.adminUrl)];
    expect(a.length).toBeGreaterThan(40);
    expect(a.filter((row) => !b.some((r) => JSON.stringify(r) === JSON.stringify(row)))).toEqual([]);
    expect(a).toEqual(b);
  });

  it('are recorded like prisma migrate deploy records them, and a second run applies nothing', async () => {
    expect(await applyMigrations(migrated.adminUrl)).toEqual([]);
    const c = new Client({ connectionString: migrated.adminUrl });
    await c.connect();
    const rows = await c.query(
      'SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name',
    );
    await c.end();
    expect(rows.rows.length).toBeGreaterThan(0);
    expect(rows.rows.every((r: { finished: boolean }) => r.finished)).toBe(true);
  });
});
