import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTenant, gql, snapshot, startTestApp, TestApp, TestTenant } from '../support/test-app';

let t: TestApp;
let tenant: TestTenant;
/** A cluster the bad-input table posts into (it stays empty of the rejected nodes). */
let shared: string;

const auth = () => bearer(tenant.apiKey);

async function newCluster(name: string, body: Record<string, unknown> = {}): Promise<string> {
  return (
    await t.http
      .post('/v1/clusters')
      .set(auth())
      .send({ name, ...body })
      .expect(201)
  ).body.id as string;
}

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t);
  shared = await newCluster('nodes-shared');
  await t.http
    .post(`/v1/clusters/${shared}/nodes`)
    .set(auth())
    .send({ name: 'existing', internalIps: ['192.168.9.1'] })
    .expect(201);
});
afterAll(async () => t?.close());

describe('nodes over REST', () => {
  it('creates with defaults, gets, lists with pagination, updates and deletes', async () => {
    const c = await newCluster('nodes-crud');
    const base = `/v1/clusters/${c}/nodes`;
    const created = await t.http
      .post(base)
      .set(auth())
      .send({
        name: 'node-b',
        internalIps: ['192.168.0.11', 'FD00:0:0::B'],
        externalIp: '203.0.113.11',
        podCidrs: ['172.16.1.0/24'],
        labels: { 'kubernetes.io/hostname': 'node-b', zone: 'az1' },
      })
      .expect(201);
    expect(created.body).toMatchObject({
      clusterId: c,
      name: 'node-b',
      internalIps: ['192.168.0.11', 'fd00::b'],
      externalIp: '203.0.113.11',
      podCidrs: ['172.16.1.0/24'],
      labels: { 'kubernetes.io/hostname': 'node-b', zone: 'az1' },
    });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const minimal = await t.http
      .post(base)
      .set(auth())
      .send({ name: 'node-a', internalIps: ['192.168.0.10'] })
      .expect(201);
    expect(minimal.body).toMatchObject({
      name: 'node-a',
      internalIps: ['192.168.0.10'],
      externalIp: null,
      podCidrs: [],
      labels: {},
    });
    await t.http
      .post(base)
      .set(auth())
      .send({ name: 'node-c', internalIps: ['192.168.0.12'] })
      .expect(201);

    const got = await t.http.get(`${base}/${created.body.id}`).set(auth()).expect(200);
    expect(got.body).toEqual(created.body);

    const page1 = await t.http.get(`${base}?limit=2`).set(auth()).expect(200);
    expect(page1.body.items.map((n: { name: string }) => n.name)).toEqual(['node-a', 'node-b']);
    expect(typeof page1.body.nextCursor).toBe('string');
    const page2 = await t.http.get(`${base}?limit=2&cursor=${page1.body.nextCursor}`).set(auth()).expect(200);
    expect(page2.body).toMatchObject({ items: [{ name: 'node-c' }], nextCursor: null });
    const all = await t.http.get(base).set(auth()).expect(200);
    expect(all.body.items).toHaveLength(3);
    expect(all.body.nextCursor).toBeNull();

    // PATCH: only what is sent changes.
    const relabelled = await t.http
      .patch(`${base}/${created.body.id}`)
      .set(auth())
      .send({ labels: { zone: 'az2' } })
      .expect(200);
    expect(relabelled.body).toMatchObject({
      name: 'node-b',
      internalIps: ['192.168.0.11', 'fd00::b'],
      externalIp: '203.0.113.11',
      podCidrs: ['172.16.1.0/24'],
      labels: { zone: 'az2' },
    });
    const readdressed = await t.http
      .patch(`${base}/${created.body.id}`)
      .set(auth())
      .send({ internalIps: ['192.168.0.21'], podCidrs: ['172.16.9.0/24'] })
      .expect(200);
    expect(readdressed.body).toMatchObject({
      internalIps: ['192.168.0.21'],
      externalIp: '203.0.113.11',
      podCidrs: ['172.16.9.0/24'],
      labels: { zone: 'az2' },
    });
    const cleared = await t.http.patch(`${base}/${created.body.id}`).set(auth()).send({ externalIp: null }).expect(200);
    expect(cleared.body).toMatchObject({ externalIp: null, internalIps: ['192.168.0.21'] });
    expect((await t.http.get(`${base}/${created.body.id}`).set(auth()).expect(200)).body).toEqual(cleared.body);

    // The addresses it gave up are free again; the one it took is not.
    await t.http
      .post(base)
      .set(auth())
      .send({ name: 'node-d', internalIps: ['192.168.0.11', 'fd00::b'], externalIp: '203.0.113.11' })
      .expect(201);
    await t.http
      .post(base)
      .set(auth())
      .send({ name: 'node-e', internalIps: ['192.168.0.21'] })
      .expect(409);

    await t.http.delete(`${base}/${created.body.id}`).set(auth()).expect(204);
    const gone = await t.http.get(`${base}/${created.body.id}`).set(auth()).expect(404);
    expect(gone.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(gone.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await t.http.delete(`${base}/${created.body.id}`).set(auth()).expect(404);
    await t.http.patch(`${base}/${created.body.id}`).set(auth()).send({ labels: {} }).expect(404);
    expect((await t.http.get(base).set(auth()).expect(200)).body.items.map((n: { name: string }) => n.name)).toEqual([
      'node-a',
      'node-c',
      'node-d',
    ]);
  });

  it('keeps labels and pod CIDRs when a PATCH sends them as null', async () => {
    const c = await newCluster('nodes-null');
    const n = (
      await t.http
        .post(`/v1/clusters/${c}/nodes`)
        .set(auth())
        .send({ name: 'n1', internalIps: ['10.0.0.1'], podCidrs: ['172.16.0.0/24'], labels: { a: 'b' } })
        .expect(201)
    ).body;
    const res = await t.http
      .patch(`/v1/clusters/${c}/nodes/${n.id}`)
      .set(auth())
      .send({ labels: null, podCidrs: null, internalIps: null })
      .expect(200);
    expect(res.body).toMatchObject({ internalIps: ['10.0.0.1'], podCidrs: ['172.16.0.0/24'], labels: { a: 'b' } });
    const viaGql = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!, $id: String!) { updateNode(clusterId: $c, id: $id, input: {labels: null, podCidrs: null}) { labels podCidrs } }',
      { c, id: n.id },
    );
    expect(viaGql).toMatchObject({ data: { updateNode: { labels: { a: 'b' }, podCidrs: ['172.16.0.0/24'] } } });
    expect(viaGql.errors).toBeUndefined();
  });

  it('accepts a node whose public IP is also one of its internal IPs (bare-metal nodes report both)', async () => {
    const c = await newCluster('nodes-same-eip');
    const res = await t.http
      .post(`/v1/clusters/${c}/nodes`)
      .set(auth())
      .send({ name: 'metal', internalIps: ['198.51.100.7'], externalIp: '198.51.100.7' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ internalIps: ['198.51.100.7'], externalIp: '198.51.100.7' });
    const updated = await t.http
      .patch(`/v1/clusters/${c}/nodes/${res.body.id}`)
      .set(auth())
      .send({ internalIps: ['198.51.100.7', '10.0.0.7'] })
      .expect(200);
    expect(updated.body).toMatchObject({ internalIps: ['198.51.100.7', '10.0.0.7'], externalIp: '198.51.100.7' });
    // The address is still held: no other object may take it.
    const clash = await t.http
      .post(`/v1/clusters/${c}/nodes`)
      .set(auth())
      .send({ name: 'other', internalIps: ['10.0.0.8'], externalIp: '198.51.100.7' })
      .expect(409);
    expect(clash.body.errors[0].field).toBe('externalIp');
  });

  it('refuses to delete a node that still runs pods (409) and allows it once they are gone', async () => {
    const c = await newCluster('nodes-busy');
    const n = (
      await t.http
        .post(`/v1/clusters/${c}/nodes`)
        .set(auth())
        .send({ name: 'busy', internalIps: ['10.0.0.1'] })
        .expect(201)
    ).body;
    const pod = (
      await t.http
        .post(`/v1/clusters/${c}/pods`)
        .set(auth())
        .send({ namespace: 'default', name: 'p1', nodeName: 'busy', ips: ['172.16.0.5'] })
        .expect(201)
    ).body;
    const before = await snapshot(t);
    const res = await t.http.delete(`/v1/clusters/${c}/nodes/${n.id}`).set(auth()).expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(res.body.detail).toContain('busy');
    expect(await snapshot(t)).toEqual(before);
    await t.http.delete(`/v1/clusters/${c}/pods/${pod.id}`).set(auth()).expect(204);
    await t.http.delete(`/v1/clusters/${c}/nodes/${n.id}`).set(auth()).expect(204);
    // Its address is free again.
    await t.http
      .post(`/v1/clusters/${c}/nodes`)
      .set(auth())
      .send({ name: 'reborn', internalIps: ['10.0.0.1'] })
      .expect(201);
  });

  it('refuses to take away an IP a hostNetwork pod on the node uses', async () => {
    const c = await newCluster('nodes-hostnet');
    const n = (
      await t.http
        .post(`/v1/clusters/${c}/nodes`)
        .set(auth())
        .send({ name: 'h1', internalIps: ['10.0.0.1', '10.0.0.2'] })
        .expect(201)
    ).body;
    const pod = (
      await t.http
        .post(`/v1/clusters/${c}/pods`)
        .set(auth())
        .send({ namespace: 'kube-system', name: 'proxy', nodeName: 'h1', hostNetwork: true })
        .expect(201)
    ).body;
    expect(pod.ips).toEqual(['10.0.0.1']);
    const before = await snapshot(t);
    const res = await t.http
      .patch(`/v1/clusters/${c}/nodes/${n.id}`)
      .set(auth())
      .send({ internalIps: ['10.0.0.2'] })
      .expect(409);
    expect(res.body).toMatchObject({ code: 'CONFLICT', errors: [{ field: 'internalIps' }] });
    expect(await snapshot(t)).toEqual(before);
    // Keeping the pod's IP (even moved to second place) is fine.
    await t.http
      .patch(`/v1/clusters/${c}/nodes/${n.id}`)
      .set(auth())
      .send({ internalIps: ['10.0.0.3', '10.0.0.1'] })
      .expect(200);
  });

  it('answers 404 for an unknown cluster and 400 for malformed ids', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const res = await t.http
      .post(`/v1/clusters/${missing}/nodes`)
      .set(auth())
      .send({ name: 'n1', internalIps: ['10.0.0.1'] })
      .expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    await t.http.get(`/v1/clusters/${missing}/nodes`).set(auth()).expect(404);
    const bad = await t.http.get('/v1/clusters/not-a-uuid/nodes').set(auth()).expect(400);
    expect(bad.body.errors[0].field).toBe('clusterId');
    const badNode = await t.http.get(`/v1/clusters/${shared}/nodes/nope`).set(auth()).expect(400);
    expect(badNode.body.errors[0].field).toBe('nodeId');
    await t.http.get(`/v1/clusters/${shared}/nodes/${missing}`).set(auth()).expect(404);
    expect(
      (await t.http.get(`/v1/clusters/${shared}/nodes?limit=0`).set(auth()).expect(400)).body.errors[0].field,
    ).toBe('limit');
    expect(
      (await t.http.get(`/v1/clusters/${shared}/nodes?cursor=garbage`).set(auth()).expect(400)).body.errors[0].field,
    ).toBe('cursor');
  });

  it('does not show a node of one cluster under another cluster, nor to another tenant', async () => {
    const c = await newCluster('nodes-iso');
    const n = (
      await t.http
        .post(`/v1/clusters/${c}/nodes`)
        .set(auth())
        .send({ name: 'mine', internalIps: ['10.0.0.1'] })
        .expect(201)
    ).body;
    await t.http.get(`/v1/clusters/${shared}/nodes/${n.id}`).set(auth()).expect(404);
    await t.http.delete(`/v1/clusters/${shared}/nodes/${n.id}`).set(auth()).expect(404);
    const other = await createTenant(t);
    await t.http.get(`/v1/clusters/${c}/nodes/${n.id}`).set(bearer(other.apiKey)).expect(404);
    await t.http.get(`/v1/clusters/${c}/nodes`).set(bearer(other.apiKey)).expect(404);
    await t.http
      .post(`/v1/clusters/${c}/nodes`)
      .set(bearer(other.apiKey))
      .send({ name: 'intruder', internalIps: ['10.9.9.9'] })
      .expect(404);
    // The same name and IP are fine in a cluster of the other tenant.
    const theirs = (await t.http.post('/v1/clusters').set(bearer(other.apiKey)).send({ name: 'nodes-iso' }).expect(201))
      .body;
    await t.http
      .post(`/v1/clusters/${theirs.id}/nodes`)
      .set(bearer(other.apiKey))
      .send({ name: 'mine', internalIps: ['10.0.0.1'] })
      .expect(201);
  });
});

