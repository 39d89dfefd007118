import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTenant, gql, snapshot, startTestApp, TestApp, TestTenant } from '../support/test-app';

let t: TestApp;
let tenant: TestTenant;
/** A cluster with nodes n1 (10.0.0.1, fd00::1) and n2 (10.0.0.2) and pod default/existing (172.16.0.10). */
let shared: string;
let existingPod: string;

const auth = () => bearer(tenant.apiKey);

async function newCluster(name: string): Promise<string> {
  const id = (
    await t.http
      .post('/v1/clusters')
      .set(auth())
      .send({ name, clusterCidrs: ['172.16.0.0/16'] })
      .expect(201)
  ).body.id as string;
  await t.http
    .post(`/v1/clusters/${id}/nodes`)
    .set(auth())
    .send({ name: 'n1', internalIps: ['10.0.0.1', 'fd00::1'] })
    .expect(201);
  await t.http
    .post(`/v1/clusters/${id}/nodes`)
    .set(auth())
    .send({ name: 'n2', internalIps: ['10.0.0.2'] })
    .expect(201);
  return id;
}

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t);
  shared = await newCluster('pods-shared');
  existingPod = (
    await t.http
      .post(`/v1/clusters/${shared}/pods`)
      .set(auth())
      .send({ namespace: 'default', name: 'existing', nodeName: 'n1', ips: ['172.16.0.10'] })
      .expect(201)
  ).body.id;
});
afterAll(async () => t?.close());

