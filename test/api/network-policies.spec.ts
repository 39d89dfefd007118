import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCache } from '../../src/modules/analysis/model-cache';
import { TopologyLoader } from '../../src/modules/analysis/topology-loader';
import {
  bearer,
  createTenant,
  gql,
  snapshot,
  startSecondInstance,
  startTestApp,
  TestApp,
  TestTenant,
  within,
} from '../support/test-app';

/** Namespaces and NetworkPolicies (issue 14): CRUD over REST and GraphQL, kube-apiserver's validation, isolation, the model. */
let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let readKey: string;
let shared: string;

const auth = () => bearer(tenant.apiKey);
const TABLES = ['clusters', 'namespaces', 'network_policies'];

async function newCluster(name: string, key = tenant.apiKey): Promise<string> {
  return (await t.http.post('/v1/clusters').set(bearer(key)).send({ name }).expect(201)).body.id as string;
}

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t);
  other = await createTenant(t);
  readKey = (await t.http.post('/v1/api-keys').set(auth()).send({ name: 'reader', scope: 'read' }).expect(201)).body
    .apiKey;
  shared = await newCluster('netpol-shared');
});
afterAll(async () => t?.close());

const ALLOW_FRONTEND = {
  namespace: 'shop',
  name: 'allow-frontend',
  podSelector: { matchLabels: { app: 'backend' } },
  ingress: [
    {
      from: [
        { podSelector: { matchLabels: { app: 'frontend' } } },
        { namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: {} },
      ],
      ports: [{ port: 8080 }, { protocol: 'UDP', port: 'dns' }],
    },
  ],
};

