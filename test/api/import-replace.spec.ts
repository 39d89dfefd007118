import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appWithTenant, bearer, gql, snapshot } from '../support/test-app';

/**
 * Snapshot sync: POST /v1/clusters/{id}/import?mode=replace (and importManifests(mode: REPLACE))
 * on a real PostgreSQL. A later `kubectl get -A -o json` of the same cluster must apply whole:
 * what the snapshot lacks is deleted before addresses are claimed, references stay whole, an
 * unchanged snapshot changes nothing, and the analyses see the cluster the snapshot describes.
 */
const realistic = readFileSync(join(__dirname, '..', 'import', 'fixtures', 'realistic-list.json'), 'utf8');
type Doc = {
  items: {
    kind: string;
    metadata: { name: string; namespace?: string };
    status?: Record<string, unknown>;
    spec?: Record<string, unknown>;
  }[];
};
const doc = (): Doc => JSON.parse(realistic) as Doc;
const without = (d: Doc, ...names: string[]): Doc => ({
  ...d,
  items: d.items.filter((o) => !names.includes(o.metadata.name)),
});
const counts = (
  nodes: number,
  pods: number,
  services: number,
  endpointSlices: number,
  namespaces = 0,
  networkPolicies = 0,
) => ({ nodes, pods, services, endpointSlices, namespaces, networkPolicies });
const ZERO = counts(0, 0, 0, 0);

const ctx = appWithTenant();

let seq = 0;
async function clusterWithRealisticDump(): Promise<string> {
  const res = await ctx.t.http
    .post('/v1/clusters')
    .set(bearer(ctx.tenant.apiKey))
    .send({ name: `replace-${++seq}`, clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] })
    .expect(201);
  const id = res.body.id as string;
  await importDoc(id, doc(), 'replace').expect(200);
  return id;
}

function importDoc(clusterId: string, body: Doc, mode?: string) {
  return ctx.t.http
    .post(`/v1/clusters/${clusterId}/import${mode ? `?mode=${mode}` : ''}`)
    .set(bearer(ctx.tenant.apiKey))
    .set('content-type', 'application/json')
    .send(JSON.stringify(body));
}

const list = async (clusterId: string, kind: string) =>
  (await ctx.t.http.get(`/v1/clusters/${clusterId}/${kind}?limit=500`).set(bearer(ctx.tenant.apiKey)).expect(200)).body
    .items as { name: string; namespace?: string; ips?: string[] }[];
const names = async (clusterId: string, kind: string) =>
  (await list(clusterId, kind)).map((o) => (o.namespace ? `${o.namespace}/${o.name}` : o.name)).sort();
const version = async (clusterId: string) =>
  (await ctx.t.http.get(`/v1/clusters/${clusterId}`).set(bearer(ctx.tenant.apiKey)).expect(200)).body.version as number;

