import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClusterModel } from '../../src/engine';
import { ModelCache } from '../../src/modules/analysis/model-cache';
import { TopologyLoader } from '../../src/modules/analysis/topology-loader';
import { bearer, createTenant, startSecondInstance, startTestApp, TestApp, TestTenant } from '../support/test-app';

/**
 * After an import, the analyses use the model built from the import's own data (ModelCache.adopt)
 * instead of reading the cluster back. That model must be exactly what TopologyLoader reads after
 * the commit, byte for byte once arrays are put in one order (the loader's row order is the
 * table's), and must give the same answers.
 */
const FIXTURES = join(__dirname, '..', 'import', 'fixtures');
const SHARED = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'kubectl');
let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t);
});
afterAll(async () => t?.close());

async function newCluster(body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.http.post('/v1/clusters').set(bearer(tenant.apiKey))
    .send({ name: `m-${Math.random().toString(36).slice(2, 8)}`, clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'], ...body }).expect(201);
  return res.body.id as string;
}
const importDoc = (clusterId: string, text: string, type: string) =>
  t.http.post(`/v1/clusters/${clusterId}/import`).set(bearer(tenant.apiKey)).set('content-type', type).send(text);

/** The model with every list in one order, as JSON: key order and every value count. */
function canonical(model: ClusterModel): string {
  const byName = <T extends { name: string; namespace?: string }>(items: readonly T[]) =>
    [...items].sort((a, b) => `${a.namespace ?? ''}/${a.name}`.localeCompare(`${b.namespace ?? ''}/${b.name}`));
  return JSON.stringify({ ...model, nodes: byName(model.nodes), pods: byName(model.pods), services: byName(model.services), endpointSlices: byName(model.endpointSlices) });
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

const SHARED_DOCS = ['k9s-render-testdata-node-minikube-v1.15.json', 'citrix-docs-svc-apache-LB-Local-externalIPs-k8s2019.yaml'];

describe('the model of an imported cluster', () => {
  it('is what the database holds after the import: a fresh cluster, then a second import that changes part of it', async () => {
    const clusterId = await newCluster();
    await importDoc(clusterId, readFileSync(join(FIXTURES, 'realistic-list.json'), 'utf8'), 'application/json').expect(200);
    let { adopted, stored } = await adoptedAndStored(clusterId);
    expect(stored.pods.length).toBeGreaterThan(0);
    expect(stored.endpointSlices.length).toBeGreaterThan(0);
    expect(canonical(adopted)).toBe(canonical(stored));

    // Objects that stay as they are, objects the document changes, objects it adds.
    const doc = JSON.parse(readFileSync(join(FIXTURES, 'realistic-list.json'), 'utf8')) as { items: Record<string, any>[] };
    const pod = doc.items.find((i) => i.kind === 'Pod')!;
    pod.metadata.labels = { ...pod.metadata.labels, zz: 'added', a: 'first-by-length' };
    const svc = doc.items.find((i) => i.kind === 'Service' && i.spec.selector)!;
    svc.metadata.annotations = { 'example.com/owner': 'team-a', b: '1' };
    doc.items.push({ ...pod, metadata: { ...pod.metadata, name: `${pod.metadata.name}-twin`, uid: undefined }, status: { ...pod.status, podIP: undefined, podIPs: [] } });
    await importDoc(clusterId, JSON.stringify(doc), 'application/json').expect(200);
    ({ adopted, stored } = await adoptedAndStored(clusterId));
    expect(canonical(adopted)).toBe(canonical(stored));
  });

  it('is what the database holds on a CCE cluster (annotations stored as the CCE rules normalise them)', async () => {
    const clusterId = await newCluster({ profile: 'CCE', networkModel: 'VPC' });
    const res = await importDoc(clusterId, readFileSync(join(FIXTURES, 'realistic-list.json'), 'utf8'), 'application/json');
    expect(res.status).toBe(200);
    const { adopted, stored } = await adoptedAndStored(clusterId);
    expect(stored.services.length).toBeGreaterThan(0);
    expect(canonical(adopted)).toBe(canonical(stored));
  });

  it.each(SHARED_DOCS)('is what the database holds after importing %s', async (name) => {
    const clusterId = await newCluster();
    await importDoc(clusterId, readFileSync(join(SHARED, name), 'utf8'), name.endsWith('.json') ? 'application/json' : 'application/yaml').expect(200);
    const { adopted, stored } = await adoptedAndStored(clusterId);
    expect(canonical(adopted)).toBe(canonical(stored));
  });

  it('gives the same answers as a model read from the database', async () => {
    const clusterId = await newCluster();
    await importDoc(clusterId, readFileSync(join(FIXTURES, 'realistic-list.json'), 'utf8'), 'application/json').expect(200);
    const reading = await startSecondInstance(t); // never saw the import: reads the cluster
    try {
      const services = (await t.http.get(`/v1/clusters/${clusterId}/services?limit=200`).set(bearer(tenant.apiKey)).expect(200)).body.items as { namespace: string; name: string }[];
      const pods = (await t.http.get(`/v1/clusters/${clusterId}/pods?limit=200`).set(bearer(tenant.apiKey)).expect(200)).body.items as { namespace: string; name: string }[];
      expect(services.length).toBeGreaterThan(0);
      for (const s of services) {
        const question = { client: { pod: `${pods[0].namespace}/${pods[0].name}` }, service: `${s.namespace}/${s.name}` };
        const here = await t.http.post(`/v1/clusters/${clusterId}/reachability`).set(bearer(tenant.apiKey)).set('accept-encoding', 'identity').send(question);
        const there = await reading.http.post(`/v1/clusters/${clusterId}/reachability`).set(bearer(tenant.apiKey)).set('accept-encoding', 'identity').send(question);
        expect(here.status).toBe(there.status);
        expect(here.text).toBe(there.text);
      }
    } finally {
      await reading.close();
    }
  });

  it('is not kept when the cluster changes again: the next analysis sees the change', async () => {
    const clusterId = await newCluster();
    await importDoc(clusterId, readFileSync(join(FIXTURES, 'realistic-list.json'), 'utf8'), 'application/json').expect(200);
    await t.http.post(`/v1/clusters/${clusterId}/nodes`).set(bearer(tenant.apiKey)).send({ name: 'late-node', internalIps: ['192.168.77.7'] }).expect(201);
    const model = (await t.app.get(ModelCache).get(tenant.id, clusterId)).model;
    expect(model.nodes.map((n) => n.name)).toContain('late-node');
  });
});

it('every kubectl fixture of the shared folder named above exists', () => {
  const names = new Set(readdirSync(SHARED));
  for (const name of SHARED_DOCS) expect(names.has(name)).toBe(true);
});
