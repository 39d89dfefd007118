import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AnalysisService } from '../../src/modules/analysis/analysis.service';
import {
  ADMIN_TOKEN,
  bearer,
  createTenant,
  gql,
  startSecondInstance,
  startTestApp,
  TestApp,
  TestTenant,
  within,
} from '../support/test-app';

/**
 * Rate limits (src/common/rate-limit.ts): per API key and for the operator token, counted in
 * memory per instance. Three instances share one database: `setup` has no limits (limit 0), and
 * makes the tenants, keys and clusters; `limited` (5 units per key, 3 for the operator, per 60 s)
 * and `quick` (2 units per 2 s window) are the ones measured. That they count apart is itself the
 * per-instance counting the limiter documents.
 */
let setup: TestApp;
let limited: TestApp;
let quick: TestApp;
let tenant: TestTenant;
let clusterId: string;

const MiB = 2 ** 20;
const newKey = async (scope: 'read' | 'write' = 'write', owner = tenant): Promise<string> =>
  (await setup.http.post('/v1/api-keys').set(bearer(owner.apiKey)).send({ scope }).expect(201)).body.apiKey as string;
const policyOf = (res: { headers: Record<string, string> }) => res.headers['ratelimit-policy'];
/** The `r` and `t` of a `RateLimit` header. */
const left = (res: { headers: Record<string, string> }): { r: number; t: number } => {
  const m = /^"(?:key|operator)";r=(\d+);t=(\d+)$/.exec(res.headers.ratelimit ?? '');
  if (m === null) throw new Error(`no RateLimit header: ${JSON.stringify(res.headers)}`);
  return { r: Number(m[1]), t: Number(m[2]) };
};
/** A YAML document of one node, padded with comment lines (which the import reads past) to `bytes`. */
const paddedYaml = (bytes: number, name = 'n1'): string => {
  const head = `apiVersion: v1\nkind: Node\nmetadata:\n  name: ${name}\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 192.168.0.1\n`;
  const line = `# ${'x'.repeat(1021)}\n`; // 1 KiB
  return head + line.repeat(Math.ceil((bytes - head.length) / line.length));
};

beforeAll(async () => {
  setup = await startTestApp({ limits: { rate: { perKey: 0, perOperator: 0 } } });
  limited = await startSecondInstance(setup, { limits: { rate: { perKey: 5, perOperator: 3, windowSeconds: 60 } } });
  quick = await startSecondInstance(setup, { limits: { rate: { perKey: 2, windowSeconds: 2 } } });
  tenant = await createTenant(setup);
  clusterId = (
    await setup.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .send({ name: 'c', clusterCidrs: ['10.244.0.0/16'] })
      .expect(201)
  ).body.id as string;
  const post = (path: string, body: object) =>
    setup.http.post(`/v1/clusters/${clusterId}${path}`).set(bearer(tenant.apiKey)).send(body).expect(201);
  await post('/nodes', { name: 'n1', internalIps: ['192.168.0.1'] });
  await post('/pods', { namespace: 'default', name: 'a', nodeName: 'n1', ips: ['10.244.0.1'], labels: { app: 'x' } });
  await post('/services', {
    namespace: 'default',
    name: 'x',
    selector: { app: 'x' },
    clusterIps: ['10.96.0.10'],
    ports: [{ port: 80 }],
  });
});
afterAll(async () => {
  await quick?.close();
  await limited?.close();
  await setup?.close();
});

