import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClusterModel } from '../../src/engine';
import { ModelCache } from '../../src/modules/analysis/model-cache';
import { TopologyLoader } from '../../src/modules/analysis/topology-loader';
import { parseKubectl } from '../../src/modules/import/parse';
import {
  bearer,
  createTenant,
  gql,
  snapshot,
  startSecondInstance,
  startTestApp,
  TestApp,
  TestTenant,
} from '../support/test-app';

/**
 * POST /v1/clusters/{id}/import and the importManifests mutation on a real PostgreSQL: the
 * realistic kubectl dump (JSON and its YAML twin), every shared kubectl fixture, idempotency,
 * all-or-nothing errors, the analyses on an imported topology against the same one built by
 * REST mutations, and the model the analyses take from an import against the one read back.
 */
const FIXTURES = join(__dirname, '..', 'import', 'fixtures');
const SHARED = join(__dirname, '..', 'fixtures', 'kubectl');
const realisticJson = readFileSync(join(FIXTURES, 'realistic-list.json'), 'utf8');
const realisticYaml = readFileSync(join(FIXTURES, 'realistic-list.yaml'), 'utf8');

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t);
});
afterAll(async () => t?.close());

let clusterSeq = 0;
async function newCluster(body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.http
    .post('/v1/clusters')
    .set(bearer(tenant.apiKey))
    .send({ name: `import-${++clusterSeq}`, clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'], ...body })
    .expect(201);
  return res.body.id as string;
}

function importDoc(clusterId: string, text: string, type = 'application/json', key = tenant.apiKey) {
  return t.http.post(`/v1/clusters/${clusterId}/import`).set(bearer(key)).set('content-type', type).send(text);
}

const get = async (path: string) => (await t.http.get(path).set(bearer(tenant.apiKey)).expect(200)).body;

/** The stored topology of a cluster, without what differs between clusters (ids, timestamps). */
async function topology(clusterId: string): Promise<Record<string, unknown[]>> {
  const strip = (items: Record<string, unknown>[]) =>
    items.map(({ id: _i, clusterId: _c, createdAt: _a, updatedAt: _u, version: _v, ...rest }) => rest);
  const out: Record<string, unknown[]> = {};
  for (const kind of ['nodes', 'pods', 'services'])
    out[kind] = strip((await get(`/v1/clusters/${clusterId}/${kind}?limit=200`)).items);
  const c = new Client({ connectionString: t.adminUrl });
  await c.connect();
  try {
    const rows = await c.query(
      'SELECT namespace, name, service_name, address_type, ports, endpoints FROM endpoint_slices WHERE cluster_id = $1 ORDER BY namespace, name',
      [clusterId],
    );
    out.endpointSlices = rows.rows;
  } finally {
    await c.end();
  }
  return out;
}

const counts = (
  nodes: number,
  pods: number,
  services: number,
  endpointSlices: number,
  namespaces = 0,
  networkPolicies = 0,
) => ({ nodes, pods, services, endpointSlices, namespaces, networkPolicies });
const ZERO = counts(0, 0, 0, 0);

describe('importing the realistic dump', () => {
  let clusterId: string;
  let firstReport: Record<string, unknown>;

  beforeAll(async () => {
    clusterId = await newCluster();
  });

  it('creates every object and reports it', async () => {
    const before = (await get(`/v1/clusters/${clusterId}`)).version as number;
    const res = await importDoc(clusterId, realisticJson).expect(200);
    firstReport = res.body;
    expect(res.body).toMatchObject({
      created: counts(3, 10, 5, 5),
      updated: ZERO,
      unchanged: ZERO,
      skipped: [],
      warnings: [],
      kubeProxy: null,
    });
    expect(res.body.clusterVersion).toBe(before + 1);
    expect((await get(`/v1/clusters/${clusterId}`)).version).toBe(before + 1);
    const stored = await topology(clusterId);
    expect(stored.nodes).toHaveLength(3);
    expect(stored.pods).toHaveLength(10);
    expect(stored.services.find((s) => (s as { name: string }).name === 'web-public')).toMatchObject({
      namespace: 'shop',
      type: 'LoadBalancer',
      clusterIps: ['10.96.200.7'],
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 32417,
      loadBalancerIngress: [{ ip: '192.0.2.50', ipMode: 'VIP' }],
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 30443 }],
    });
    expect(stored.endpointSlices).toHaveLength(5);
    expect(stored.pods.find((p) => (p as { name: string }).name === 'kube-proxy-fj7tq')).toMatchObject({
      hostNetwork: true,
      nodeName: 'worker-1',
      ips: ['10.0.0.11'],
    });
  });

  it('is idempotent: the same document again changes nothing, not even the cluster version', async () => {
    const version = (await get(`/v1/clusters/${clusterId}`)).version as number;
    const before = await snapshot(t);
    const res = await importDoc(clusterId, realisticJson).expect(200);
    expect(res.body).toMatchObject({
      created: ZERO,
      updated: ZERO,
      unchanged: counts(3, 10, 5, 5),
      clusterVersion: version,
    });
    expect(await snapshot(t)).toEqual(before);
    // The YAML twin is the same document.
    const yaml = await importDoc(clusterId, realisticYaml, 'application/yaml').expect(200);
    expect(yaml.body).toMatchObject({
      created: ZERO,
      updated: ZERO,
      unchanged: counts(3, 10, 5, 5),
      clusterVersion: version,
    });
  });

  it('updates what changed and counts the rest as unchanged', async () => {
    const doc = JSON.parse(realisticJson);
    doc.items[1].metadata.labels.zone = 'b';
    doc.items[16].spec.ports[0].nodePort = 31081;
    const version = (await get(`/v1/clusters/${clusterId}`)).version as number;
    const res = await importDoc(clusterId, JSON.stringify(doc)).expect(200);
    expect(res.body).toMatchObject({
      created: ZERO,
      updated: counts(1, 0, 1, 0),
      unchanged: counts(2, 10, 4, 5),
      clusterVersion: version + 1,
    });
    // The old NodePort was given back: putting the original back works too.
    await importDoc(clusterId, realisticJson).expect(200);
  });

  it('addresses may move between the objects of one import (two pods swap IPs)', async () => {
    const doc = JSON.parse(realisticJson);
    const [a, b] = [doc.items[8].status, doc.items[11].status];
    [a.podIP, b.podIP] = [b.podIP, a.podIP];
    [a.podIPs, b.podIPs] = [b.podIPs, a.podIPs];
    const res = await importDoc(clusterId, JSON.stringify(doc)).expect(200);
    expect(res.body).toMatchObject({ created: ZERO, updated: counts(0, 2, 0, 0) });
    await importDoc(clusterId, realisticJson).expect(200);
  });

  it('the YAML twin into another cluster stores the same topology', async () => {
    const other = await newCluster();
    const res = await importDoc(other, realisticYaml, 'application/x-yaml').expect(200);
    expect(res.body).toMatchObject({ created: counts(3, 10, 5, 5), updated: ZERO, unchanged: ZERO });
    expect(await topology(other)).toEqual(await topology(clusterId));
  });

  it('the GraphQL mutation gives the same report as REST', async () => {
    const other = await newCluster();
    const res = await gql<{ importManifests: Record<string, unknown> }>(
      t,
      tenant.apiKey,
      `mutation($c: String!, $d: String!) {
      importManifests(clusterId: $c, document: $d, format: JSON) {
        created { nodes pods services endpointSlices namespaces networkPolicies } updated { nodes pods services endpointSlices namespaces networkPolicies } unchanged { nodes pods services endpointSlices namespaces networkPolicies } deleted { nodes pods services endpointSlices namespaces networkPolicies }
        skipped { index source kind apiVersion name reason } warnings { index source kind name message }
        kubeProxy { proxyMode clusterCidrs localDetector masqueradeAll localhostNodePorts nodePortAddresses } clusterVersion } }`,
      { c: other, d: realisticJson },
    );
    expect(res.errors).toBeUndefined();
    expect({ ...res.data!.importManifests, archive: null }).toEqual(firstReport);
    expect(await topology(other)).toEqual(await topology(clusterId));
    // YAML, and errors as typed GraphQL errors naming the item and field.
    const yaml = await gql<{ importManifests: { unchanged: unknown } }>(
      t,
      tenant.apiKey,
      `mutation($c: String!, $d: String!) {
      importManifests(clusterId: $c, document: $d, format: YAML) { unchanged { nodes pods services endpointSlices namespaces networkPolicies } } }`,
      { c: other, d: realisticYaml },
    );
    expect(yaml.data!.importManifests.unchanged).toEqual(counts(3, 10, 5, 5));
    const doc = JSON.parse(realisticJson);
    doc.items[16].spec.ports[0].port = 0;
    const bad = await gql(
      t,
      tenant.apiKey,
      `mutation($c: String!, $d: String!) { importManifests(clusterId: $c, document: $d, format: JSON) { clusterVersion } }`,
      { c: other, d: JSON.stringify(doc) },
    );
    expect(bad.errors![0].extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'items[16].spec.ports[0].port' }],
    });
  });
});

