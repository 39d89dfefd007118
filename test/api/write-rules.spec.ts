import { describe, expect, it } from 'vitest';
import { appWithTenant, bearer, gql, snapshot } from '../support/test-app';

/**
 * One home for write rules (pod-rules, node-rules, service-spec, cce-constraints): the same invalid
 * or conflicting object, sent through every way in — REST, GraphQL, the import and what-if — gets
 * the same verdict on the same field (each way names the field as its input does). Where a live
 * cluster can hold what the API refuses (a partial dump), the import keeps the object and warns on
 * that field: the one, documented leniency (for a Service: an unknown trafficDistribution is kept, a
 * sessionAffinityConfig with None dropped as kube-apiserver's defaulting drops it). EndpointSlices
 * come in only through the import, merge or replace, whose parser holds their rules.
 *
 * The cluster: node n1 (192.168.1.1) and n2, pod shop/a (10.244.1.1, app=a) on n1, pod shop/done
 * (Succeeded, 10.244.1.9), Service shop/a (NodePort 30080 → app=a).
 */
const ctx = appWithTenant();

let seq = 0;
async function cluster(profile = 'KUBERNETES'): Promise<string> {
  const body = {
    name: `rules-${++seq}`,
    profile,
    ...(profile === 'KUBERNETES' ? {} : { networkModel: profile === 'CCE_TURBO' ? 'CLOUD_NATIVE_2' : 'VPC' }),
    clusterCidrs: ['10.244.0.0/16'],
    serviceCidrs: ['10.96.0.0/12'],
  };
  const id = (await ctx.t.http.post('/v1/clusters').set(bearer(ctx.tenant.apiKey)).send(body).expect(201)).body
    .id as string;
  const post = (path: string, b: object) =>
    ctx.t.http.post(`/v1/clusters/${id}${path}`).set(bearer(ctx.tenant.apiKey)).send(b).expect(201);
  await post('/nodes', { name: 'n1', internalIps: ['192.168.1.1'] });
  await post('/nodes', { name: 'n2', internalIps: ['192.168.1.2'] });
  await post('/pods', { namespace: 'shop', name: 'a', nodeName: 'n1', ips: ['10.244.1.1'], labels: { app: 'a' } });
  await post('/pods', { namespace: 'shop', name: 'done', nodeName: 'n1', ips: ['10.244.1.9'], phase: 'Succeeded' });
  await post('/services', {
    namespace: 'shop',
    name: 'a',
    type: 'NodePort',
    selector: { app: 'a' },
    ports: [{ port: 80, nodePort: 30080 }],
  });
  return id;
}

interface Verdict {
  status: number;
  field: string | null;
}

const rest = async (id: string, path: string, body: object): Promise<Verdict> => {
  const res = await ctx.t.http.post(`/v1/clusters/${id}${path}`).set(bearer(ctx.tenant.apiKey)).send(body);
  return { status: res.status, field: res.body.errors?.[0]?.field ?? null };
};
const graphql = async (id: string, mutation: string, input: object): Promise<Verdict> => {
  const res = await gql(
    ctx.t,
    ctx.tenant.apiKey,
    `mutation($c: String!, $i: ${mutation[0].toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(clusterId: $c, input: $i) { id } }`,
    { c: id, i: input },
  );
  const error = res.errors?.[0];
  return { status: error ? (error.extensions.status ?? 0) : 200, field: error?.extensions.errors?.[0]?.field ?? null };
};
const importOne = async (
  id: string,
  item: object,
  mode: 'merge' | 'replace' = 'merge',
): Promise<Verdict & { warnings: string[] }> => {
  const res = await ctx.t.http
    .post(`/v1/clusters/${id}/import?mode=${mode}`)
    .set(bearer(ctx.tenant.apiKey))
    .set('content-type', 'application/json')
    .send(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [item] }));
  return {
    status: res.status,
    field: res.body.errors?.[0]?.field ?? null,
    warnings: (res.body.warnings ?? []).map((w: { message: string }) => w.message),
  };
};
const whatIf = async (id: string, change: object): Promise<Verdict> => {
  const res = await ctx.t.http
    .post(`/v1/clusters/${id}/what-if`)
    .set(bearer(ctx.tenant.apiKey))
    .send({ change, reachability: { client: { node: 'n2' }, service: 'shop/a' } });
  return { status: res.status, field: res.body.errors?.[0]?.field ?? null };
};

