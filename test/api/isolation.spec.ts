import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTenant, gql, snapshot, startTestApp, TestApp, TestTenant } from '../support/test-app';

/**
 * Tenant B must get, for every id of tenant A, exactly what it gets for an id that does not exist
 * (404 / NOT_FOUND), and nothing of A may change.
 */
let t: TestApp;
let a: TestTenant;
let b: TestTenant;
const ids = { cluster: '', node: '', pod: '', service: '', key: '' };

beforeAll(async () => {
  t = await startTestApp();
  a = await createTenant(t, 'tenant-a');
  b = await createTenant(t, 'tenant-b');
  const http = (path: string, body: object) =>
    t.http
      .post(path)
      .set(bearer(a.apiKey))
      .send(body)
      .expect(201)
      .then((r) => r.body.id as string);
  ids.cluster = await http('/v1/clusters', { name: 'shared-name', clusterCidrs: ['10.244.0.0/16'] });
  ids.node = await http(`/v1/clusters/${ids.cluster}/nodes`, { name: 'node-a', internalIps: ['192.168.1.10'] });
  ids.pod = await http(`/v1/clusters/${ids.cluster}/pods`, {
    namespace: 'default',
    name: 'pod-a',
    nodeName: 'node-a',
    ips: ['10.244.0.10'],
  });
  ids.service = await http(`/v1/clusters/${ids.cluster}/services`, {
    namespace: 'default',
    name: 'svc-a',
    ports: [{ port: 80 }],
  });
  ids.key = await http('/v1/api-keys', { name: 'second', scope: 'read' });
  // B may use the same names and addresses in its own cluster: names are per tenant.
  const bc = await t.http.post('/v1/clusters').set(bearer(b.apiKey)).send({ name: 'shared-name' }).expect(201);
  await t.http
    .post(`/v1/clusters/${bc.body.id}/nodes`)
    .set(bearer(b.apiKey))
    .send({ name: 'node-a', internalIps: ['192.168.1.10'] })
    .expect(201);
});
afterAll(async () => t?.close());

type Route = [method: 'get' | 'patch' | 'delete' | 'post', path: (id: typeof ids) => string, body?: object];
const routes: Route[] = [
  ['get', (i) => `/v1/clusters/${i.cluster}`],
  ['patch', (i) => `/v1/clusters/${i.cluster}`, { proxyMode: 'IPVS' }],
  ['delete', (i) => `/v1/clusters/${i.cluster}`],
  ['get', (i) => `/v1/clusters/${i.cluster}/nodes`],
  ['post', (i) => `/v1/clusters/${i.cluster}/nodes`, { name: 'intruder', internalIps: ['192.168.9.9'] }],
  ['get', (i) => `/v1/clusters/${i.cluster}/nodes/${i.node}`],
  ['patch', (i) => `/v1/clusters/${i.cluster}/nodes/${i.node}`, { labels: { x: 'y' } }],
  ['delete', (i) => `/v1/clusters/${i.cluster}/nodes/${i.node}`],
  ['get', (i) => `/v1/clusters/${i.cluster}/pods`],
  ['post', (i) => `/v1/clusters/${i.cluster}/pods`, { namespace: 'default', name: 'intruder' }],
  ['get', (i) => `/v1/clusters/${i.cluster}/pods/${i.pod}`],
  ['patch', (i) => `/v1/clusters/${i.cluster}/pods/${i.pod}`, { ready: false }],
  ['delete', (i) => `/v1/clusters/${i.cluster}/pods/${i.pod}`],
  ['get', (i) => `/v1/clusters/${i.cluster}/services`],
  [
    'post',
    (i) => `/v1/clusters/${i.cluster}/services`,
    { namespace: 'default', name: 'intruder', ports: [{ port: 80 }] },
  ],
  ['get', (i) => `/v1/clusters/${i.cluster}/services/${i.service}`],
  ['patch', (i) => `/v1/clusters/${i.cluster}/services/${i.service}`, { type: 'NodePort' }],
  ['delete', (i) => `/v1/clusters/${i.cluster}/services/${i.service}`],
  ['delete', (i) => `/v1/api-keys/${i.key}`],
];

const missing = () => ({
  cluster: randomUUID(),
  node: randomUUID(),
  pod: randomUUID(),
  service: randomUUID(),
  key: randomUUID(),
});