describe('errors: nothing is stored', () => {
  let clusterId: string;
  beforeAll(async () => {
    clusterId = await newCluster();
    await importDoc(clusterId, realisticJson).expect(200);
  });

  it('an invalid object is a 400 naming the item and its field', async () => {
    const doc = JSON.parse(realisticJson);
    doc.items[16].spec.ports[0].port = 70000;
    doc.items[0].metadata.labels.extra = 'x'; // a change before the bad item: must not be stored either
    const before = await snapshot(t);
    const res = await importDoc(clusterId, JSON.stringify(doc)).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors[0].field).toBe('items[16].spec.ports[0].port');
    expect(res.body.detail).toContain('Service shop/api');
    expect(await snapshot(t)).toEqual(before);
  });

  it('a rule of the write path is a 400 naming the item (a NodePort outside the cluster range)', async () => {
    const doc = JSON.parse(realisticJson);
    doc.items[16].spec.ports[0].nodePort = 29999;
    const before = await snapshot(t);
    const res = await importDoc(clusterId, JSON.stringify(doc)).expect(400);
    expect(res.body.errors[0].field).toBe('items[16].spec.ports[0].nodePort');
    expect(res.body.detail).toMatch(/^item 16 \(Service shop\/api\): spec\.ports\[0\]\.nodePort: /);
    expect(await snapshot(t)).toEqual(before);
  });

  it('malformed JSON and YAML are 400s about the document', async () => {
    const json = await importDoc(clusterId, '{"apiVersion": "v1", "kind": "List", "items": [').expect(400);
    expect(json.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'document' }] });
    expect(json.body.detail).toContain('invalid JSON');
    const yaml = await importDoc(clusterId, 'apiVersion: v1\nkind: Service\n  bad: [', 'text/yaml').expect(400);
    expect(yaml.body.detail).toContain('invalid YAML');
  });

  it('an address held by another object is a 409 naming the item and the holder', async () => {
    const before = await snapshot(t);
    const pod = [
      'apiVersion: v1',
      'kind: Node',
      'metadata: {name: extra-node}',
      'status: {addresses: [{type: InternalIP, address: 10.0.0.99}]}',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: intruder, namespace: shop}',
      'spec: {nodeName: worker-1, containers: [{name: c, image: x}]}',
      'status: {phase: Running, podIP: 10.244.1.14, podIPs: [{ip: 10.244.1.14}]}',
    ].join('\n');
    const res = await importDoc(clusterId, pod, 'application/yaml').expect(409);
    expect(res.body.errors[0].field).toBe('items[1].status.podIPs[0]');
    expect(res.body.detail).toContain('Pod shop/intruder');
    expect(res.body.detail).toContain('pod shop/web-6b7f9c8d5-abx2k');
    expect(await snapshot(t)).toEqual(before);
  });

  it('two objects of the document that clash: 409, nothing stored', async () => {
    const other = await newCluster();
    const before = await snapshot(t);
    const doc = JSON.parse(realisticJson);
    doc.items[17].spec.ports[0].nodePort = 31080; // web-public takes api's NodePort
    const res = await importDoc(other, JSON.stringify(doc)).expect(409);
    expect(res.body.errors[0].field).toBe('items[17].spec.ports[0].nodePort');
    expect(res.body.detail).toContain('service shop/api');
    expect(await snapshot(t)).toEqual(before);
  });

  it('of several clashes, the 409 names the first object in document order, as one object at a time would', async () => {
    const pod = (name: string, ip: string) =>
      [
        'apiVersion: v1',
        'kind: Pod',
        `metadata: {name: ${name}, namespace: shop}`,
        'spec: {nodeName: worker-1, containers: [{name: c, image: x}]}',
        `status: {phase: Running, podIP: ${ip}, podIPs: [{ip: ${ip}}]}`,
      ].join('\n');
    const intruder = pod('intruder', '10.244.1.14'); // held by a stored pod
    const twins = [pod('twin-a', '10.244.9.1'), pod('twin-b', '10.244.9.1')]; // clash with each other
    const before = await snapshot(t);
    const first = await importDoc(clusterId, [intruder, ...twins].join('\n---\n'), 'application/yaml').expect(409);
    expect(first.body.errors[0].field).toBe('items[0].status.podIPs[0]');
    expect(first.body.detail).toContain('pod shop/web-6b7f9c8d5-abx2k');
    const second = await importDoc(clusterId, [...twins, intruder].join('\n---\n'), 'application/yaml').expect(409);
    expect(second.body.errors[0].field).toBe('items[1].status.podIPs[0]');
    expect(second.body.detail).toContain('Pod shop/twin-b');
    expect(second.body.detail).toContain('pod shop/twin-a');
    expect(await snapshot(t)).toEqual(before);
  });

  it('other content types are 415; a read-scoped key is 403; an unknown cluster is 404', async () => {
    await importDoc(clusterId, realisticJson, 'text/plain').expect(415);
    const xml = await importDoc(clusterId, '<List/>', 'application/xml').expect(415);
    expect(xml.headers['content-type']).toMatch(/^application\/problem\+json/);
    const key = (await t.http.post('/v1/api-keys').set(bearer(tenant.apiKey)).send({ scope: 'read' }).expect(201)).body
      .apiKey as string;
    await importDoc(clusterId, realisticJson, 'application/json', key).expect(403);
    await importDoc('00000000-0000-4000-8000-000000000000', realisticJson).expect(404);
  });

  it('other routes still parse JSON as before and refuse YAML', async () => {
    const bad = await t.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .set('content-type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    await t.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .set('content-type', 'application/yaml')
      .send('name: x')
      .expect(415);
    await t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name: 'still-json' }).expect(201);
  });
});

