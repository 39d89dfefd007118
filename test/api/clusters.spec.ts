import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTenant, gql, snapshot, startTestApp, TestApp, TestTenant } from '../support/test-app';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t);
});
afterAll(async () => t?.close());

describe('clusters over REST', () => {
  it('creates with defaults, gets, lists with pagination, updates and deletes', async () => {
    const created = await t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name: 'alpha', profile: 'CCE', clusterCidrs: ['172.16.0.0/16'] }).expect(201);
    expect(created.body).toMatchObject({
      name: 'alpha', profile: 'CCE', kubernetesVersion: '1.31', networkModel: 'TUNNEL', proxyMode: 'IPTABLES',
      clusterCidrs: ['172.16.0.0/16'], serviceCidrs: ['10.247.0.0/16'], nodePortRange: { min: 30000, max: 32767 },
      kubeProxy: { masqueradeAll: false, localDetector: 'CLUSTER_CIDR', nodePortAddresses: [], localhostNodePorts: true },
    });
    const id = created.body.id as string;
    await t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name: 'beta', proxyMode: 'NFTABLES', serviceCidrs: ['fd00:10:96::/112'] }).expect(201);
    await t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name: 'gamma', profile: 'CCE_TURBO' }).expect(201);

    expect((await t.http.get(`/v1/clusters/${id}`).set(bearer(tenant.apiKey)).expect(200)).body.name).toBe('alpha');
    const page1 = await t.http.get('/v1/clusters?limit=2').set(bearer(tenant.apiKey)).expect(200);
    expect(page1.body.items.map((c: { name: string }) => c.name)).toEqual(['alpha', 'beta']);
    const page2 = await t.http.get(`/v1/clusters?limit=2&cursor=${page1.body.nextCursor}`).set(bearer(tenant.apiKey)).expect(200);
    expect(page2.body).toMatchObject({ items: [{ name: 'gamma', networkModel: 'CLOUD_NATIVE_2' }], nextCursor: null });

    const updated = await t.http.patch(`/v1/clusters/${id}`).set(bearer(tenant.apiKey)).send({ proxyMode: 'IPVS', kubeProxy: { masqueradeAll: true } }).expect(200);
    expect(updated.body).toMatchObject({ proxyMode: 'IPVS', kubeProxy: { masqueradeAll: true, localDetector: 'CLUSTER_CIDR' } });
    expect(updated.body.version).toBeGreaterThan(created.body.version);

    await t.http.delete(`/v1/clusters/${id}`).set(bearer(tenant.apiKey)).expect(204);
    await t.http.get(`/v1/clusters/${id}`).set(bearer(tenant.apiKey)).expect(404);
  });

  it('deleting a cluster removes its contents', async () => {
    const c = (await t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name: 'doomed' }).expect(201)).body;
    await t.http.post(`/v1/clusters/${c.id}/nodes`).set(bearer(tenant.apiKey)).send({ name: 'n1', internalIps: ['10.0.0.1'] }).expect(201);
    await t.http.post(`/v1/clusters/${c.id}/pods`).set(bearer(tenant.apiKey)).send({ namespace: 'default', name: 'p1', nodeName: 'n1', ips: ['10.244.0.5'] }).expect(201);
    await t.http.post(`/v1/clusters/${c.id}/services`).set(bearer(tenant.apiKey)).send({ namespace: 'default', name: 's1', ports: [{ port: 80 }] }).expect(201);
    await t.http.delete(`/v1/clusters/${c.id}`).set(bearer(tenant.apiKey)).expect(204);
    const rows = await snapshot(t);
    for (const table of ['nodes', 'pods', 'services', 'address_claims']) {
      expect(rows[table].filter((r) => (r as { cluster_id: string }).cluster_id === c.id)).toEqual([]);
    }
  });

  it('rejects a duplicate name with 409 and changes nothing', async () => {
    await t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name: 'dup' }).expect(201);
    const before = await snapshot(t);
    const res = await t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name: 'dup' }).expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, code: 'CONFLICT', errors: [{ field: 'name' }] });
    expect(await snapshot(t)).toEqual(before);
  });

  it.each([
    ['name', { name: 'Not_A_DNS_Name' }],
    ['name', { name: 'x'.repeat(254) }],
    ['profile', { name: 'ok', profile: 'OPENSHIFT' }],
    ['kubernetesVersion', { name: 'ok', kubernetesVersion: 'latest' }],
    ['networkModel', { name: 'ok', networkModel: 'FLAT' }],
    ['networkModel', { name: 'ok', profile: 'CCE_TURBO', networkModel: 'VPC' }],
    ['proxyMode', { name: 'ok', proxyMode: 'USERSPACE' }],
    ['proxyMode', { name: 'ok', profile: 'CCE', proxyMode: 'NFTABLES' }],
    ['clusterCidrs', { name: 'ok', clusterCidrs: ['10.0.0.1/8'] }],
    ['clusterCidrs', { name: 'ok', clusterCidrs: ['10.0.0.0/8', '10.1.0.0/16', '10.2.0.0/16'] }],
    ['serviceCidrs', { name: 'ok', serviceCidrs: ['not-a-cidr'] }],
    ['serviceCidrs[0]', { name: 'ok', serviceCidrs: ['10.0.0.0/8'] }],
    ['serviceCidrs[0]', { name: 'ok', clusterCidrs: ['10.0.0.0/8'], serviceCidrs: ['10.96.0.0/12'] }],
    ['nodePortRange.min', { name: 'ok', nodePortRange: { min: 0, max: 32767 } }],
    ['nodePortRange', { name: 'ok', nodePortRange: { min: 32000, max: 31000 } }],
    ['kubeProxy.masqueradeAll', { name: 'ok', kubeProxy: { masqueradeAll: 'yes' } }],
    ['kubeProxy.localDetector', { name: 'ok', kubeProxy: { localDetector: 'MAGIC' } }],
    ['kubeProxy.nodePortAddresses[0]', { name: 'ok', kubeProxy: { nodePortAddresses: ['10.0.0.1'] } }],
    ['kubeProxy.localhostNodePorts', { name: 'ok', kubeProxy: { localhostNodePorts: 1 } }],
    ['color', { name: 'ok', color: 'blue' }],
    ['kubeProxy.extra', { name: 'ok', kubeProxy: { extra: true } }],
  ])('rejects a bad %s with 400 problem+json naming it, storing nothing', async (field, body) => {
    const before = await snapshot(t);
    const res = await t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send(body).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses to shrink the Service CIDR under an existing ClusterIP', async () => {
    const c = (await t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name: 'shrink' }).expect(201)).body;
    await t.http.post(`/v1/clusters/${c.id}/services`).set(bearer(tenant.apiKey)).send({ namespace: 'default', name: 'api', clusterIps: ['10.100.0.10'], ports: [{ port: 443 }] }).expect(201);
    const res = await t.http.patch(`/v1/clusters/${c.id}`).set(bearer(tenant.apiKey)).send({ serviceCidrs: ['10.96.0.0/16'] }).expect(409);
    expect(res.body.errors[0].field).toBe('serviceCidrs');
    expect((await t.http.get(`/v1/clusters/${c.id}`).set(bearer(tenant.apiKey))).body.serviceCidrs).toEqual(['10.96.0.0/12']);
  });
});

