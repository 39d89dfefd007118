import { describe, expect, it } from 'vitest';
import { appWithTenant, bearer, snapshot } from '../support/test-app';
import { dir, Entry, tgz } from '../support/tarball';

/**
 * A whole dump directory uploaded as one .tar.gz (POST /v1/clusters/{id}/import with
 * Content-Type application/gzip), on a real PostgreSQL: every file is collected before references
 * are resolved (a pod before nodes.json keeps its node), the report says what the archive held,
 * errors name the file, and a hostile archive is refused with nothing stored.
 */
const ctx = appWithTenant();

let seq = 0;
async function newCluster(): Promise<string> {
  return (
    await ctx.t.http
      .post('/v1/clusters')
      .set(bearer(ctx.tenant.apiKey))
      .send({ name: `dump-${++seq}`, clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] })
      .expect(201)
  ).body.id as string;
}
const upload = (clusterId: string, body: Buffer, mode = 'merge') =>
  ctx.t.http
    .post(`/v1/clusters/${clusterId}/import?mode=${mode}`)
    .set(bearer(ctx.tenant.apiKey))
    .set('content-type', 'application/gzip')
    .send(body);

const list = (kind: string, items: unknown[]) =>
  JSON.stringify({ apiVersion: 'v1', kind, metadata: { resourceVersion: '1' }, items });
const node = (name: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: { addresses: [{ type: 'InternalIP', address: ip }] },
});
const pod = (ns: string, name: string, nodeName: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: ns, name, labels: { app: 'web' } },
  spec: { nodeName, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
  status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
});
const service = (ns: string, name: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: ns, name },
  spec: { type: 'ClusterIP', clusterIP: ip, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
});

/** `kubectl cluster-info dump --output-directory=dump`: the namespace folders come before nodes.json here (tar order is the archiver's). */
function clusterInfoDump(
  pods: unknown[] = [pod('shop', 'web-1', 'worker-1', '10.244.1.5'), pod('shop', 'web-2', 'worker-2', '10.244.2.5')],
): Entry[] {
  const empty = (kind: string) => list(kind, []);
  return [
    dir('dump/'),
    dir('dump/shop/'),
    { path: 'dump/shop/pods.json', body: list('PodList', pods) },
    { path: 'dump/shop/services.json', body: list('ServiceList', [service('shop', 'web', '10.96.0.20')]) },
    ...['events', 'replication-controllers', 'daemonsets', 'deployments', 'replicasets'].map((k) => ({
      path: `dump/shop/${k}.json`,
      body: empty('List'),
    })),
    { path: 'dump/shop/web-1/logs.txt', body: 'listening on :8080\n' },
    { path: 'dump/nodes.json', body: list('NodeList', [node('worker-1', '10.0.0.11'), node('worker-2', '10.0.0.12')]) },
  ];
}

const podsOf = async (clusterId: string) =>
  (await ctx.t.http.get(`/v1/clusters/${clusterId}/pods`).set(bearer(ctx.tenant.apiKey)).expect(200)).body.items as {
    name: string;
    nodeName: string | null;
  }[];