describe('annotations', () => {
  const service = (annotations: Record<string, string>) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc', namespace: 'default', annotations },
      spec: { type: 'ClusterIP', clusterIP: '10.96.7.7', ports: [{ port: 80 }], selector: { app: 'x' } },
    });

  it("kubectl's last-applied-configuration is dropped with a warning; nothing else is truncated", async () => {
    const clusterId = await newCluster();
    const res = await importDoc(
      clusterId,
      service({ 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(10_000), keep: 'me' }),
    ).expect(200);
    expect(res.body.warnings).toContainEqual(
      expect.objectContaining({
        index: 0,
        kind: 'Service',
        name: 'default/svc',
        message: expect.stringContaining('last-applied-configuration'),
      }),
    );
    const stored = (await get(`/v1/clusters/${clusterId}/services`)).items[0];
    expect(stored.annotations).toEqual({ keep: 'me' });
    const tooLong = await importDoc(clusterId, service({ big: 'y'.repeat(5000) })).expect(400);
    expect(tooLong.body.errors[0].field).toBe('items[0].metadata.annotations["big"]');
  });
});

// ---------------------------------------------------------------- the shared kubectl fixtures

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

/**
 * What the README says of each file: imported (200) with these kinds skipped, and what it stores;
 * or, when nothing in it can be imported, a 422 whose message says what it found (`nothing`).
 */