describe('pods over REST', () => {
  it('refuses an IPv6 address with a zone id (fe80::1%eth0) as a 400 naming the field, for pods, nodes and imports', async () => {
    const c = await newCluster('pods-zone-id');
    const pod = await t.http
      .post(`/v1/clusters/${c}/pods`)
      .set(auth())
      .send({ namespace: 'default', name: 'zoned', nodeName: 'n1', ips: ['fe80::1%eth0'] })
      .expect(400);
    expect(pod.body.errors.map((e: { field: string }) => e.field)).toContain('ips');
    const node = await t.http
      .post(`/v1/clusters/${c}/nodes`)
      .set(auth())
      .send({ name: 'n3', internalIps: ['fe80::1%eth0'] })
      .expect(400);
    expect(node.body.errors.map((e: { field: string }) => e.field)).toEqual([expect.stringMatching(/^internalIps/)]);
    const doc = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { namespace: 'default', name: 'zoned' },
          spec: { nodeName: 'n1', containers: [] },
          status: { phase: 'Running', podIP: 'fe80::1%eth0', podIPs: [{ ip: 'fe80::1%eth0' }] },
        },
      ],
    };
    const imported = await t.http
      .post(`/v1/clusters/${c}/import`)
      .set(auth())
      .set('content-type', 'application/json')
      .send(JSON.stringify(doc))
      .expect(400);
    expect(JSON.stringify(imported.body.errors)).toContain('podIP');
    expect((await t.http.get(`/v1/clusters/${c}/pods`).set(auth()).expect(200)).body.items).toEqual([]);
  });

  it('creates with defaults, gets, lists with pagination and a namespace filter, updates and deletes', async () => {
    const c = await newCluster('pods-crud');
    const base = `/v1/clusters/${c}/pods`;
    const created = await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'shop',
        name: 'web-1',
        nodeName: 'n1',
        ips: ['172.16.0.5', 'FD00:10::5'],
        labels: { app: 'web' },
        containerPorts: [
          { name: 'http', containerPort: 8080 },
          { containerPort: 53, protocol: 'UDP' },
        ],
      })
      .expect(201);
    expect(created.body).toMatchObject({
      clusterId: c,
      namespace: 'shop',
      name: 'web-1',
      nodeName: 'n1',
      ips: ['172.16.0.5', 'fd00:10::5'],
      labels: { app: 'web' },
      hostNetwork: false,
      phase: 'Running',
      ready: true,
      terminating: false,
      containerPorts: [
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { name: null, containerPort: 53, protocol: 'UDP' },
      ],
    });
    const bare = await t.http.post(base).set(auth()).send({ namespace: 'default', name: 'unscheduled' }).expect(201);
    expect(bare.body).toMatchObject({
      nodeName: null,
      ips: [],
      labels: {},
      containerPorts: [],
      hostNetwork: false,
      phase: 'Running',
      ready: true,
      terminating: false,
    });
    const pending = await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'shop',
        name: 'web-2',
        nodeName: 'n2',
        ips: ['172.16.0.6'],
        phase: 'Pending',
        ready: false,
        terminating: true,
      })
      .expect(201);
    expect(pending.body).toMatchObject({ phase: 'Pending', ready: false, terminating: true });
    await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'shop', name: 'web-3', nodeName: 'n2', ips: ['172.16.0.7'] })
      .expect(201);

    expect((await t.http.get(`${base}/${created.body.id}`).set(auth()).expect(200)).body).toEqual(created.body);

    const key = (p: { namespace: string; name: string }) => `${p.namespace}/${p.name}`;
    const page1 = await t.http.get(`${base}?limit=2`).set(auth()).expect(200);
    expect(page1.body.items.map(key)).toEqual(['default/unscheduled', 'shop/web-1']);
    const page2 = await t.http.get(`${base}?limit=2&cursor=${page1.body.nextCursor}`).set(auth()).expect(200);
    expect(page2.body.items.map(key)).toEqual(['shop/web-2', 'shop/web-3']);
    expect(page2.body.nextCursor).toBeNull();
    const shop1 = await t.http.get(`${base}?namespace=shop&limit=2`).set(auth()).expect(200);
    expect(shop1.body.items.map(key)).toEqual(['shop/web-1', 'shop/web-2']);
    const shop2 = await t.http
      .get(`${base}?namespace=shop&limit=2&cursor=${shop1.body.nextCursor}`)
      .set(auth())
      .expect(200);
    expect(shop2.body).toMatchObject({ items: [{ name: 'web-3' }], nextCursor: null });
    expect((await t.http.get(`${base}?namespace=nowhere`).set(auth()).expect(200)).body).toEqual({
      items: [],
      nextCursor: null,
    });

    // PATCH: untouched fields are kept.
    const notReady = await t.http.patch(`${base}/${created.body.id}`).set(auth()).send({ ready: false }).expect(200);
    expect(notReady.body).toMatchObject({
      namespace: 'shop',
      name: 'web-1',
      nodeName: 'n1',
      ips: ['172.16.0.5', 'fd00:10::5'],
      labels: { app: 'web' },
      hostNetwork: false,
      phase: 'Running',
      ready: false,
      terminating: false,
      containerPorts: [
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { name: null, containerPort: 53, protocol: 'UDP' },
      ],
    });
    const moved = await t.http
      .patch(`${base}/${created.body.id}`)
      .set(auth())
      .send({
        nodeName: 'n2',
        labels: { app: 'web', tier: 'front' },
        containerPorts: [{ containerPort: 9090, protocol: 'SCTP' }],
      })
      .expect(200);
    expect(moved.body).toMatchObject({
      nodeName: 'n2',
      ips: ['172.16.0.5', 'fd00:10::5'],
      ready: false,
      labels: { app: 'web', tier: 'front' },
      containerPorts: [{ name: null, containerPort: 9090, protocol: 'SCTP' }],
    });
    const readdressed = await t.http
      .patch(`${base}/${created.body.id}`)
      .set(auth())
      .send({ ips: ['172.16.0.50'], phase: 'Succeeded' })
      .expect(200);
    expect(readdressed.body).toMatchObject({ ips: ['172.16.0.50'], phase: 'Succeeded', nodeName: 'n2' });
    const unscheduled = await t.http
      .patch(`${base}/${created.body.id}`)
      .set(auth())
      .send({ nodeName: null })
      .expect(200);
    expect(unscheduled.body).toMatchObject({ nodeName: null, ips: ['172.16.0.50'] });
    expect((await t.http.get(`${base}/${created.body.id}`).set(auth()).expect(200)).body).toEqual(unscheduled.body);
    // The old addresses are free again. A finished (Succeeded) pod holds no address (pod-rules, as on import):
    // its IP is released and may be taken; running again, it must take it back and cannot.
    await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'shop', name: 'web-4', ips: ['172.16.0.5', 'fd00:10::5'] })
      .expect(201);
    await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'shop', name: 'web-5', ips: ['172.16.0.50'] })
      .expect(201);
    const rerun = await t.http.patch(`${base}/${created.body.id}`).set(auth()).send({ phase: 'Running' }).expect(409);
    expect(rerun.body.errors[0]).toMatchObject({
      field: 'ips[0]',
      message: '172.16.0.50 is already used by pod shop/web-5 in this cluster',
    });

    await t.http.delete(`${base}/${created.body.id}`).set(auth()).expect(204);
    const gone = await t.http.get(`${base}/${created.body.id}`).set(auth()).expect(404);
    expect(gone.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(gone.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await t.http.delete(`${base}/${created.body.id}`).set(auth()).expect(404);
    // Deleting web-5 frees its address.
    await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'shop', name: 'web-6', ips: ['172.16.0.50'] })
      .expect(409);
    const web5 = (await t.http.get(`${base}?namespace=shop&limit=50`).set(auth()).expect(200)).body.items.find(
      (p: { name: string }) => p.name === 'web-5',
    );
    await t.http.delete(`${base}/${web5.id}`).set(auth()).expect(204);
    await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'shop', name: 'web-6', ips: ['172.16.0.50'] })
      .expect(201);
  });

  it("gives a hostNetwork pod its node's IPs (one per family) and keeps them in step with its node", async () => {
    const c = await newCluster('pods-hostnet');
    const base = `/v1/clusters/${c}/pods`;
    const hn = await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'kube-system', name: 'kube-proxy-a', nodeName: 'n1', hostNetwork: true })
      .expect(201);
    expect(hn.body).toMatchObject({ hostNetwork: true, nodeName: 'n1', ips: ['10.0.0.1', 'fd00::1'] });
    // Several hostNetwork pods share their node's IPs without conflict.
    const second = await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'kube-system', name: 'node-exporter', nodeName: 'n1', hostNetwork: true, ips: ['fd00::1'] })
      .expect(201);
    expect(second.body.ips).toEqual(['fd00::1']);
    // An IP that is not its node's is refused.
    const before = await snapshot(t);
    const foreign = await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'kube-system', name: 'x', nodeName: 'n1', hostNetwork: true, ips: ['10.0.0.2'] })
      .expect(400);
    expect(foreign.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'ips[0]' }] });
    expect(await snapshot(t)).toEqual(before);

    // Moving it to another node moves its IPs; PATCH of other fields keeps them.
    const moved = await t.http.patch(`${base}/${hn.body.id}`).set(auth()).send({ nodeName: 'n2' }).expect(200);
    expect(moved.body).toMatchObject({ nodeName: 'n2', ips: ['10.0.0.2'], hostNetwork: true });
    const relabelled = await t.http
      .patch(`${base}/${hn.body.id}`)
      .set(auth())
      .send({ labels: { k8s: 'proxy' } })
      .expect(200);
    expect(relabelled.body).toMatchObject({ nodeName: 'n2', ips: ['10.0.0.2'], labels: { k8s: 'proxy' } });

    // Turning a pod into a hostNetwork pod gives up its own IP and takes its node's.
    const plain = await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'default', name: 'p', nodeName: 'n2', ips: ['172.16.0.20'] })
      .expect(201);
    const switched = await t.http.patch(`${base}/${plain.body.id}`).set(auth()).send({ hostNetwork: true }).expect(200);
    expect(switched.body).toMatchObject({ hostNetwork: true, ips: ['10.0.0.2'] });
    await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'default', name: 'q', ips: ['172.16.0.20'] })
      .expect(201);
  });

  it('keeps fields a PATCH sends as null', async () => {
    const c = await newCluster('pods-null');
    const pod = (
      await t.http
        .post(`/v1/clusters/${c}/pods`)
        .set(auth())
        .send({
          namespace: 'default',
          name: 'p',
          nodeName: 'n1',
          ips: ['172.16.0.5'],
          labels: { a: 'b' },
          phase: 'Pending',
          ready: false,
          terminating: true,
        })
        .expect(201)
    ).body;
    const res = await t.http
      .patch(`/v1/clusters/${c}/pods/${pod.id}`)
      .set(auth())
      .send({
        labels: null,
        phase: null,
        ready: null,
        terminating: null,
        hostNetwork: null,
        ips: null,
        containerPorts: null,
      })
      .expect(200);
    expect(res.body).toMatchObject({
      nodeName: 'n1',
      ips: ['172.16.0.5'],
      labels: { a: 'b' },
      phase: 'Pending',
      ready: false,
      terminating: true,
      hostNetwork: false,
      containerPorts: [],
    });
    const viaGql = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!, $id: String!) { updatePod(clusterId: $c, id: $id, input: {labels: null, phase: null, ready: null}) { labels phase ready } }',
      { c, id: pod.id },
    );
    expect(viaGql.errors).toBeUndefined();
    expect(viaGql.data).toEqual({ updatePod: { labels: { a: 'b' }, phase: 'Pending', ready: false } });
  });

  it('answers 404 for an unknown cluster or pod and 400 for malformed ids', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    await t.http.post(`/v1/clusters/${missing}/pods`).set(auth()).send({ namespace: 'default', name: 'p' }).expect(404);
    await t.http.get(`/v1/clusters/${shared}/pods/${missing}`).set(auth()).expect(404);
    expect((await t.http.get(`/v1/clusters/${shared}/pods/xyz`).set(auth()).expect(400)).body.errors[0].field).toBe(
      'podId',
    );
    // A pod is not visible through another cluster's path, nor to another tenant.
    const other = await newCluster('pods-other');
    await t.http.get(`/v1/clusters/${other}/pods/${existingPod}`).set(auth()).expect(404);
    const stranger = await createTenant(t);
    await t.http.get(`/v1/clusters/${shared}/pods/${existingPod}`).set(bearer(stranger.apiKey)).expect(404);
    await t.http.delete(`/v1/clusters/${shared}/pods/${existingPod}`).set(bearer(stranger.apiKey)).expect(404);
    await t.http.get(`/v1/clusters/${shared}/pods/${existingPod}`).set(auth()).expect(200);
  });
});