describe('nodes over GraphQL', () => {
  it('creates, queries, lists, updates and deletes', async () => {
    const c = await newCluster('nodes-gql');
    const created = await gql<{
      createNode: {
        id: string;
        name: string;
        internalIps: string[];
        externalIp: string | null;
        podCidrs: string[];
        labels: Record<string, string>;
      };
    }>(
      t,
      tenant.apiKey,
      'mutation($c: String!, $input: CreateNodeInput!) { createNode(clusterId: $c, input: $input) { id name internalIps externalIp podCidrs labels } }',
      {
        c,
        input: {
          name: 'g1',
          internalIps: ['10.1.0.1', 'fd00::1'],
          podCidrs: ['172.16.0.0/24'],
          labels: { role: 'worker' },
        },
      },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createNode).toMatchObject({
      name: 'g1',
      internalIps: ['10.1.0.1', 'fd00::1'],
      externalIp: null,
      podCidrs: ['172.16.0.0/24'],
      labels: { role: 'worker' },
    });
    const id = created.data!.createNode.id;
    await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createNode(clusterId: $c, input: {name: "g2", internalIps: ["10.1.0.2"]}) { id } }',
      { c },
    );

    const read = await gql(
      t,
      tenant.apiKey,
      'query($c: String!, $id: String!) { node(clusterId: $c, id: $id) { name clusterId internalIps labels } }',
      { c, id },
    );
    expect(read.data).toEqual({
      node: { name: 'g1', clusterId: c, internalIps: ['10.1.0.1', 'fd00::1'], labels: { role: 'worker' } },
    });

    const page1 = await gql<{ nodes: { items: { name: string }[]; nextCursor: string | null } }>(
      t,
      tenant.apiKey,
      'query($c: String!) { nodes(clusterId: $c, limit: 1) { items { name } nextCursor } }',
      { c },
    );
    expect(page1.data!.nodes.items).toEqual([{ name: 'g1' }]);
    const page2 = await gql(
      t,
      tenant.apiKey,
      'query($c: String!, $cur: String) { nodes(clusterId: $c, limit: 1, cursor: $cur) { items { name } nextCursor } }',
      { c, cur: page1.data!.nodes.nextCursor },
    );
    expect(page2.data).toEqual({ nodes: { items: [{ name: 'g2' }], nextCursor: null } });

    const updated = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!, $id: String!) { updateNode(clusterId: $c, id: $id, input: {externalIp: "198.51.100.7"}) { name internalIps externalIp podCidrs labels } }',
      { c, id },
    );
    expect(updated.data).toEqual({
      updateNode: {
        name: 'g1',
        internalIps: ['10.1.0.1', 'fd00::1'],
        externalIp: '198.51.100.7',
        podCidrs: ['172.16.0.0/24'],
        labels: { role: 'worker' },
      },
    });

    expect(
      (
        await gql(t, tenant.apiKey, 'mutation($c: String!, $id: String!) { deleteNode(clusterId: $c, id: $id) }', {
          c,
          id,
        })
      ).data,
    ).toEqual({ deleteNode: true });
    const gone = await gql(
      t,
      tenant.apiKey,
      'query($c: String!, $id: String!) { node(clusterId: $c, id: $id) { name } }',
      { c, id },
    );
    expect(gone.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const again = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!, $id: String!) { deleteNode(clusterId: $c, id: $id) }',
      { c, id },
    );
    expect(again.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('reports conflicts and validation errors with a code and the field, changing nothing', async () => {
    const before = await snapshot(t);
    const dup = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createNode(clusterId: $c, input: {name: "existing", internalIps: ["10.200.0.1"]}) { id } }',
      { c: shared },
    );
    expect(dup.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', status: 409, errors: [{ field: 'name' }] });
    const clash = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createNode(clusterId: $c, input: {name: "other", internalIps: ["192.168.9.1"]}) { id } }',
      { c: shared },
    );
    expect(clash.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', errors: [{ field: 'internalIps[0]' }] });
    const bad = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createNode(clusterId: $c, input: {name: "Bad_Name", internalIps: ["10.0.0.300"]}) { id } }',
      { c: shared },
    );
    expect(bad.errors?.[0].extensions.code).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0].extensions.errors?.map((e) => e.field)).toEqual(
      expect.arrayContaining(['name', 'internalIps']),
    );
    const unknown = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createNode(clusterId: $c, input: {name: "x", internalIps: ["10.0.0.9"], color: "blue"}) { id } }',
      { c: shared },
    );
    expect(unknown.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(unknown.errors?.[0].message).toContain('color');
    const badId = await gql(t, tenant.apiKey, 'query { node(clusterId: "x", id: "y") { name } }');
    expect(badId.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('node conflicts', () => {
  it('rejects a duplicate name with 409 naming it and changes nothing', async () => {
    const before = await snapshot(t);
    const res = await t.http
      .post(`/v1/clusters/${shared}/nodes`)
      .set(auth())
      .send({ name: 'existing', internalIps: ['10.77.0.1'] })
      .expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, code: 'CONFLICT', errors: [{ field: 'name' }] });
    expect(await snapshot(t)).toEqual(before);
  });

  it('rejects an IP another node, a pod or a Service holds, and frees it when the holder goes', async () => {
    const c = await newCluster('nodes-clash', { clusterCidrs: ['172.16.0.0/16'] });
    const base = `/v1/clusters/${c}/nodes`;
    const a = (
      await t.http
        .post(base)
        .set(auth())
        .send({ name: 'a', internalIps: ['10.0.0.1', 'fd00::1'], externalIp: '203.0.113.1' })
        .expect(201)
    ).body;
    const b = (
      await t.http
        .post(base)
        .set(auth())
        .send({ name: 'b', internalIps: ['10.0.0.2'] })
        .expect(201)
    ).body;
    await t.http
      .post(`/v1/clusters/${c}/pods`)
      .set(auth())
      .send({ namespace: 'default', name: 'p', nodeName: 'b', ips: ['172.16.0.9'] })
      .expect(201);
    const svc = (
      await t.http
        .post(`/v1/clusters/${c}/services`)
        .set(auth())
        .send({ namespace: 'default', name: 's', clusterIps: ['10.96.0.50'], ports: [{ port: 80 }] })
        .expect(201)
    ).body;

    const before = await snapshot(t);
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x', internalIps: ['10.0.0.1'] }, 'internalIps[0]'],
      [{ name: 'x', internalIps: ['10.0.0.9', 'FD00:0::1'] }, 'internalIps[1]'],
      [{ name: 'x', internalIps: ['203.0.113.1'] }, 'internalIps[0]'],
      [{ name: 'x', internalIps: ['10.0.0.9'], externalIp: '10.0.0.2' }, 'externalIp'],
      [{ name: 'x', internalIps: ['10.0.0.9'], externalIp: '203.0.113.1' }, 'externalIp'],
      [{ name: 'x', internalIps: ['172.16.0.9'] }, 'internalIps[0]'],
      [{ name: 'x', internalIps: ['10.96.0.50'] }, 'internalIps[0]'],
    ];
    for (const [body, field] of cases) {
      const res = await t.http.post(base).set(auth()).send(body).expect(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'CONFLICT', errors: [{ field }] });
    }
    // Moving b onto a's address is a conflict too.
    const moved = await t.http
      .patch(`${base}/${b.id}`)
      .set(auth())
      .send({ internalIps: ['10.0.0.2', '10.0.0.1'] })
      .expect(409);
    expect(moved.body.errors[0].field).toBe('internalIps[1]');
    const eip = await t.http.patch(`${base}/${b.id}`).set(auth()).send({ externalIp: '203.0.113.1' }).expect(409);
    expect(eip.body.errors[0].field).toBe('externalIp');
    expect(await snapshot(t)).toEqual(before);

    // A node may keep its own addresses on update.
    await t.http
      .patch(`${base}/${a.id}`)
      .set(auth())
      .send({ internalIps: ['10.0.0.1', 'fd00::1'], externalIp: '203.0.113.1' })
      .expect(200);
    // Once the holders are gone the addresses can be reused.
    await t.http.delete(`${base}/${a.id}`).set(auth()).expect(204);
    await t.http.delete(`/v1/clusters/${c}/services/${svc.id}`).set(auth()).expect(204);
    await t.http
      .post(base)
      .set(auth())
      .send({ name: 'x', internalIps: ['10.0.0.1', 'fd00::1'], externalIp: '203.0.113.1' })
      .expect(201);
    await t.http
      .post(base)
      .set(auth())
      .send({ name: 'y', internalIps: ['10.96.0.50'] })
      .expect(201);
    // The same address in another cluster is no conflict.
    const other = await newCluster('nodes-clash-2');
    await t.http
      .post(`/v1/clusters/${other}/nodes`)
      .set(auth())
      .send({ name: 'a', internalIps: ['10.0.0.2'] })
      .expect(201);
  });
});

