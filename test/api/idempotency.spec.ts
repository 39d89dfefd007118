import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, appWithTenant, bearer, createTenant, snapshot, TestTenant, within } from '../support/test-app';

/**
 * Idempotency-Key on the REST POSTs that create, on a real PostgreSQL: the same key and request
 * replay the first response; another request with the key is a 422; while the first still runs it
 * is a 409; keys are per tenant, kept at least 24 h, under row-level security, and a new API key's
 * secret is stored sealed, replayed only to the key that created it.
 */
const ctx = appWithTenant();
const auth = (tenant: TestTenant = ctx.tenant) => bearer(tenant.apiKey);
const TABLES = [
  'api_keys',
  'clusters',
  'nodes',
  'pods',
  'services',
  'namespaces',
  'network_policies',
  'address_claims',
  'idempotency_keys',
];

let admin: Client;
beforeAll(async () => {
  admin = new Client({ connectionString: ctx.t.adminUrl });
  await admin.connect();
});
afterAll(async () => admin?.end());

let seq = 0;
const unique = () => `x${++seq}`;

async function newCluster(tenant: TestTenant = ctx.tenant): Promise<string> {
  return (
    await ctx.t.http
      .post('/v1/clusters')
      .set(auth(tenant))
      .send({ name: `c-${unique()}`, clusterCidrs: ['10.244.0.0/16'] })
      .expect(201)
  ).body.id as string;
}

/** Each creating route (under a cluster of its own), and a body that creates one object there. */
const ROUTES: Record<string, { path: (clusterId: string) => string; body: () => object }> = {
  clusters: { path: () => '/v1/clusters', body: () => ({ name: `c-${unique()}` }) },
  nodes: {
    path: (c) => `/v1/clusters/${c}/nodes`,
    body: () => ({ name: `n-${unique()}`, internalIps: [`192.168.2.${seq}`] }),
  },
  pods: {
    path: (c) => `/v1/clusters/${c}/pods`,
    body: () => ({ namespace: 'default', name: `p-${unique()}`, ips: [`10.244.2.${seq}`] }),
  },
  services: {
    path: (c) => `/v1/clusters/${c}/services`,
    body: () => ({ namespace: 'default', name: `s-${unique()}`, ports: [{ port: 80 }] }),
  },
  namespaces: { path: (c) => `/v1/clusters/${c}/namespaces`, body: () => ({ name: `ns-${unique()}` }) },
  networkpolicies: {
    path: (c) => `/v1/clusters/${c}/networkpolicies`,
    body: () => ({ namespace: 'default', name: `np-${unique()}` }),
  },
  'api-keys': { path: () => '/v1/api-keys', body: () => ({ name: `k-${unique()}`, scope: 'read' }) },
};

const post = (path: string, body: object, key?: string, tenant: TestTenant = ctx.tenant) => {
  const req = ctx.t.http.post(path).set(auth(tenant));
  return (key === undefined ? req : req.set('idempotency-key', key)).send(body);
};

describe.each(Object.keys(ROUTES))('POST %s', (route) => {
  it('with the same key and body: one object, and the first response again (same id, same status), marked replayed', async () => {
    const path = ROUTES[route].path(await newCluster());
    const body = ROUTES[route].body();
    const key = randomUUID();
    const first = await post(path, body, key).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const before = await snapshot(ctx.t, TABLES);
    for (let i = 0; i < 2; i++) {
      const again = await post(path, body, key).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(again.text).toBe(first.text);
    }
    // Key order in the body does not make it another request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect((await post(path, reordered, key).expect(201)).body.id).toBe(first.body.id);
    expect(await snapshot(ctx.t, TABLES)).toEqual(before);
  });

  it('with the same key and another body: a 422 naming Idempotency-Key, and nothing created', async () => {
    const path = ROUTES[route].path(await newCluster());
    const key = randomUUID();
    await post(path, ROUTES[route].body(), key).expect(201);
    const before = await snapshot(ctx.t, TABLES);
    const res = await post(path, ROUTES[route].body(), key).expect(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 422, code: 'UNPROCESSABLE', errors: [{ field: 'Idempotency-Key' }] });
    expect(await snapshot(ctx.t, TABLES)).toEqual(before);
  });

  it('without a key: every POST creates', async () => {
    const path = ROUTES[route].path(await newCluster());
    const a = await post(path, ROUTES[route].body()).expect(201);
    const b = await post(path, ROUTES[route].body()).expect(201);
    expect(a.body.id).not.toBe(b.body.id);
  });
});