describe('pods over GraphQL', () => {
  it('creates, queries, lists, updates and deletes', async () => {
    const c = await newCluster('pods-gql');
    const created = await gql<{ createPod: { id: string } & Record<string, unknown> }>(
      t,
      tenant.apiKey,
      'mutation($c: String!, $input: CreatePodInput!) { createPod(clusterId: $c, input: $input) { id namespace name nodeName ips hostNetwork phase ready terminating labels containerPorts { name containerPort protocol } } }',
      {
        c,
        input: {
          namespace: 'apps',
          name: 'api-0',
          nodeName: 'n1',
          ips: ['172.16.1.1'],
          labels: { app: 'api' },
          containerPorts: [{ name: 'grpc', containerPort: 9000 }],
        },
      },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createPod).toMatchObject({
      namespace: 'apps',
      name: 'api-0',
      nodeName: 'n1',
      ips: ['172.16.1.1'],
      hostNetwork: false,
      phase: 'Running',
      ready: true,
      terminating: false,
      labels: { app: 'api' },
      containerPorts: [{ name: 'grpc', containerPort: 9000, protocol: 'TCP' }],
    });
    const id = created.data!.createPod.id;
    const hn = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createPod(clusterId: $c, input: {namespace: "apps", name: "api-1", nodeName: "n2", hostNetwork: true, phase: Pending}) { ips phase } }',
      { c },
    );
    expect(hn.data).toEqual({ createPod: { ips: ['10.0.0.2'], phase: 'Pending' } });
    await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createPod(clusterId: $c, input: {namespace: "other", name: "x"}) { id } }',
      { c },
    );

    const read = await gql(
      t,
      tenant.apiKey,
      'query($c: String!, $id: String!) { pod(clusterId: $c, id: $id) { clusterId name ips } }',
      { c, id },
    );
    expect(read.data).toEqual({ pod: { clusterId: c, name: 'api-0', ips: ['172.16.1.1'] } });

    const page1 = await gql<{ pods: { items: { name: string }[]; nextCursor: string } }>(
      t,
      tenant.apiKey,
      'query($c: String!) { pods(clusterId: $c, namespace: "apps", limit: 1) { items { name } nextCursor } }',
      { c },
    );
    expect(page1.data!.pods.items).toEqual([{ name: 'api-0' }]);
    const page2 = await gql(
      t,
      tenant.apiKey,
      'query($c: String!, $cur: String) { pods(clusterId: $c, namespace: "apps", limit: 1, cursor: $cur) { items { name } nextCursor } }',
      { c, cur: page1.data!.pods.nextCursor },
    );
    expect(page2.data).toEqual({ pods: { items: [{ name: 'api-1' }], nextCursor: null } });
    const all = await gql<{ pods: { items: { namespace: string }[] } }>(
      t,
      tenant.apiKey,
      'query($c: String!) { pods(clusterId: $c) { items { namespace } } }',
      { c },
    );
    expect(all.data!.pods.items.map((p) => p.namespace)).toEqual(['apps', 'apps', 'other']);

    const updated = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!, $id: String!) { updatePod(clusterId: $c, id: $id, input: {terminating: true, phase: Failed}) { nodeName ips labels terminating phase ready } }',
      { c, id },
    );
    expect(updated.data).toEqual({
      updatePod: {
        nodeName: 'n1',
        ips: ['172.16.1.1'],
        labels: { app: 'api' },
        terminating: true,
        phase: 'Failed',
        ready: true,
      },
    });

    expect(
      (
        await gql(t, tenant.apiKey, 'mutation($c: String!, $id: String!) { deletePod(clusterId: $c, id: $id) }', {
          c,
          id,
        })
      ).data,
    ).toEqual({ deletePod: true });
    const gone = await gql(
      t,
      tenant.apiKey,
      'query($c: String!, $id: String!) { pod(clusterId: $c, id: $id) { name } }',
      { c, id },
    );
    expect(gone.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('reports errors with a code and the field, changing nothing', async () => {
    const before = await snapshot(t);
    const dup = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createPod(clusterId: $c, input: {namespace: "default", name: "existing"}) { id } }',
      { c: shared },
    );
    expect(dup.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', status: 409, errors: [{ field: 'name' }] });
    const ipClash = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createPod(clusterId: $c, input: {namespace: "default", name: "new", ips: ["172.16.0.10"]}) { id } }',
      { c: shared },
    );
    expect(ipClash.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', errors: [{ field: 'ips[0]' }] });
    const noNode = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createPod(clusterId: $c, input: {namespace: "default", name: "new", nodeName: "ghost"}) { id } }',
      { c: shared },
    );
    expect(noNode.errors?.[0].extensions).toMatchObject({
      code: 'UNPROCESSABLE',
      status: 422,
      errors: [{ field: 'nodeName' }],
    });
    const bad = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createPod(clusterId: $c, input: {namespace: "Default", name: "new", containerPorts: [{containerPort: 0}]}) { id } }',
      { c: shared },
    );
    expect(bad.errors?.[0].extensions.code).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0].extensions.errors?.map((e) => e.field)).toEqual(
      expect.arrayContaining(['namespace', 'containerPorts[0].containerPort']),
    );
    const badEnum = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createPod(clusterId: $c, input: {namespace: "default", name: "new", phase: Dead}) { id } }',
      { c: shared },
    );
    expect(badEnum.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('pod conflicts', () => {
  it('rejects a duplicate name in the same namespace (not in another) with 409 naming it', async () => {
    const before = await snapshot(t);
    const res = await t.http
      .post(`/v1/clusters/${shared}/pods`)
      .set(auth())
      .send({ namespace: 'default', name: 'existing', ips: ['172.16.5.5'] })
      .expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, code: 'CONFLICT', errors: [{ field: 'name' }] });
    expect(await snapshot(t)).toEqual(before);
    const elsewhere = (
      await t.http
        .post(`/v1/clusters/${shared}/pods`)
        .set(auth())
        .send({ namespace: 'other', name: 'existing' })
        .expect(201)
    ).body;
    await t.http.delete(`/v1/clusters/${shared}/pods/${elsewhere.id}`).set(auth()).expect(204);
  });

  it('rejects an IP another pod, a node or a Service holds, and frees it when the holder goes', async () => {
    const c = await newCluster('pods-clash');
    const base = `/v1/clusters/${c}/pods`;
    const holder = (
      await t.http
        .post(base)
        .set(auth())
        .send({ namespace: 'default', name: 'holder', nodeName: 'n1', ips: ['172.16.0.5', 'fd00:10::5'] })
        .expect(201)
    ).body;
    const other = (
      await t.http
        .post(base)
        .set(auth())
        .send({ namespace: 'default', name: 'other', nodeName: 'n1', ips: ['172.16.0.6'] })
        .expect(201)
    ).body;
    const svc = (
      await t.http
        .post(`/v1/clusters/${c}/services`)
        .set(auth())
        .send({ namespace: 'default', name: 's', clusterIps: ['10.96.0.9'], ports: [{ port: 80 }] })
        .expect(201)
    ).body;
    const node3 = (
      await t.http
        .post(`/v1/clusters/${c}/nodes`)
        .set(auth())
        .send({ name: 'n3', internalIps: ['10.0.0.3'], externalIp: '203.0.113.3' })
        .expect(201)
    ).body;

    const before = await snapshot(t);
    const cases: [Record<string, unknown>, string][] = [
      [{ namespace: 'other', name: 'x', ips: ['172.16.0.5'] }, 'ips[0]'],
      [{ namespace: 'default', name: 'x', ips: ['172.16.0.99', 'FD00:10:0::5'] }, 'ips[1]'],
      [{ namespace: 'default', name: 'x', ips: ['10.0.0.1'] }, 'ips[0]'],
      [{ namespace: 'default', name: 'x', ips: ['fd00::1'] }, 'ips[0]'],
      [{ namespace: 'default', name: 'x', ips: ['203.0.113.3'] }, 'ips[0]'],
    ];
    for (const [body, field] of cases) {
      const res = await t.http.post(base).set(auth()).send(body).expect(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'CONFLICT', errors: [{ field }] });
    }
    // A Service's ClusterIP lies in the Service CIDR, where no pod IP may (node IPAM leaves that range
    // out of pod CIDRs): refused as such, a 400, before any claim is looked at.
    const clusterIp = await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'default', name: 'x', ips: ['10.96.0.9'] })
      .expect(400);
    expect(clusterIp.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'ips[0]' }] });
    const update = await t.http
      .patch(`${base}/${other.id}`)
      .set(auth())
      .send({ ips: ['172.16.0.5'] })
      .expect(409);
    expect(update.body).toMatchObject({ code: 'CONFLICT', errors: [{ field: 'ips[0]' }] });
    // Nor may a pod take a node's IP on update.
    const toNode = await t.http
      .patch(`${base}/${other.id}`)
      .set(auth())
      .send({ ips: ['10.0.0.2'] })
      .expect(409);
    expect(toNode.body.errors[0].field).toBe('ips[0]');
    expect(await snapshot(t)).toEqual(before);

    // A pod may keep its own IPs on update.
    await t.http
      .patch(`${base}/${holder.id}`)
      .set(auth())
      .send({ ips: ['172.16.0.5', 'fd00:10::5'], ready: false })
      .expect(200);
    // Once the holders are gone, the addresses can be reused.
    await t.http.delete(`${base}/${holder.id}`).set(auth()).expect(204);
    await t.http.delete(`/v1/clusters/${c}/services/${svc.id}`).set(auth()).expect(204);
    await t.http.delete(`/v1/clusters/${c}/nodes/${node3.id}`).set(auth()).expect(204);
    await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'other', name: 'x', ips: ['172.16.0.5', 'fd00:10::5'] })
      .expect(201);
    // The ClusterIP's holder is gone, but it stays in the Service CIDR: still no pod's.
    await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'other', name: 'y', ips: ['10.96.0.9'] })
      .expect(400);
    await t.http
      .patch(`${base}/${other.id}`)
      .set(auth())
      .send({ ips: ['203.0.113.3'] })
      .expect(200);
  });
});

