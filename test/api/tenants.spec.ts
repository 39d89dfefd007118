import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  bearer,
  createTenant,
  gql,
  snapshot,
  startTestApp,
  TestApp,
  TestTenant,
} from '../support/test-app';

let t: TestApp;
let tenant: TestTenant;

/** `svc_<8-char prefix>_<32-char secret>`, both base64url. */
const KEY = /^svc_[A-Za-z0-9_-]{8}_([A-Za-z0-9_-]{32})$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const operator = { authorization: `Bearer ${ADMIN_TOKEN}` };

function expectProblem(
  res: { headers: Record<string, string>; body: { status: number; code: string } },
  status: number,
  code: string,
): void {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code });
}

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t, 'acme');
});
afterAll(async () => t?.close());

describe('tenants', () => {
  it('the operator creates a tenant and gets its first key, once', async () => {
    const res = await t.http.post('/v1/tenants').set(operator).send({ name: 'Globex Corp. 2' }).expect(201);
    expect(Object.keys(res.body).sort()).toEqual(['apiKey', 'id', 'name']);
    expect(res.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(res.body.name).toBe('Globex Corp. 2');
    expect(res.body.apiKey).toMatch(KEY);
    // The key works and belongs to that tenant.
    const me = await t.http.get('/v1/tenant').set(bearer(res.body.apiKey)).expect(200);
    expect(me.body).toEqual({ id: res.body.id, name: 'Globex Corp. 2' });
    const viaGql = await gql(t, res.body.apiKey, '{ tenant { id name } }');
    expect(viaGql.data).toEqual({ tenant: { id: res.body.id, name: 'Globex Corp. 2' } });
    // Its first key is a write key named "initial".
    const keys = await t.http.get('/v1/api-keys').set(bearer(res.body.apiKey)).expect(200);
    expect(keys.body).toMatchObject([{ name: 'initial', scope: 'write', revokedAt: null }]);
  });

  it('generates keys of at least 128 random bits, all different', async () => {
    const keys = [tenant.apiKey];
    for (let i = 0; i < 3; i++) keys.push((await createTenant(t)).apiKey);
    keys.push((await t.http.post('/v1/api-keys').set(bearer(tenant.apiKey)).send({}).expect(201)).body.apiKey);
    for (const key of keys) {
      const secret = KEY.exec(key)?.[1];
      expect(secret, key).toBeDefined();
      // base64url: 6 bits a character.
      expect(secret!.length * 6).toBeGreaterThanOrEqual(128);
    }
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys.map((k) => KEY.exec(k)![1])).size).toBe(keys.length);
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong operator token', { authorization: 'Bearer not-the-operator-token' }],
    ['a tenant API key', null],
    ['another scheme', { authorization: `Basic ${ADMIN_TOKEN}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('refuses to create a tenant with %s (401 problem+json), storing nothing', async (_what, headers) => {
    const before = await snapshot(t);
    const res = await t.http
      .post('/v1/tenants')
      .set(headers ?? bearer(tenant.apiKey))
      .send({ name: 'sneaky' })
      .expect(401);
    expectProblem(res, 401, 'UNAUTHENTICATED');
    expect(await snapshot(t)).toEqual(before);
  });

  it.each([
    ['missing', {}],
    ['empty', { name: '' }],
    ['too long', { name: 'a'.repeat(101) }],
    ['starting with a dash', { name: '-acme' }],
    ['with markup', { name: 'acme<script>' }],
    ['a slash', { name: 'acme/evil' }],
    ['a number', { name: 42 }],
    ['null', { name: null }],
  ])('rejects a tenant name that is %s with 400 naming it', async (_what, body) => {
    const before = await snapshot(t);
    const res = await t.http.post('/v1/tenants').set(operator).send(body).expect(400);
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('name');
    expect(await snapshot(t)).toEqual(before);
  });

  it('rejects unknown fields in a new tenant (the tenant id cannot be chosen)', async () => {
    const before = await snapshot(t);
    const res = await t.http
      .post('/v1/tenants')
      .set(operator)
      .send({ name: 'ok', id: '00000000-0000-4000-8000-000000000000' })
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('id');
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('API keys', () => {
  it('lists keys with their prefix only, never the secret or its hash', async () => {
    const other = await createTenant(t);
    const created = await t.http
      .post('/v1/api-keys')
      .set(bearer(other.apiKey))
      .send({ name: 'ci bot', scope: 'write' })
      .expect(201);
    expect(created.body).toMatchObject({ name: 'ci bot', scope: 'write', revokedAt: null });
    expect(created.body.apiKey).toMatch(KEY);
    expect(created.body.apiKey.startsWith(`${created.body.prefix}_`)).toBe(true);

    const list = await t.http.get('/v1/api-keys').set(bearer(other.apiKey)).expect(200);
    expect(list.body).toHaveLength(2);
    for (const key of list.body) {
      expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'name', 'prefix', 'revokedAt', 'scope']);
      expect(key.prefix).toMatch(/^svc_[A-Za-z0-9_-]{8}$/);
    }
    expect(list.body.map((k: { name: string }) => k.name)).toEqual(['initial', 'ci bot']);
    expect(list.body[0].prefix).toBe(other.apiKey.slice(0, 12));
    const text = JSON.stringify(list.body);
    for (const key of [other.apiKey, created.body.apiKey]) {
      expect(text).not.toContain(KEY.exec(key)![1]);
      expect(text).not.toContain(sha256(key));
    }
    const viaGql = await gql<{ apiKeys: Record<string, unknown>[] }>(
      t,
      other.apiKey,
      '{ apiKeys { id name prefix scope createdAt revokedAt } }',
    );
    expect(viaGql.data!.apiKeys).toEqual(list.body);
    // A tenant sees only its own keys.
    const mine = await t.http.get('/v1/api-keys').set(bearer(tenant.apiKey)).expect(200);
    expect(mine.body.map((k: { id: string }) => k.id)).not.toContain(list.body[0].id);
  });

  it('stores only a SHA-256 hash of each key', async () => {
    const other = await createTenant(t);
    const extra = (await t.http.post('/v1/api-keys').set(bearer(other.apiKey)).send({ scope: 'read' }).expect(201))
      .body;
    const rows = (await snapshot(t, ['api_keys'])).api_keys as Record<string, unknown>[];
    const stored = rows.filter((r) => r.tenant_id === other.id);
    expect(stored).toHaveLength(2);
    for (const key of [other.apiKey, extra.apiKey]) {
      const row = stored.find((r) => r.key_hash === sha256(key));
      expect(row, 'a row holds the hash of the key').toBeDefined();
      expect(row!.key_hash).not.toBe(key);
      expect(row!.key_hash).toMatch(/^[0-9a-f]{64}$/);
      // No column holds the key or its secret part.
      const text = JSON.stringify(row);
      expect(text).not.toContain(key);
      expect(text).not.toContain(KEY.exec(key)![1]);
    }
  });

  it('rejects bad key input with 400 naming the field', async () => {
    const before = await snapshot(t);
    for (const [field, body] of [
      ['scope', { scope: 'admin' }],
      ['name', { name: '' }],
      ['name', { name: '!!' }],
      ['tenantId', { tenantId: tenant.id }],
    ] as const) {
      const res = await t.http.post('/v1/api-keys').set(bearer(tenant.apiKey)).send(body).expect(400);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('a revoked key stops working at once and stays listed as revoked', async () => {
    const owner = await createTenant(t);
    const key = (await t.http.post('/v1/api-keys').set(bearer(owner.apiKey)).send({ name: 'temp' }).expect(201)).body;
    await t.http.get('/v1/clusters').set(bearer(key.apiKey)).expect(200);
    expect((await gql(t, key.apiKey, '{ tenant { id } }')).data).toEqual({ tenant: { id: owner.id } });

    const revoked = await t.http.delete(`/v1/api-keys/${key.id}`).set(bearer(owner.apiKey)).expect(200);
    expect(revoked.body).toMatchObject({ id: key.id, name: 'temp', revokedAt: expect.any(String) });
    expect(revoked.body.apiKey).toBeUndefined();

    const rest = await t.http.get('/v1/clusters').set(bearer(key.apiKey)).expect(401);
    expectProblem(rest, 401, 'UNAUTHENTICATED');
    await t.http.post('/v1/clusters').set(bearer(key.apiKey)).send({ name: 'after-revoke' }).expect(401);
    const viaGql = await gql(t, key.apiKey, '{ tenant { id } }');
    expect(viaGql.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(viaGql.data).toBeNull();

    const list = await t.http.get('/v1/api-keys').set(bearer(owner.apiKey)).expect(200);
    expect(list.body.find((k: { id: string }) => k.id === key.id)).toMatchObject({ revokedAt: revoked.body.revokedAt });
    // Revoking again changes nothing; the other key keeps working.
    const again = await t.http.delete(`/v1/api-keys/${key.id}`).set(bearer(owner.apiKey)).expect(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    await t.http.get('/v1/tenant').set(bearer(owner.apiKey)).expect(200);

    // A key can also be revoked over GraphQL, and a key can revoke itself.
    const second = (await t.http.post('/v1/api-keys').set(bearer(owner.apiKey)).send({}).expect(201)).body;
    const byGql = await gql(t, second.apiKey, 'mutation($id: String!) { revokeApiKey(id: $id) { id revokedAt } }', {
      id: second.id,
    });
    expect(byGql.data).toEqual({ revokeApiKey: { id: second.id, revokedAt: expect.any(String) } });
    await t.http.get('/v1/tenant').set(bearer(second.apiKey)).expect(401);
  });

  it("cannot revoke another tenant's key", async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    const aKeyId = (await t.http.get('/v1/api-keys').set(bearer(a.apiKey)).expect(200)).body[0].id;
    const before = await snapshot(t);
    await t.http.delete(`/v1/api-keys/${aKeyId}`).set(bearer(b.apiKey)).expect(404);
    const viaGql = await gql(t, b.apiKey, 'mutation($id: String!) { revokeApiKey(id: $id) { id } }', { id: aKeyId });
    expect(viaGql.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect(await snapshot(t)).toEqual(before);
    await t.http.get('/v1/tenant').set(bearer(a.apiKey)).expect(200);
    await t.http.delete('/v1/api-keys/00000000-0000-4000-8000-000000000000').set(bearer(a.apiKey)).expect(404);
    expect((await t.http.delete('/v1/api-keys/nope').set(bearer(a.apiKey)).expect(400)).body.errors[0].field).toBe(
      'keyId',
    );
  });
});

describe('read-scoped keys', () => {
  let readKey: string;
  let readKeyId: string;
  let ids: { cluster: string; node: string; pod: string; service: string; key: string };

  beforeAll(async () => {
    const w = bearer(tenant.apiKey);
    const cluster = (await t.http.post('/v1/clusters').set(w).send({ name: 'ro' }).expect(201)).body.id;
    const node = (
      await t.http
        .post(`/v1/clusters/${cluster}/nodes`)
        .set(w)
        .send({ name: 'n1', internalIps: ['10.0.0.1'] })
        .expect(201)
    ).body.id;
    const pod = (
      await t.http
        .post(`/v1/clusters/${cluster}/pods`)
        .set(w)
        .send({ namespace: 'default', name: 'p1', nodeName: 'n1', ips: ['172.16.0.1'] })
        .expect(201)
    ).body.id;
    const service = (
      await t.http
        .post(`/v1/clusters/${cluster}/services`)
        .set(w)
        .send({ namespace: 'default', name: 's1', ports: [{ port: 80 }] })
        .expect(201)
    ).body.id;
    const created = await t.http.post('/v1/api-keys').set(w).send({ name: 'dashboard', scope: 'read' }).expect(201);
    expect(created.body).toMatchObject({ name: 'dashboard', scope: 'read', revokedAt: null });
    readKey = created.body.apiKey;
    readKeyId = created.body.id;
    const key = (await t.http.get('/v1/api-keys').set(w).expect(200)).body.find(
      (k: { name: string }) => k.name === 'initial',
    ).id;
    ids = { cluster, node, pod, service, key };
  });

  it('can read everything over REST and GraphQL', async () => {
    const r = bearer(readKey);
    const c = `/v1/clusters/${ids.cluster}`;
    expect((await t.http.get('/v1/tenant').set(r).expect(200)).body.id).toBe(tenant.id);
    expect((await t.http.get('/v1/clusters').set(r).expect(200)).body.items.map((x: { id: string }) => x.id)).toContain(
      ids.cluster,
    );
    expect((await t.http.get(c).set(r).expect(200)).body.name).toBe('ro');
    expect((await t.http.get(`${c}/nodes`).set(r).expect(200)).body.items).toMatchObject([{ name: 'n1' }]);
    expect((await t.http.get(`${c}/nodes/${ids.node}`).set(r).expect(200)).body.name).toBe('n1');
    expect((await t.http.get(`${c}/pods?namespace=default`).set(r).expect(200)).body.items).toMatchObject([
      { name: 'p1' },
    ]);
    expect((await t.http.get(`${c}/pods/${ids.pod}`).set(r).expect(200)).body.name).toBe('p1');
    expect((await t.http.get(`${c}/services`).set(r).expect(200)).body.items).toMatchObject([{ name: 's1' }]);
    expect((await t.http.get(`${c}/services/${ids.service}`).set(r).expect(200)).body.name).toBe('s1');
    expect((await t.http.get('/v1/api-keys').set(r).expect(200)).body.map((k: { scope: string }) => k.scope)).toContain(
      'read',
    );

    const res = await gql(
      t,
      readKey,
      `query($c: String!, $n: String!, $p: String!, $s: String!) {
      tenant { id } cluster(id: $c) { name } nodes(clusterId: $c) { items { name } } node(clusterId: $c, id: $n) { name }
      pods(clusterId: $c) { items { name } } pod(clusterId: $c, id: $p) { name }
      services(clusterId: $c) { items { name } } service(clusterId: $c, id: $s) { name } apiKeys { scope } }`,
      { c: ids.cluster, n: ids.node, p: ids.pod, s: ids.service },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toMatchObject({
      tenant: { id: tenant.id },
      cluster: { name: 'ro' },
      nodes: { items: [{ name: 'n1' }] },
      node: { name: 'n1' },
      pods: { items: [{ name: 'p1' }] },
      pod: { name: 'p1' },
      services: { items: [{ name: 's1' }] },
      service: { name: 's1' },
    });
  });

  const restMutations: [string, (i: NonNullable<typeof ids>) => string, Record<string, unknown> | undefined][] = [
    ['post', () => '/v1/clusters', { name: 'ro-new' }],
    ['patch', (i) => `/v1/clusters/${i.cluster}`, { proxyMode: 'IPVS' }],
    ['delete', (i) => `/v1/clusters/${i.cluster}`, undefined],
    ['post', (i) => `/v1/clusters/${i.cluster}/nodes`, { name: 'n2', internalIps: ['10.0.0.2'] }],
    ['patch', (i) => `/v1/clusters/${i.cluster}/nodes/${i.node}`, { labels: { a: 'b' } }],
    ['delete', (i) => `/v1/clusters/${i.cluster}/nodes/${i.node}`, undefined],
    ['post', (i) => `/v1/clusters/${i.cluster}/pods`, { namespace: 'default', name: 'p2' }],
    ['patch', (i) => `/v1/clusters/${i.cluster}/pods/${i.pod}`, { ready: false }],
    ['delete', (i) => `/v1/clusters/${i.cluster}/pods/${i.pod}`, undefined],
    ['post', (i) => `/v1/clusters/${i.cluster}/services`, { namespace: 'default', name: 's2', ports: [{ port: 80 }] }],
    ['patch', (i) => `/v1/clusters/${i.cluster}/services/${i.service}`, { type: 'NodePort' }],
    ['delete', (i) => `/v1/clusters/${i.cluster}/services/${i.service}`, undefined],
    ['post', () => '/v1/api-keys', { name: 'escalate', scope: 'write' }],
    ['delete', (i) => `/v1/api-keys/${i.key}`, undefined],
  ];

  it.each(
    restMutations.map(
      (m) =>
        [
          `${m[0].toUpperCase()} ${m[1]({ cluster: '{cluster}', node: '{node}', pod: '{pod}', service: '{service}', key: '{key}' })}`,
          m,
        ] as const,
    ),
  )('gets 403 problem+json on %s and nothing changes', async (_name, [method, path, body]) => {
    const before = await snapshot(t);
    const req = t.http[method as 'post' | 'patch' | 'delete'](path(ids)).set(bearer(readKey));
    const res = await (body ? req.send(body) : req).expect(403);
    expectProblem(res, 403, 'FORBIDDEN');
    expect(await snapshot(t)).toEqual(before);
  });

  const gqlMutations: [string, string][] = [
    ['createCluster', 'mutation { createCluster(input: {name: "ro-gql"}) { id } }'],
    ['updateCluster', 'mutation($c: String!) { updateCluster(id: $c, input: {proxyMode: IPVS}) { id } }'],
    ['deleteCluster', 'mutation($c: String!) { deleteCluster(id: $c) }'],
    [
      'createNode',
      'mutation($c: String!) { createNode(clusterId: $c, input: {name: "n2", internalIps: ["10.0.0.2"]}) { id } }',
    ],
    [
      'updateNode',
      'mutation($c: String!, $n: String!) { updateNode(clusterId: $c, id: $n, input: {labels: {a: "b"}}) { id } }',
    ],
    ['deleteNode', 'mutation($c: String!, $n: String!) { deleteNode(clusterId: $c, id: $n) }'],
    [
      'createPod',
      'mutation($c: String!) { createPod(clusterId: $c, input: {namespace: "default", name: "p2"}) { id } }',
    ],
    [
      'updatePod',
      'mutation($c: String!, $p: String!) { updatePod(clusterId: $c, id: $p, input: {ready: false}) { id } }',
    ],
    ['deletePod', 'mutation($c: String!, $p: String!) { deletePod(clusterId: $c, id: $p) }'],
    [
      'createService',
      'mutation($c: String!) { createService(clusterId: $c, input: {namespace: "default", name: "s2", ports: [{port: 80}]}) { id } }',
    ],
    [
      'updateService',
      'mutation($c: String!, $s: String!) { updateService(clusterId: $c, id: $s, input: {type: NodePort}) { id } }',
    ],
    ['deleteService', 'mutation($c: String!, $s: String!) { deleteService(clusterId: $c, id: $s) }'],
    ['createApiKey', 'mutation { createApiKey(input: {scope: write}) { apiKey } }'],
    ['revokeApiKey', 'mutation($k: String!) { revokeApiKey(id: $k) { id } }'],
  ];

  it.each(gqlMutations)('gets FORBIDDEN from the GraphQL mutation %s and nothing changes', async (_name, query) => {
    const before = await snapshot(t);
    const variables: Record<string, string> = {};
    for (const [name, value] of [
      ['c', ids.cluster],
      ['n', ids.node],
      ['p', ids.pod],
      ['s', ids.service],
      ['k', ids.key],
    ]) {
      if (query.includes(`$${name}:`)) variables[name] = value;
    }
    const res = await gql(t, readKey, query, variables);
    expect(res.data).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect(await snapshot(t)).toEqual(before);
  });

  it('can still do everything with the write key, and the read key dies when revoked', async () => {
    await t.http
      .patch(`/v1/clusters/${ids.cluster}/pods/${ids.pod}`)
      .set(bearer(tenant.apiKey))
      .send({ ready: false })
      .expect(200);
    await t.http.delete(`/v1/api-keys/${readKeyId}`).set(bearer(tenant.apiKey)).expect(200);
    expectProblem(
      await t.http.get(`/v1/clusters/${ids.cluster}`).set(bearer(readKey)).expect(401),
      401,
      'UNAUTHENTICATED',
    );
  });
});

describe('authentication', () => {
  it.each([
    ['no Authorization header', {}],
    ['an unknown key', { authorization: 'Bearer svc_AAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
    ['the operator token', { authorization: `Bearer ${ADMIN_TOKEN}` }],
    ['a key without the Bearer scheme', null],
    ['a malformed header', { authorization: 'Bearer a b' }],
  ])('answers 401 problem+json to %s', async (_what, headers) => {
    const h = headers ?? { authorization: tenant.apiKey };
    for (const path of ['/v1/tenant', '/v1/clusters', '/v1/api-keys']) {
      const res = await t.http.get(path).set(h).expect(401);
      expectProblem(res, 401, 'UNAUTHENTICATED');
      expect(res.body.detail).toEqual(expect.any(String));
    }
    const before = await snapshot(t);
    expectProblem(await t.http.post('/v1/clusters').set(h).send({ name: 'anon' }).expect(401), 401, 'UNAUTHENTICATED');
    const res = await t.http.post('/graphql').set(h).send({ query: '{ tenant { id } }' });
    expect(res.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(res.body.data ?? null).toBeNull();
    const mutation = await t.http
      .post('/graphql')
      .set(h)
      .send({ query: 'mutation { createCluster(input: {name: "anon"}) { id } }' });
    expect(mutation.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await snapshot(t)).toEqual(before);
  });

  it('serves /health/live and /health/ready with no key', async () => {
    expect((await t.http.get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.http.get('/health/ready').expect(200)).body).toEqual({ status: 'ok' });
    // A bad key does not matter there either.
    await t.http.get('/health/live').set({ authorization: 'Bearer nonsense' }).expect(200);
  });

  it('takes the tenant from the key, not from the request', async () => {
    const other = await createTenant(t);
    const res = await t.http
      .get('/v1/tenant')
      .set(bearer(tenant.apiKey))
      .set('x-tenant-id', other.id)
      .query({ tenantId: other.id })
      .expect(200);
    expect(res.body.id).toBe(tenant.id);
  });
});