describe('rate limits per API key', () => {
  it('sends the policy and what is left on every response, and refuses the (N+1)th request in the window with a 429', async () => {
    const key = await newKey();
    for (let i = 1; i <= 5; i++) {
      const res = await limited.http.get('/v1/tenant').set(bearer(key)).expect(200);
      expect(policyOf(res)).toBe('"key";q=5;w=60');
      expect(left(res).r).toBe(5 - i);
      expect(left(res).t).toBeGreaterThan(0);
      expect(left(res).t).toBeLessThanOrEqual(60);
      expect(res.headers['retry-after']).toBeUndefined();
    }
    const refused = await limited.http.get('/v1/tenant').set(bearer(key)).expect(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', title: 'Too many requests' });
    expect(refused.body.detail).toContain(
      'this API key may use 5 units per 60 s (SVCPATH_RATE_LIMIT per SVCPATH_RATE_LIMIT_WINDOW_S',
    );
    expect(refused.body.detail).toContain('this request costs 1 and 0 are left');
    const retry = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retry) && retry >= 1 && retry <= 60).toBe(true);
    expect(refused.headers.ratelimit).toBe(`"key";r=0;t=${retry}`);
    expect(policyOf(refused)).toBe('"key";q=5;w=60');
    // Another route, a write, and GraphQL: the same key, the same count.
    await limited.http.post('/v1/clusters').set(bearer(key)).send({ name: 'nope' }).expect(429);
    const graph = await limited.http.post('/graphql').set(bearer(key)).send({ query: '{ tenant { id } }' }).expect(429);
    expect(graph.headers['content-type']).toMatch(/^application\/json/);
    expect(graph.body.data).toBeNull();
    expect(graph.body.errors).toHaveLength(1);
    expect(graph.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(graph.body.errors[0].message).toContain('SVCPATH_RATE_LIMIT');
    expect(Number(graph.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(left(graph).r).toBe(0);
  });

  it("counts each key apart: another key of the same tenant and another tenant's key are not affected", async () => {
    const spent = await newKey();
    for (let i = 0; i < 5; i++) await limited.http.get('/v1/tenant').set(bearer(spent)).expect(200);
    await limited.http.get('/v1/tenant').set(bearer(spent)).expect(429);
    const sibling = await limited.http
      .get('/v1/tenant')
      .set(bearer(await newKey()))
      .expect(200);
    expect(left(sibling).r).toBe(4);
    const other = await createTenant(setup);
    const stranger = await limited.http.get('/v1/tenant').set(bearer(other.apiKey)).expect(200);
    expect(stranger.body.id).toBe(other.id);
    expect(left(stranger).r).toBe(4);
  });

  it('counts GraphQL requests once each, with the headers on the 200', async () => {
    const key = await newKey();
    // Two root fields, each guarded: still one request, one unit.
    const first = await limited.http
      .post('/graphql')
      .set(bearer(key))
      .send({ query: '{ tenant { id } apiKeys { id } }' })
      .expect(200);
    expect(first.body.errors).toBeUndefined();
    expect(policyOf(first)).toBe('"key";q=5;w=60');
    expect(left(first).r).toBe(4);
    // A document that fails validation, sent with a valid key, counts too: it was charged before it was parsed.
    const invalid = await limited.http.post('/graphql').set(bearer(key)).send({ query: '{ noSuchField }' }).expect(400);
    expect(left(invalid).r).toBe(3);
    const rest = await limited.http.get('/v1/tenant').set(bearer(key)).expect(200);
    expect(left(rest).r).toBe(2);
  });

  it('counts a read-scope key the same, its refused writes (403) included', async () => {
    const key = await newKey('read');
    expect(left(await limited.http.get('/v1/clusters').set(bearer(key)).expect(200)).r).toBe(4);
    const forbidden = await limited.http.post('/v1/clusters').set(bearer(key)).send({ name: 'nope' }).expect(403);
    expect(left(forbidden).r).toBe(3);
    for (let r = 2; r >= 0; r--)
      expect(left(await limited.http.get(`/v1/clusters/${clusterId}`).set(bearer(key)).expect(200)).r).toBe(r);
    await limited.http.get('/v1/clusters').set(bearer(key)).expect(429);
  });

  it('does not count requests without a valid key, nor the routes that need none', async () => {
    const key = await newKey();
    const none = await limited.http.get('/v1/tenant').expect(401);
    expect(none.headers.ratelimit).toBeUndefined();
    const wrong = await limited.http.get('/v1/tenant').set(bearer('svc_nope_nope')).expect(401);
    expect(wrong.headers.ratelimit).toBeUndefined();
    const wrongGraph = await limited.http
      .post('/graphql')
      .set(bearer('svc_nope_nope'))
      .send({ query: '{ tenant { id } }' });
    expect(wrongGraph.headers.ratelimit).toBeUndefined();
    expect(wrongGraph.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    for (let i = 0; i < 5; i++) await limited.http.get('/v1/tenant').set(bearer(key)).expect(200);
    await limited.http.get('/v1/tenant').set(bearer(key)).expect(429);
    // With the spent key: health and docs are served, and say nothing of limits.
    for (const path of ['/health/live', '/health/ready', '/docs/openapi.json']) {
      const res = await limited.http.get(path).set(bearer(key)).expect(200);
      expect(res.headers.ratelimit, path).toBeUndefined();
      expect(res.headers['ratelimit-policy'], path).toBeUndefined();
    }
  });

  it('counts remembered analysis answers (served before Nest runs) like computed ones', async () => {
    const key = await newKey();
    const computed = vi.spyOn(limited.app.get(AnalysisService), 'reachability');
    try {
      const ask = () =>
        limited.http
          .post(`/v1/clusters/${clusterId}/reachability`)
          .set(bearer(key))
          .send({ client: { pod: 'default/a' }, service: 'default/x' });
      const first = await ask().expect(200);
      expect(left(first).r).toBe(4);
      for (let r = 3; r >= 0; r--) {
        const again = await ask().expect(200);
        expect(again.text).toBe(first.text);
        expect(policyOf(again)).toBe('"key";q=5;w=60');
        expect(left(again).r).toBe(r);
      }
      expect(computed).toHaveBeenCalledTimes(1); // the other four were remembered answers
      const refused = await ask().expect(429);
      expect(refused.body.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(computed).toHaveBeenCalledTimes(1);
    } finally {
      computed.mockRestore();
    }
    // The same over GraphQL.
    const graphKey = await newKey();
    const query = `query($c: String!) { reachability(clusterId: $c, input: { client: { pod: "default/a" }, service: "default/x" }) { service } }`;
    for (let r = 4; r >= 0; r--) {
      const res = await limited.http
        .post('/graphql')
        .set(bearer(graphKey))
        .send({ query, variables: { c: clusterId } })
        .expect(200);
      expect(res.body.data.reachability.service).toBe('default/x');
      expect(left(res).r).toBe(r);
    }
    expect(
      (
        await limited.http
          .post('/graphql')
          .set(bearer(graphKey))
          .send({ query, variables: { c: clusterId } })
          .expect(429)
      ).body.errors[0].extensions.code,
    ).toBe('RATE_LIMITED');
  });

  it('counts an import by its size: 1 unit per started MiB of the body', async () => {
    const key = await newKey();
    const target = (
      await setup.http
        .post('/v1/clusters')
        .set(bearer(tenant.apiKey))
        .send({ name: 'imp', clusterCidrs: ['10.244.0.0/16'] })
        .expect(201)
    ).body.id as string;
    const document = paddedYaml(3.5 * MiB); // 4 units
    const imported = await limited.http
      .post(`/v1/clusters/${target}/import`)
      .set(bearer(key))
      .set('content-type', 'application/yaml')
      .send(document)
      .expect(200);
    expect(imported.body.created.nodes).toBe(1);
    expect(left(imported).r).toBe(1);
    const again = await limited.http
      .post(`/v1/clusters/${target}/import`)
      .set(bearer(key))
      .set('content-type', 'application/yaml')
      .send(document)
      .expect(429);
    expect(again.body.detail).toContain('this request costs 4 and 1 is left');
    // The refused import cost nothing: the last unit is still there.
    expect(left(await limited.http.get('/v1/tenant').set(bearer(key)).expect(200)).r).toBe(0);

    // GraphQL importManifests: its document is the request body, counted the same way.
    const graphKey = await newKey();
    const res = await gql<{ importManifests: { unchanged: { nodes: number } } }>(
      limited,
      graphKey,
      'mutation($c: String!, $d: String!) { importManifests(clusterId: $c, document: $d, format: YAML) { unchanged { nodes } } }',
      { c: target, d: paddedYaml(2.5 * MiB) },
    );
    expect(res.status).toBe(200);
    expect(res.data?.importManifests.unchanged.nodes).toBe(1);
    expect(left(await limited.http.get('/v1/tenant').set(bearer(graphKey)).expect(200)).r).toBe(1); // 3 units for ~2.5 MiB, then 1
  });

  it('starts a new window when the old one ends', async () => {
    const key = await newKey();
    for (let r = 1; r >= 0; r--) {
      const res = await quick.http.get('/v1/tenant').set(bearer(key)).expect(200);
      expect(policyOf(res)).toBe('"key";q=2;w=2');
      expect(left(res).r).toBe(r);
      expect([1, 2]).toContain(left(res).t);
    }
    const refused = await quick.http.get('/v1/tenant').set(bearer(key)).expect(429);
    expect(['1', '2']).toContain(refused.headers['retry-after']);
    await within(3_000, async () => (await quick.http.get('/v1/tenant').set(bearer(key))).status === 200);
    const next = await quick.http.get('/v1/tenant').set(bearer(key)).expect(200);
    expect(left(next).r).toBe(0);
  });

  it('with a limit of 0 counts nothing and sends no rate-limit headers', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await setup.http.get('/v1/tenant').set(bearer(tenant.apiKey)).expect(200);
      expect(res.headers.ratelimit).toBeUndefined();
      expect(res.headers['ratelimit-policy']).toBeUndefined();
    }
  });
});

describe('rate limit of the operator token', () => {
  it('is its own: 3 tenants per window here, then 429 naming SVCPATH_OPERATOR_RATE_LIMIT', async () => {
    for (let r = 2; r >= 0; r--) {
      const res = await limited.http
        .post('/v1/tenants')
        .set(bearer(ADMIN_TOKEN))
        .send({ name: `op-${r}-${Date.now()}` })
        .expect(201);
      expect(policyOf(res)).toBe('"operator";q=3;w=60');
      expect(left(res).r).toBe(r);
    }
    const refused = await limited.http
      .post('/v1/tenants')
      .set(bearer(ADMIN_TOKEN))
      .send({ name: `op-x-${Date.now()}` })
      .expect(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(refused.body.detail).toContain('the operator token may use 3 units per 60 s (SVCPATH_OPERATOR_RATE_LIMIT');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Keys are not affected by the operator's count.
    expect(
      left(
        await limited.http
          .get('/v1/tenant')
          .set(bearer(await newKey()))
          .expect(200),
      ).r,
    ).toBe(4);
  });
});