describe('namespaces over REST', () => {
  it('creates with the name label, gets, lists in pages, relabels and deletes', async () => {
    const c = await newCluster('ns-crud');
    const base = `/v1/clusters/${c}/namespaces`;
    const created = await t.http
      .post(base)
      .set(auth())
      .send({ name: 'shop', labels: { team: 'a' } })
      .expect(201);
    expect(created.body).toMatchObject({
      clusterId: c,
      name: 'shop',
      labels: { team: 'a', 'kubernetes.io/metadata.name': 'shop' },
    });
    await t.http.post(base).set(auth()).send({ name: 'default' }).expect(201);
    await t.http
      .post(base)
      .set(auth())
      .send({ name: 'kube-system', labels: { 'kubernetes.io/metadata.name': 'kube-system' } })
      .expect(201);
    expect((await t.http.get(`${base}/${created.body.id}`).set(auth()).expect(200)).body).toEqual(created.body);
    const page1 = await t.http.get(`${base}?limit=2`).set(auth()).expect(200);
    expect(page1.body.items.map((n: { name: string }) => n.name)).toEqual(['default', 'kube-system']);
    const page2 = await t.http.get(`${base}?limit=2&cursor=${page1.body.nextCursor}`).set(auth()).expect(200);
    expect(page2.body).toMatchObject({ items: [{ name: 'shop' }], nextCursor: null });
    const patched = await t.http
      .patch(`${base}/${created.body.id}`)
      .set(auth())
      .send({ labels: { env: 'prod' } })
      .expect(200);
    expect(patched.body.labels).toEqual({ env: 'prod', 'kubernetes.io/metadata.name': 'shop' });
    await t.http.post(base).set(auth()).send({ name: 'shop' }).expect(409);
    await t.http.delete(`${base}/${created.body.id}`).set(auth()).expect(204);
    await t.http.get(`${base}/${created.body.id}`).set(auth()).expect(404);
  });

  it('refuses a bad name, another name label and unknown fields with a 400 naming the field; nothing stored', async () => {
    const base = `/v1/clusters/${shared}/namespaces`;
    const before = await snapshot(t, TABLES);
    const cases: [object, string][] = [
      [{ name: 'Shop' }, 'name'],
      [{ name: 'a.b' }, 'name'],
      [{ name: 'shop', labels: { 'kubernetes.io/metadata.name': 'other' } }, 'labels["kubernetes.io/metadata.name"]'],
      [{ name: 'shop', labels: { 'bad key!': 'x' } }, 'labels'],
      [{ name: 'shop', owner: 'me' }, 'owner'],
    ];
    for (const [body, field] of cases) {
      const res = await t.http.post(base).set(auth()).send(body).expect(400);
      expect(
        res.body.errors.map((e: { field: string }) => e.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    expect(await snapshot(t, TABLES)).toEqual(before);
  });
});

describe('NetworkPolicies over REST', () => {
  it('creates with kube-apiserver defaults, gets, lists by namespace in pages, patches and deletes', async () => {
    const c = await newCluster('np-crud');
    const base = `/v1/clusters/${c}/networkpolicies`;
    const created = await t.http.post(base).set(auth()).send(ALLOW_FRONTEND).expect(201);
    expect(created.body).toMatchObject({
      clusterId: c,
      namespace: 'shop',
      name: 'allow-frontend',
      warnings: [],
      podSelector: { matchLabels: { app: 'backend' }, matchExpressions: [] },
      policyTypes: ['Ingress'],
      egress: [],
      ingress: [
        {
          from: [
            {
              podSelector: { matchLabels: { app: 'frontend' }, matchExpressions: [] },
              namespaceSelector: null,
              ipBlock: null,
            },
            {
              podSelector: { matchLabels: {}, matchExpressions: [] },
              namespaceSelector: { matchLabels: { team: 'a' }, matchExpressions: [] },
              ipBlock: null,
            },
          ],
          ports: [
            { protocol: 'TCP', port: 8080, endPort: null },
            { protocol: 'UDP', port: 'dns', endPort: null },
          ],
        },
      ],
    });
    const egress = await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'default',
        name: 'egress',
        podSelector: {
          matchExpressions: [
            { key: 'tier', operator: 'NotIn', values: ['db'] },
            { key: 'app', operator: 'Exists' },
          ],
        },
        egress: [
          {
            to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }],
            ports: [{ port: 32000, endPort: 32768 }],
          },
        ],
      })
      .expect(201);
    // Egress rules and no policyTypes: Ingress and Egress (SetDefaults_NetworkPolicy).
    expect(egress.body).toMatchObject({
      policyTypes: ['Ingress', 'Egress'],
      egress: [
        {
          to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }],
          ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }],
        },
      ],
    });
    await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'default', name: 'deny-all', policyTypes: ['Ingress', 'Egress'] })
      .expect(201);
    expect((await t.http.get(`${base}/${created.body.id}`).set(auth()).expect(200)).body).toEqual(created.body);
    const page1 = await t.http.get(`${base}?limit=2`).set(auth()).expect(200);
    expect(page1.body.items.map((p: { name: string }) => p.name)).toEqual(['deny-all', 'egress']);
    expect(
      (await t.http.get(`${base}?limit=2&cursor=${page1.body.nextCursor}`).set(auth()).expect(200)).body,
    ).toMatchObject({ items: [{ name: 'allow-frontend' }], nextCursor: null });
    expect((await t.http.get(`${base}?namespace=shop`).set(auth()).expect(200)).body.items).toHaveLength(1);
    // A PATCH replaces what it gives and keeps the rest, policyTypes included (as stored).
    const patched = await t.http
      .patch(`${base}/${created.body.id}`)
      .set(auth())
      .send({ egress: [{ to: [{ namespaceSelector: {} }] }] })
      .expect(200);
    expect(patched.body).toMatchObject({
      policyTypes: ['Ingress'],
      ingress: created.body.ingress,
      egress: [{ to: [{ namespaceSelector: { matchLabels: {}, matchExpressions: [] } }], ports: [] }],
    });
    await t.http.post(base).set(auth()).send(ALLOW_FRONTEND).expect(409);
    await t.http.delete(`${base}/${created.body.id}`).set(auth()).expect(204);
    await t.http.get(`${base}/${created.body.id}`).set(auth()).expect(404);
  });

  it('stores a non-canonical CIDR as its network, with a warning naming the field', async () => {
    const res = await t.http
      .post(`/v1/clusters/${shared}/networkpolicies`)
      .set(auth())
      .send({
        namespace: 'default',
        name: 'sloppy',
        ingress: [{ from: [{ ipBlock: { cidr: '10.244.1.10/4', except: ['10.244.1.10/24'] } }] }],
      })
      .expect(201);
    expect(res.body.ingress[0].from[0].ipBlock).toEqual({ cidr: '0.0.0.0/4', except: ['10.244.1.0/24'] });
    expect(res.body.warnings).toEqual([
      'ingress[0].from[0].ipBlock.cidr: "10.244.1.10/4" is not in canonical form; stored as its network 0.0.0.0/4',
      'ingress[0].from[0].ipBlock.except[0]: "10.244.1.10/24" is not in canonical form; stored as its network 10.244.1.0/24',
    ]);
    expect(
      (await t.http.get(`/v1/clusters/${shared}/networkpolicies/${res.body.id}`).set(auth()).expect(200)).body.warnings,
    ).toEqual([]);
  });

  /** One row per rule of kube-apiserver's validation: the body's spec, the field the 400 names. */
  const RULES: [string, object, string][] = [
    [
      'matchExpressions: unknown operator',
      { podSelector: { matchExpressions: [{ key: 'a', operator: 'Maybe' }] } },
      'podSelector.matchExpressions[0].operator',
    ],
    [
      'matchExpressions: In without values',
      { podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] } },
      'podSelector.matchExpressions[0].values',
    ],
    [
      'matchExpressions: Exists with values',
      { podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] } },
      'podSelector.matchExpressions[0].values',
    ],
    [
      'matchExpressions: bad key',
      { podSelector: { matchExpressions: [{ key: '-a', operator: 'Exists' }] } },
      'podSelector.matchExpressions[0].key',
    ],
    [
      'matchExpressions: bad value',
      { podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: ['not ok'] }] } },
      'podSelector.matchExpressions[0].values[0]',
    ],
    [
      'matchLabels: bad value',
      { ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: '-x' } } }] }] },
      'ingress[0].from[0].namespaceSelector.matchLabels',
    ],
    ['peer: empty', { ingress: [{ from: [{}] }] }, 'ingress[0].from[0]'],
    [
      'peer: ipBlock and a selector',
      { egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] },
      'egress[0].to[0]',
    ],
    [
      'ipBlock: not a CIDR',
      { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.300/8' } }] }] },
      'ingress[0].from[0].ipBlock.cidr',
    ],
    [
      'ipBlock: except outside cidr',
      { ingress: [{ from: [{ podSelector: {} }, { ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] } }] }] },
      'ingress[0].from[1].ipBlock.except[0]',
    ],
    [
      'ipBlock: except as large as cidr',
      { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] } }] }] },
      'ingress[0].from[0].ipBlock.except[0]',
    ],
    [
      'ipBlock: except of another family',
      { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['fd00::/64'] } }] }] },
      'ingress[0].from[0].ipBlock.except[0]',
    ],
    ['port: out of range', { ingress: [{ ports: [{ port: 70000 }] }] }, 'ingress[0].ports[0].port'],
    ['port: bad name', { ingress: [{ ports: [{ port: 'Not_A_Name' }] }] }, 'ingress[0].ports[0].port'],
    ['port: unknown protocol', { egress: [{ ports: [{ protocol: 'ICMP', port: 1 }] }] }, 'egress[0].ports[0].protocol'],
    ['endPort below port', { ingress: [{ ports: [{ port: 8080, endPort: 80 }] }] }, 'ingress[0].ports[0].endPort'],
    [
      'endPort with a named port',
      { ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] },
      'ingress[0].ports[0].endPort',
    ],
    ['endPort without port', { ingress: [{ ports: [{ endPort: 90 }] }] }, 'ingress[0].ports[0].endPort'],
    ['policyTypes: unknown', { policyTypes: ['Inbound'] }, 'policyTypes[0]'],
    ['policyTypes: more than two', { policyTypes: ['Ingress', 'Egress', 'Ingress'] }, 'policyTypes'],
  ];

  it.each(RULES)('%s: 400 naming the field, nothing stored', async (_name, spec, field) => {
    const before = await snapshot(t, TABLES);
    const res = await t.http
      .post(`/v1/clusters/${shared}/networkpolicies`)
      .set(auth())
      .send({ namespace: 'default', name: 'bad', ...spec })
      .expect(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await snapshot(t, TABLES)).toEqual(before);
  });

  it('validates a PATCH the same way, and names the policy by DNS-1123 rules', async () => {
    const base = `/v1/clusters/${shared}/networkpolicies`;
    const id = (await t.http.post(base).set(auth()).send({ namespace: 'default', name: 'patched' }).expect(201)).body
      .id;
    const res = await t.http
      .patch(`${base}/${id}`)
      .set(auth())
      .send({ ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] })
      .expect(400);
    expect(res.body.errors).toEqual([
      { field: 'ingress[0].ports[0].endPort', message: 'may not be specified when `port` is non-numeric' },
    ]);
    expect(
      (await t.http.post(base).set(auth()).send({ namespace: 'Default', name: 'x' }).expect(400)).body.errors[0].field,
    ).toBe('namespace');
    expect(
      (await t.http.post(base).set(auth()).send({ namespace: 'default', name: 'X_1' }).expect(400)).body.errors[0]
        .field,
    ).toBe('name');
    expect(
      (
        await t.http
          .post(base)
          .set(auth())
          .send({
            namespace: 'default',
            name: 'x',
            ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', extra: 1 } }] }],
          })
          .expect(400)
      ).body.errors[0].field,
    ).toBe('ingress[0].from[0].ipBlock.extra');
  });
});