describe('node bad input', () => {
  // Nothing in this block may change the database: every case compares with the state before it.
  let baseline: Record<string, unknown[]>;
  beforeAll(async () => {
    baseline = await snapshot(t);
  });

  const create: [string, Record<string, unknown>][] = [
    ['name', { internalIps: ['10.50.0.1'] }],
    ['name', { name: 'Not_A_DNS_Name', internalIps: ['10.50.0.1'] }],
    ['name', { name: 'a'.repeat(254), internalIps: ['10.50.0.1'] }],
    ['name', { name: '-leading-dash', internalIps: ['10.50.0.1'] }],
    ['name', { name: 42, internalIps: ['10.50.0.1'] }],
    ['internalIps', { name: 'ok' }],
    ['internalIps', { name: 'ok', internalIps: [] }],
    ['internalIps', { name: 'ok', internalIps: '10.50.0.1' }],
    ['internalIps', { name: 'ok', internalIps: ['10.50.0.256'] }],
    ['internalIps', { name: 'ok', internalIps: ['10.50.0.1/32'] }],
    ['internalIps', { name: 'ok', internalIps: [17] }],
    ['internalIps', { name: 'ok', internalIps: ['10.50.0.1', '10.50.0.1'] }],
    ['internalIps', { name: 'ok', internalIps: ['fd00::1', 'FD00:0::1'] }],
    ['internalIps', { name: 'ok', internalIps: ['10.50.0.1', '10.50.0.2', '10.50.0.3', '10.50.0.4', '10.50.0.5'] }],
    ['externalIp', { name: 'ok', internalIps: ['10.50.0.1'], externalIp: 'eip.example.com' }],
    ['externalIp', { name: 'ok', internalIps: ['10.50.0.1'], externalIp: 3405803786 }],
    ['podCidrs', { name: 'ok', internalIps: ['10.50.0.1'], podCidrs: ['172.16.0.1/24'] }],
    ['podCidrs', { name: 'ok', internalIps: ['10.50.0.1'], podCidrs: ['172.16.0.0/33'] }],
    ['podCidrs', { name: 'ok', internalIps: ['10.50.0.1'], podCidrs: '172.16.0.0/24' }],
    ['podCidrs', { name: 'ok', internalIps: ['10.50.0.1'], podCidrs: ['172.16.0.0/24', 'fd00::/64', '172.17.0.0/24'] }],
    ['labels', { name: 'ok', internalIps: ['10.50.0.1'], labels: { 'bad key': 'v' } }],
    ['labels', { name: 'ok', internalIps: ['10.50.0.1'], labels: { 'Bad_Prefix.io/k': 'v' } }],
    ['labels', { name: 'ok', internalIps: ['10.50.0.1'], labels: { ['k'.repeat(64)]: 'v' } }],
    ['labels', { name: 'ok', internalIps: ['10.50.0.1'], labels: { k: 'has space' } }],
    ['labels', { name: 'ok', internalIps: ['10.50.0.1'], labels: { k: 'v'.repeat(64) } }],
    ['labels', { name: 'ok', internalIps: ['10.50.0.1'], labels: { k: '-dash-first' } }],
    ['labels', { name: 'ok', internalIps: ['10.50.0.1'], labels: { k: 1 } }],
    ['labels', { name: 'ok', internalIps: ['10.50.0.1'], labels: ['a'] }],
    ['labels', { name: 'ok', internalIps: ['10.50.0.1'], labels: 'app=web' }],
    ['color', { name: 'ok', internalIps: ['10.50.0.1'], color: 'blue' }],
    ['id', { name: 'ok', internalIps: ['10.50.0.1'], id: '00000000-0000-4000-8000-000000000000' }],
  ];

  it.concurrent.each(create)(
    'POST rejects a bad %s with 400 problem+json naming it, storing nothing',
    async (field, body) => {
      const res = await t.http.post(`/v1/clusters/${shared}/nodes`).set(auth()).send(body).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await snapshot(t)).toEqual(baseline);
    },
  );

  const update: [string, Record<string, unknown>][] = [
    ['internalIps', { internalIps: [] }],
    ['internalIps', { internalIps: ['not-an-ip'] }],
    ['internalIps', { internalIps: ['10.51.0.1', '10.51.0.1'] }],
    ['internalIps', { internalIps: ['10.51.0.1', '10.51.0.2', '10.51.0.3', '10.51.0.4', '10.51.0.5'] }],
    ['externalIp', { externalIp: '300.1.1.1' }],
    ['podCidrs', { podCidrs: ['172.16.0.0'] }],
    ['labels', { labels: { 'a/b/c': 'v' } }],
    ['name', { name: 'renamed' }],
    ['color', { color: 'blue' }],
  ];

  it.concurrent.each(update)(
    'PATCH rejects a bad %s with 400 problem+json naming it, changing nothing',
    async (field, body) => {
      const node = (await t.http.get(`/v1/clusters/${shared}/nodes`).set(auth()).expect(200)).body.items[0];
      const res = await t.http.patch(`/v1/clusters/${shared}/nodes/${node.id}`).set(auth()).send(body).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await snapshot(t)).toEqual(baseline);
    },
  );
});