const EXPECTED: Record<string, { skipped: string[]; created: ReturnType<typeof counts>; nothing?: string }> = {
  'citrix-docs-svc-apache-INPUT-MANIFEST-duplicate-selector-key.yaml': { skipped: [], created: counts(0, 0, 1, 0) },
  'citrix-docs-svc-apache-LB-Local-externalIPs-k8s2019.yaml': { skipped: [], created: counts(0, 0, 1, 0) },
  'k8s-testdata/hack-testdata-list.yaml': { skipped: ['Deployment'], created: counts(0, 0, 1, 0) },
  'k8s-testdata/hack-testdata-multi-resource-list.json': {
    skipped: ['ReplicationController'],
    created: counts(0, 0, 1, 0),
  },
  'k8s-testdata/hack-testdata-multi-resource-yaml.yaml': {
    skipped: ['ReplicationController'],
    created: counts(0, 0, 1, 0),
  },
  'k8s-testdata/kubeproxy-v1alpha1-after-defaulting.yaml': { skipped: [], created: ZERO },
  'k8s-testdata/kubeproxy-v1alpha2-after-defaulting.yaml': { skipped: [], created: ZERO },
  'k9s-render-testdata-node-minikube-v1.15.json': { skipped: [], created: counts(1, 0, 0, 0) },
  'kubeadm-config-v1beta3-4docs-kubeproxy-ipvs-strictARP-True.yaml': {
    skipped: ['InitConfiguration', 'ClusterConfiguration', 'KubeletConfiguration'],
    created: ZERO,
  },
  'kubeadm-multidoc-clusterconfig-v1beta2-kubeproxy-ipvs.yaml': { skipped: ['ClusterConfiguration'], created: ZERO },
  'kubectl-neat-fixtures/list1-raw.yaml': { skipped: [], created: counts(0, 2, 0, 0) },
  'kubectl-neat-fixtures/pod1-raw.yaml': { skipped: [], created: counts(0, 1, 0, 0) },
  'kubectl-neat-fixtures/service1-raw.yaml': { skipped: [], created: counts(0, 0, 1, 0) },
  'kubeproxy-configmap-nftables-kubeadm-v1.31.yaml': { skipped: [], created: ZERO },
  'otc-cce-docs/otc-cce-endpoints-v1-example.json': {
    skipped: ['Endpoints'],
    created: ZERO,
    nothing: '1 × legacy Endpoints with no matching Service in the document',
  },
  'otc-cce-docs/otc-cce-node-v1.13-vendor-fields.json': { skipped: [], created: counts(1, 0, 0, 0) },
  'otc-cce-docs/otc-cce-service-elb-existing-lb-externalTrafficPolicy-Local.yaml': {
    skipped: [],
    created: counts(0, 0, 1, 0),
  },
  'otc-cce-docs/otc-cce-v3-nodelist-NOT-a-k8s-object.json': {
    skipped: ['Node'],
    created: ZERO,
    nothing: '1 × unsupported apiVersion v3',
  },
  'written/topology-affinity-minimal-list.yaml': { skipped: [], created: counts(2, 3, 2, 2) },
  'written/namespaces-networkpolicies-list.yaml': { skipped: [], created: counts(0, 0, 0, 0, 2, 4) },
};

