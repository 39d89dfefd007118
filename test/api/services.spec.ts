import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTenant, gql, snapshot, startTestApp, TestApp, TestTenant } from '../support/test-app';

let t: TestApp;
let tenant: TestTenant;
/** A cluster (Service CIDR 10.96.0.0/12, NodePorts 30000-30999) holding default/existing (10.96.0.10, NodePort 30010). */
let shared: string;
let existing: string;

const auth = () => bearer(tenant.apiKey);

async function newCluster(name: string, body: Record<string, unknown> = {}): Promise<string> {
  return (
    await t.http
      .post('/v1/clusters')
      .set(auth())
      .send({ name, clusterCidrs: ['172.16.0.0/16'], ...body })
      .expect(201)
  ).body.id as string;
}

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t);
  shared = await newCluster('svc-shared', { nodePortRange: { min: 30000, max: 30999 } });
  existing = (
    await t.http
      .post(`/v1/clusters/${shared}/services`)
      .set(auth())
      .send({
        namespace: 'default',
        name: 'existing',
        type: 'NodePort',
        clusterIps: ['10.96.0.10'],
        ports: [{ port: 80, nodePort: 30010 }],
      })
      .expect(201)
  ).body.id;
  await t.http
    .post(`/v1/clusters/${shared}/services`)
    .set(auth())
    .send({ namespace: 'default', name: 'headless', clusterIps: ['None'], ports: [] })
    .expect(201);
});
afterAll(async () => t?.close());

