import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCache } from '../../src/modules/analysis/model-cache';
import { TopologyLoader } from '../../src/modules/analysis/topology-loader';
import { bearer, createTenant, gql, snapshot, startTestApp, TestApp, TestTenant } from '../support/test-app';

/** Import of Namespaces and NetworkPolicies (issue 14): merge, replace, kinds, the API's rules, the model. */
const FIXTURE = readFileSync(
  join(__dirname, '..', 'fixtures', 'kubectl', 'written', 'namespaces-networkpolicies-list.yaml'),
  'utf8',
);

let t: TestApp;
let tenant: TestTenant;
const auth = () => bearer(tenant.apiKey);

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t);
});
afterAll(async () => t?.close());

async function newCluster(name: string): Promise<string> {
  return (await t.http.post('/v1/clusters').set(auth()).send({ name }).expect(201)).body.id as string;
}

const importDoc = (id: string, body: string | object, query = '') => {
  const req = t.http.post(`/v1/clusters/${id}/import${query}`).set(auth());
  return typeof body === 'string' ? req.set('content-type', 'application/yaml').send(body) : req.send(body);
};

const list = (items: object[]) => ({ apiVersion: 'v1', kind: 'List', items });
const ns = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
const np = (namespace: string, name: string, spec: object) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace, name },
  spec,
});