describe('access', () => {
  it('a read key reads but gets 403 on every change', async () => {
    const c = await newCluster('np-read');
    const ns = (await t.http.post(`/v1/clusters/${c}/namespaces`).set(auth()).send({ name: 'a' }).expect(201)).body.id;
    const np = (
      await t.http.post(`/v1/clusters/${c}/networkpolicies`).set(auth()).send({ namespace: 'a', name: 'p' }).expect(201)
    ).body.id;
    const read = bearer(readKey);
    await t.http.get(`/v1/clusters/${c}/namespaces/${ns}`).set(read).expect(200);
    await t.http.get(`/v1/clusters/${c}/networkpolicies`).set(read).expect(200);
    await t.http.post(`/v1/clusters/${c}/namespaces`).set(read).send({ name: 'b' }).expect(403);
    await t.http.patch(`/v1/clusters/${c}/namespaces/${ns}`).set(read).send({ labels: {} }).expect(403);
    await t.http.delete(`/v1/clusters/${c}/namespaces/${ns}`).set(read).expect(403);
    await t.http.post(`/v1/clusters/${c}/networkpolicies`).set(read).send({ namespace: 'a', name: 'q' }).expect(403);
    await t.http
      .patch(`/v1/clusters/${c}/networkpolicies/${np}`)
      .set(read)
      .send({ policyTypes: ['Egress'] })
      .expect(403);
    await t.http.delete(`/v1/clusters/${c}/networkpolicies/${np}`).set(read).expect(403);
    const gqlWrite = await gql(
      t,
      readKey,
      'mutation($c: String!) { createNamespace(clusterId: $c, input: { name: "z" }) { id } }',
      { c },
    );
    expect(gqlWrite.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('another tenant gets 404 for the cluster and its objects, over REST and GraphQL', async () => {
    const c = await newCluster('np-isolated');
    const ns = (await t.http.post(`/v1/clusters/${c}/namespaces`).set(auth()).send({ name: 'a' }).expect(201)).body.id;
    const np = (
      await t.http.post(`/v1/clusters/${c}/networkpolicies`).set(auth()).send({ namespace: 'a', name: 'p' }).expect(201)
    ).body.id;
    const theirs = bearer(other.apiKey);
    await t.http.get(`/v1/clusters/${c}/namespaces`).set(theirs).expect(404);
    await t.http.get(`/v1/clusters/${c}/namespaces/${ns}`).set(theirs).expect(404);
    await t.http.post(`/v1/clusters/${c}/networkpolicies`).set(theirs).send({ namespace: 'a', name: 'q' }).expect(404);
    await t.http.delete(`/v1/clusters/${c}/networkpolicies/${np}`).set(theirs).expect(404);
    // Their own cluster does not reach ours by id either.
    const mine = await newCluster('np-isolated', other.apiKey);
    await t.http.get(`/v1/clusters/${mine}/networkpolicies/${np}`).set(theirs).expect(404);
    const q = await gql(
      t,
      other.apiKey,
      'query($c: String!, $id: String!) { networkPolicy(clusterId: $c, id: $id) { id } }',
      { c, id: np },
    );
    expect(q.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await t.http.get(`/v1/clusters/${c}/networkpolicies/${np}`).set(auth()).expect(200)).body.name).toBe('p');
  });
});

describe('GraphQL', () => {
  it('mirrors REST: namespaces and networkPolicies queries and mutations', async () => {
    const c = await newCluster('np-gql');
    const key = tenant.apiKey;
    const ns = await gql<{ createNamespace: { id: string; labels: Record<string, string> } }>(
      t,
      key,
      'mutation($c: String!) { createNamespace(clusterId: $c, input: { name: "shop", labels: { team: "a" } }) { id labels } }',
      { c },
    );
    expect(ns.data?.createNamespace.labels).toEqual({ team: 'a', 'kubernetes.io/metadata.name': 'shop' });
    const created = await gql<{
      createNetworkPolicy: {
        id: string;
        policyTypes: string[];
        warnings: string[];
        ingress: {
          from: { ipBlock: { cidr: string } | null }[];
          ports: { port: number | string; protocol: string }[];
        }[];
      };
    }>(
      t,
      key,
      `mutation($c: String!, $i: CreateNetworkPolicyInput!) { createNetworkPolicy(clusterId: $c, input: $i) {
        id policyTypes warnings ingress { from { ipBlock { cidr except } podSelector { matchLabels } } ports { protocol port endPort } } } }`,
      {
        c,
        i: {
          namespace: 'shop',
          name: 'p',
          ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.1/8' } }], ports: [{ port: 'http' }] }],
        },
      },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.createNetworkPolicy).toMatchObject({
      policyTypes: ['Ingress'],
      warnings: [
        'ingress[0].from[0].ipBlock.cidr: "10.0.0.1/8" is not in canonical form; stored as its network 10.0.0.0/8',
      ],
      ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 'http' }] }],
    });
    const id = created.data!.createNetworkPolicy.id;
    const bad = await gql(
      t,
      key,
      'mutation($c: String!, $id: String!) { updateNetworkPolicy(clusterId: $c, id: $id, input: { policyTypes: ["Both"] }) { id } }',
      { c, id },
    );
    expect(bad.errors?.[0].extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'policyTypes[0]' }],
    });
    const updated = await gql(
      t,
      key,
      'mutation($c: String!, $id: String!) { updateNetworkPolicy(clusterId: $c, id: $id, input: { policyTypes: ["Egress"] }) { policyTypes } }',
      { c, id },
    );
    expect(updated.data).toEqual({ updateNetworkPolicy: { policyTypes: ['Egress'] } });
    const listed = await gql(
      t,
      key,
      'query($c: String!) { namespaces(clusterId: $c) { items { name } nextCursor } networkPolicies(clusterId: $c, namespace: "shop") { items { name } } }',
      { c },
    );
    expect(listed.data).toEqual({
      namespaces: { items: [{ name: 'shop' }], nextCursor: null },
      networkPolicies: { items: [{ name: 'p' }] },
    });
    const one = await gql(t, key, 'query($c: String!, $id: String!) { namespace(clusterId: $c, id: $id) { name } }', {
      c,
      id: ns.data!.createNamespace.id,
    });
    expect(one.data).toEqual({ namespace: { name: 'shop' } });
    const upd = await gql(
      t,
      key,
      'mutation($c: String!, $id: String!) { updateNamespace(clusterId: $c, id: $id, input: { labels: { x: "y" } }) { labels } }',
      { c, id: ns.data!.createNamespace.id },
    );
    expect(upd.data).toEqual({ updateNamespace: { labels: { x: 'y', 'kubernetes.io/metadata.name': 'shop' } } });
    expect(
      (
        await gql(t, key, 'mutation($c: String!, $id: String!) { deleteNetworkPolicy(clusterId: $c, id: $id) }', {
          c,
          id,
        })
      ).data,
    ).toEqual({ deleteNetworkPolicy: true });
    expect(
      (
        await gql(t, key, 'mutation($c: String!, $id: String!) { deleteNamespace(clusterId: $c, id: $id) }', {
          c,
          id: ns.data!.createNamespace.id,
        })
      ).data,
    ).toEqual({ deleteNamespace: true });
  });

  it('sets and resets networkPolicyEnforced on a cluster (REST and GraphQL)', async () => {
    const created = await t.http
      .post('/v1/clusters')
      .set(auth())
      .send({ name: 'np-enforced', networkPolicyEnforced: false })
      .expect(201);
    expect(created.body.networkPolicyEnforced).toBe(false);
    const c = created.body.id as string;
    expect(
      (await t.http.patch(`/v1/clusters/${c}`).set(auth()).send({ kubernetesVersion: '1.32' }).expect(200)).body
        .networkPolicyEnforced,
    ).toBe(false);
    expect(
      (await t.http.patch(`/v1/clusters/${c}`).set(auth()).send({ networkPolicyEnforced: null }).expect(200)).body
        .networkPolicyEnforced,
    ).toBeNull();
    const g = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { updateCluster(id: $c, input: { networkPolicyEnforced: true }) { networkPolicyEnforced } }',
      { c },
    );
    expect(g.data).toEqual({ updateCluster: { networkPolicyEnforced: true } });
    await t.http
      .post('/v1/clusters')
      .set(auth())
      .send({ name: 'np-enforced-bad', networkPolicyEnforced: 'yes' })
      .expect(400);
  });
});