describe('Services over REST', () => {
  it('creates with defaults and allocated addresses, gets, lists with pagination and a namespace filter, and deletes', async () => {
    const c = await newCluster('svc-crud');
    const base = `/v1/clusters/${c}/services`;
    const plain = await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'shop', name: 'web', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] })
      .expect(201);
    expect(plain.body).toMatchObject({
      clusterId: c,
      namespace: 'shop',
      name: 'web',
      type: 'ClusterIP',
      selector: { app: 'web' },
      headless: false,
      clusterIps: ['10.96.0.1'],
      ports: [{ name: null, protocol: 'TCP', port: 80, targetPort: 'http', nodePort: null }],
      externalIps: [],
      loadBalancerIngress: [],
      loadBalancerSourceRanges: [],
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      healthCheckNodePort: null,
      publishNotReadyAddresses: false,
      sessionAffinity: 'None',
      sessionAffinityTimeoutSeconds: null,
      trafficDistribution: null,
      labels: {},
      annotations: {},
    });
    const np = await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'shop',
        name: 'np',
        type: 'NodePort',
        ports: [
          { name: 'http', port: 80, targetPort: 8080 },
          { name: 'dns', port: 53, protocol: 'UDP' },
        ],
      })
      .expect(201);
    expect(np.body).toMatchObject({
      type: 'NodePort',
      clusterIps: ['10.96.0.2'],
      selector: null,
      healthCheckNodePort: null,
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30000 },
        { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53, nodePort: 30001 },
      ],
    });
    const lb = await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'edge',
        name: 'lb',
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        selector: { app: 'edge' },
        ports: [{ port: 443 }],
        loadBalancerIngress: [{ ip: '192.168.0.133' }, { ip: '2001:DB8::1', ipMode: 'Proxy' }],
        loadBalancerSourceRanges: ['203.0.113.0/24'],
        annotations: { 'kubernetes.io/elb.class': 'performance' },
        labels: { team: 'net' },
        internalTrafficPolicy: 'Local',
        publishNotReadyAddresses: true,
      })
      .expect(201);
    expect(lb.body).toMatchObject({
      type: 'LoadBalancer',
      clusterIps: ['10.96.0.3'],
      externalTrafficPolicy: 'Local',
      internalTrafficPolicy: 'Local',
      ports: [{ port: 443, nodePort: 30002 }],
      healthCheckNodePort: 30003,
      loadBalancerIngress: [
        { ip: '192.168.0.133', ipMode: 'VIP' },
        { ip: '2001:db8::1', ipMode: 'Proxy' },
      ],
      loadBalancerSourceRanges: ['203.0.113.0/24'],
      annotations: { 'kubernetes.io/elb.class': 'performance' },
      labels: { team: 'net' },
      publishNotReadyAddresses: true,
    });
    const lbCluster = await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'edge', name: 'lb2', type: 'LoadBalancer', ports: [{ port: 80 }] })
      .expect(201);
    expect(lbCluster.body).toMatchObject({
      clusterIps: ['10.96.0.4'],
      ports: [{ nodePort: 30004 }],
      healthCheckNodePort: null,
      externalTrafficPolicy: 'Cluster',
    });
    const given = await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'edge',
        name: 'given',
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        clusterIps: ['10.96.200.1'],
        ports: [{ port: 80, nodePort: 30500 }],
        healthCheckNodePort: 30501,
      })
      .expect(201);
    expect(given.body).toMatchObject({
      clusterIps: ['10.96.200.1'],
      ports: [{ nodePort: 30500 }],
      healthCheckNodePort: 30501,
    });
    const headless = await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'shop', name: 'db', clusterIps: ['None'], selector: { app: 'db' } })
      .expect(201);
    expect(headless.body).toMatchObject({ headless: true, clusterIps: [], ports: [], type: 'ClusterIP' });
    const ext = await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'shop',
        name: 'ext',
        externalIps: ['198.51.100.1'],
        externalTrafficPolicy: 'Local',
        ports: [{ port: 80 }],
      })
      .expect(201);
    expect(ext.body).toMatchObject({
      type: 'ClusterIP',
      externalIps: ['198.51.100.1'],
      externalTrafficPolicy: 'Local',
      clusterIps: ['10.96.0.5'],
      healthCheckNodePort: null,
    });

    expect((await t.http.get(`${base}/${lb.body.id}`).set(auth()).expect(200)).body).toEqual(lb.body);

    const key = (s: { namespace: string; name: string }) => `${s.namespace}/${s.name}`;
    const page1 = await t.http.get(`${base}?limit=3`).set(auth()).expect(200);
    expect(page1.body.items.map(key)).toEqual(['edge/given', 'edge/lb', 'edge/lb2']);
    const page2 = await t.http.get(`${base}?limit=3&cursor=${page1.body.nextCursor}`).set(auth()).expect(200);
    expect(page2.body.items.map(key)).toEqual(['shop/db', 'shop/ext', 'shop/np']);
    const page3 = await t.http.get(`${base}?limit=3&cursor=${page2.body.nextCursor}`).set(auth()).expect(200);
    expect(page3.body).toMatchObject({ items: [{ name: 'web' }], nextCursor: null });
    const shop = await t.http.get(`${base}?namespace=shop&limit=2`).set(auth()).expect(200);
    expect(shop.body.items.map(key)).toEqual(['shop/db', 'shop/ext']);
    const shop2 = await t.http
      .get(`${base}?namespace=shop&limit=2&cursor=${shop.body.nextCursor}`)
      .set(auth())
      .expect(200);
    expect(shop2.body.items.map(key)).toEqual(['shop/np', 'shop/web']);
    expect(shop2.body.nextCursor).toBeNull();

    await t.http.delete(`${base}/${plain.body.id}`).set(auth()).expect(204);
    const gone = await t.http.get(`${base}/${plain.body.id}`).set(auth()).expect(404);
    expect(gone.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(gone.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await t.http.delete(`${base}/${plain.body.id}`).set(auth()).expect(404);
    // Its ClusterIP is free again: the allocator hands it out next.
    const next = await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'shop', name: 'web', ports: [{ port: 80 }] })
      .expect(201);
    expect(next.body.clusterIps).toEqual(['10.96.0.1']);
  });

  it('updates with PATCH semantics: untouched fields kept, a port keeps its NodePort, ClusterIP drops NodePorts', async () => {
    const c = await newCluster('svc-update');
    const base = `/v1/clusters/${c}/services`;
    const np = (
      await t.http
        .post(base)
        .set(auth())
        .send({
          namespace: 'default',
          name: 'np',
          type: 'NodePort',
          selector: { app: 'a' },
          labels: { l: '1' },
          annotations: { note: 'x' },
          ports: [
            { name: 'http', port: 80 },
            { name: 'dns', port: 53, protocol: 'UDP' },
          ],
        })
        .expect(201)
    ).body;
    expect(np.ports.map((p: { nodePort: number }) => p.nodePort)).toEqual([30000, 30001]);

    const relabelled = await t.http
      .patch(`${base}/${np.id}`)
      .set(auth())
      .send({ labels: { l: '2' } })
      .expect(200);
    expect(relabelled.body).toEqual({
      ...np,
      labels: { l: '2' },
      version: np.version + 1,
      updatedAt: relabelled.body.updatedAt,
    });

    // http keeps 30000 (and gets a new targetPort), dns goes away, https gets a new NodePort.
    const reported = await t.http
      .patch(`${base}/${np.id}`)
      .set(auth())
      .send({
        ports: [
          { name: 'http', port: 80, targetPort: 8080 },
          { name: 'https', port: 443 },
        ],
      })
      .expect(200);
    expect(reported.body).toMatchObject({
      clusterIps: np.clusterIps,
      selector: { app: 'a' },
      labels: { l: '2' },
      annotations: { note: 'x' },
      ports: [
        { name: 'http', port: 80, targetPort: 8080, nodePort: 30000 },
        { name: 'https', port: 443, targetPort: 443, nodePort: 30002 },
      ],
    });
    // dns's NodePort was given back.
    await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'default', name: 'reuse-30001', type: 'NodePort', ports: [{ port: 1, nodePort: 30001 }] })
      .expect(201);
    // An explicit new NodePort replaces the kept one.
    const explicit = await t.http
      .patch(`${base}/${np.id}`)
      .set(auth())
      .send({
        ports: [
          { name: 'http', port: 80, nodePort: 30080 },
          { name: 'https', port: 443 },
        ],
      })
      .expect(200);
    expect(explicit.body.ports.map((p: { nodePort: number }) => p.nodePort)).toEqual([30080, 30002]);
    // Removing the selector.
    const noSelector = await t.http.patch(`${base}/${np.id}`).set(auth()).send({ selector: null }).expect(200);
    expect(noSelector.body).toMatchObject({ selector: null, labels: { l: '2' } });
    const stillNoSelector = await t.http
      .patch(`${base}/${np.id}`)
      .set(auth())
      .send({ publishNotReadyAddresses: true })
      .expect(200);
    expect(stillNoSelector.body).toMatchObject({ selector: null, publishNotReadyAddresses: true });

    // Switching to ClusterIP drops the NodePorts and gives them back.
    const toClusterIp = await t.http.patch(`${base}/${np.id}`).set(auth()).send({ type: 'ClusterIP' }).expect(200);
    expect(toClusterIp.body).toMatchObject({
      type: 'ClusterIP',
      clusterIps: np.clusterIps,
      ports: [
        { name: 'http', port: 80, nodePort: null },
        { name: 'https', port: 443, nodePort: null },
      ],
    });
    await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'default',
        name: 'reuse',
        type: 'NodePort',
        ports: [
          { name: 'a', port: 1, nodePort: 30080 },
          { name: 'b', port: 2, nodePort: 30002 },
        ],
      })
      .expect(201);

    // LoadBalancer with Local policy: health-check port allocated; dropped when the policy or the type changes.
    const lb = (
      await t.http
        .post(base)
        .set(auth())
        .send({
          namespace: 'default',
          name: 'lb',
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          ports: [{ port: 443 }],
        })
        .expect(201)
    ).body;
    expect(lb.healthCheckNodePort).toEqual(expect.any(Number));
    const kept = await t.http
      .patch(`${base}/${lb.id}`)
      .set(auth())
      .send({ ports: [{ port: 443, targetPort: 8443 }] })
      .expect(200);
    expect(kept.body).toMatchObject({
      ports: [{ nodePort: lb.ports[0].nodePort, targetPort: 8443 }],
      healthCheckNodePort: lb.healthCheckNodePort,
    });
    const lbToCluster = await t.http.patch(`${base}/${lb.id}`).set(auth()).send({ type: 'ClusterIP' }).expect(200);
    expect(lbToCluster.body).toMatchObject({
      type: 'ClusterIP',
      externalTrafficPolicy: 'Cluster',
      ports: [{ port: 443, nodePort: null }],
      healthCheckNodePort: null,
    });
    // Both ports are free again.
    await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'default',
        name: 'reuse-lb',
        type: 'NodePort',
        ports: [
          { name: 'a', port: 1, nodePort: lb.ports[0].nodePort },
          { name: 'b', port: 2, nodePort: lb.healthCheckNodePort },
        ],
      })
      .expect(201);

    const lb2 = (
      await t.http
        .post(base)
        .set(auth())
        .send({
          namespace: 'default',
          name: 'lb2',
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          ports: [{ port: 80 }],
        })
        .expect(201)
    ).body;
    const toNodePort = await t.http.patch(`${base}/${lb2.id}`).set(auth()).send({ type: 'NodePort' }).expect(200);
    expect(toNodePort.body).toMatchObject({
      type: 'NodePort',
      externalTrafficPolicy: 'Local',
      ports: [{ nodePort: lb2.ports[0].nodePort }],
      healthCheckNodePort: null,
    });
    const back = await t.http.patch(`${base}/${lb2.id}`).set(auth()).send({ type: 'LoadBalancer' }).expect(200);
    expect(back.body.healthCheckNodePort).toEqual(expect.any(Number));
    const toCluster = await t.http
      .patch(`${base}/${lb2.id}`)
      .set(auth())
      .send({ externalTrafficPolicy: 'Cluster' })
      .expect(200);
    expect(toCluster.body).toMatchObject({
      type: 'LoadBalancer',
      healthCheckNodePort: null,
      ports: [{ nodePort: lb2.ports[0].nodePort }],
    });

    // Headless and back: a ClusterIP is allocated again.
    const web = (
      await t.http
        .post(base)
        .set(auth())
        .send({ namespace: 'default', name: 'web', ports: [{ port: 80 }] })
        .expect(201)
    ).body;
    const asHeadless = await t.http
      .patch(`${base}/${web.id}`)
      .set(auth())
      .send({ clusterIps: ['None'] })
      .expect(200);
    expect(asHeadless.body).toMatchObject({ headless: true, clusterIps: [] });
    const reallocated = await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'default', name: 'takes-freed-ip', clusterIps: web.clusterIps, ports: [{ port: 80 }] })
      .expect(201);
    expect(reallocated.body.clusterIps).toEqual(web.clusterIps);
    const unHeadless = await t.http.patch(`${base}/${web.id}`).set(auth()).send({ clusterIps: [] }).expect(200);
    expect(unHeadless.body.headless).toBe(false);
    expect(unHeadless.body.clusterIps).toHaveLength(1);
    expect(unHeadless.body.clusterIps).not.toEqual(web.clusterIps);

    // No PATCH changes what it was not given, even when it sends nulls.
    const nulls = await t.http
      .patch(`${base}/${lb2.id}`)
      .set(auth())
      .send({
        type: null,
        ports: null,
        labels: null,
        annotations: null,
        externalIps: null,
        publishNotReadyAddresses: null,
      })
      .expect(200);
    expect(nulls.body).toMatchObject({
      type: 'LoadBalancer',
      ports: [{ nodePort: lb2.ports[0].nodePort }],
      labels: {},
      annotations: {},
    });
  });

  it('stores session affinity and traffic distribution: ClientIP defaults to 10800 s, a PATCH keeps what it does not set, None clears the timeout', async () => {
    const c = await newCluster('svc-affinity');
    const base = `/v1/clusters/${c}/services`;
    const sticky = await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'shop',
        name: 'sticky',
        sessionAffinity: 'ClientIP',
        trafficDistribution: 'PreferSameZone',
        ports: [{ port: 80 }],
      })
      .expect(201);
    expect(sticky.body).toMatchObject({
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 10800,
      trafficDistribution: 'PreferSameZone',
    });
    const given = await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'shop',
        name: 'given',
        type: 'NodePort',
        sessionAffinity: 'ClientIP',
        sessionAffinityTimeoutSeconds: 60,
        trafficDistribution: 'PreferSameNode',
        ports: [{ port: 80 }],
      })
      .expect(201);
    expect(given.body).toMatchObject({
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 60,
      trafficDistribution: 'PreferSameNode',
    });
    expect((await t.http.get(`${base}/${given.body.id}`).set(auth()).expect(200)).body).toEqual(given.body);
    const bounds = await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'shop',
        name: 'bounds',
        sessionAffinity: 'ClientIP',
        sessionAffinityTimeoutSeconds: 86400,
        trafficDistribution: 'PreferClose',
        ports: [{ port: 80 }],
      })
      .expect(201);
    expect(bounds.body).toMatchObject({ sessionAffinityTimeoutSeconds: 86400, trafficDistribution: 'PreferClose' });
    const explicitNull = await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'shop',
        name: 'null-timeout',
        sessionAffinity: 'ClientIP',
        sessionAffinityTimeoutSeconds: null,
        trafficDistribution: null,
        ports: [{ port: 80 }],
      })
      .expect(201);
    expect(explicitNull.body).toMatchObject({ sessionAffinityTimeoutSeconds: 10800, trafficDistribution: null });

    const patch = async (body: object) =>
      (await t.http.patch(`${base}/${given.body.id}`).set(auth()).send(body).expect(200)).body;
    expect(await patch({ labels: { l: '1' } })).toMatchObject({
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 60,
      trafficDistribution: 'PreferSameNode',
      labels: { l: '1' },
    });
    expect(await patch({ sessionAffinityTimeoutSeconds: 1 })).toMatchObject({
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 1,
    });
    expect(await patch({ sessionAffinity: 'ClientIP' })).toMatchObject({ sessionAffinityTimeoutSeconds: 1 });
    expect(await patch({ trafficDistribution: null })).toMatchObject({
      trafficDistribution: null,
      sessionAffinityTimeoutSeconds: 1,
    });
    expect(await patch({ sessionAffinity: 'None' })).toMatchObject({
      sessionAffinity: 'None',
      sessionAffinityTimeoutSeconds: null,
      trafficDistribution: null,
    });
    // Back to ClientIP: the default again, not the timeout it had before None.
    expect(await patch({ sessionAffinity: 'ClientIP', trafficDistribution: 'PreferClose' })).toMatchObject({
      sessionAffinityTimeoutSeconds: 10800,
      trafficDistribution: 'PreferClose',
    });
    expect(await patch({ sessionAffinity: null, sessionAffinityTimeoutSeconds: null })).toMatchObject({
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 10800,
    });
  });

  it('stores load balancers known by hostname and where the load balancer delivers; the analysis answers them', async () => {
    const c = await newCluster('svc-lb-targets');
    const base = `/v1/clusters/${c}/services`;
    const named = await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'shop',
        name: 'eks',
        type: 'LoadBalancer',
        selector: { app: 'web' },
        ports: [{ port: 80 }],
        loadBalancerHostnames: ['a1b2.elb.us-east-1.amazonaws.com', 'a1b2.elb.us-east-1.amazonaws.com'],
      })
      .expect(201);
    expect(named.body).toMatchObject({
      loadBalancerHostnames: ['a1b2.elb.us-east-1.amazonaws.com'],
      loadBalancerTarget: null,
    });
    const patch = async (body: object, status = 200) =>
      (await t.http.patch(`${base}/${named.body.id}`).set(auth()).send(body).expect(status)).body;
    expect(await patch({ loadBalancerTarget: 'PODS' })).toMatchObject({
      loadBalancerTarget: 'PODS',
      loadBalancerHostnames: ['a1b2.elb.us-east-1.amazonaws.com'],
    });
    expect(await patch({ labels: { a: 'b' } })).toMatchObject({ loadBalancerTarget: 'PODS' });

    // A ready pod behind it: from outside, the pod-targeted load balancer delivers straight to it.
    await t.http
      .post(`/v1/clusters/${c}/nodes`)
      .set(auth())
      .send({ name: 'n1', internalIps: ['192.168.0.10'], podCidrs: ['172.16.1.0/24'] })
      .expect(201);
    await t.http
      .post(`/v1/clusters/${c}/pods`)
      .set(auth())
      .send({ namespace: 'shop', name: 'web-1', nodeName: 'n1', ips: ['172.16.1.5'], labels: { app: 'web' } })
      .expect(201);
    const answer = await t.http
      .post(`/v1/clusters/${c}/reachability?detail=full`)
      .set(auth())
      .send({ client: { external: { network: 'PUBLIC', ip: '198.51.100.7' } }, service: 'shop/eks' })
      .expect(200);
    const row = answer.body.results.find(
      (r: { via: { address: string } }) => r.via.address === 'a1b2.elb.us-east-1.amazonaws.com',
    );
    expect(row).toMatchObject({
      verdict: 'REACHABLE',
      rule: 'K8S-LB-POD-TARGETS',
      sourceIp: { preserved: null, reason: 'LB_UNKNOWN' },
    });
    expect(await patch({ loadBalancerTarget: null })).toMatchObject({ loadBalancerTarget: null });

    const refused = async (body: object, field: string) => {
      const before = (await t.http.get(`${base}/${named.body.id}`).set(auth()).expect(200)).body;
      const res = await t.http.patch(`${base}/${named.body.id}`).set(auth()).send(body).expect(400);
      expect(res.body.errors[0].field).toBe(field);
      expect((await t.http.get(`${base}/${named.body.id}`).set(auth()).expect(200)).body).toEqual(before);
    };
    await refused({ loadBalancerTarget: 'EVERYWHERE' }, 'loadBalancerTarget');
    await refused({ loadBalancerHostnames: ['Not_A_Name'] }, 'loadBalancerHostnames');
    await refused({ type: 'ClusterIP' }, 'loadBalancerHostnames');
    const plain = await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'shop', name: 'plain', ports: [{ port: 80 }], loadBalancerTarget: 'NODES' })
      .expect(400);
    expect(plain.body.errors[0].field).toBe('loadBalancerTarget');
  });

  it('never hands out an address or a port that something else in the cluster holds', async () => {
    const c = await newCluster('svc-alloc', {
      nodePortRange: { min: 30000, max: 30002 },
      serviceCidrs: ['10.96.0.0/29'],
    });
    const base = `/v1/clusters/${c}/services`;
    await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'default',
        name: 'a',
        type: 'NodePort',
        clusterIps: ['10.96.0.1'],
        ports: [{ port: 80, nodePort: 30000 }],
      })
      .expect(201);
    // A pod IP inside the Service CIDR: the API refuses it, but an import of a live cluster keeps it
    // (with a warning), and the allocator must step over it.
    const odd = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { namespace: 'default', name: 'odd' },
          spec: {},
          status: { phase: 'Running', podIP: '10.96.0.2' },
        },
      ],
    };
    const imported = await t.http
      .post(`/v1/clusters/${c}/import`)
      .set(auth())
      .set('content-type', 'application/json')
      .send(JSON.stringify(odd))
      .expect(200);
    expect(imported.body.warnings.map((w: { message: string }) => w.message)).toEqual([
      expect.stringMatching(
        /^status\.podIPs\[0\] 10\.96\.0\.2 is inside the Service CIDR 10\.96\.0\.0\/29: .*: kept as given$/,
      ),
    ]);
    const b = await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'default', name: 'b', type: 'NodePort', ports: [{ port: 80 }] })
      .expect(201);
    expect(b.body).toMatchObject({ clusterIps: ['10.96.0.3'], ports: [{ nodePort: 30001 }] });
    // Only 30002 is left; a LoadBalancer with Local policy needs two ports: 409, nothing stored.
    const before = await snapshot(t);
    const full = await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'default',
        name: 'c',
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        ports: [{ port: 80 }],
      })
      .expect(409);
    expect(full.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(full.body).toMatchObject({ code: 'CONFLICT', errors: [{ field: 'ports' }] });
    expect(await snapshot(t)).toEqual(before);
    const last = await t.http
      .post(base)
      .set(auth())
      .send({ namespace: 'default', name: 'c', type: 'NodePort', ports: [{ port: 80 }] })
      .expect(201);
    expect(last.body).toMatchObject({ clusterIps: ['10.96.0.4'], ports: [{ nodePort: 30002 }] });
  });
});