describe('importing a dump archive', () => {
  it('reads a cluster-info dump in any order: pods before nodes.json keep their nodes', async () => {
    const id = await newCluster();
    const res = await upload(id, tgz(clusterInfoDump())).expect(200);
    expect(res.body).toMatchObject({ created: { nodes: 2, pods: 2, services: 1, endpointSlices: 0 }, warnings: [] });
    expect(res.body.archive.layout).toBe('cluster-info-dump');
    expect(res.body.archive.read.sort()).toEqual(['dump/nodes.json', 'dump/shop/pods.json', 'dump/shop/services.json']);
    expect(res.body.archive.skipped).toContainEqual({ path: 'dump/shop/web-1/logs.txt', skipped: 'not JSON or YAML' });
    expect((await podsOf(id)).map((p) => [p.name, p.nodeName]).sort()).toEqual([
      ['web-1', 'worker-1'],
      ['web-2', 'worker-2'],
    ]);
    // The analyses see the Service's two backends.
    const trace = await ctx.t.http
      .post(`/v1/clusters/${id}/trace`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ source: { node: 'worker-1' }, destination: { ip: '10.96.0.20', port: 80 } })
      .expect(200);
    expect(trace.body.endpoints.map((e: { ip: string }) => e.ip).sort()).toEqual(['10.244.1.5', '10.244.2.5']);
  });

  it('replaces with a later dump: a pod gone from it is deleted', async () => {
    const id = await newCluster();
    await upload(id, tgz(clusterInfoDump())).expect(200);
    const res = await upload(
      id,
      tgz(clusterInfoDump([pod('shop', 'web-1', 'worker-1', '10.244.1.5')])),
      'replace',
    ).expect(200);
    expect(res.body.deleted).toEqual({
      nodes: 0,
      pods: 1,
      services: 0,
      endpointSlices: 0,
      namespaces: 0,
      networkPolicies: 0,
    });
    expect((await podsOf(id)).map((p) => p.name)).toEqual(['web-1']);
  });

  it('reads a troubleshoot support bundle whose files are bare JSON arrays', async () => {
    const id = await newCluster();
    const bundle = tgz([
      {
        path: 'support-bundle-2026/cluster-resources/pods/shop.json',
        body: JSON.stringify([pod('shop', 'web-1', 'worker-1', '10.244.1.5')]),
      },
      {
        path: 'support-bundle-2026/cluster-resources/nodes.json',
        body: JSON.stringify([node('worker-1', '10.0.0.11')]),
      },
      {
        path: 'support-bundle-2026/cluster-resources/services/shop.json',
        body: JSON.stringify([service('shop', 'web', '10.96.0.20')]),
      },
      { path: 'support-bundle-2026/cluster-resources/deployments/shop.json', body: '[]' },
      { path: 'support-bundle-2026/version.yaml', body: 'apiVersion: troubleshoot.sh/v1beta2\n' },
    ]);
    const res = await upload(id, bundle).expect(200);
    expect(res.body).toMatchObject({
      created: { nodes: 1, pods: 1, services: 1, endpointSlices: 0 },
      archive: { layout: 'support-bundle' },
    });
    // Each bare array is read as a List, said once per file.
    expect(res.body.warnings.map((w: { source: string; message: string }) => `${w.source}: ${w.message}`)).toEqual(
      ['nodes.json', 'pods/shop.json', 'services/shop.json'].map(
        (f) => `support-bundle-2026/cluster-resources/${f}: the document is a bare JSON array: read as a v1 List`,
      ),
    );
  });

  it('reads an older support bundle whose arrays hold items without apiVersion or kind: the path tells the kind', async () => {
    const id = await newCluster();
    const bare = <T extends { apiVersion?: string; kind?: string }>(o: T) => {
      const { apiVersion: _a, kind: _k, ...rest } = o;
      return rest;
    };
    const bundle = tgz([
      { path: 'bundle/cluster-resources/nodes.json', body: JSON.stringify([bare(node('worker-1', '10.0.0.11'))]) },
      {
        path: 'bundle/cluster-resources/pods/shop.json',
        body: JSON.stringify([bare(pod('shop', 'web-1', 'worker-1', '10.244.1.5'))]),
      },
      {
        path: 'bundle/cluster-resources/services/shop.json',
        body: JSON.stringify([bare(service('shop', 'web', '10.96.0.20'))]),
      },
    ]);
    const res = await upload(id, bundle).expect(200);
    expect(res.body).toMatchObject({ created: { nodes: 1, pods: 1, services: 1, endpointSlices: 0 }, skipped: [] });
    expect((await podsOf(id)).map((p) => [p.name, p.nodeName])).toEqual([['web-1', 'worker-1']]);
  });

  it('an invalid object is a 400 naming its file, item and field; nothing is stored', async () => {
    const id = await newCluster();
    const before = await snapshot(ctx.t);
    const entries = clusterInfoDump([
      pod('shop', 'web-1', 'worker-1', '10.244.1.5'),
      pod('shop', 'web-2', 'worker-2', 'not-an-ip'),
    ]);
    const res = await upload(id, tgz(entries)).expect(400);
    expect(res.body.errors[0].field).toBe('files["dump/shop/pods.json"].items[1].status.podIP');
    expect(await snapshot(ctx.t)).toEqual(before);
  });

  it.each([
    ['an entry outside the dump directory', [{ path: '../evil.json', body: '{}' }], 422, 'archive.path'],
    [
      'a symbolic link',
      [{ path: 'dump/nodes.json', type: 'SymbolicLink', linkpath: '/etc/passwd' }],
      422,
      'archive.type',
    ],
    ['a hard link', [{ path: 'dump/pods.json', type: 'Link', linkpath: 'dump/nodes.json' }], 422, 'archive.type'],
  ] as [string, Entry[], number, string][])('refuses %s, storing nothing', async (_what, bad, status, field) => {
    const id = await newCluster();
    const before = await snapshot(ctx.t);
    const res = await upload(id, tgz([...clusterInfoDump(), ...bad])).expect(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors[0].field).toBe(field);
    expect(await snapshot(ctx.t)).toEqual(before);
  });

  it('refuses more than 100,000 entries with a 413', async () => {
    const id = await newCluster();
    const many = Array.from({ length: 100_001 }, (_, i) => dir(`dump/d${i}/`));
    const res = await upload(id, tgz(many)).expect(413);
    expect(res.body.errors[0]).toMatchObject({ field: 'archive.entries' });
  }, 60_000);

  it('refuses a body that is not an archive, and an archive with nothing to import, with a 422 that says what it found', async () => {
    const id = await newCluster();
    const notGzip = await upload(id, Buffer.from('this is not a tarball')).expect(422);
    expect(notGzip.body.errors[0].field).toBe('archive.archive');
    const logsOnly = await upload(id, tgz([{ path: 'dump/shop/web-1/logs.txt', body: 'hello' }])).expect(422);
    expect(logsOnly.body.errors[0].field).toBe('archive.files');
    const nothing = await upload(
      id,
      tgz([
        {
          path: 'dump/shop/deployments.json',
          body: list('DeploymentList', [
            { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'shop' } },
          ]),
        },
      ]),
    ).expect(422);
    expect(nothing.body.errors[0]).toEqual({
      field: 'document',
      message: 'nothing to import: 1 object(s), none importable: 1 × unsupported kind Deployment (apps/v1)',
    });
  });
});