describe('pod bad input', () => {
  // Nothing in this block may change the database: every case compares with the state before it.
  let baseline: Record<string, unknown[]>;
  beforeAll(async () => {
    baseline = await snapshot(t);
  });

  const ok = { namespace: 'default', name: 'ok' };
  const create: [string, number, Record<string, unknown>][] = [
    ['namespace', 400, { name: 'ok' }],
    ['namespace', 400, { ...ok, namespace: 'Kube_System' }],
    ['namespace', 400, { ...ok, namespace: 'a.b' }],
    ['namespace', 400, { ...ok, namespace: 'n'.repeat(64) }],
    ['name', 400, { namespace: 'default' }],
    ['name', 400, { ...ok, name: 'Web-1' }],
    ['name', 400, { ...ok, name: 'w'.repeat(254) }],
    ['name', 400, { ...ok, name: 7 }],
    ['nodeName', 422, { ...ok, nodeName: 'ghost' }],
    ['nodeName', 400, { ...ok, nodeName: 'Node_1' }],
    ['nodeName', 400, { ...ok, nodeName: 1 }],
    ['nodeName', 400, { ...ok, hostNetwork: true }],
    ['ips', 400, { ...ok, ips: ['172.16.0.300'] }],
    ['ips', 400, { ...ok, ips: '172.16.0.30' }],
    ['ips', 400, { ...ok, ips: [42] }],
    ['ips', 400, { ...ok, ips: ['172.16.0.30', '172.16.0.31'] }],
    ['ips', 400, { ...ok, ips: ['fd00::30', 'fd00::31'] }],
    ['ips', 400, { ...ok, ips: ['172.16.0.30', '172.16.0.30'] }],
    ['ips', 400, { ...ok, ips: ['fd00::30', 'FD00::30'] }],
    ['ips', 400, { ...ok, ips: ['172.16.0.30', 'fd00::30', '172.16.0.31'] }],
    ['ips[0]', 400, { ...ok, nodeName: 'n1', hostNetwork: true, ips: ['10.0.0.2'] }],
    ['hostNetwork', 400, { ...ok, hostNetwork: 'yes' }],
    ['phase', 400, { ...ok, phase: 'Crashing' }],
    ['phase', 400, { ...ok, phase: 'running' }],
    ['ready', 400, { ...ok, ready: 'true' }],
    ['terminating', 400, { ...ok, terminating: 1 }],
    ['labels', 400, { ...ok, labels: { 'app name': 'web' } }],
    ['labels', 400, { ...ok, labels: { app: 'web/1' } }],
    ['labels', 400, { ...ok, labels: { app: 'x'.repeat(64) } }],
    ['labels', 400, { ...ok, labels: { app: true } }],
    ['labels', 400, { ...ok, labels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }],
    ['containerPorts', 400, { ...ok, containerPorts: { containerPort: 80 } }],
    [
      'containerPorts',
      400,
      { ...ok, containerPorts: Array.from({ length: 65 }, (_, i) => ({ containerPort: 1000 + i })) },
    ],
    ['containerPorts[0]', 400, { ...ok, containerPorts: [80] }],
    ['containerPorts[0].containerPort', 400, { ...ok, containerPorts: [{}] }],
    ['containerPorts[0].containerPort', 400, { ...ok, containerPorts: [{ containerPort: 0 }] }],
    ['containerPorts[0].containerPort', 400, { ...ok, containerPorts: [{ containerPort: 65536 }] }],
    ['containerPorts[0].containerPort', 400, { ...ok, containerPorts: [{ containerPort: '80' }] }],
    ['containerPorts[0].containerPort', 400, { ...ok, containerPorts: [{ containerPort: 80.5 }] }],
    [
      'containerPorts[1].protocol',
      400,
      { ...ok, containerPorts: [{ containerPort: 80 }, { containerPort: 81, protocol: 'HTTP' }] },
    ],
    ['containerPorts[0].name', 400, { ...ok, containerPorts: [{ containerPort: 80, name: 'HTTP' }] }],
    ['containerPorts[0].name', 400, { ...ok, containerPorts: [{ containerPort: 80, name: 'a-very-long-name' }] }],
    ['containerPorts[0].extra', 400, { ...ok, containerPorts: [{ containerPort: 80, extra: 1 }] }],
    [
      'containerPorts[1]',
      400,
      { ...ok, containerPorts: [{ containerPort: 80 }, { containerPort: 80, protocol: 'TCP' }] },
    ],
    [
      'containerPorts[1]',
      400,
      {
        ...ok,
        containerPorts: [
          { containerPort: 80, name: 'web' },
          { containerPort: 81, name: 'web' },
        ],
      },
    ],
    ['color', 400, { ...ok, color: 'blue' }],
    ['clusterId', 400, { ...ok, clusterId: '00000000-0000-4000-8000-000000000000' }],
  ];

  it.concurrent.each(create)(
    'POST rejects a bad %s with %i problem+json naming it, storing nothing',
    async (field, status, body) => {
      const res = await t.http.post(`/v1/clusters/${shared}/pods`).set(auth()).send(body).expect(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status, code: status === 422 ? 'UNPROCESSABLE' : 'VALIDATION_FAILED' });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await snapshot(t)).toEqual(baseline);
    },
  );

  const update: [string, number, Record<string, unknown>][] = [
    ['namespace', 400, { namespace: 'moved' }],
    ['name', 400, { name: 'renamed' }],
    ['nodeName', 422, { nodeName: 'ghost' }],
    ['ips', 400, { ips: ['not-an-ip'] }],
    ['ips', 400, { ips: ['172.16.9.1', '172.16.9.2'] }],
    ['phase', 400, { phase: 'Evicted' }],
    ['ready', 400, { ready: 'no' }],
    ['containerPorts[0].containerPort', 400, { containerPorts: [{ containerPort: -1 }] }],
    ['labels', 400, { labels: { '': 'v' } }],
    ['color', 400, { color: 'blue' }],
  ];

  it.concurrent.each(update)(
    'PATCH rejects a bad %s with %i problem+json naming it, changing nothing',
    async (field, status, body) => {
      const res = await t.http
        .patch(`/v1/clusters/${shared}/pods/${existingPod}`)
        .set(auth())
        .send(body)
        .expect(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await snapshot(t)).toEqual(baseline);
    },
  );
});