describe('Services over GraphQL', () => {
  const fields =
    'id name namespace type clusterIps headless selector healthCheckNodePort externalTrafficPolicy ports { name protocol port targetPort nodePort } loadBalancerIngress { ip ipMode }';

  it('creates, queries, lists, updates and deletes', async () => {
    const c = await newCluster('svc-gql');
    const created = await gql<{ createService: { id: string } & Record<string, unknown> }>(
      t,
      tenant.apiKey,
      `mutation($c: String!, $input: CreateServiceInput!) { createService(clusterId: $c, input: $input) { ${fields} } }`,
      {
        c,
        input: {
          namespace: 'apps',
          name: 'api',
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          selector: { app: 'api' },
          ports: [
            { name: 'grpc', port: 9000, targetPort: 'grpc' },
            { name: 'http', port: 80, targetPort: 8080 },
          ],
          loadBalancerIngress: [{ ip: '192.168.0.10' }],
        },
      },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createService).toMatchObject({
      name: 'api',
      namespace: 'apps',
      type: 'LoadBalancer',
      clusterIps: ['10.96.0.1'],
      headless: false,
      selector: { app: 'api' },
      healthCheckNodePort: 30002,
      ports: [
        { name: 'grpc', protocol: 'TCP', port: 9000, targetPort: 'grpc', nodePort: 30000 },
        { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30001 },
      ],
      loadBalancerIngress: [{ ip: '192.168.0.10', ipMode: 'VIP' }],
    });
    const id = created.data!.createService.id;
    await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createService(clusterId: $c, input: {namespace: "apps", name: "zz", ports: [{port: 1}]}) { id } }',
      { c },
    );
    await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createService(clusterId: $c, input: {namespace: "other", name: "aa", ports: [{port: 1}]}) { id } }',
      { c },
    );

    const read = await gql(
      t,
      tenant.apiKey,
      'query($c: String!, $id: String!) { service(clusterId: $c, id: $id) { clusterId name clusterIps ports { nodePort } } }',
      { c, id },
    );
    expect(read.data).toEqual({
      service: {
        clusterId: c,
        name: 'api',
        clusterIps: ['10.96.0.1'],
        ports: [{ nodePort: 30000 }, { nodePort: 30001 }],
      },
    });

    const page1 = await gql<{ services: { items: { name: string }[]; nextCursor: string } }>(
      t,
      tenant.apiKey,
      'query($c: String!) { services(clusterId: $c, namespace: "apps", limit: 1) { items { name } nextCursor } }',
      { c },
    );
    expect(page1.data!.services.items).toEqual([{ name: 'api' }]);
    const page2 = await gql(
      t,
      tenant.apiKey,
      'query($c: String!, $cur: String) { services(clusterId: $c, namespace: "apps", limit: 1, cursor: $cur) { items { name } nextCursor } }',
      { c, cur: page1.data!.services.nextCursor },
    );
    expect(page2.data).toEqual({ services: { items: [{ name: 'zz' }], nextCursor: null } });
    const all = await gql<{ services: { items: { name: string }[] } }>(
      t,
      tenant.apiKey,
      'query($c: String!) { services(clusterId: $c) { items { name } } }',
      { c },
    );
    expect(all.data!.services.items.map((s) => s.name)).toEqual(['api', 'zz', 'aa']);

    const updated = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!, $id: String!) { updateService(clusterId: $c, id: $id, input: {ports: [{name: "grpc", port: 9000, targetPort: 9001}]}) { type healthCheckNodePort selector ports { name port targetPort nodePort } } }',
      { c, id },
    );
    expect(updated.data).toEqual({
      updateService: {
        type: 'LoadBalancer',
        healthCheckNodePort: 30002,
        selector: { app: 'api' },
        ports: [{ name: 'grpc', port: 9000, targetPort: 9001, nodePort: 30000 }],
      },
    });
    const toClusterIp = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!, $id: String!) { updateService(clusterId: $c, id: $id, input: {type: ClusterIP, externalTrafficPolicy: Cluster, loadBalancerIngress: []}) { type healthCheckNodePort ports { nodePort } } }',
      { c, id },
    );
    expect(toClusterIp.data).toEqual({
      updateService: { type: 'ClusterIP', healthCheckNodePort: null, ports: [{ nodePort: null }] },
    });

    expect(
      (
        await gql(t, tenant.apiKey, 'mutation($c: String!, $id: String!) { deleteService(clusterId: $c, id: $id) }', {
          c,
          id,
        })
      ).data,
    ).toEqual({ deleteService: true });
    const gone = await gql(
      t,
      tenant.apiKey,
      'query($c: String!, $id: String!) { service(clusterId: $c, id: $id) { name } }',
      { c, id },
    );
    expect(gone.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('creates and updates session affinity and traffic distribution', async () => {
    const c = await newCluster('svc-gql-affinity');
    const created = await gql<{ createService: { id: string } & Record<string, unknown> }>(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createService(clusterId: $c, input: {namespace: "shop", name: "sticky", sessionAffinity: ClientIP, trafficDistribution: "PreferSameZone", ports: [{port: 80}]}) { id sessionAffinity sessionAffinityTimeoutSeconds trafficDistribution } }',
      { c },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createService).toMatchObject({
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 10800,
      trafficDistribution: 'PreferSameZone',
    });
    const id = created.data!.createService.id;
    const updated = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!, $id: String!, $i: UpdateServiceInput!) { updateService(clusterId: $c, id: $id, input: $i) { sessionAffinity sessionAffinityTimeoutSeconds trafficDistribution } }',
      { c, id, i: { sessionAffinityTimeoutSeconds: 300, trafficDistribution: 'PreferSameNode' } },
    );
    expect(updated.data).toEqual({
      updateService: {
        sessionAffinity: 'ClientIP',
        sessionAffinityTimeoutSeconds: 300,
        trafficDistribution: 'PreferSameNode',
      },
    });
    const read = await gql(
      t,
      tenant.apiKey,
      'query($c: String!, $id: String!) { service(clusterId: $c, id: $id) { sessionAffinity sessionAffinityTimeoutSeconds trafficDistribution } }',
      { c, id },
    );
    expect(read.data).toEqual({ service: updated.data!.updateService });
    const none = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!, $id: String!) { updateService(clusterId: $c, id: $id, input: {sessionAffinity: None, trafficDistribution: null}) { sessionAffinity sessionAffinityTimeoutSeconds trafficDistribution } }',
      { c, id },
    );
    expect(none.data).toEqual({
      updateService: { sessionAffinity: 'None', sessionAffinityTimeoutSeconds: null, trafficDistribution: null },
    });
  });

  it('refuses bad session affinity and traffic distribution with a 400 naming the field, changing nothing', async () => {
    const before = await snapshot(t);
    const create = (input: Record<string, unknown>) =>
      gql(
        t,
        tenant.apiKey,
        'mutation($c: String!, $i: CreateServiceInput!) { createService(clusterId: $c, input: $i) { id } }',
        { c: shared, i: { namespace: 'default', name: 'bad', ports: [{ port: 80 }], ...input } },
      );
    const cases: [Record<string, unknown>, string][] = [
      [{ sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 0 }, 'sessionAffinityTimeoutSeconds'],
      [{ sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 86401 }, 'sessionAffinityTimeoutSeconds'],
      [{ sessionAffinityTimeoutSeconds: 3600 }, 'sessionAffinityTimeoutSeconds'],
      [{ sessionAffinity: 'None', sessionAffinityTimeoutSeconds: 3600 }, 'sessionAffinityTimeoutSeconds'],
      [{ trafficDistribution: 'PreferNearby' }, 'trafficDistribution'],
      [{ trafficDistribution: '' }, 'trafficDistribution'],
    ];
    for (const [input, field] of cases) {
      const res = await create(input);
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect(res.errors?.[0].extensions, JSON.stringify(input)).toMatchObject({
        code: 'VALIDATION_FAILED',
        status: 400,
      });
      expect(
        res.errors?.[0].extensions.errors?.map((e) => e.field),
        JSON.stringify(input),
      ).toContain(field);
    }
    // An enum value GraphQL does not know is refused before any resolver runs, naming the field in
    // the message: by a query already compiled (JIT) and by one run for the first time (graphql-js).
    const fresh = (input: Record<string, unknown>) =>
      gql(
        t,
        tenant.apiKey,
        'mutation NewOne($c: String!, $i: CreateServiceInput!) { created: createService(clusterId: $c, input: $i) { id } }',
        { c: shared, i: { namespace: 'default', name: 'bad', ports: [{ port: 80 }], ...input } },
      );
    for (const badEnum of [await create({ sessionAffinity: 'Sticky' }), await fresh({ sessionAffinity: 'Sticky' })]) {
      expect(badEnum.status).toBe(400);
      expect(badEnum.errors?.[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', status: 400 });
      expect(badEnum.errors?.[0].message).toMatch(/sessionAffinity/);
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('reports errors with a code and the field, changing nothing', async () => {
    const before = await snapshot(t);
    const dup = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createService(clusterId: $c, input: {namespace: "default", name: "existing", ports: [{port: 1}]}) { id } }',
      { c: shared },
    );
    expect(dup.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', status: 409, errors: [{ field: 'name' }] });
    const portClash = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createService(clusterId: $c, input: {namespace: "default", name: "new", type: NodePort, ports: [{port: 1, nodePort: 30010}]}) { id } }',
      { c: shared },
    );
    expect(portClash.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      errors: [{ field: 'ports[0].nodePort' }],
    });
    const shape = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createService(clusterId: $c, input: {namespace: "default", name: "new", externalTrafficPolicy: Local, ports: [{port: 1}]}) { id } }',
      { c: shared },
    );
    expect(shape.errors?.[0].extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'externalTrafficPolicy' }],
    });
    const range = await gql(
      t,
      tenant.apiKey,
      'mutation($c: String!) { createService(clusterId: $c, input: {namespace: "default", name: "new", ports: [{port: 70000}]}) { id } }',
      { c: shared },
    );
    expect(range.errors?.[0].extensions.errors?.map((e) => e.field)).toContain('ports[0].port');
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('Service conflicts', () => {
  it('rejects a duplicate name in the namespace with 409 naming it, changing nothing', async () => {
    const before = await snapshot(t);
    const res = await t.http
      .post(`/v1/clusters/${shared}/services`)
      .set(auth())
      .send({ namespace: 'default', name: 'existing', ports: [{ port: 1 }] })
      .expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, code: 'CONFLICT', errors: [{ field: 'name' }] });
    expect(await snapshot(t)).toEqual(before);
  });

  it('rejects a ClusterIP or NodePort something else holds, and frees them when the holder goes', async () => {
    const c = await newCluster('svc-clash', { serviceCidrs: ['10.96.0.0/12', 'fd00:96::/112'] });
    const base = `/v1/clusters/${c}/services`;
    const holder = (
      await t.http
        .post(base)
        .set(auth())
        .send({
          namespace: 'default',
          name: 'holder',
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          clusterIps: ['10.96.0.100', 'FD00:96::100'],
          ports: [
            { name: 'a', port: 80, nodePort: 30080 },
            { name: 'b', port: 81, nodePort: 30081 },
          ],
          healthCheckNodePort: 30082,
        })
        .expect(201)
    ).body;
    const other = (
      await t.http
        .post(base)
        .set(auth())
        .send({ namespace: 'default', name: 'other', type: 'NodePort', ports: [{ port: 80, nodePort: 30090 }] })
        .expect(201)
    ).body;
    await t.http
      .post(`/v1/clusters/${c}/nodes`)
      .set(auth())
      .send({ name: 'n1', internalIps: ['10.96.0.200'] })
      .expect(201);

    const before = await snapshot(t);
    const cases: [Record<string, unknown>, string][] = [
      [{ clusterIps: ['10.96.0.100'] }, 'clusterIps[0]'],
      [{ clusterIps: ['10.96.0.101', 'fd00:96:0::100'] }, 'clusterIps[1]'],
      [{ clusterIps: ['10.96.0.200'] }, 'clusterIps[0]'],
      [{ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, 'ports[0].nodePort'],
      [
        {
          type: 'NodePort',
          ports: [
            { name: 'x', port: 80, nodePort: 30099 },
            { name: 'y', port: 81, nodePort: 30081 },
          ],
        },
        'ports[1].nodePort',
      ],
      [{ type: 'NodePort', ports: [{ port: 80, nodePort: 30082 }] }, 'ports[0].nodePort'],
      [
        { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }], healthCheckNodePort: 30090 },
        'healthCheckNodePort',
      ],
    ];
    for (const [spec, field] of cases) {
      const res = await t.http
        .post(base)
        .set(auth())
        .send({ namespace: 'default', name: 'x', ports: [{ port: 80 }], ...spec })
        .expect(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'CONFLICT', errors: [{ field }] });
    }
    const update = await t.http
      .patch(`${base}/${other.id}`)
      .set(auth())
      .send({ ports: [{ port: 80, nodePort: 30081 }] })
      .expect(409);
    expect(update.body).toMatchObject({ code: 'CONFLICT', errors: [{ field: 'ports[0].nodePort' }] });
    const updateIp = await t.http
      .patch(`${base}/${other.id}`)
      .set(auth())
      .send({ clusterIps: ['fd00:96::100'] })
      .expect(409);
    expect(updateIp.body).toMatchObject({ code: 'CONFLICT', errors: [{ field: 'clusterIps[0]' }] });
    expect(await snapshot(t)).toEqual(before);

    // The same NodePort for TCP and UDP of one Service is fine, as in Kubernetes.
    const dns = await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'kube-system',
        name: 'dns',
        type: 'NodePort',
        ports: [
          { name: 'tcp', port: 53, nodePort: 30053 },
          { name: 'udp', port: 53, protocol: 'UDP', nodePort: 30053 },
        ],
      })
      .expect(201);
    expect(dns.body.ports.map((p: { nodePort: number }) => p.nodePort)).toEqual([30053, 30053]);

    await t.http.delete(`${base}/${holder.id}`).set(auth()).expect(204);
    await t.http
      .post(base)
      .set(auth())
      .send({
        namespace: 'default',
        name: 'x',
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        clusterIps: ['10.96.0.100', 'fd00:96::100'],
        ports: [
          { name: 'a', port: 80, nodePort: 30081 },
          { name: 'b', port: 81, nodePort: 30082 },
        ],
        healthCheckNodePort: 30080,
      })
      .expect(201);
  });
});

