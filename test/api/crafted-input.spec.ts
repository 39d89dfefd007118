import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTenant, snapshot, startTestApp, TestApp, TestTenant } from '../support/test-app';

/**
 * Crafted bodies on the analysis routes (issue 15, "no 500 from any input"): a missing or null
 * nested object, a null body, a non-object body. Each is a 400 problem+json naming the field,
 * and nothing is stored.
 */
let t: TestApp;
let tenant: TestTenant;
let clusterId: string;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t);
  clusterId = (await t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name: 'crafted' }).expect(201)).body
    .id;
});
afterAll(async () => t?.close());

const send = (path: string, body: unknown) =>
  t.http
    .post(`/v1/clusters/${clusterId}${path}`)
    .set(bearer(tenant.apiKey))
    .set('content-type', 'application/json')
    .send(JSON.stringify(body));

describe('crafted bodies on the analysis routes', () => {
  it.each([
    ['/reachability', {}, 'client'],
    ['/reachability', { client: null, service: 'a/b' }, 'client'],
    ['/reachability', { client: 'x', service: 'a/b' }, 'client'],
    ['/reachability', null, 'body'],
    ['/reachability', [], 'body'],
    ['/trace', {}, 'source'],
    ['/trace', { source: { pod: 'a/b' } }, 'destination'],
    ['/trace', { source: null, destination: null }, 'source'],
    ['/what-if', {}, 'change'],
    ['/what-if', { change: null, reachability: { client: { node: 'n' }, service: 'a/b' } }, 'change'],
    [
      '/what-if',
      { change: { services: [{ service: 'a/b' }] }, reachability: { client: { node: 'n' }, service: 'a/b' } },
      'set',
    ],
    [
      '/what-if',
      { change: { pods: [{ pod: 'a/b', set: null }] }, reachability: { client: { node: 'n' }, service: 'a/b' } },
      'set',
    ],
    ['/what-if', { change: { nodes: [{ node: 'n' }] }, trace: { source: { node: 'n' } } }, 'set'],
  ])('POST %s %j is a 400 naming %s', async (path, body, field) => {
    const before = await snapshot(t, ['clusters']);
    const res = await send(path, body);
    expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
      status: 400,
      type: expect.stringContaining('application/problem+json'),
    });
    expect(JSON.stringify(res.body)).toContain(field);
    expect(await snapshot(t, ['clusters'])).toEqual(before);
  });
});

describe('a JSON body that is not an object, on any route with an input', () => {
  it.each([
    ['post', '/v1/api-keys', null],
    ['post', '/v1/api-keys', 'reader'],
    ['patch', 'CLUSTER', null],
    ['patch', 'CLUSTER', [1, 2]],
    ['post', 'CLUSTER/networkpolicies', 42],
  ] as const)('%s %s with %j is a 400 naming the body; nothing changes', async (method, path, body) => {
    const url = path.replace('CLUSTER', `/v1/clusters/${clusterId}`);
    const before = await snapshot(t, ['clusters', 'api_keys', 'network_policies']);
    const res = await t.http[method](url)
      .set(bearer(tenant.apiKey))
      .set('content-type', 'application/json')
      .send(JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'body' }] });
    expect(await snapshot(t, ['clusters', 'api_keys', 'network_policies'])).toEqual(before);
  });
});

describe('deep nesting and NUL characters are refused before validation', () => {
  it('a body nested 10,000 levels deep is a 400 naming the limit, on a REST input and on the analysis routes', async () => {
    // Written out as text: JSON.stringify itself recurses.
    const deep = `${'{"a":'.repeat(10000)}{}${'}'.repeat(10000)}`;
    for (const path of ['/reachability', '/what-if']) {
      const res = await t.http
        .post(`/v1/clusters/${clusterId}${path}`)
        .set(bearer(tenant.apiKey))
        .set('content-type', 'application/json')
        .send(`{"client":${deep},"change":${deep},"service":"a/b"}`);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].message).toMatch(/nested deeper than 32 levels/);
    }
  });

  it('a NUL character in a body string or in a query parameter is a 400 naming the field; nothing stored', async () => {
    const before = await snapshot(t, ['clusters', 'namespaces']);
    const body = await t.http
      .post(`/v1/clusters/${clusterId}/namespaces`)
      .set(bearer(tenant.apiKey))
      .send({ name: 'ok', labels: { team: 'a\u0000b' } });
    expect(body.status).toBe(400);
    expect(body.body.errors[0]).toMatchObject({ field: 'body.labels.team', message: expect.stringContaining('NUL') });
    const query = await t.http.get(`/v1/clusters/${clusterId}/pods?namespace=a%00b`).set(bearer(tenant.apiKey));
    expect(query.status).toBe(400);
    expect(JSON.stringify(query.body)).toContain('NUL');
    expect(await snapshot(t, ['clusters', 'namespaces'])).toEqual(before);
  });
});