describe('the shared kubectl fixtures import as their README says', () => {
  const all = files(SHARED)
    .map((f) => relative(SHARED, f))
    .filter((f) => f !== 'README.md')
    .sort();

  it('every file has an expectation', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(all);
  });

  it.each(all)('%s', async (name) => {
    const clusterId = await newCluster();
    const type = name.endsWith('.json') ? 'application/json' : 'application/yaml';
    const res = await importDoc(clusterId, readFileSync(join(SHARED, name), 'utf8'), type);
    const { nothing } = EXPECTED[name];
    if (nothing !== undefined) {
      // Never a 200 that imported nothing: a 422 that says what the document holds.
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.errors[0]).toEqual({
        field: 'document',
        message: `nothing to import: ${EXPECTED[name].skipped.length} object(s), none importable: ${nothing}`,
      });
      return;
    }
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.skipped.map((s: { kind: string }) => s.kind)).toEqual(EXPECTED[name].skipped);
    expect(res.body.created).toEqual(EXPECTED[name].created);
    // Idempotent on every fixture.
    const again = await importDoc(clusterId, readFileSync(join(SHARED, name), 'utf8'), type).expect(200);
    expect(again.body.created).toEqual(ZERO);
    expect(again.body.updated).toEqual(ZERO);
    expect(again.body.clusterVersion).toBe(res.body.clusterVersion);
  });

  it('kube-proxy configuration sets the cluster options (C1: nftables, cluster CIDR, ClusterCIDR detector)', async () => {
    const clusterId = await newCluster({ clusterCidrs: [] });
    expect((await get(`/v1/clusters/${clusterId}`)).kubeProxy.localDetector).toBe('NONE');
    const res = await importDoc(
      clusterId,
      readFileSync(join(SHARED, 'kubeproxy-configmap-nftables-kubeadm-v1.31.yaml'), 'utf8'),
      'application/yaml',
    ).expect(200);
    // The whole configuration: nodePortAddresses null in nftables mode is kube-proxy's default, the node's primary IPs.
    // The cluster had no pod ranges: kube-proxy's clusterCIDR becomes them as well as kube-proxy's own.
    expect(res.body.kubeProxy).toEqual({
      proxyMode: 'NFTABLES',
      clusterCidrs: ['10.244.0.0/16'],
      kubeProxyClusterCidrs: ['10.244.0.0/16'],
      localDetector: 'CLUSTER_CIDR',
      masqueradeAll: false,
      localhostNodePorts: true,
      nodePortAddresses: ['primary'],
    });
    const cluster = await get(`/v1/clusters/${clusterId}`);
    expect(cluster).toMatchObject({
      proxyMode: 'NFTABLES',
      clusterCidrs: ['10.244.0.0/16'],
      kubeProxy: {
        localDetector: 'CLUSTER_CIDR',
        masqueradeAll: false,
        localhostNodePorts: true,
        nodePortAddresses: ['primary'],
        clusterCidrs: ['10.244.0.0/16'],
      },
    });
    expect(res.body.clusterVersion).toBe(cluster.version);
    // C2 (only `mode: ipvs`, and a kubeadm podSubnet hint) is a whole configuration too: what it leaves out takes kube-proxy's defaults.
    // The cluster now has pod ranges: they stay; the podSubnet kubeadm gives kube-proxy is kube-proxy's own, apart from them.
    const c2 = await importDoc(
      clusterId,
      readFileSync(join(SHARED, 'kubeadm-multidoc-clusterconfig-v1beta2-kubeproxy-ipvs.yaml'), 'utf8'),
      'application/yaml',
    ).expect(200);
    const apart =
      "kubeProxy.clusterCidrs[0] 192.168.180.0/24 does not overlap clusterCidrs[0] 10.244.0.0/16: kube-proxy's ClusterCIDR detector will not recognise the cluster's IPv4 pods";
    expect(await get(`/v1/clusters/${clusterId}`)).toMatchObject({
      proxyMode: 'IPVS',
      clusterCidrs: ['10.244.0.0/16'],
      kubeProxy: { nodePortAddresses: [], localhostNodePorts: true, clusterCidrs: ['192.168.180.0/24'] },
      warnings: [apart],
    });
    expect(c2.body.kubeProxy).toMatchObject({
      proxyMode: 'IPVS',
      nodePortAddresses: [],
      kubeProxyClusterCidrs: ['192.168.180.0/24'],
    });
    expect(c2.body.kubeProxy.clusterCidrs).toBeUndefined();
    expect(c2.body.warnings).toContainEqual(
      expect.objectContaining({ kind: 'KubeProxyConfiguration', message: `clusterCIDR: ${apart}` }),
    );
  });

  it('into a CCE cluster: the CCE rules are checked, pass-through with Local is stored as onlyLocal, and a re-import is unchanged', async () => {
    const clusterId = await newCluster({ profile: 'CCE', kubernetesVersion: '1.28' });
    const doc = JSON.parse(realisticJson);
    doc.items[17].metadata.annotations['kubernetes.io/elb.pass-through'] = 'true';
    const first = await importDoc(clusterId, JSON.stringify(doc)).expect(200);
    expect(first.body.created).toEqual(counts(3, 10, 5, 5));
    const svc = (await get(`/v1/clusters/${clusterId}/services?namespace=shop`)).items.find(
      (s: { name: string }) => s.name === 'web-public',
    );
    expect(svc.annotations['kubernetes.io/elb.pass-through']).toBe('onlyLocal');
    const again = await importDoc(clusterId, JSON.stringify(doc)).expect(200);
    expect(again.body).toMatchObject({ created: ZERO, updated: ZERO, clusterVersion: first.body.clusterVersion });
    // CCE v1.15 or earlier does not support pass-through: 422 naming the item and the rule.
    const old = await newCluster({ profile: 'CCE', kubernetesVersion: '1.15' });
    const before = await snapshot(t);
    const refused = await importDoc(old, JSON.stringify(doc)).expect(422);
    expect(refused.body.errors[0].field).toMatch(/^items\[17\]\.metadata\.annotations/);
    expect(refused.body.rule).toBeTruthy();
    expect(await snapshot(t)).toEqual(before);
  });

  it('a CCE cluster refuses nftables from a KubeProxyConfiguration, naming the item', async () => {
    const clusterId = await newCluster({ profile: 'CCE', serviceCidrs: ['10.247.0.0/16'] });
    const res = await importDoc(
      clusterId,
      readFileSync(join(SHARED, 'kubeproxy-configmap-nftables-kubeadm-v1.31.yaml'), 'utf8'),
      'application/yaml',
    ).expect(400);
    expect(res.body.errors[0].field).toBe('items[0].mode');
  });

  it('a pod on a node the cluster does not have is kept without a node, with a warning; a Service without a clusterIP is stored as unknown', async () => {
    const clusterId = await newCluster();
    const pod = await importDoc(
      clusterId,
      readFileSync(join(SHARED, 'kubectl-neat-fixtures/pod1-raw.yaml'), 'utf8'),
      'application/yaml',
    ).expect(200);
    expect(pod.body.warnings).toContainEqual({
      index: 0,
      kind: 'Pod',
      name: 'default/myapp',
      message: 'spec.nodeName minikube is not a node of this cluster: the pod is stored without a node',
    });
    expect((await get(`/v1/clusters/${clusterId}/pods`)).items[0]).toMatchObject({
      name: 'myapp',
      nodeName: null,
      ips: ['172.17.0.2'],
    });
    await importDoc(
      clusterId,
      readFileSync(join(SHARED, 'k8s-testdata/hack-testdata-list.yaml'), 'utf8'),
      'application/yaml',
    ).expect(200);
    const svc = (await get(`/v1/clusters/${clusterId}/services`)).items[0];
    expect(svc).toMatchObject({ name: 'list-service-test', clusterIps: [], headless: false });
    // Importing the node afterwards places nothing by itself, but a re-import of the pod does.
    await importDoc(
      clusterId,
      readFileSync(join(SHARED, 'k9s-render-testdata-node-minikube-v1.15.json'), 'utf8'),
    ).expect(200);
    const again = await importDoc(
      clusterId,
      readFileSync(join(SHARED, 'kubectl-neat-fixtures/pod1-raw.yaml'), 'utf8'),
      'application/yaml',
    ).expect(200);
    expect(again.body.updated.pods).toBe(1);
    expect((await get(`/v1/clusters/${clusterId}/pods`)).items[0].nodeName).toBe('minikube');
  });
});