describe('Service bad input', () => {
  // Nothing in this block may change the database: every case compares with the state before it.
  let baseline: Record<string, unknown[]>;
  beforeAll(async () => {
    baseline = await snapshot(t);
  });

  const ok = { namespace: 'default', name: 'ok', ports: [{ port: 80 }] };
  const create: [string, Record<string, unknown>][] = [
    ['namespace', { name: 'ok', ports: [{ port: 80 }] }],
    ['namespace', { ...ok, namespace: 'Default' }],
    ['name', { namespace: 'default', ports: [{ port: 80 }] }],
    ['name', { ...ok, name: 'web.v1' }],
    ['name', { ...ok, name: 's'.repeat(64) }],
    ['name', { ...ok, name: 'Web' }],
    ['type', { ...ok, type: 'ExternalName' }],
    ['type', { ...ok, type: 'nodeport' }],
    ['selector', { ...ok, selector: { 'app name': 'web' } }],
    ['selector', { ...ok, selector: { app: 'web app' } }],
    ['selector', { ...ok, selector: 'app=web' }],
    ['ports', { namespace: 'default', name: 'ok' }],
    ['ports', { ...ok, ports: [] }],
    ['ports', { ...ok, ports: { port: 80 } }],
    ['ports', { ...ok, ports: Array.from({ length: 101 }, (_, i) => ({ name: `p${i}`, port: 1000 + i })) }],
    ['ports[0].port', { ...ok, ports: [{}] }],
    ['ports[0].port', { ...ok, ports: [{ port: 0 }] }],
    ['ports[0].port', { ...ok, ports: [{ port: 65536 }] }],
    ['ports[0].port', { ...ok, ports: [{ port: '80' }] }],
    ['ports[0].protocol', { ...ok, ports: [{ port: 80, protocol: 'HTTP' }] }],
    ['ports[0].name', { ...ok, ports: [{ port: 80, name: 'Http' }] }],
    ['ports[0].targetPort', { ...ok, ports: [{ port: 80, targetPort: 0 }] }],
    ['ports[0].targetPort', { ...ok, ports: [{ port: 80, targetPort: 70000 }] }],
    ['ports[0].targetPort', { ...ok, ports: [{ port: 80, targetPort: 'Web_Port' }] }],
    ['ports[0].targetPort', { ...ok, ports: [{ port: 80, targetPort: 'a-very-long-name' }] }],
    ['ports[0].targetPort', { ...ok, ports: [{ port: 80, targetPort: '8080' }] }],
    ['ports[0].nodePort', { ...ok, type: 'NodePort', ports: [{ port: 80, nodePort: 0 }] }],
    ['ports[0].nodePort', { ...ok, type: 'NodePort', ports: [{ port: 80, nodePort: 65536 }] }],
    ['ports[0].nodePort', { ...ok, type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] }],
    ['ports[0].nodePort', { ...ok, type: 'LoadBalancer', ports: [{ port: 80, nodePort: 29999 }] }],
    ['ports[0].nodePort', { ...ok, ports: [{ port: 80, nodePort: 30500 }] }],
    ['ports[0].extra', { ...ok, ports: [{ port: 80, extra: true }] }],
    ['ports[0].name', { ...ok, ports: [{ port: 80 }, { port: 81, name: 'b' }] }],
    ['ports[1].name', { ...ok, ports: [{ port: 80, name: 'a' }, { port: 81 }] }],
    [
      'ports[1]',
      {
        ...ok,
        ports: [
          { port: 80, name: 'a' },
          { port: 80, name: 'b' },
        ],
      },
    ],
    [
      'ports[1]',
      {
        ...ok,
        ports: [
          { port: 80, name: 'a' },
          { port: 81, name: 'a' },
        ],
      },
    ],
    ['clusterIps', { ...ok, clusterIps: ['10.96.0.300'] }],
    ['clusterIps', { ...ok, clusterIps: 'None' }],
    ['clusterIps', { ...ok, clusterIps: ['None', '10.96.0.20'] }],
    ['clusterIps', { ...ok, clusterIps: ['10.96.0.20', '10.96.0.21'] }],
    ['clusterIps', { ...ok, clusterIps: ['10.96.0.20', 'fd00::20', '10.96.0.21'] }],
    ['clusterIps', { ...ok, clusterIps: ['10.96.0.20', '10.96.0.20'] }],
    ['clusterIps[0]', { ...ok, clusterIps: ['10.200.0.1'] }],
    ['clusterIps[0]', { ...ok, clusterIps: ['fd00::20'] }],
    ['clusterIps', { ...ok, type: 'NodePort', clusterIps: ['None'] }],
    ['clusterIps', { ...ok, type: 'LoadBalancer', clusterIps: ['None'] }],
    ['externalIps', { ...ok, externalIps: ['198.51.100.0/24'] }],
    ['externalIps', { ...ok, externalIps: '198.51.100.1' }],
    ['externalIps', { ...ok, externalIps: ['198.51.100.1', '198.51.100.1'] }],
    ['loadBalancerIngress', { ...ok, type: 'LoadBalancer', loadBalancerIngress: '192.168.0.1' }],
    ['loadBalancerIngress[0].ip', { ...ok, type: 'LoadBalancer', loadBalancerIngress: [{ ip: 'lb.example.com' }] }],
    ['loadBalancerIngress[0].ip', { ...ok, type: 'LoadBalancer', loadBalancerIngress: [{}] }],
    [
      'loadBalancerIngress[0].ipMode',
      { ...ok, type: 'LoadBalancer', loadBalancerIngress: [{ ip: '192.168.0.1', ipMode: 'Direct' }] },
    ],
    [
      'loadBalancerIngress[0].hostname',
      { ...ok, type: 'LoadBalancer', loadBalancerIngress: [{ ip: '192.168.0.1', hostname: 'lb' }] },
    ],
    ['loadBalancerIngress', { ...ok, loadBalancerIngress: [{ ip: '192.168.0.1' }] }],
    ['loadBalancerIngress', { ...ok, type: 'NodePort', loadBalancerIngress: [{ ip: '192.168.0.1' }] }],
    ['loadBalancerSourceRanges', { ...ok, type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.1/24'] }],
    ['loadBalancerSourceRanges', { ...ok, type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.1'] }],
    ['loadBalancerSourceRanges', { ...ok, type: 'NodePort', loadBalancerSourceRanges: ['203.0.113.0/24'] }],
    ['externalTrafficPolicy', { ...ok, type: 'NodePort', externalTrafficPolicy: 'Global' }],
    ['externalTrafficPolicy', { ...ok, externalTrafficPolicy: 'Local' }],
    ['internalTrafficPolicy', { ...ok, internalTrafficPolicy: 'local' }],
    ['healthCheckNodePort', { ...ok, type: 'NodePort', healthCheckNodePort: 30600 }],
    ['healthCheckNodePort', { ...ok, type: 'LoadBalancer', healthCheckNodePort: 30600 }],
    ['healthCheckNodePort', { ...ok, healthCheckNodePort: 30600 }],
    [
      'healthCheckNodePort',
      { ...ok, type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000 },
    ],
    ['healthCheckNodePort', { ...ok, type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 0 }],
    [
      'healthCheckNodePort',
      { ...ok, type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: '30600' },
    ],
    [
      'healthCheckNodePort',
      {
        ...ok,
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        ports: [{ port: 80, nodePort: 30600 }],
        healthCheckNodePort: 30600,
      },
    ],
    ['publishNotReadyAddresses', { ...ok, publishNotReadyAddresses: 'yes' }],
    ['sessionAffinity', { ...ok, sessionAffinity: 'Sticky' }],
    ['sessionAffinity', { ...ok, sessionAffinity: 'clientip' }],
    ['sessionAffinityTimeoutSeconds', { ...ok, sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 0 }],
    ['sessionAffinityTimeoutSeconds', { ...ok, sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 86401 }],
    ['sessionAffinityTimeoutSeconds', { ...ok, sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: -1 }],
    ['sessionAffinityTimeoutSeconds', { ...ok, sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 1.5 }],
    ['sessionAffinityTimeoutSeconds', { ...ok, sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: '3600' }],
    ['sessionAffinityTimeoutSeconds', { ...ok, sessionAffinityTimeoutSeconds: 3600 }],
    ['sessionAffinityTimeoutSeconds', { ...ok, sessionAffinity: 'None', sessionAffinityTimeoutSeconds: 3600 }],
    ['trafficDistribution', { ...ok, trafficDistribution: 'PreferNearby' }],
    ['trafficDistribution', { ...ok, trafficDistribution: 'prefersamezone' }],
    ['trafficDistribution', { ...ok, trafficDistribution: '' }],
    ['trafficDistribution', { ...ok, trafficDistribution: 1 }],
    [
      'sessionAffinityConfig',
      { ...ok, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } },
    ],
    ['labels', { ...ok, labels: { 'example.com/': 'x' } }],
    ['labels', { ...ok, labels: { tier: 'front end' } }],
    ['annotations', { ...ok, annotations: { 'kubernetes.io/elb.class': 1 } }],
    ['annotations', { ...ok, annotations: { 'not a key': 'v' } }],
    ['annotations', { ...ok, annotations: { note: 'x'.repeat(4097) } }],
    ['color', { ...ok, color: 'blue' }],
    ['clusterIP', { ...ok, clusterIP: '10.96.0.20' }],
  ];

  it.concurrent.each(create)(
    'POST rejects a bad %s with 400 problem+json naming it, storing nothing',
    async (field, body) => {
      const res = await t.http.post(`/v1/clusters/${shared}/services`).set(auth()).send(body).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await snapshot(t)).toEqual(baseline);
    },
  );

  const update: [string, Record<string, unknown>][] = [
    ['namespace', { namespace: 'moved' }],
    ['name', { name: 'renamed' }],
    ['type', { type: 'Headless' }],
    ['ports', { ports: [] }],
    ['ports[0].nodePort', { ports: [{ port: 80, nodePort: 31000 }] }],
    ['ports[0].nodePort', { type: 'ClusterIP', ports: [{ port: 80, nodePort: 30010 }] }],
    ['clusterIps', { clusterIps: ['None'] }],
    ['clusterIps[0]', { clusterIps: ['10.200.0.1'] }],
    ['healthCheckNodePort', { healthCheckNodePort: 30600 }],
    ['loadBalancerIngress', { loadBalancerIngress: [{ ip: '192.168.0.1' }] }],
    ['externalTrafficPolicy', { type: 'ClusterIP', externalTrafficPolicy: 'Local' }],
    ['sessionAffinity', { sessionAffinity: 'Cookie' }],
    ['sessionAffinityTimeoutSeconds', { sessionAffinityTimeoutSeconds: 3600 }],
    ['sessionAffinityTimeoutSeconds', { sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 86401 }],
    ['sessionAffinityTimeoutSeconds', { sessionAffinity: 'None', sessionAffinityTimeoutSeconds: 60 }],
    ['trafficDistribution', { trafficDistribution: 'PreferFar' }],
    ['color', { color: 'blue' }],
  ];

  it.concurrent.each(update)(
    'PATCH rejects a bad %s with 400 problem+json naming it, changing nothing',
    async (field, body) => {
      const res = await t.http.patch(`/v1/clusters/${shared}/services/${existing}`).set(auth()).send(body).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await snapshot(t)).toEqual(baseline);
    },
  );

  it('PATCH refuses to make a headless Service a NodePort one', async () => {
    const list = (await t.http.get(`/v1/clusters/${shared}/services?namespace=default`).set(auth()).expect(200)).body
      .items as { id: string; name: string }[];
    const headless = list.find((s) => s.name === 'headless')!;
    const res = await t.http
      .patch(`/v1/clusters/${shared}/services/${headless.id}`)
      .set(auth())
      .send({ type: 'NodePort', ports: [{ port: 80 }] })
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('clusterIps');
    expect(await snapshot(t)).toEqual(baseline);
  });
});