describe('clusters over GraphQL', () => {
  it('creates, queries, updates and deletes', async () => {
    const created = await gql<{ createCluster: { id: string; name: string; profile: string } }>(t, tenant.apiKey,
      'mutation($input: CreateClusterInput!) { createCluster(input: $input) { id name profile } }', { input: { name: 'gql-one', profile: 'CCE' } });
    expect(created.errors).toBeUndefined();
    const id = created.data!.createCluster.id;
    const read = await gql(t, tenant.apiKey, 'query($id: String!) { cluster(id: $id) { name networkModel kubeProxy { localhostNodePorts } } }', { id });
    expect(read.data).toEqual({ cluster: { name: 'gql-one', networkModel: 'TUNNEL', kubeProxy: { localhostNodePorts: true } } });
    const updated = await gql(t, tenant.apiKey, 'mutation($id: String!) { updateCluster(id: $id, input: {networkModel: VPC}) { networkModel } }', { id });
    expect(updated.data).toEqual({ updateCluster: { networkModel: 'VPC' } });
    const list = await gql<{ clusters: { items: { name: string }[] } }>(t, tenant.apiKey, '{ clusters(limit: 500) { items { name } nextCursor } }');
    expect(list.data!.clusters.items.map((c) => c.name)).toContain('gql-one');
    expect((await gql(t, tenant.apiKey, 'mutation($id: String!) { deleteCluster(id: $id) }', { id })).data).toEqual({ deleteCluster: true });
    const gone = await gql(t, tenant.apiKey, 'query($id: String!) { cluster(id: $id) { name } }', { id });
    expect(gone.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('reports a validation error with a code and the field', async () => {
    const before = await snapshot(t);
    const res = await gql(t, tenant.apiKey, 'mutation { createCluster(input: {name: "ok", clusterCidrs: ["300.0.0.0/8"]}) { id } }');
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'clusterCidrs' }] });
    expect(await snapshot(t)).toEqual(before);
  });
});