// ---------------------------------------------------------------- the analyses agree

describe('the analyses agree: imported vs built by REST mutations', () => {
  let imported: string;
  let built: string;

  beforeAll(async () => {
    imported = await newCluster();
    await importDoc(imported, realisticJson).expect(200);
    built = await newCluster();
    const parsed = parseKubectl(realisticJson, 'application/json');
    const post = (path: string, body: object) =>
      t.http.post(`/v1/clusters/${built}${path}`).set(bearer(tenant.apiKey)).send(body).expect(201);
    for (const n of parsed.nodes) await post('/nodes', n);
    for (const p of parsed.pods) await post('/pods', p);
    // Services with a selector (the REST path derives their endpoints from the pods, the import has EndpointSlices).
    for (const { headless: _h, ...s } of parsed.services.filter((svc) => svc.selector)) await post('/services', s);
  });

  const cases: [string, Record<string, unknown>, string][] = [
    ['a pod to a ClusterIP Service with a named targetPort', { pod: 'shop/api-5d9c7b6f48-h2v7n' }, 'shop/web'],
    ['a node to a NodePort Service', { node: 'worker-1' }, 'shop/api'],
    [
      'an external client to an eTP Local LoadBalancer',
      { external: { network: 'PUBLIC', ip: '198.51.100.7' } },
      'shop/web-public',
    ],
    ['a pod to the DNS Service (UDP and TCP ports)', { pod: 'shop/web-6b7f9c8d5-abx2k' }, 'kube-system/kube-dns'],
  ];

  it.each(cases)('%s', async (_what, client, service) => {
    const ask = async (clusterId: string) =>
      (
        await t.http
          .post(`/v1/clusters/${clusterId}/reachability?detail=full`)
          .set(bearer(tenant.apiKey))
          .send({ client, service })
          .expect(200)
      ).body;
    const a = await ask(imported);
    const b = await ask(built);
    expect(a.results.length).toBeGreaterThan(0);
    expect(a).toEqual(b);
  });
});

/** The model with every list in one order, as JSON: key order and every value count. */
function canonical(model: ClusterModel): string {
  const byName = <T extends { name: string; namespace?: string }>(items: readonly T[]) =>
    [...items].sort((a, b) => `${a.namespace ?? ''}/${a.name}`.localeCompare(`${b.namespace ?? ''}/${b.name}`));
  return JSON.stringify({
    ...model,
    nodes: byName(model.nodes),
    pods: byName(model.pods),
    services: byName(model.services),
    endpointSlices: byName(model.endpointSlices),
  });
}

/** The model the cache holds after the import, checking it was adopted (not read back), and the model read from the database. */
async function adoptedAndStored(clusterId: string): Promise<{ adopted: ClusterModel; stored: ClusterModel }> {
  const loader = t.app.get(TopologyLoader);
  const reads = vi.spyOn(loader, 'snapshot');
  try {
    const adopted = (await t.app.get(ModelCache).get(tenant.id, clusterId)).model;
    expect(reads).not.toHaveBeenCalled();
    const stored = (await loader.snapshot(tenant.id, clusterId))!.model;
    return { adopted, stored };
  } finally {
    reads.mockRestore();
  }
}

const SHARED_DOCS = [
  'k9s-render-testdata-node-minikube-v1.15.json',
  'citrix-docs-svc-apache-LB-Local-externalIPs-k8s2019.yaml',
  'written/topology-affinity-minimal-list.yaml',
];
const TOPOLOGY_DOC = 'written/topology-affinity-minimal-list.yaml';

/**
 * After an import, the analyses use the model built from the import's own data (ModelCache.adopt)
 * instead of reading the cluster back. That model must be exactly what TopologyLoader reads after
 * the commit, byte for byte once arrays are put in one order (the loader's row order is the
 * table's), and must give the same answers.
 */