const kubeService = (name: string, spec: object) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: 'shop', name },
  spec: { clusterIP: '10.96.0.50', selector: { app: 'a' }, ports: [{ port: 80 }], ...spec },
});
const kubeSlice = (endpoint: object) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  addressType: 'IPv4',
  metadata: { namespace: 'shop', name: 'a-x1', labels: { 'kubernetes.io/service-name': 'a' } },
  ports: [{ port: 80, protocol: 'TCP' }],
  endpoints: [{ addresses: ['10.244.1.1'], nodeName: 'n1', ...endpoint }],
});
const SLICE_TABLES = ['clusters', 'services', 'endpoint_slices', 'address_claims'];

const kubePod = (name: string, spec: object, status: object) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'shop', name },
  spec,
  status: { phase: 'Running', ...status },
});

describe('the same rule, whichever way the object comes in', () => {
  it('a pod taking an address another pod holds: 409 on the IP', async () => {
    const id = await cluster();
    const pod = { namespace: 'shop', name: 'b', nodeName: 'n2', ips: ['10.244.1.1'] };
    expect(await rest(id, '/pods', pod)).toEqual({ status: 409, field: 'ips[0]' });
    expect(await graphql(id, 'createPod', pod)).toEqual({ status: 409, field: 'ips[0]' });
    expect(await importOne(id, kubePod('b', { nodeName: 'n2' }, { podIP: '10.244.1.1' }))).toMatchObject({
      status: 409,
      field: 'items[0].status.podIPs[0]',
    });
    expect(await whatIf(id, { pods: [{ pod: 'shop/done', set: { phase: 'Running', ips: ['10.244.1.1'] } }] })).toEqual({
      status: 409,
      field: 'change.pods[0].set.ips[0]',
    });
  });

  it('a finished pod holds no address: a new pod may take it, every way', async () => {
    const id = await cluster();
    expect(await whatIf(id, { pods: [{ pod: 'shop/a', set: { ips: ['10.244.1.9'] } }] })).toEqual({
      status: 200,
      field: null,
    });
    expect(await importOne(id, kubePod('c', { nodeName: 'n2' }, { podIP: '10.244.1.9' }))).toMatchObject({
      status: 200,
      field: null,
    });
    const other = await cluster();
    expect(await rest(other, '/pods', { namespace: 'shop', name: 'c', nodeName: 'n2', ips: ['10.244.1.9'] })).toEqual({
      status: 201,
      field: null,
    });
    const third = await cluster();
    expect(
      await graphql(third, 'createPod', { namespace: 'shop', name: 'c', nodeName: 'n2', ips: ['10.244.1.9'] }),
    ).toEqual({ status: 200, field: null });
  });

  it("kube-proxy's clusterCIDR with two CIDRs of one family: 400 on the second, storing nothing", async () => {
    const id = await cluster();
    const before = await snapshot(ctx.t);
    const bad = ['10.244.0.0/16', '10.245.0.0/16'];
    const res = await ctx.t.http
      .patch(`/v1/clusters/${id}`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ kubeProxy: { clusterCidrs: bad } });
    expect({ status: res.status, field: res.body.errors?.[0]?.field ?? null }).toEqual({
      status: 400,
      field: 'kubeProxy.clusterCidrs[1]',
    });
    const viaGql = await gql(
      ctx.t,
      ctx.tenant.apiKey,
      'mutation($id: String!, $c: [String!]) { updateCluster(id: $id, input: {kubeProxy: {clusterCidrs: $c}}) { id } }',
      { id, c: bad },
    );
    expect(viaGql.errors?.[0].extensions).toMatchObject({
      status: 400,
      errors: [{ field: 'kubeProxy.clusterCidrs[1]' }],
    });
    expect(
      await importOne(id, {
        apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
        kind: 'KubeProxyConfiguration',
        clusterCIDR: bad.join(','),
      }),
    ).toMatchObject({ status: 400, field: 'items[0].clusterCIDR' });
    expect(await whatIf(id, { kubeProxy: { clusterCidrs: bad } })).toEqual({
      status: 400,
      field: 'change.kubeProxy.clusterCidrs[1]',
    });
    expect(await snapshot(ctx.t)).toEqual(before);
    expect(await whatIf(id, { kubeProxy: { clusterCidrs: ['10.244.0.0/16', 'fd00:10:244::/56'] } })).toEqual({
      status: 200,
      field: null,
    });
  });

  it('two addresses of one family: 400 on the list', async () => {
    const id = await cluster();
    const pod = { namespace: 'shop', name: 'b', ips: ['10.244.2.1', '10.244.2.2'] };
    expect(await rest(id, '/pods', pod)).toEqual({ status: 400, field: 'ips' });
    expect(await graphql(id, 'createPod', pod)).toEqual({ status: 400, field: 'ips' });
    expect(
      await importOne(id, kubePod('b', {}, { podIPs: [{ ip: '10.244.2.1' }, { ip: '10.244.2.2' }] })),
    ).toMatchObject({ status: 400, field: 'items[0].status.podIPs' });
    expect(await whatIf(id, { pods: [{ pod: 'shop/a', set: { ips: ['10.244.2.1', '10.244.2.2'] } }] })).toEqual({
      status: 400,
      field: 'change.pods[0].set.ips',
    });
  });

  it('a node the cluster does not have: 422 on nodeName; the import keeps the pod without it and warns on spec.nodeName', async () => {
    const id = await cluster();
    const pod = { namespace: 'shop', name: 'b', nodeName: 'nowhere', ips: ['10.244.2.1'] };
    expect(await rest(id, '/pods', pod)).toEqual({ status: 422, field: 'nodeName' });
    expect(await graphql(id, 'createPod', pod)).toEqual({ status: 422, field: 'nodeName' });
    expect(await whatIf(id, { pods: [{ pod: 'shop/a', set: { nodeName: 'nowhere' } }] })).toEqual({
      status: 422,
      field: 'change.pods[0].set.nodeName',
    });
    const imported = await importOne(id, kubePod('b', { nodeName: 'nowhere' }, { podIP: '10.244.2.1' }));
    expect(imported).toMatchObject({ status: 200 });
    expect(imported.warnings).toEqual([
      'spec.nodeName nowhere is not a node of this cluster: the pod is stored without a node',
    ]);
  });

  it("a hostNetwork pod with an address that is not its node's: 400 on the IP; the import keeps it and warns on that IP", async () => {
    const id = await cluster();
    const pod = { namespace: 'shop', name: 'h', nodeName: 'n1', hostNetwork: true, ips: ['192.168.1.2'] };
    expect(await rest(id, '/pods', pod)).toEqual({ status: 400, field: 'ips[0]' });
    expect(await graphql(id, 'createPod', pod)).toEqual({ status: 400, field: 'ips[0]' });
    expect(await whatIf(id, { pods: [{ pod: 'shop/a', set: { hostNetwork: true, ips: ['192.168.1.2'] } }] })).toEqual({
      status: 400,
      field: 'change.pods[0].set.ips[0]',
    });
    const imported = await importOne(id, kubePod('h', { nodeName: 'n1', hostNetwork: true }, { podIP: '192.168.1.2' }));
    expect(imported.status).toBe(200);
    expect(imported.warnings).toEqual([
      expect.stringMatching(
        /^status\.podIPs\[0\] a hostNetwork pod has its node's IPs; 192\.168\.1\.2 is not an IP of node n1: kept as given$/,
      ),
    ]);
    // Kept as the cluster has it, it can still be relabelled (REST and what-if place a pod again only when a write moves it).
    const pods = (
      await ctx.t.http.get(`/v1/clusters/${id}/pods?namespace=shop`).set(bearer(ctx.tenant.apiKey)).expect(200)
    ).body.items as { id: string; name: string }[];
    const h = pods.find((p) => p.name === 'h')!;
    const relabelled = await ctx.t.http
      .patch(`/v1/clusters/${id}/pods/${h.id}`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ labels: { app: 'h' } })
      .expect(200);
    expect(relabelled.body).toMatchObject({ hostNetwork: true, ips: ['192.168.1.2'], labels: { app: 'h' } });
    expect(await whatIf(id, { pods: [{ pod: 'shop/h', set: { labels: { app: 'x' } } }] })).toEqual({
      status: 200,
      field: null,
    });
  });

  // Node IPAM leaves the Service range out of the pod CIDRs it hands out (kube-controller-manager
  // filterOutServiceRange), so a pod's own IP and a node's pod CIDR lie outside the Service CIDRs,
  // whether or not the pod CIDR overlaps them (topology/address-ranges.ts). The API server checks
  // neither (a live cluster can hold one set by hand): the import keeps it and warns.
  it('a pod IP inside the Service CIDR: 400 on the IP, nothing stored; the import keeps it and warns on that IP', async () => {
    const id = await cluster();
    const before = await snapshot(ctx.t);
    const pod = { namespace: 'shop', name: 'b', nodeName: 'n2', ips: ['10.96.0.77'] };
    const message =
      '10.96.0.77 is inside the Service CIDR 10.96.0.0/12: pod IPs lie outside serviceCidrs (node IPAM leaves the Service range out of the pod CIDRs it hands out)';
    expect(await rest(id, '/pods', pod)).toEqual({ status: 400, field: 'ips[0]' });
    expect(await graphql(id, 'createPod', pod)).toEqual({ status: 400, field: 'ips[0]' });
    expect(await whatIf(id, { pods: [{ pod: 'shop/a', set: { ips: ['10.96.0.77'] } }] })).toEqual({
      status: 400,
      field: 'change.pods[0].set.ips[0]',
    });
    expect(await snapshot(ctx.t)).toEqual(before);
    const imported = await importOne(id, kubePod('b', { nodeName: 'n2' }, { podIP: '10.96.0.77' }));
    expect(imported).toMatchObject({ status: 200, field: null });
    expect(imported.warnings).toEqual([`status.podIPs[0] ${message}: kept as given`]);
    // Kept as the cluster has it, it can still be relabelled; moving it checks it again.
    const pods = (
      await ctx.t.http.get(`/v1/clusters/${id}/pods?namespace=shop`).set(bearer(ctx.tenant.apiKey)).expect(200)
    ).body.items as { id: string; name: string }[];
    const b = pods.find((p) => p.name === 'b')!;
    await ctx.t.http
      .patch(`/v1/clusters/${id}/pods/${b.id}`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ labels: { app: 'b' } })
      .expect(200);
    expect(await whatIf(id, { pods: [{ pod: 'shop/b', set: { labels: { app: 'x' } } }] })).toEqual({
      status: 200,
      field: null,
    });
    const moved = await ctx.t.http
      .patch(`/v1/clusters/${id}/pods/${b.id}`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ nodeName: 'n1' })
      .expect(400);
    expect(moved.body.errors).toEqual([{ field: 'ips[0]', message }]);
  });

  it('a node pod CIDR overlapping the Service CIDR: 400 on the CIDR, nothing stored; the import keeps it and warns on that CIDR', async () => {
    const id = await cluster();
    const before = await snapshot(ctx.t);
    const node = { name: 'n3', internalIps: ['192.168.1.3'], podCidrs: ['10.96.5.0/24'] };
    expect(await rest(id, '/nodes', node)).toEqual({ status: 400, field: 'podCidrs[0]' });
    expect(await graphql(id, 'createNode', node)).toEqual({ status: 400, field: 'podCidrs[0]' });
    expect(await whatIf(id, { nodes: [{ node: 'n2', set: { podCidrs: ['10.96.5.0/24'] } }] })).toEqual({
      status: 400,
      field: 'change.nodes[0].set.podCidrs[0]',
    });
    expect(await snapshot(ctx.t)).toEqual(before);
    const imported = await importOne(id, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n3' },
      spec: { podCIDRs: ['10.96.5.0/24'] },
      status: { addresses: [{ type: 'InternalIP', address: '192.168.1.3' }] },
    });
    expect(imported).toMatchObject({ status: 200, field: null });
    expect(imported.warnings).toEqual([
      'spec.podCIDRs[0] 10.96.5.0/24 overlaps the Service CIDR 10.96.0.0/12: pod CIDRs lie outside serviceCidrs (node IPAM leaves the Service range out of the pod CIDRs it hands out): kept as given',
    ]);
    const nodes = (await ctx.t.http.get(`/v1/clusters/${id}/nodes`).set(bearer(ctx.tenant.apiKey)).expect(200)).body
      .items as { id: string; name: string }[];
    const n3 = nodes.find((n) => n.name === 'n3')!;
    await ctx.t.http
      .patch(`/v1/clusters/${id}/nodes/${n3.id}`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ labels: { zone: 'a' } })
      .expect(200);
    expect(await whatIf(id, { nodes: [{ node: 'n3', set: { labels: { zone: 'b' } } }] })).toEqual({
      status: 200,
      field: null,
    });
    const set = await ctx.t.http
      .patch(`/v1/clusters/${id}/nodes/${n3.id}`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ podCidrs: ['10.96.6.0/24'] })
      .expect(400);
    expect(set.body.errors[0].field).toBe('podCidrs[0]');
  });

  it('a node taking an address a pod holds: 409 on the address', async () => {
    const id = await cluster();
    const node = { name: 'n3', internalIps: ['10.244.1.1'] };
    expect(await rest(id, '/nodes', node)).toEqual({ status: 409, field: 'internalIps[0]' });
    expect(await graphql(id, 'createNode', node)).toEqual({ status: 409, field: 'internalIps[0]' });
    expect(
      await importOne(id, {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'n3' },
        status: { addresses: [{ type: 'InternalIP', address: '10.244.1.1' }] },
      }),
    ).toMatchObject({ status: 409, field: 'items[0].status.addresses' });
    expect(await whatIf(id, { nodes: [{ node: 'n2', set: { internalIps: ['10.244.1.1'] } }] })).toEqual({
      status: 409,
      field: 'change.nodes[0].set.internalIps[0]',
    });
  });

  it("a NodePort outside the cluster's range: 400 on the port", async () => {
    const id = await cluster();
    const svc = {
      namespace: 'shop',
      name: 'b',
      type: 'NodePort',
      selector: { app: 'a' },
      ports: [{ port: 80, nodePort: 40000 }],
    };
    expect(await rest(id, '/services', svc)).toEqual({ status: 400, field: 'ports[0].nodePort' });
    expect(await graphql(id, 'createService', svc)).toEqual({ status: 400, field: 'ports[0].nodePort' });
    expect(
      await importOne(id, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { namespace: 'shop', name: 'b' },
        spec: {
          type: 'NodePort',
          clusterIP: '10.96.0.50',
          selector: { app: 'a' },
          ports: [{ port: 80, nodePort: 40000 }],
        },
      }),
    ).toMatchObject({ status: 400, field: 'items[0].spec.ports[0].nodePort' });
    expect(
      await whatIf(id, { services: [{ service: 'shop/a', set: { ports: [{ port: 80, nodePort: 40000 }] } }] }),
    ).toEqual({ status: 400, field: 'change.services[0].set.ports[0].nodePort' });
  });

  it.each([0, 86401])('a session affinity timeout of %i: 400 on the timeout, nothing stored', async (timeout) => {
    const id = await cluster();
    const before = await snapshot(ctx.t, SLICE_TABLES);
    const svc = {
      namespace: 'shop',
      name: 'b',
      selector: { app: 'a' },
      ports: [{ port: 80 }],
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: timeout,
    };
    expect(await rest(id, '/services', svc)).toEqual({ status: 400, field: 'sessionAffinityTimeoutSeconds' });
    expect(await graphql(id, 'createService', svc)).toEqual({ status: 400, field: 'sessionAffinityTimeoutSeconds' });
    const kube = kubeService('b', {
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: timeout } },
    });
    for (const mode of ['merge', 'replace'] as const) {
      expect(await importOne(id, kube, mode)).toMatchObject({
        status: 400,
        field: 'items[0].spec.sessionAffinityConfig.clientIP.timeoutSeconds',
      });
    }
    expect(
      await whatIf(id, {
        services: [{ service: 'shop/a', set: { sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: timeout } }],
      }),
    ).toEqual({ status: 400, field: 'change.services[0].set.sessionAffinityTimeoutSeconds' });
    expect(await snapshot(ctx.t, SLICE_TABLES)).toEqual(before);
  });

  it('an unknown sessionAffinity: 400 on it every way', async () => {
    const id = await cluster();
    const svc = {
      namespace: 'shop',
      name: 'b',
      selector: { app: 'a' },
      ports: [{ port: 80 }],
      sessionAffinity: 'Cookie',
    };
    expect(await rest(id, '/services', svc)).toEqual({ status: 400, field: 'sessionAffinity' });
    // GraphQL refuses a value its SessionAffinity enum lacks before the write path: 400, the field named in the message.
    const res = await gql(
      ctx.t,
      ctx.tenant.apiKey,
      'mutation($c: String!, $i: CreateServiceInput!) { createService(clusterId: $c, input: $i) { id } }',
      { c: id, i: svc },
    );
    expect([res.status, res.errors?.[0].extensions.code]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
    expect(res.errors?.[0].message).toMatch(/sessionAffinity/);
    for (const mode of ['merge', 'replace'] as const) {
      expect(await importOne(id, kubeService('b', { sessionAffinity: 'Cookie' }), mode)).toMatchObject({
        status: 400,
        field: 'items[0].spec.sessionAffinity',
      });
    }
    expect(await whatIf(id, { services: [{ service: 'shop/a', set: { sessionAffinity: 'Cookie' } }] })).toEqual({
      status: 400,
      field: 'change.services[0].set.sessionAffinity',
    });
  });

  it("a timeout with sessionAffinity None: 400 on the timeout; the import drops it, as the API server's defaulting does, and warns", async () => {
    const id = await cluster();
    const svc = {
      namespace: 'shop',
      name: 'b',
      selector: { app: 'a' },
      ports: [{ port: 80 }],
      sessionAffinity: 'None',
      sessionAffinityTimeoutSeconds: 60,
    };
    expect(await rest(id, '/services', svc)).toEqual({ status: 400, field: 'sessionAffinityTimeoutSeconds' });
    expect(await graphql(id, 'createService', svc)).toEqual({ status: 400, field: 'sessionAffinityTimeoutSeconds' });
    expect(await whatIf(id, { services: [{ service: 'shop/a', set: { sessionAffinityTimeoutSeconds: 60 } }] })).toEqual(
      { status: 400, field: 'change.services[0].set.sessionAffinityTimeoutSeconds' },
    );
    for (const mode of ['merge', 'replace'] as const) {
      const imported = await importOne(
        id,
        kubeService('b', { sessionAffinity: 'None', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }),
        mode,
      );
      expect(imported).toMatchObject({ status: 200, field: null });
      expect(imported.warnings.filter((w) => w.startsWith('spec.'))).toEqual([
        "spec.sessionAffinityConfig.clientIP.timeoutSeconds may only be set when sessionAffinity is ClientIP (with None there is no affinity to time out): dropped, as the API server's defaulting drops sessionAffinityConfig with None",
      ]);
      const stored = (
        await ctx.t.http.get(`/v1/clusters/${id}/services?namespace=shop`).set(bearer(ctx.tenant.apiKey)).expect(200)
      ).body.items as Record<string, unknown>[];
      expect(stored.find((s) => s.name === 'b')).toMatchObject({
        sessionAffinity: 'None',
        sessionAffinityTimeoutSeconds: null,
      });
    }
  });

  it('an unknown trafficDistribution: 400 on it; the import keeps it and warns, and later writes keep it', async () => {
    const id = await cluster();
    const svc = {
      namespace: 'shop',
      name: 'b',
      selector: { app: 'a' },
      ports: [{ port: 80 }],
      trafficDistribution: 'PreferSameRack',
    };
    expect(await rest(id, '/services', svc)).toEqual({ status: 400, field: 'trafficDistribution' });
    expect(await graphql(id, 'createService', svc)).toEqual({ status: 400, field: 'trafficDistribution' });
    expect(
      await whatIf(id, { services: [{ service: 'shop/a', set: { trafficDistribution: 'PreferSameRack' } }] }),
    ).toEqual({ status: 400, field: 'change.services[0].set.trafficDistribution' });
    // Not spelled as an API value: no Kubernetes could hold it, so the import refuses it too.
    for (const mode of ['merge', 'replace'] as const) {
      expect(await importOne(id, kubeService('b', { trafficDistribution: 'prefer same zone' }), mode)).toMatchObject({
        status: 400,
        field: 'items[0].spec.trafficDistribution',
      });
    }
    const warned = [
      'spec.trafficDistribution must be one of PreferClose, PreferSameZone, PreferSameNode or null, got "PreferSameRack": kept as given (a later Kubernetes may accept it)',
    ];
    const imported = await importOne(id, kubeService('b', { trafficDistribution: 'PreferSameRack' }));
    expect(imported).toMatchObject({ status: 200, field: null });
    expect(imported.warnings.filter((w) => w.startsWith('spec.'))).toEqual(warned);
    const list = async () =>
      (await ctx.t.http.get(`/v1/clusters/${id}/services?namespace=shop`).set(bearer(ctx.tenant.apiKey)).expect(200))
        .body.items as Record<string, unknown>[];
    const b = (await list()).find((s) => s.name === 'b')!;
    expect(b).toMatchObject({ trafficDistribution: 'PreferSameRack' });
    // Kept as the cluster has it, the Service can still be changed otherwise; setting the field checks it again.
    const relabelled = await ctx.t.http
      .patch(`/v1/clusters/${id}/services/${b.id}`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ labels: { app: 'b' } })
      .expect(200);
    expect(relabelled.body).toMatchObject({ trafficDistribution: 'PreferSameRack', labels: { app: 'b' } });
    expect(await whatIf(id, { services: [{ service: 'shop/b', set: { labels: { app: 'c' } } }] })).toEqual({
      status: 200,
      field: null,
    });
    const again = await ctx.t.http
      .patch(`/v1/clusters/${id}/services/${b.id}`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ trafficDistribution: 'PreferSameRack' })
      .expect(400);
    expect(again.body.errors[0].field).toBe('trafficDistribution');
    const known = await ctx.t.http
      .patch(`/v1/clusters/${id}/services/${b.id}`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ trafficDistribution: 'PreferSameZone' })
      .expect(200);
    expect(known.body.trafficDistribution).toBe('PreferSameZone');
    // A snapshot (replace) is read the same way (it deletes shop/a, which it lacks: last).
    const replaced = await importOne(id, kubeService('b', { trafficDistribution: 'PreferSameRack' }), 'replace');
    expect(replaced).toMatchObject({ status: 200, field: null });
    expect(replaced.warnings.filter((w) => w.startsWith('spec.'))).toEqual(warned);
    expect((await list()).map((s) => [s.name, s.trafficDistribution])).toEqual([['b', 'PreferSameRack']]);
  });

  // EndpointSlices are written only by the import (merge and replace): the parser holds their rules.
  it.each([
    [
      'a zone hint that is not a label value',
      { hints: { forZones: [{ name: 'zone a' }] } },
      'items[0].endpoints[0].hints.forZones[0].name',
    ],
    [
      'a node hint that is not a node name',
      { hints: { forNodes: [{ name: 'N1_' }] } },
      'items[0].endpoints[0].hints.forNodes[0].name',
    ],
    [
      'a zone hint twice',
      { hints: { forZones: [{ name: 'a' }, { name: 'a' }] } },
      'items[0].endpoints[0].hints.forZones[1].name',
    ],
    [
      'nine node hints',
      { hints: { forNodes: Array.from({ length: 9 }, (_, i) => ({ name: `n${i}` })) } },
      'items[0].endpoints[0].hints.forNodes',
    ],
    ['a zone that is not a label value', { zone: 'zone/a' }, 'items[0].endpoints[0].zone'],
  ])('%s: 400 on it, merge or replace, nothing stored', async (_, endpoint, field) => {
    const id = await cluster();
    const before = await snapshot(ctx.t, SLICE_TABLES);
    for (const mode of ['merge', 'replace'] as const) {
      expect(await importOne(id, kubeSlice(endpoint), mode)).toMatchObject({ status: 400, field });
    }
    expect(await snapshot(ctx.t, SLICE_TABLES)).toEqual(before);
  });

  it('a CCE Turbo Service with externalTrafficPolicy Local over non-hostNetwork pods: 422 naming the rule', async () => {
    const id = await cluster('CCE_TURBO');
    const svc = {
      namespace: 'shop',
      name: 'b',
      type: 'NodePort',
      selector: { app: 'a' },
      ports: [{ port: 80 }],
      externalTrafficPolicy: 'Local',
    };
    expect(await rest(id, '/services', svc)).toEqual({ status: 422, field: 'externalTrafficPolicy' });
    expect(await graphql(id, 'createService', svc)).toEqual({ status: 422, field: 'externalTrafficPolicy' });
    expect(
      await importOne(id, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { namespace: 'shop', name: 'b' },
        spec: {
          type: 'NodePort',
          clusterIP: '10.96.0.50',
          selector: { app: 'a' },
          ports: [{ port: 80, nodePort: 30081 }],
          externalTrafficPolicy: 'Local',
        },
      }),
    ).toMatchObject({ status: 422, field: 'items[0].spec.externalTrafficPolicy' });
    expect(await whatIf(id, { services: [{ service: 'shop/a', set: { externalTrafficPolicy: 'Local' } }] })).toEqual({
      status: 422,
      field: 'change.services[0].set.externalTrafficPolicy',
    });
  });
});