describe('import ?mode=replace', () => {
  it("a later snapshot deletes what it lacks, and a new pod may take a deleted pod's IP", async () => {
    const id = await clusterWithRealisticDump();
    // web-abx2k is gone; a new pod web-new took its IP 10.244.1.14 (the merge import refuses this with a 409).
    const later = without(doc(), 'web-6b7f9c8d5-abx2k');
    const clone = JSON.parse(JSON.stringify(doc().items.find((o) => o.metadata.name === 'web-6b7f9c8d5-abx2k')));
    clone.metadata.name = 'web-6b7f9c8d5-new01';
    later.items.splice(8, 0, clone);
    await importDoc(id, later).expect(409);
    const res = await importDoc(id, later, 'replace').expect(200);
    expect(res.body).toMatchObject({
      created: counts(0, 1, 0, 0),
      updated: ZERO,
      deleted: counts(0, 1, 0, 0),
      unchanged: counts(3, 9, 5, 5),
    });
    const pods = await list(id, 'pods');
    expect(pods.map((p) => p.name)).not.toContain('web-6b7f9c8d5-abx2k');
    expect(pods.find((p) => p.name === 'web-6b7f9c8d5-new01')?.ips).toEqual(['10.244.1.14']);
    // The analyses see the new pod behind the Service (the model the import left, not a stale one).
    const trace = await ctx.t.http
      .post(`/v1/clusters/${id}/trace`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ source: { pod: 'shop/api-5d9c7b6f48-h2v7n' }, destination: { ip: '10.244.1.14', port: 8080 } })
      .expect(200);
    expect(JSON.stringify(trace.body)).not.toContain('abx2k');
  });

  it('an unchanged snapshot changes nothing, not even the cluster version', async () => {
    const id = await clusterWithRealisticDump();
    const v = await version(id);
    const before = await snapshot(ctx.t);
    const res = await importDoc(id, doc(), 'replace').expect(200);
    expect(res.body).toMatchObject({
      created: ZERO,
      updated: ZERO,
      deleted: ZERO,
      unchanged: counts(3, 10, 5, 5),
      clusterVersion: v,
    });
    expect(await snapshot(ctx.t)).toEqual(before);
    expect(await version(id)).toBe(v);
  });

  it('only the kinds the document carries are replaced; merge (the default) deletes nothing', async () => {
    const id = await clusterWithRealisticDump();
    const onlyPods: Doc = {
      ...doc(),
      items: doc().items.filter((o) => o.kind === 'Pod' && o.metadata.namespace === 'shop'),
    };
    const merged = await importDoc(id, onlyPods).expect(200);
    expect(merged.body.deleted).toEqual(ZERO);
    const res = await importDoc(id, onlyPods, 'replace').expect(200);
    // The kube-system pods go; nodes, Services and slices (not carried) stay.
    expect(res.body).toMatchObject({ deleted: counts(0, 5, 0, 0), unchanged: counts(0, 5, 0, 0) });
    expect(await names(id, 'pods')).toEqual(onlyPods.items.map((o) => `shop/${o.metadata.name}`).sort());
    expect(await names(id, 'nodes')).toEqual(['cp-1', 'worker-1', 'worker-2']);
    expect(await names(id, 'services')).toHaveLength(5);
  });

  it('a deleted Service takes its EndpointSlices with it when the snapshot carries no slices', async () => {
    const id = await clusterWithRealisticDump();
    const noApi: Doc = {
      ...doc(),
      items: doc().items.filter((o) => o.kind === 'Service' && o.metadata.name !== 'api'),
    };
    const res = await importDoc(id, noApi, 'replace').expect(200);
    expect(res.body).toMatchObject({ deleted: counts(0, 0, 1, 1) });
    const { endpoint_slices: slices } = await snapshot(ctx.t, ['endpoint_slices']);
    const ofCluster = (slices as { cluster_id: string; service_name: string }[])
      .filter((s) => s.cluster_id === id)
      .map((s) => s.service_name)
      .sort();
    expect(ofCluster).toEqual(['kube-dns', 'kubernetes', 'web', 'web-public']);
  });

  it('refuses to delete a node a stored pod still runs on when the snapshot carries no pods, and changes nothing', async () => {
    const id = await clusterWithRealisticDump();
    const v = await version(id);
    const before = await snapshot(ctx.t);
    const nodes: Doc = {
      ...doc(),
      items: doc().items.filter((o) => o.kind === 'Node' && o.metadata.name !== 'worker-2'),
    };
    const res = await importDoc(id, nodes, 'replace').expect(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors[0].field).toBe('nodes');
    expect(res.body.errors[0].message).toMatch(
      /node worker-2 .*pod shop\/web-6b7f9c8d5-k9zfr|node worker-2 .*pod kube-system\/kube-proxy-x4m9c|node worker-2 .*pod shop\//,
    );
    expect(await snapshot(ctx.t)).toEqual(before);
    expect(await version(id)).toBe(v);
  });

  it("with the pods carried, a deleted node's pods are stored without it (with a warning) or deleted with it", async () => {
    const id = await clusterWithRealisticDump();
    const smaller = without(doc(), 'worker-2', 'kube-proxy-x4m9c', 'web-6b7f9c8d5-k9zfr', 'web-6b7f9c8d5-tq5mw');
    const res = await importDoc(id, smaller, 'replace').expect(200);
    expect(res.body).toMatchObject({ deleted: counts(1, 3, 0, 0) });
    // api-p8w3s still names worker-2: kept without a node, and the report says so.
    expect(res.body.warnings.map((w: { message: string }) => w.message).join('\n')).toContain(
      'spec.nodeName worker-2 is not a node of this cluster',
    );
    expect(await names(id, 'nodes')).toEqual(['cp-1', 'worker-1']);
  });

  it('kinds declares what the snapshot carries even when it holds none of them: a kind the cluster emptied is emptied', async () => {
    const id = await clusterWithRealisticDump();
    const noPods: Doc = { ...doc(), items: doc().items.filter((o) => o.kind !== 'Pod') };
    // Without the declaration pods are not carried (none in the document): kept.
    expect((await importDoc(id, noPods, 'replace').expect(200)).body.deleted).toEqual(ZERO);
    const res = await ctx.t.http
      .post(`/v1/clusters/${id}/import?mode=replace&kinds=nodes,pods,services,endpointslices`)
      .set(bearer(ctx.tenant.apiKey))
      .set('content-type', 'application/json')
      .send(JSON.stringify(noPods))
      .expect(200);
    expect(res.body.deleted).toEqual(counts(0, 10, 0, 0));
    expect(await names(id, 'pods')).toEqual([]);
    // A snapshot with nothing in it, declaring pods: the cluster has none left.
    const id2 = await clusterWithRealisticDump();
    const empty = await ctx.t.http
      .post(`/v1/clusters/${id2}/import?mode=replace&kinds=pods`)
      .set(bearer(ctx.tenant.apiKey))
      .set('content-type', 'application/json')
      .send(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }))
      .expect(200);
    expect(empty.body.deleted).toEqual(counts(0, 10, 0, 0));
    const bad = await ctx.t.http
      .post(`/v1/clusters/${id}/import?mode=replace&kinds=pods,deployments`)
      .set(bearer(ctx.tenant.apiKey))
      .set('content-type', 'application/json')
      .send(JSON.stringify(noPods))
      .expect(400);
    expect(bad.body.errors[0].field).toBe('kinds');
    const withMerge = await ctx.t.http
      .post(`/v1/clusters/${id}/import?kinds=pods`)
      .set(bearer(ctx.tenant.apiKey))
      .set('content-type', 'application/json')
      .send(JSON.stringify(noPods))
      .expect(400);
    expect(withMerge.body.errors[0].field).toBe('kinds');
  });

  it('an unknown mode is a 400 naming the parameter', async () => {
    const id = await clusterWithRealisticDump();
    const res = await importDoc(id, doc(), 'overwrite').expect(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'mode' });
  });

  it('the GraphQL mutation takes mode: REPLACE and reports the deletions', async () => {
    const id = await clusterWithRealisticDump();
    const res = await gql<{ importManifests: { deleted: unknown } }>(
      ctx.t,
      ctx.tenant.apiKey,
      `mutation($c: String!, $d: String!) {
      importManifests(clusterId: $c, document: $d, format: JSON, mode: REPLACE, kinds: [PODS]) { deleted { nodes pods services endpointSlices namespaces networkPolicies } } }`,
      { c: id, d: JSON.stringify(without(doc(), 'coredns-7c65d6cfc9-2xkqp')) },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.importManifests.deleted).toEqual(counts(0, 1, 0, 0));
  });
});