describe('tenant isolation over REST', () => {
  it.each(
    routes.map(
      (r) =>
        [
          `${r[0].toUpperCase()} ${r[1]({ cluster: '{cluster}', node: '{node}', pod: '{pod}', service: '{service}', key: '{key}' })}`,
          r,
        ] as const,
    ),
  )(
    "%s: B gets the same 404 for A's ids as for ids that do not exist, and A is unchanged",
    async (_name, [method, path, body]) => {
      const before = await snapshot(t);
      const foreign = await t.http[method](path(ids)).set(bearer(b.apiKey)).send(body);
      const absent = await t.http[method](path(missing())).set(bearer(b.apiKey)).send(body);
      expect(foreign.status).toBe(404);
      expect(absent.status).toBe(404);
      expect(foreign.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect({ ...foreign.body, detail: undefined, requestId: undefined }).toEqual({
        ...absent.body,
        detail: undefined,
        requestId: undefined,
      });
      expect(await snapshot(t)).toEqual(before);
    },
  );

  it("lists show only the caller's objects", async () => {
    const list = await t.http.get('/v1/clusters').set(bearer(b.apiKey)).expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].id).not.toBe(ids.cluster);
    const keys = await t.http.get('/v1/api-keys').set(bearer(b.apiKey)).expect(200);
    expect(keys.body.map((k: { id: string }) => k.id)).not.toContain(ids.key);
  });
});

const fields: [name: string, query: string][] = [
  ['cluster', 'query($c: String!) { cluster(id: $c) { id } }'],
  ['updateCluster', 'mutation($c: String!) { updateCluster(id: $c, input: {proxyMode: IPVS}) { id } }'],
  ['deleteCluster', 'mutation($c: String!) { deleteCluster(id: $c) }'],
  ['nodes', 'query($c: String!) { nodes(clusterId: $c) { items { id } } }'],
  ['node', 'query($c: String!, $n: String!) { node(clusterId: $c, id: $n) { id } }'],
  [
    'createNode',
    'mutation($c: String!) { createNode(clusterId: $c, input: {name: "intruder", internalIps: ["192.168.9.9"]}) { id } }',
  ],
  [
    'updateNode',
    'mutation($c: String!, $n: String!) { updateNode(clusterId: $c, id: $n, input: {labels: {x: "y"}}) { id } }',
  ],
  ['deleteNode', 'mutation($c: String!, $n: String!) { deleteNode(clusterId: $c, id: $n) }'],
  ['pods', 'query($c: String!) { pods(clusterId: $c) { items { id } } }'],
  ['pod', 'query($c: String!, $p: String!) { pod(clusterId: $c, id: $p) { id } }'],
  [
    'createPod',
    'mutation($c: String!) { createPod(clusterId: $c, input: {namespace: "default", name: "intruder"}) { id } }',
  ],
  [
    'updatePod',
    'mutation($c: String!, $p: String!) { updatePod(clusterId: $c, id: $p, input: {ready: false}) { id } }',
  ],
  ['deletePod', 'mutation($c: String!, $p: String!) { deletePod(clusterId: $c, id: $p) }'],
  ['services', 'query($c: String!) { services(clusterId: $c) { items { id } } }'],
  ['service', 'query($c: String!, $s: String!) { service(clusterId: $c, id: $s) { id } }'],
  [
    'createService',
    'mutation($c: String!) { createService(clusterId: $c, input: {namespace: "default", name: "intruder", ports: [{port: 80}]}) { id } }',
  ],
  [
    'updateService',
    'mutation($c: String!, $s: String!) { updateService(clusterId: $c, id: $s, input: {type: NodePort}) { id } }',
  ],
  ['deleteService', 'mutation($c: String!, $s: String!) { deleteService(clusterId: $c, id: $s) }'],
  ['revokeApiKey', 'mutation($k: String!) { revokeApiKey(id: $k) { id } }'],
];

describe('tenant isolation over GraphQL', () => {
  it.each(fields)(
    "%s: B gets NOT_FOUND for A's ids, as for ids that do not exist, and A is unchanged",
    async (_name, query) => {
      const vars = (i: typeof ids) => {
        const all = { c: i.cluster, n: i.node, p: i.pod, s: i.service, k: i.key };
        return Object.fromEntries(Object.entries(all).filter(([k]) => query.includes(`$${k}:`)));
      };
      const before = await snapshot(t);
      const foreign = await gql(t, b.apiKey, query, vars(ids));
      const absent = await gql(t, b.apiKey, query, vars(missing()));
      expect(foreign.errors?.[0].extensions.code).toBe('NOT_FOUND');
      expect(absent.errors?.[0].extensions.code).toBe('NOT_FOUND');
      expect(foreign.data).toEqual(absent.data);
      expect(await snapshot(t)).toEqual(before);
    },
  );
});