describe('the model of an imported cluster', () => {
  it('is what the database holds after the import: a fresh cluster, then a second import that changes part of it', async () => {
    const clusterId = await newCluster();
    await importDoc(clusterId, realisticJson, 'application/json').expect(200);
    let { adopted, stored } = await adoptedAndStored(clusterId);
    expect(stored.pods.length).toBeGreaterThan(0);
    expect(stored.endpointSlices.length).toBeGreaterThan(0);
    expect(canonical(adopted)).toBe(canonical(stored));

    // Objects that stay as they are, objects the document changes, objects it adds.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a kubectl document, edited freely
    const doc = JSON.parse(realisticJson) as { items: Record<string, any>[] };
    const pod = doc.items.find((i) => i.kind === 'Pod')!;
    pod.metadata.labels = { ...pod.metadata.labels, zz: 'added', a: 'first-by-length' };
    const svc = doc.items.find((i) => i.kind === 'Service' && i.spec.selector)!;
    svc.metadata.annotations = { 'example.com/owner': 'team-a', b: '1' };
    doc.items.push({
      ...pod,
      metadata: { ...pod.metadata, name: `${pod.metadata.name}-twin`, uid: undefined },
      status: { ...pod.status, podIP: undefined, podIPs: [] },
    });
    await importDoc(clusterId, JSON.stringify(doc), 'application/json').expect(200);
    ({ adopted, stored } = await adoptedAndStored(clusterId));
    expect(canonical(adopted)).toBe(canonical(stored));
  });

  it('is what the database holds on a CCE cluster (annotations stored as the CCE rules normalise them)', async () => {
    const clusterId = await newCluster({ profile: 'CCE', networkModel: 'VPC' });
    const res = await importDoc(clusterId, realisticJson, 'application/json');
    expect(res.status).toBe(200);
    const { adopted, stored } = await adoptedAndStored(clusterId);
    expect(stored.services.length).toBeGreaterThan(0);
    expect(canonical(adopted)).toBe(canonical(stored));
  });

  it.each(SHARED_DOCS)('is what the database holds after importing %s', async (name) => {
    const clusterId = await newCluster();
    await importDoc(
      clusterId,
      readFileSync(join(SHARED, name), 'utf8'),
      name.endsWith('.json') ? 'application/json' : 'application/yaml',
    ).expect(200);
    const { adopted, stored } = await adoptedAndStored(clusterId);
    expect(canonical(adopted)).toBe(canonical(stored));
  });

  it('carries session affinity, traffic distribution, endpoint zones and hints, and node zone labels, as stored and after a REST write patches it', async () => {
    const clusterId = await newCluster();
    await importDoc(clusterId, readFileSync(join(SHARED, TOPOLOGY_DOC), 'utf8'), 'application/yaml').expect(200);
    const { adopted, stored } = await adoptedAndStored(clusterId);
    expect(canonical(adopted)).toBe(canonical(stored));
    const affinity = (m: ClusterModel) =>
      m.services.map((s) => [s.name, s.sessionAffinity, s.sessionAffinityTimeoutSeconds, s.trafficDistribution]).sort();
    expect(affinity(stored)).toEqual([
      ['cache', 'None', null, 'PreferSameNode'],
      ['web', 'ClientIP', 3600, 'PreferSameZone'],
    ]);
    const endpoints = (m: ClusterModel) =>
      m.endpointSlices.flatMap((sl) => sl.endpoints.map((e) => [e.addresses[0], e.zone, e.hints])).sort();
    expect(endpoints(stored)).toEqual([
      ['10.244.1.10', 'zone-a', { forNodes: [], forZones: ['zone-a'] }],
      ['10.244.1.20', 'zone-a', { forNodes: ['node-a1'], forZones: ['zone-a'] }],
      ['10.244.2.10', 'zone-b', { forNodes: [], forZones: ['zone-b'] }],
    ]);
    expect(stored.nodes.map((n) => [n.name, n.labels['topology.kubernetes.io/zone']]).sort()).toEqual([
      ['node-a1', 'zone-a'],
      ['node-b1', 'zone-b'],
    ]);
    // The Services as REST and GraphQL show them.
    const services = (await get(`/v1/clusters/${clusterId}/services?namespace=shop`)).items as Record<
      string,
      unknown
    >[];
    expect(
      services.map((s) => [s.name, s.sessionAffinity, s.sessionAffinityTimeoutSeconds, s.trafficDistribution]),
    ).toEqual([
      ['cache', 'None', null, 'PreferSameNode'],
      ['web', 'ClientIP', 3600, 'PreferSameZone'],
    ]);

    // A REST write patches the cached model with the row it stored: the model a fresh read gives.
    const web = services.find((s) => s.name === 'web')!;
    await t.http
      .patch(`/v1/clusters/${clusterId}/services/${web.id}`)
      .set(bearer(tenant.apiKey))
      .send({ sessionAffinityTimeoutSeconds: 60, trafficDistribution: 'PreferSameNode' })
      .expect(200);
    const loader = t.app.get(TopologyLoader);
    const reads = vi.spyOn(loader, 'snapshot');
    try {
      const patched = (await t.app.get(ModelCache).get(tenant.id, clusterId)).model;
      expect(reads).not.toHaveBeenCalled();
      expect(affinity(patched)).toEqual([
        ['cache', 'None', null, 'PreferSameNode'],
        ['web', 'ClientIP', 60, 'PreferSameNode'],
      ]);
      reads.mockRestore();
      expect(canonical(patched)).toBe(canonical((await loader.snapshot(tenant.id, clusterId))!.model));
    } finally {
      reads.mockRestore();
    }
  });

  it("carries kube-proxy's own clusterCIDR, apart from the pod ranges of a dual-stack cluster, with a warning for the family it lacks", async () => {
    const v4 = '10.244.0.0/16';
    const v6 = 'fd00:10:244::/56';
    const clusterId = await newCluster({ clusterCidrs: [v4, v6] });
    // kubeadm v1.31's kube-proxy ConfigMap: clusterCIDR 10.244.0.0/16, IPv4 only, detectLocalMode "" (ClusterCIDR).
    const res = await importDoc(
      clusterId,
      readFileSync(join(SHARED, 'kubeproxy-configmap-nftables-kubeadm-v1.31.yaml'), 'utf8'),
      'application/yaml',
    ).expect(200);
    const noV6 = `kubeProxy.clusterCidrs has no IPv6 CIDR for clusterCidrs[1] ${v6}: kube-proxy's ClusterCIDR detector recognises no IPv6 pod (a no-op detector for the family; kube-proxy logs "Detect-local-mode set to ClusterCIDR, but no cluster CIDR for family" ipFamily="IPv6")`;
    expect(res.body.kubeProxy).toEqual({
      proxyMode: 'NFTABLES',
      kubeProxyClusterCidrs: [v4],
      localDetector: 'CLUSTER_CIDR',
      masqueradeAll: false,
      localhostNodePorts: true,
      nodePortAddresses: ['primary'],
    });
    expect(res.body.warnings).toEqual([
      { index: 0, kind: 'KubeProxyConfiguration', name: null, message: `clusterCIDR: ${noV6}` },
    ]);
    // The pod ranges stay as they were; the cluster says what kube-proxy's setting means for them.
    expect(await get(`/v1/clusters/${clusterId}`)).toMatchObject({
      clusterCidrs: [v4, v6],
      kubeProxy: { clusterCidrs: [v4], localDetector: 'CLUSTER_CIDR' },
      warnings: [noV6],
    });
    // The model the analyses use (adopted from the import) carries it, as a read of the database does.
    const { adopted, stored } = await adoptedAndStored(clusterId);
    expect(stored.kubeProxy.clusterCidrs).toEqual([v4]);
    expect(stored.clusterCidrs).toEqual([v4, v6]);
    expect(canonical(adopted)).toBe(canonical(stored));
    // The same document again changes nothing.
    const again = await importDoc(
      clusterId,
      readFileSync(join(SHARED, 'kubeproxy-configmap-nftables-kubeadm-v1.31.yaml'), 'utf8'),
      'application/yaml',
    ).expect(200);
    expect(again.body.clusterVersion).toBe(res.body.clusterVersion);
    // GraphQL reports the same.
    const other = await newCluster({ clusterCidrs: [v4, v6] });
    const viaGql = await gql<{ importManifests: { kubeProxy: unknown; warnings: { message: string }[] } }>(
      t,
      tenant.apiKey,
      `mutation($c: String!, $d: String!) {
      importManifests(clusterId: $c, document: $d, format: YAML) { kubeProxy { clusterCidrs kubeProxyClusterCidrs localDetector } warnings { message } } }`,
      { c: other, d: readFileSync(join(SHARED, 'kubeproxy-configmap-nftables-kubeadm-v1.31.yaml'), 'utf8') },
    );
    expect(viaGql.errors).toBeUndefined();
    expect(viaGql.data!.importManifests).toEqual({
      kubeProxy: { clusterCidrs: null, kubeProxyClusterCidrs: [v4], localDetector: 'CLUSTER_CIDR' },
      warnings: [{ message: `clusterCIDR: ${noV6}` }],
    });
  });

  it('refuses a clusterCIDR of two CIDRs of one family, naming the field, storing nothing', async () => {
    const clusterId = await newCluster({ clusterCidrs: [] });
    const before = await snapshot(t);
    const config =
      'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/16,10.245.0.0/16\n';
    const res = await importDoc(clusterId, config, 'application/yaml').expect(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'items[0].clusterCIDR' }] });
    expect(await snapshot(t)).toEqual(before);
  });

  it('gives the same answers as a model read from the database', async () => {
    const clusterId = await newCluster();
    await importDoc(clusterId, realisticJson, 'application/json').expect(200);
    const reading = await startSecondInstance(t); // never saw the import: reads the cluster
    try {
      const services = (
        await t.http.get(`/v1/clusters/${clusterId}/services?limit=200`).set(bearer(tenant.apiKey)).expect(200)
      ).body.items as { namespace: string; name: string }[];
      const pods = (await t.http.get(`/v1/clusters/${clusterId}/pods?limit=200`).set(bearer(tenant.apiKey)).expect(200))
        .body.items as { namespace: string; name: string }[];
      expect(services.length).toBeGreaterThan(0);
      for (const s of services) {
        const question = {
          client: { pod: `${pods[0].namespace}/${pods[0].name}` },
          service: `${s.namespace}/${s.name}`,
        };
        const here = await t.http
          .post(`/v1/clusters/${clusterId}/reachability?detail=full`)
          .set(bearer(tenant.apiKey))
          .set('accept-encoding', 'identity')
          .send(question);
        const there = await reading.http
          .post(`/v1/clusters/${clusterId}/reachability?detail=full`)
          .set(bearer(tenant.apiKey))
          .set('accept-encoding', 'identity')
          .send(question);
        expect(here.status).toBe(there.status);
        expect(here.text).toBe(there.text);
      }
    } finally {
      await reading.close();
    }
  });

  it('is not kept when the cluster changes again: the next analysis sees the change', async () => {
    const clusterId = await newCluster();
    await importDoc(clusterId, realisticJson, 'application/json').expect(200);
    await t.http
      .post(`/v1/clusters/${clusterId}/nodes`)
      .set(bearer(tenant.apiKey))
      .send({ name: 'late-node', internalIps: ['192.168.77.7'] })
      .expect(201);
    const model = (await t.app.get(ModelCache).get(tenant.id, clusterId)).model;
    expect(model.nodes.map((n) => n.name)).toContain('late-node');
  });
});