describe('Idempotency-Key', () => {
  it('the same body to another path (another cluster) with the same key is a 422', async () => {
    const [one, two] = [await newCluster(), await newCluster()];
    const body = ROUTES.nodes.body();
    const key = randomUUID();
    await post(`/v1/clusters/${one}/nodes`, body, key).expect(201);
    const res = await post(`/v1/clusters/${two}/nodes`, body, key).expect(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
  });

  it('is scoped to the tenant: another tenant with the same key and body creates its own object', async () => {
    const other = await createTenant(ctx.t);
    const key = randomUUID();
    const body = { name: `shared-${unique()}` };
    const mine = await post('/v1/clusters', body, key).expect(201);
    const theirs = await post('/v1/clusters', body, key, other).expect(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect((await ctx.t.http.get(`/v1/clusters/${theirs.body.id}`).set(auth(other)).expect(200)).body.name).toBe(
      body.name,
    );
    expect((await post('/v1/clusters', body, key, other).expect(201)).body.id).toBe(theirs.body.id);
    expect((await post('/v1/clusters', body, key).expect(201)).body.id).toBe(mine.body.id);
  });

  it('while the first request with the key is still running, the same key is a 409; once it is done, a replay', async () => {
    const clusterId = await newCluster();
    const path = `/v1/clusters/${clusterId}/nodes`;
    const body = ROUTES.nodes.body();
    const key = randomUUID();
    const advisoryLocks = async () =>
      Number(
        (
          await admin.query(`SELECT count(*) AS n FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
        ).rows[0].n,
      );
    const held = await advisoryLocks();
    // Hold the cluster's row lock: the first request takes its key, then waits for the cluster.
    await admin.query('BEGIN');
    await admin.query('SELECT 1 FROM clusters WHERE id = $1 FOR UPDATE', [clusterId]);
    let first!: Promise<{ status: number; body: { id: string } }>;
    try {
      first = post(path, body, key).then((r) => ({ status: r.status, body: r.body as { id: string } }));
      await within(5_000, async () => (await advisoryLocks()) > held);
      const second = await post(path, body, key).expect(409);
      expect(second.body).toMatchObject({ code: 'CONFLICT', errors: [{ field: 'Idempotency-Key' }] });
      // The refused request took nothing: only the first one's key is held.
      expect(await advisoryLocks()).toBe(held + 1);
    } finally {
      await admin.query('COMMIT');
    }
    const done = await first;
    expect(done.status).toBe(201);
    const replay = await post(path, body, key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(done.body.id);
    expect((await ctx.t.http.get(path).set(auth()).expect(200)).body.items).toHaveLength(1);
  });

  it('many concurrent requests with one key create one object; the others get a 409 or the replay', async () => {
    const key = randomUUID();
    const body = { name: `race-${unique()}` };
    const results = await Promise.all(Array.from({ length: 8 }, () => post('/v1/clusters', body, key).then((r) => r)));
    const created = results.filter((r) => r.status === 201);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(created.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    const clusters = (await ctx.t.http.get('/v1/clusters?limit=500').set(auth()).expect(200)).body.items as {
      name: string;
    }[];
    expect(clusters.filter((c) => c.name === body.name)).toHaveLength(1);
  });

  it('an empty key, or one over 255 characters, is a 400 naming the header; 255 characters are fine', async () => {
    const before = await snapshot(ctx.t, TABLES);
    for (const key of ['', ' ', '""', 'k'.repeat(256)]) {
      const res = await post('/v1/clusters', { name: `c-${unique()}` }, key).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'Idempotency-Key' }] });
    }
    expect(await snapshot(ctx.t, TABLES)).toEqual(before);
    await post('/v1/clusters', { name: `c-${unique()}` }, 'k'.repeat(255)).expect(201);
  });

  it('a refused request is not remembered: the same key may be used again once the cause is gone', async () => {
    const name = `taken-${unique()}`;
    const taken = await post('/v1/clusters', { name }).expect(201);
    const key = randomUUID();
    await post('/v1/clusters', { name }, key).expect(409);
    await ctx.t.http.delete(`/v1/clusters/${taken.body.id}`).set(auth()).expect(204);
    const created = await post('/v1/clusters', { name }, key).expect(201);
    expect(created.headers['idempotent-replayed']).toBeUndefined();
    expect(created.body.id).not.toBe(taken.body.id);
  });

  it('a key older than 24 h is forgotten: purged, and the request runs again', async () => {
    const key = randomUUID();
    const body = { name: `old-${unique()}` };
    const first = await post('/v1/api-keys', body, key).expect(201);
    const stale = randomUUID();
    await post('/v1/api-keys', { name: `k-${unique()}` }, stale).expect(201);
    await admin.query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = ANY($1)", [
      [key, stale],
    ]);
    const again = await post('/v1/api-keys', body, key).expect(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body.id).not.toBe(first.body.id);
    const rows = await admin.query(
      "SELECT key, created_at > now() - interval '1 hour' AS fresh FROM idempotency_keys WHERE key = ANY($1)",
      [[key, stale]],
    );
    expect(rows.rows).toEqual([{ key, fresh: true }]);
  });

  it("a new API key's secret is stored sealed, and replayed only to the key that created it", async () => {
    const key = randomUUID();
    const body = { name: `sealed-${unique()}` };
    const created = await post('/v1/api-keys', body, key).expect(201);
    const secret = created.body.apiKey as string;
    expect(secret).toMatch(/^svc_/);
    const stored = await admin.query('SELECT sealed, response FROM idempotency_keys WHERE key = $1', [key]);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].sealed).toBe(true);
    expect(stored.rows[0].response).not.toContain(secret);
    expect(stored.rows[0].response).not.toContain(created.body.id);

    const replay = await post('/v1/api-keys', body, key).expect(201);
    expect(replay.body).toEqual(created.body);
    // Another write key of the same tenant: same key, same request, but not the credential that sealed it.
    const otherKey = (await post('/v1/api-keys', { name: `w-${unique()}`, scope: 'write' }).expect(201)).body
      .apiKey as string;
    const other = { ...ctx.tenant, apiKey: otherKey };
    const res = await post('/v1/api-keys', body, key, other).expect(422);
    expect(res.body).toMatchObject({ code: 'UNPROCESSABLE', errors: [{ field: 'Idempotency-Key' }] });
    expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  it("other resources' responses are stored as sent", async () => {
    const key = randomUUID();
    const created = await post('/v1/clusters', { name: `plain-${unique()}` }, key).expect(201);
    const stored = await admin.query('SELECT sealed, status, response FROM idempotency_keys WHERE key = $1', [key]);
    expect(stored.rows).toEqual([{ sealed: false, status: 201, response: created.text }]);
  });

  it('idempotency_keys is under row-level security: the runtime role sees only the tenant it sets', async () => {
    const other = await createTenant(ctx.t);
    await post('/v1/clusters', { name: `rls-${unique()}` }, randomUUID(), other).expect(201);
    await post('/v1/clusters', { name: `rls-${unique()}` }, randomUUID()).expect(201);
    const runtime = new Client({ connectionString: ctx.t.runtimeUrl });
    await runtime.connect();
    try {
      const flags = await runtime.query(
        "SELECT relrowsecurity, relforcerowsecurity, pg_get_userbyid(relowner) = current_user AS owned FROM pg_class WHERE relname = 'idempotency_keys'",
      );
      expect(flags.rows).toEqual([{ relrowsecurity: true, relforcerowsecurity: true, owned: false }]);
      await runtime.query('BEGIN');
      expect((await runtime.query('SELECT * FROM idempotency_keys')).rowCount).toBe(0);
      await runtime.query("SELECT set_config('app.tenant_id', $1, true)", [ctx.tenant.id]);
      const rows = (await runtime.query('SELECT tenant_id FROM idempotency_keys')).rows as { tenant_id: string }[];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.tenant_id === ctx.tenant.id)).toBe(true);
      await expect(
        runtime.query(
          "INSERT INTO idempotency_keys (tenant_id, key, fingerprint, status, response) VALUES ($1, 'k', 'f', 201, '{}')",
          [other.id],
        ),
      ).rejects.toThrow(/row-level security/);
    } finally {
      await runtime.query('ROLLBACK').catch(() => undefined);
      await runtime.end();
    }
  });
});

describe('Idempotency-Key on POST /v1/tenants (the operator token)', () => {
  const operator = () => bearer(ADMIN_TOKEN);

  it('a retry gets the first tenant and its first key again, marked replayed; the key works', async () => {
    const key = randomUUID();
    const name = `t-${unique()}`;
    const first = await ctx.t.http
      .post('/v1/tenants')
      .set(operator())
      .set('idempotency-key', key)
      .send({ name })
      .expect(201);
    const before = await snapshot(ctx.t, ['tenants', 'api_keys', 'idempotency_keys']);
    const again = await ctx.t.http
      .post('/v1/tenants')
      .set(operator())
      .set('idempotency-key', key)
      .send({ name })
      .expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await snapshot(ctx.t, ['tenants', 'api_keys', 'idempotency_keys'])).toEqual(before);
    await ctx.t.http.get('/v1/tenant').set(bearer(first.body.apiKey)).expect(200, { id: first.body.id, name });
    // The stored response holds the key's secret sealed, never in clear.
    const rows = (
      await admin.query('SELECT response, sealed FROM idempotency_keys WHERE tenant_id = $1', [first.body.id])
    ).rows as { response: string; sealed: boolean }[];
    expect(rows).toHaveLength(1);
    expect(rows[0].sealed).toBe(true);
    expect(rows[0].response).not.toContain(first.body.apiKey);
  });

  it('the same key with another name is a 422 naming the header, and no tenant is created', async () => {
    const key = randomUUID();
    await ctx.t.http
      .post('/v1/tenants')
      .set(operator())
      .set('idempotency-key', key)
      .send({ name: `t-${unique()}` })
      .expect(201);
    const before = await snapshot(ctx.t, ['tenants', 'api_keys', 'idempotency_keys']);
    const res = await ctx.t.http
      .post('/v1/tenants')
      .set(operator())
      .set('idempotency-key', key)
      .send({ name: `t-${unique()}` })
      .expect(422);
    expect(res.body.errors).toEqual([
      { field: 'Idempotency-Key', message: expect.stringContaining('another request') },
    ]);
    expect(await snapshot(ctx.t, ['tenants', 'api_keys', 'idempotency_keys'])).toEqual(before);
  });

  it('concurrent retries create one tenant; the others get a 409 or the replay', async () => {
    const key = randomUUID();
    const name = `t-${unique()}`;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        ctx.t.http.post('/v1/tenants').set(operator()).set('idempotency-key', key).send({ name }),
      ),
    );
    const created = answers.filter((r) => r.status === 201);
    expect(answers.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(Number((await admin.query('SELECT count(*) FROM tenants WHERE name = $1', [name])).rows[0].count)).toBe(1);
  });

  it('without a key every POST creates a tenant', async () => {
    const name = `t-${unique()}`;
    const one = await ctx.t.http.post('/v1/tenants').set(operator()).send({ name }).expect(201);
    const two = await ctx.t.http.post('/v1/tenants').set(operator()).send({ name }).expect(201);
    expect(one.body.id).not.toBe(two.body.id);
  });
});