describe('importing Namespaces and NetworkPolicies', () => {
  it("creates the fixture's objects, counts them, and an unchanged second import changes nothing", async () => {
    const c = await newCluster('imp-np');
    const first = await importDoc(c, FIXTURE).expect(200);
    expect(first.body.created).toMatchObject({ namespaces: 2, networkPolicies: 4, nodes: 0, pods: 0 });
    expect(first.body.skipped).toEqual([]);
    const policies = (await t.http.get(`/v1/clusters/${c}/networkpolicies`).set(auth()).expect(200)).body.items;
    const byName = Object.fromEntries(policies.map((p: { name: string }) => [p.name, p]));
    expect(byName['test-network-policy']).toMatchObject({
      namespace: 'default',
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
            { namespaceSelector: { matchLabels: { project: 'myproject' } } },
            { podSelector: { matchLabels: { role: 'frontend' } } },
          ],
          ports: [{ protocol: 'TCP', port: 6379, endPort: null }],
        },
      ],
    });
    expect(byName['allow-all-egress']).toMatchObject({ policyTypes: ['Egress'], egress: [{ to: [], ports: [] }] });
    expect(byName['multi-port-egress'].egress[0].ports).toEqual([{ protocol: 'TCP', port: 32000, endPort: 32768 }]);
    const namespaces = (await t.http.get(`/v1/clusters/${c}/namespaces`).set(auth()).expect(200)).body.items;
    expect(namespaces.map((n: { name: string; labels: object }) => [n.name, n.labels])).toEqual([
      ['default', { 'kubernetes.io/metadata.name': 'default' }],
      ['myproject', { 'kubernetes.io/metadata.name': 'myproject', project: 'myproject' }],
    ]);
    const again = await importDoc(c, FIXTURE).expect(200);
    expect(again.body.unchanged).toMatchObject({ namespaces: 2, networkPolicies: 4 });
    expect(again.body.clusterVersion).toBe(first.body.clusterVersion);
    // The analyses' model holds them, exactly as a fresh read gives it.
    const model = (await t.app.get(ModelCache).get(tenant.id, c)).model;
    expect(model.networkPolicies?.map((p) => p.name).sort()).toEqual([
      'allow-all-egress',
      'default-deny-ingress',
      'multi-port-egress',
      'test-network-policy',
    ]);
    expect(model).toEqual((await t.app.get(TopologyLoader).snapshot(tenant.id, c))!.model);
  });

  it('merge updates by name; replace deletes what the document lacks of a kind it carries or declares', async () => {
    const c = await newCluster('imp-np-replace');
    await importDoc(c, FIXTURE).expect(200);
    const merged = await importDoc(c, list([ns('myproject', { project: 'other' }), np('default', 'extra', {})])).expect(
      200,
    );
    expect(merged.body).toMatchObject({
      updated: { namespaces: 1 },
      created: { networkPolicies: 1 },
      deleted: { namespaces: 0, networkPolicies: 0 },
    });
    const replaced = await importDoc(c, list([np('default', 'extra', {})]), '?mode=replace').expect(200);
    expect(replaced.body).toMatchObject({
      unchanged: { networkPolicies: 1 },
      deleted: { networkPolicies: 4, namespaces: 0 },
    });
    expect(
      (await t.http.get(`/v1/clusters/${c}/networkpolicies`).set(auth()).expect(200)).body.items.map(
        (p: { name: string }) => p.name,
      ),
    ).toEqual(['extra']);
    // A declared kind with no object in the document is emptied.
    const emptied = await importDoc(c, list([]), '?mode=replace&kinds=namespaces').expect(200);
    expect(emptied.body.deleted).toMatchObject({ namespaces: 2, networkPolicies: 0 });
    expect((await t.http.get(`/v1/clusters/${c}/namespaces`).set(auth()).expect(200)).body.items).toEqual([]);
    const g = await gql(
      t,
      tenant.apiKey,
      `mutation($c: String!, $d: String!) {
      importManifests(clusterId: $c, document: $d, format: JSON, mode: REPLACE, kinds: [NETWORK_POLICIES]) { deleted { networkPolicies namespaces } } }`,
      { c, d: JSON.stringify(list([])) },
    );
    expect(g.data).toEqual({ importManifests: { deleted: { networkPolicies: 1, namespaces: 0 } } });
    expect(
      (await importDoc(c, list([]), '?mode=replace&kinds=networkpolicies,bogus').expect(400)).body.errors[0].field,
    ).toBe('kinds');
  });

  it('refuses what the API refuses, naming the object and its field; nothing stored', async () => {
    const c = await newCluster('imp-np-bad');
    const before = await snapshot(t, ['clusters', 'namespaces', 'network_policies']);
    const cases: [object, string][] = [
      [
        np('default', 'bad', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] }] }),
        'items[1].spec.ingress[0].from[0].ipBlock.except[0]',
      ],
      [
        np('default', 'bad', { egress: [{ ports: [{ port: 'http', endPort: 9000 }] }] }),
        'items[1].spec.egress[0].ports[0].endPort',
      ],
      [
        np('default', 'bad', { podSelector: { matchExpressions: [{ key: 'a', operator: 'Maybe' }] } }),
        'items[1].spec.podSelector.matchExpressions[0].operator',
      ],
      [
        ns('other', { 'kubernetes.io/metadata.name': 'else' }),
        'items[1].metadata.labels["kubernetes.io/metadata.name"]',
      ],
    ];
    for (const [bad, field] of cases) {
      const res = await importDoc(c, list([ns('default'), bad])).expect(400);
      expect(res.body.errors[0].field, JSON.stringify(bad)).toBe(field);
    }
    expect(await snapshot(t, ['clusters', 'namespaces', 'network_policies'])).toEqual(before);
  });

  it('keeps a non-canonical CIDR as its network, with a warning naming the object and field', async () => {
    const c = await newCluster('imp-np-sloppy');
    const res = await importDoc(
      c,
      list([np('default', 'sloppy', { ingress: [{ from: [{ ipBlock: { cidr: '10.244.1.10/4' } }] }] })]),
    ).expect(200);
    expect(res.body.warnings).toEqual([
      expect.objectContaining({
        kind: 'NetworkPolicy',
        name: 'default/sloppy',
        message:
          'spec.ingress[0].from[0].ipBlock.cidr: "10.244.1.10/4" is not in canonical form; stored as its network 0.0.0.0/4',
      }),
    ]);
    const stored = (await t.http.get(`/v1/clusters/${c}/networkpolicies`).set(auth()).expect(200)).body.items[0];
    expect(stored.ingress[0].from[0].ipBlock.cidr).toBe('0.0.0.0/4');
  });
});