describe('the analysis model', () => {
  it('holds the namespaces, policies and the enforcement setting after each write, here and on a second instance', async () => {
    const two = await startSecondInstance(t);
    try {
      const c = await newCluster('np-model');
      const fresh = async () => (await t.app.get(TopologyLoader).snapshot(tenant.id, c))!.model;
      const cached = async (app: TestApp) => (await app.app.get(ModelCache).get(tenant.id, c)).model;
      // Both instances hold the model before the writes (so the writes patch it rather than load it).
      expect((await cached(t)).namespaces).toEqual([]);
      expect((await cached(two)).networkPolicies).toEqual([]);
      await t.http
        .post(`/v1/clusters/${c}/namespaces`)
        .set(auth())
        .send({ name: 'shop', labels: { team: 'a' } })
        .expect(201);
      const np = await t.http.post(`/v1/clusters/${c}/networkpolicies`).set(auth()).send(ALLOW_FRONTEND).expect(201);
      await t.http.patch(`/v1/clusters/${c}`).set(auth()).send({ networkPolicyEnforced: true }).expect(200);
      const model = await fresh();
      expect(model.namespaces).toEqual([
        { name: 'shop', labels: { team: 'a', 'kubernetes.io/metadata.name': 'shop' } },
      ]);
      expect(model.networkPolicyEnforced).toBe(true);
      expect(model.networkPolicies).toEqual([
        {
          namespace: 'shop',
          name: 'allow-frontend',
          podSelector: { matchLabels: { app: 'backend' }, matchExpressions: [] },
          policyTypes: ['Ingress'],
          egress: [],
          ingress: [
            {
              peers: [
                {
                  podSelector: { matchLabels: { app: 'frontend' }, matchExpressions: [] },
                  namespaceSelector: null,
                  ipBlock: null,
                },
                {
                  podSelector: { matchLabels: {}, matchExpressions: [] },
                  namespaceSelector: { matchLabels: { team: 'a' }, matchExpressions: [] },
                  ipBlock: null,
                },
              ],
              ports: [
                { protocol: 'TCP', port: 8080, endPort: null },
                { protocol: 'UDP', port: 'dns', endPort: null },
              ],
            },
          ],
        },
      ]);
      expect(await cached(t)).toEqual(model);
      await within(3_000, async () => JSON.stringify(await cached(two)) === JSON.stringify(model));
      await t.http.delete(`/v1/clusters/${c}/networkpolicies/${np.body.id}`).set(auth()).expect(204);
      expect((await cached(t)).networkPolicies).toEqual([]);
      await within(3_000, async () => (await cached(two)).networkPolicies?.length === 0);
      expect(await cached(two)).toEqual(await fresh());
    } finally {
      await two.close();
    }
  });
});
