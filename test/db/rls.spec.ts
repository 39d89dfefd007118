import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTenant, startTestApp, TestApp, TestTenant } from '../support/test-app';

/** Row-level security proven with raw SQL as the app's runtime role, below the service layer. */
let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let runtime: Client;
const TABLES = [
  'tenants',
  'api_keys',
  'clusters',
  'nodes',
  'pods',
  'services',
  'endpoint_slices',
  'address_claims',
  'namespaces',
  'network_policies',
  'idempotency_keys',
];

beforeAll(async () => {
  t = await startTestApp();
  a = await createTenant(t, 'rls-a');
  b = await createTenant(t, 'rls-b');
  for (const tenant of [a, b]) {
    const c = await t.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .set('idempotency-key', 'rls')
      .send({ name: 'c1' })
      .expect(201);
    await t.http
      .post(`/v1/clusters/${c.body.id}/nodes`)
      .set(bearer(tenant.apiKey))
      .send({ name: 'n1', internalIps: ['10.0.0.1'] })
      .expect(201);
    await t.http
      .post(`/v1/clusters/${c.body.id}/pods`)
      .set(bearer(tenant.apiKey))
      .send({ namespace: 'default', name: 'p1', ips: ['10.244.0.1'] })
      .expect(201);
    await t.http
      .post(`/v1/clusters/${c.body.id}/services`)
      .set(bearer(tenant.apiKey))
      .send({ namespace: 'default', name: 's1', ports: [{ port: 80 }] })
      .expect(201);
    await t.http
      .post(`/v1/clusters/${c.body.id}/namespaces`)
      .set(bearer(tenant.apiKey))
      .send({ name: 'default' })
      .expect(201);
    await t.http
      .post(`/v1/clusters/${c.body.id}/networkpolicies`)
      .set(bearer(tenant.apiKey))
      .send({ namespace: 'default', name: 'np1' })
      .expect(201);
  }
  runtime = new Client({ connectionString: t.runtimeUrl });
  await runtime.connect();
});
afterAll(async () => {
  await runtime?.end();
  await t?.close();
});

async function inTenant<T>(tenantId: string | null, fn: () => Promise<T>): Promise<T> {
  await runtime.query('BEGIN');
  try {
    if (tenantId !== null) await runtime.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
    return await fn();
  } finally {
    await runtime.query('ROLLBACK');
  }
}

describe('row-level security', () => {
  it('the runtime role is not the owner, not a superuser and cannot bypass RLS; every table forces RLS', async () => {
    const role = await runtime.query('SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user');
    expect(role.rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
    const tables = await runtime.query(
      `SELECT relname, relrowsecurity, relforcerowsecurity, pg_get_userbyid(relowner) = current_user AS owned
      FROM pg_class WHERE relname = ANY($1) ORDER BY relname`,
      [TABLES],
    );
    expect(tables.rows).toHaveLength(TABLES.length);
    for (const row of tables.rows)
      expect(row).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true, owned: false });
  });

  it.each(TABLES)("%s: no tenant set → 0 rows; tenant A set → only A's rows", async (table) => {
    const column = table === 'tenants' ? 'id' : 'tenant_id';
    expect((await inTenant(null, () => runtime.query(`SELECT * FROM ${table}`))).rowCount).toBe(0);
    const rows = await inTenant(a.id, () => runtime.query(`SELECT ${column} AS tenant FROM ${table}`));
    expect(rows.rows.every((r: { tenant: string }) => r.tenant === a.id)).toBe(true);
    if (table !== 'endpoint_slices') expect(rows.rowCount).toBeGreaterThan(0);
  });

  it('a reset setting (empty string) still matches nothing', async () => {
    const count = await inTenant(null, async () => {
      await runtime.query("SELECT set_config('app.tenant_id', '', true)");
      return (await runtime.query('SELECT * FROM clusters')).rowCount;
    });
    expect(count).toBe(0);
  });

  it("writes carrying another tenant's id are refused", async () => {
    const attempt = (sql: string, params: unknown[]) => inTenant(a.id, () => runtime.query(sql, params));
    await expect(
      attempt(
        `INSERT INTO clusters (tenant_id, id, name, profile, kubernetes_version, network_model, proxy_mode, cluster_cidrs, service_cidrs,
      node_port_min, node_port_max, masquerade_all, local_detector, node_port_addresses, localhost_node_ports, updated_at)
      VALUES ($1, $2, 'sneaky', 'KUBERNETES', '1.31', 'TUNNEL', 'IPTABLES', '{}', '{10.96.0.0/12}', 30000, 32767, false, 'NONE', '{}', true, now())`,
        [b.id, randomUUID()],
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(attempt('INSERT INTO tenants (id, name) VALUES ($1, $2)', [randomUUID(), 'sneaky'])).rejects.toThrow(
      /row-level security/,
    );
    // Updates and deletes of B's rows silently touch nothing: B's rows are invisible to A.
    const updated = await inTenant(a.id, () =>
      runtime.query("UPDATE clusters SET name = 'stolen' WHERE tenant_id = $1", [b.id]),
    );
    expect(updated.rowCount).toBe(0);
    await expect(inTenant(a.id, () => runtime.query('UPDATE clusters SET tenant_id = $1', [b.id]))).rejects.toThrow(
      /row-level security/,
    );
    const deleted = await inTenant(a.id, () => runtime.query('DELETE FROM nodes WHERE tenant_id = $1', [b.id]));
    expect(deleted.rowCount).toBe(0);
  });

  it('a key is found by its hash alone, and only that key', async () => {
    const keyHash = (await inTenant(a.id, () => runtime.query('SELECT key_hash FROM api_keys'))).rows[0]
      .key_hash as string;
    const found = await inTenant(null, async () => {
      await runtime.query("SELECT set_config('app.key_hash', $1, true)", [keyHash]);
      return (await runtime.query('SELECT tenant_id FROM api_keys')).rows;
    });
    expect(found).toEqual([{ tenant_id: a.id }]);
  });
});
