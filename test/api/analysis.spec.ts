import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuleIdEnum } from '../../src/modules/analysis/answer.enums';
import { bearer, createTenant, gql, startTestApp, TestApp, TestTenant } from '../support/test-app';

/**
 * The analyses through the real API on a topology built by mutations: a KUBERNETES cluster with
 * two nodes, a client pod on node-2 and backends on node-1, behind NodePort Services with
 * externalTrafficPolicy Cluster and Local.
 */
let t: TestApp;
let tenant: TestTenant;
let clusterId: string;

function post(path: string, body: object, key = tenant.apiKey) {
  return t.http.post(`/v1/clusters/${clusterId}${path}`).set(bearer(key)).send(body);
}

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t);
  clusterId = (
    await t.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .send({ name: 'k8s', clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] })
      .expect(201)
  ).body.id;
  await post('/nodes', { name: 'node-1', internalIps: ['192.168.0.1'], podCidrs: ['10.244.1.0/24'] }).expect(201);
  await post('/nodes', { name: 'node-2', internalIps: ['192.168.0.2'], podCidrs: ['10.244.2.0/24'] }).expect(201);
  await post('/pods', {
    namespace: 'web',
    name: 'backend-a',
    nodeName: 'node-1',
    ips: ['10.244.1.10'],
    labels: { app: 'backend' },
    containerPorts: [{ name: 'http', containerPort: 8080 }],
  }).expect(201);
  await post('/pods', {
    namespace: 'web',
    name: 'backend-b',
    nodeName: 'node-1',
    ips: ['10.244.1.11'],
    labels: { app: 'backend' },
    containerPorts: [{ name: 'http', containerPort: 8080 }],
  }).expect(201);
  await post('/pods', {
    namespace: 'web',
    name: 'client',
    nodeName: 'node-2',
    ips: ['10.244.2.10'],
    labels: { app: 'client' },
  }).expect(201);
  await post('/services', {
    namespace: 'web',
    name: 'backend',
    type: 'NodePort',
    selector: { app: 'backend' },
    clusterIps: ['10.96.0.50'],
    ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }],
  }).expect(201);
  await post('/services', {
    namespace: 'web',
    name: 'backend-local',
    type: 'NodePort',
    selector: { app: 'backend' },
    externalTrafficPolicy: 'Local',
    clusterIps: ['10.96.0.51'],
    ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30081 }],
  }).expect(201);
});
afterAll(async () => t?.close());

interface Result {
  via: { kind: string; address: string; port: number; node?: string };
  verdict: string;
  sourceIp: { preserved: boolean | null; reason: string };
  endpoints: { ip: string; port: number; outcome: string }[];
  rules: string[];
}
interface Rule {
  id: string;
  statement: string;
  evidence: unknown[];
}
const byVia = (results: Result[], kind: string, address: string) =>
  results.find((r) => r.via.kind === kind && r.via.address === address)!;

describe('reachability over REST', () => {
  it('answers per way of addressing the Service (detail=full), with endpoints, source IP and cited rules, each rule once', async () => {
    const res = await post('/reachability?detail=full', {
      client: { pod: 'web/client' },
      service: 'web/backend',
    }).expect(200);
    expect(res.body.detail).toBe('FULL');
    const results = res.body.results as Result[];
    const table = new Map((res.body.rules as Rule[]).map((r) => [r.id, r]));
    expect(table.size).toBe(res.body.rules.length);
    expect(results.map((r) => `${r.via.kind} ${r.via.address}:${r.via.port}`).sort()).toEqual([
      'CLUSTER_IP 10.96.0.50:80',
      'NODE_PORT 192.168.0.1:30080',
      'NODE_PORT 192.168.0.2:30080',
    ]);
    const clusterIp = byVia(results, 'CLUSTER_IP', '10.96.0.50');
    expect(clusterIp.verdict).toBe('REACHABLE');
    expect(clusterIp.endpoints.map((e) => `${e.ip}:${e.port}`).sort()).toEqual([
      '10.244.1.10:8080',
      '10.244.1.11:8080',
    ]);
    expect(clusterIp.sourceIp.preserved).toBe(true);
    expect(clusterIp.rules.length).toBeGreaterThan(0);
    // Rules are cited by id; the answer's table holds each one with its evidence.
    expect(clusterIp.rules.every((id) => (table.get(id)?.evidence.length ?? 0) > 0)).toBe(true);
    for (const r of results)
      for (const step of (r as unknown as { path: { rule: string }[] }).path) expect(table.has(step.rule)).toBe(true);
    for (const nodePort of results.filter((r) => r.via.kind === 'NODE_PORT')) {
      expect(nodePort.sourceIp).toMatchObject({ preserved: false, reason: 'SNAT_ETP_CLUSTER' });
    }
  });

  it('with externalTrafficPolicy Local, a node without a backend answers nothing, the backend node keeps the source IP', async () => {
    const res = await post('/reachability?detail=full', {
      client: { external: { network: 'PRIVATE', ip: '192.168.5.5' } },
      service: 'web/backend-local',
    }).expect(200);
    const results = res.body.results as Result[];
    expect(byVia(results, 'NODE_PORT', '192.168.0.1')).toMatchObject({
      verdict: 'REACHABLE',
      sourceIp: { preserved: true, reason: 'PRESERVED_ETP_LOCAL' },
    });
    expect(byVia(results, 'NODE_PORT', '192.168.0.2').verdict).toBe('UNREACHABLE');
  });

  it('is compact by default: ways of addressing with one outcome are one group, under a summary', async () => {
    const res = await post('/reachability', {
      client: { external: { network: 'PRIVATE', ip: '192.168.5.5' } },
      service: 'web/backend-local',
    }).expect(200);
    expect(res.body).toMatchObject({ detail: 'COMPACT', results: null, nextCursor: null });
    const groups = res.body.groups as {
      kind: string;
      count: number;
      addresses: { address: string }[];
      verdict: string;
      rule: string | null;
      rules: string[];
    }[];
    expect(groups.map((g) => `${g.kind} ${g.verdict} ${g.addresses.map((a) => a.address).join(',')}`)).toEqual([
      'NODE_PORT REACHABLE 192.168.0.1',
      'NODE_PORT UNREACHABLE 192.168.0.2',
    ]);
    expect(groups[1].rule).toBe('K8S-ETP-LOCAL-DROP');
    expect(res.body.summary).toEqual({
      verdict: 'PARTIAL',
      sourceIpPreserved: true,
      text: expect.stringMatching(
        /^Reaches backend-local through node-1's NodePort \(private IP\) with its source IP kept\. Through node-2's NodePort \(private IP\) every connection fails \(/,
      ),
    });
    // Each rule once, and every id the answer cites is in the table.
    const ids = (res.body.rules as Rule[]).map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const g of groups) for (const id of [...g.rules, ...(g.rule ? [g.rule] : [])]) expect(ids).toContain(id);
  });

  it('pages through every per-address result with detail=full, limit and cursor; a bad cursor or detail names its field', async () => {
    const ask = (query: string) =>
      post(`/reachability${query}`, { client: { pod: 'web/client' }, service: 'web/backend' });
    const all = (await ask('?detail=full').expect(200)).body.results as Result[];
    const first = (await ask('?detail=full&limit=2').expect(200)).body;
    expect(first.results).toEqual(all.slice(0, 2));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await ask(`?detail=full&limit=2&cursor=${first.nextCursor}`).expect(200)).body;
    expect(second.results).toEqual(all.slice(2));
    expect(second.nextCursor).toBeNull();
    expect((await ask('?detail=everything').expect(400)).body.errors[0].field).toBe('detail');
    expect((await ask('?detail=full&cursor=nope').expect(400)).body.errors[0].field).toBe('cursor');
    expect((await ask('?detail=full&limit=0').expect(400)).body.errors[0].field).toBe('limit');
  });

  it('rejects bad input naming the field', async () => {
    const bad = await post('/reachability', {
      client: { pod: 'web/client', node: 'node-1' },
      service: 'web/backend',
    }).expect(400);
    expect(bad.body.errors[0].field).toBe('client');
    const unknownPod = await post('/reachability', { client: { pod: 'web/ghost' }, service: 'web/backend' }).expect(
      422,
    );
    expect(unknownPod.body.errors[0].field).toBe('client.pod');
    const unknownService = await post('/reachability', {
      client: { pod: 'web/client' },
      service: 'web/nothing',
    }).expect(422);
    expect(unknownService.body.errors[0].field).toBe('service');
    const malformed = await post('/reachability', { client: { pod: 'client' }, service: 'web/backend' }).expect(400);
    expect(malformed.body.errors[0].field).toBe('client.pod');
  });

  it('a read-scoped key may ask (analyses change nothing)', async () => {
    const key = (await t.http.post('/v1/api-keys').set(bearer(tenant.apiKey)).send({ scope: 'read' }).expect(201)).body
      .apiKey as string;
    await post('/reachability', { client: { node: 'node-2' }, service: 'web/backend' }, key).expect(200);
    await post('/trace', { source: { node: 'node-2' }, destination: { ip: '10.96.0.50', port: 80 } }, key).expect(200);
  });
});

describe('trace over REST', () => {
  it('forwards a ClusterIP packet to the exact endpoint set; a bare pod IP is resolved to the pod', async () => {
    const res = await post('/trace', {
      source: { ip: '10.244.2.10' },
      destination: { ip: '10.96.0.50', port: 80, protocol: 'TCP' },
    }).expect(200);
    expect(res.body.verdict).toBe('FORWARD');
    expect(res.body.node).toBe('node-2');
    expect(res.body.endpoints.map((e: { ip: string }) => e.ip).sort()).toEqual(['10.244.1.10', '10.244.1.11']);
    expect(res.body.masquerade).toBe(false);
    expect(res.body.connection).toBe('COMPLETES');
    expect(res.body.endpoints.every((e: { outcome: string }) => e.outcome === 'CONNECTS')).toBe(true);
    expect(res.body.summary).toEqual({
      verdict: 'REACHABLE',
      sourceIpPreserved: true,
      text: 'node-2 forwards it (web/backend port 80/TCP by its ClusterIP) to 2 endpoints; every connection completes with its source IP kept.',
    });
    expect(res.body.rules[0]).toHaveProperty('statement');
  });

  it('drops eTP Local NodePort traffic on a node with no local endpoint, and does not intercept other traffic', async () => {
    const drop = await post('/trace', {
      source: { ip: '203.0.113.9' },
      destination: { ip: '192.168.0.2', port: 30081 },
    }).expect(200);
    expect(drop.body.verdict).toBe('DROP');
    expect(drop.body).toMatchObject({
      connection: null,
      sourceIp: { preserved: null, reason: 'NOT_DELIVERED' },
      summary: { verdict: 'UNREACHABLE', sourceIpPreserved: null },
    });
    const pass = await post('/trace', {
      source: { pod: 'web/client' },
      destination: { ip: '10.244.1.10', port: 8080 },
    }).expect(200);
    expect(pass.body.verdict).toBe('NOT_INTERCEPTED');
  });
});

const GROUP_FIELDS = `id kind networks port protocol portName count nodeCount addresses { address node network } verdict missingFact
    sourceIp { preserved seenAs seenAsKind reason } rule rules endpointCount { total connects fails }
    endpoints { ip port pod node masquerade outcome rule }
    path { at rule description before { source destination } after { source destination } }
    hops { node verdict source destination { ip port } }
    deliveries { nodes nodeCount verdict endpointCount { total connects fails } endpoints { ip port pod node masquerade outcome rule } } deliveryCount
    suggestions { code message expected { verdict sourceIpPreserved } }`;
const REACHABILITY_QUERY = `query($c: String!, $input: ReachabilityInput!) { reachability(clusterId: $c, input: $input, detail: FULL) {
  service detail nextCursor ignoredBy summary { verdict sourceIpPreserved text } sessionAffinity { type timeoutSeconds }
  rules { id statement evidence { source case } inferred profiles }
  groups { ${GROUP_FIELDS} }
  results { via { kind address port protocol portName node network } verdict missingFact
    sourceIp { preserved seenAs seenAsKind reason }
    endpoints { ip port pod node masquerade outcome rule }
    path { at rule description before { source destination } after { source destination } }
    hops { node verdict source destination { ip port } }
    deliveries { nodes verdict endpoints { ip port pod node masquerade outcome rule } }
    rules rule
    suggestions { code message expected { verdict sourceIpPreserved } } } } }`;

/**
 * REST leaves an absent optional field out where GraphQL reports null: treat the two alike. GraphQL
 * spells rule ids with underscores (enum names cannot hold hyphens): read them back as the ids.
 */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (typeof value === 'string') return RuleIdEnum[value] ?? value;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, dropNulls(v)]),
    );
  }
  return value;
}

describe('session affinity and topology-aware routing in the answers', () => {
  it('a ClientIP Service: REST, GraphQL and trace say who is pinned, for how long, and what a pin means', async () => {
    const sticky = (
      await post('/services', {
        namespace: 'web',
        name: 'sticky',
        type: 'ClusterIP',
        selector: { app: 'backend' },
        clusterIps: ['10.96.0.60'],
        sessionAffinity: 'ClientIP',
        sessionAffinityTimeoutSeconds: 600,
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      }).expect(201)
    ).body as { id: string };
    const rest = (
      await post('/reachability?detail=full', { client: { pod: 'web/client' }, service: 'web/sticky' }).expect(200)
    ).body;
    expect(rest.sessionAffinity).toEqual({ type: 'ClientIP', timeoutSeconds: 600 });
    const step = (rest.results[0].path as { rule: string; description: string }[]).find(
      (p) => p.rule === 'K8S-SESSION-AFFINITY-CLIENTIP',
    );
    expect(step?.description).toContain('connections from 10.244.2.10 keep the endpoint first chosen until 600 s');
    expect((rest.rules as Rule[]).map((r) => r.id)).toContain('K8S-SESSION-AFFINITY-CLIENTIP');
    const graph = await gql<{ reachability: { sessionAffinity: unknown } }>(
      t,
      tenant.apiKey,
      'query($c: String!, $input: ReachabilityInput!) { reachability(clusterId: $c, input: $input) { sessionAffinity { type timeoutSeconds } } }',
      { c: clusterId, input: { client: { pod: 'web/client' }, service: 'web/sticky' } },
    );
    expect(graph.data?.reachability.sessionAffinity).toEqual({ type: 'ClientIP', timeoutSeconds: 600 });
    const trace = (
      await post('/trace', {
        source: { pod: 'web/client' },
        destination: { ip: '10.96.0.60', port: 80, protocol: 'TCP' },
      }).expect(200)
    ).body;
    expect(trace.service.sessionAffinity).toEqual({ type: 'ClientIP', timeoutSeconds: 600 });
    // A Service without affinity says so.
    const plain = (await post('/reachability', { client: { pod: 'web/client' }, service: 'web/backend' }).expect(200))
      .body;
    expect(plain.sessionAffinity.type).toBe('None');
    await t.http.delete(`/v1/clusters/${clusterId}/services/${sticky.id}`).set(bearer(tenant.apiKey)).expect(204);
  });

  it("zones and trafficDistribution set through the API narrow a node's endpoints, and the path names the zone", async () => {
    const zoned = (
      await t.http
        .post('/v1/clusters')
        .set(bearer(tenant.apiKey))
        .send({
          name: 'zoned',
          kubernetesVersion: 'v1.31.0',
          clusterCidrs: ['10.244.0.0/16'],
          serviceCidrs: ['10.96.0.0/12'],
        })
        .expect(201)
    ).body.id as string;
    const at = (path: string, body: object) =>
      t.http.post(`/v1/clusters/${zoned}${path}`).set(bearer(tenant.apiKey)).send(body);
    await at('/nodes', {
      name: 'a',
      internalIps: ['192.168.1.1'],
      podCidrs: ['10.244.1.0/24'],
      labels: { 'topology.kubernetes.io/zone': 'zone-a' },
    }).expect(201);
    await at('/nodes', {
      name: 'b',
      internalIps: ['192.168.1.2'],
      podCidrs: ['10.244.2.0/24'],
      labels: { 'topology.kubernetes.io/zone': 'zone-b' },
    }).expect(201);
    await at('/pods', {
      namespace: 'web',
      name: 'api-a',
      nodeName: 'a',
      ips: ['10.244.1.10'],
      labels: { app: 'api' },
    }).expect(201);
    await at('/pods', {
      namespace: 'web',
      name: 'api-b',
      nodeName: 'b',
      ips: ['10.244.2.10'],
      labels: { app: 'api' },
    }).expect(201);
    await at('/pods', { namespace: 'web', name: 'client', nodeName: 'a', ips: ['10.244.1.20'] }).expect(201);
    await at('/services', {
      namespace: 'web',
      name: 'api',
      selector: { app: 'api' },
      clusterIps: ['10.96.0.70'],
      trafficDistribution: 'PreferClose',
      ports: [{ name: 'http', port: 80, targetPort: 80 }],
    }).expect(201);
    const res = (
      await at('/trace', {
        source: { pod: 'web/client' },
        destination: { ip: '10.96.0.70', port: 80, protocol: 'TCP' },
      }).expect(200)
    ).body;
    expect((res.endpoints as { ip: string }[]).map((e) => e.ip)).toEqual(['10.244.1.10']);
    const steps = res.steps as { rule: string; description: string }[];
    expect(steps.map((s) => s.rule)).toEqual(
      expect.arrayContaining(['K8S-TOPOLOGY-HINTS-INFERRED', 'K8S-TOPOLOGY-SAME-ZONE']),
    );
    expect(steps.find((s) => s.rule === 'K8S-TOPOLOGY-SAME-ZONE')?.description).toContain('zone zone-a');
  });
});

describe("kube-proxy's own clusterCIDR decides what it takes for a pod", () => {
  it("with kubeProxy.clusterCidrs apart from the pod ranges, a pod's ClusterIP traffic is masqueraded as a non-pod source", async () => {
    const c = (
      await t.http
        .post('/v1/clusters')
        .set(bearer(tenant.apiKey))
        .send({
          name: 'detector',
          clusterCidrs: ['10.244.0.0/16'],
          serviceCidrs: ['10.96.0.0/12'],
          kubeProxy: { clusterCidrs: ['10.99.0.0/16'] },
        })
        .expect(201)
    ).body as { id: string; warnings: string[] };
    expect(c.warnings.join(' ')).toContain('10.244.0.0/16');
    const at = (path: string, body: object) =>
      t.http.post(`/v1/clusters/${c.id}${path}`).set(bearer(tenant.apiKey)).send(body);
    await at('/nodes', { name: 'n', internalIps: ['192.168.2.1'], podCidrs: ['10.244.1.0/24'] }).expect(201);
    await at('/pods', {
      namespace: 'web',
      name: 'api',
      nodeName: 'n',
      ips: ['10.244.1.10'],
      labels: { app: 'api' },
    }).expect(201);
    await at('/pods', { namespace: 'web', name: 'client', nodeName: 'n', ips: ['10.244.1.20'] }).expect(201);
    await at('/services', {
      namespace: 'web',
      name: 'api',
      selector: { app: 'api' },
      clusterIps: ['10.96.0.80'],
      ports: [{ name: 'http', port: 80, targetPort: 80 }],
    }).expect(201);
    const trace = async () =>
      (
        await at('/trace', {
          source: { pod: 'web/client' },
          destination: { ip: '10.96.0.80', port: 80, protocol: 'TCP' },
        }).expect(200)
      ).body as { steps: { rule: string }[]; sourceIp: { preserved: boolean } };
    const apart = await trace();
    expect(apart.steps.map((s) => s.rule)).toContain('K8S-CLUSTERIP-MASQ-NON-POD');
    expect(apart.sourceIp.preserved).toBe(false);
    // Back to "the same as the pod ranges": the client is a pod again, not masqueraded.
    await t.http
      .patch(`/v1/clusters/${c.id}`)
      .set(bearer(tenant.apiKey))
      .send({ kubeProxy: { clusterCidrs: null } })
      .expect(200);
    const same = await trace();
    expect(same.steps.map((s) => s.rule)).toContain('K8S-CLUSTERIP-POD-NO-MASQ');
    expect(same.sourceIp.preserved).toBe(true);
  });
});

describe('REST and GraphQL give the same answer', () => {
  it.each([
    [{ client: { pod: 'web/client' }, service: 'web/backend' }],
    [{ client: { node: 'node-1' }, service: 'web/backend-local', port: 80 }],
    [{ client: { external: { network: 'PRIVATE', ip: '192.168.7.7' } }, service: 'web/backend-local' }],
  ])('reachability %j', async (input) => {
    const rest = (await post('/reachability?detail=full', input).expect(200)).body;
    const graph = await gql<{ reachability: unknown }>(t, tenant.apiKey, REACHABILITY_QUERY, { c: clusterId, input });
    expect(graph.errors).toBeUndefined();
    expect((rest as { results: unknown[] }).results.length).toBeGreaterThan(0);
    expect(dropNulls(graph.data!.reachability)).toEqual(dropNulls(rest));
  });
});

describe('matrix', () => {
  it('rows are real client locations per class of node, columns every way of addressing; each cell agrees with reachability', async () => {
    const res = await t.http
      .get(`/v1/clusters/${clusterId}/services/web/backend-local/matrix`)
      .set(bearer(tenant.apiKey))
      .expect(200);
    type Cell = { verdict: string; sourceIpPreserved: boolean | 'MIXED' | null; rule: string | null; count: number };
    const m = res.body as {
      columns: { id: string; kind: string; role: string | null; address: string | null; network: string | null }[];
      rows: { client: { kind: string; name: string; nodeClass: string | null }; cells: Cell[] }[];
      rules: Rule[];
      summary: { verdict: string; text: string };
    };
    // node-1 runs the backends: its host is a client, but no pod on it is (both are backends). node-2 has the client pod.
    expect(m.rows.map((r) => `${r.client.kind} ${r.client.name} ${r.client.nodeClass}`)).toEqual([
      'NODE node-1 BACKEND_NODES',
      'NODE node-2 OTHER_NODES',
      'POD web/client OTHER_NODES',
      'EXTERNAL PUBLIC null',
      'EXTERNAL PRIVATE null',
    ]);
    expect(m.columns.map((c) => `${c.kind} ${c.role ?? c.address}`)).toEqual([
      'CLUSTER_IP 10.96.0.51',
      'NODE_PORT CLIENT_NODE',
      'NODE_PORT OTHER_NODES',
      'NODE_PORT BACKEND_NODES',
    ]);
    for (const row of m.rows) expect(row.cells).toHaveLength(m.columns.length);
    const ids = m.rules.map((r) => r.id);
    for (const row of m.rows) for (const cell of row.cells) if (cell.rule !== null) expect(ids).toContain(cell.rule);
    // The client pod's cells are what reachability answers for it, address by address.
    const client = m.rows.find((r) => r.client.name === 'web/client')!;
    const direct = (
      await post('/reachability?detail=full', { client: { pod: 'web/client' }, service: 'web/backend-local' }).expect(
        200,
      )
    ).body.results as Result[];
    const column = (r: Result) =>
      m.columns.findIndex(
        (c) =>
          c.kind === r.via.kind &&
          (r.via.kind !== 'NODE_PORT'
            ? c.address === r.via.address
            : c.role === (r.via.node === 'node-2' ? 'CLIENT_NODE' : 'BACKEND_NODES')),
      );
    for (const r of direct)
      expect(client.cells[column(r)]).toMatchObject({
        verdict: r.verdict,
        sourceIpPreserved: r.sourceIp.preserved,
        count: 1,
      });
    const external = m.rows.find((r) => r.client.name === 'PRIVATE')!;
    expect(external.cells[1]).toEqual({
      verdict: 'NOT_APPLICABLE',
      policy: null,
      sourceIpPreserved: null,
      rule: null,
      count: 0,
    });
    expect(external.cells[2]).toMatchObject({ verdict: 'UNREACHABLE', rule: 'K8S-ETP-LOCAL-DROP' });
    expect(m.summary.verdict).toBe('PARTIAL');
  });

  it('covers a whole namespace, and 404s an unknown Service', async () => {
    const ns = await t.http
      .get(`/v1/clusters/${clusterId}/namespaces/web/matrix`)
      .set(bearer(tenant.apiKey))
      .expect(200);
    expect(ns.body.services.map((s: { service: string }) => s.service)).toEqual(['web/backend', 'web/backend-local']);
    await t.http.get(`/v1/clusters/${clusterId}/services/web/ghost/matrix`).set(bearer(tenant.apiKey)).expect(404);
    const bad = await t.http
      .get(`/v1/clusters/${clusterId}/services/Web_X/ghost/matrix`)
      .set(bearer(tenant.apiKey))
      .expect(400);
    expect(bad.body.errors[0].field).toBe('namespace');
  });
});

describe('what-if', () => {
  it('flipping externalTrafficPolicy to Cluster makes node-2 answer and loses the source IP, without writing anything', async () => {
    const before = (await t.http.get(`/v1/clusters/${clusterId}`).set(bearer(tenant.apiKey))).body.version;
    const res = await post('/what-if', {
      change: { services: [{ service: 'web/backend-local', set: { externalTrafficPolicy: 'Cluster' } }] },
      reachability: { client: { external: { network: 'PRIVATE', ip: '192.168.5.5' } }, service: 'web/backend-local' },
    }).expect(200);
    const node2 = 'NODE_PORT 192.168.0.2:30081/TCP PRIVATE';
    // Typed values on both sides, never JSON text.
    expect(res.body.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          subject: node2,
          changed: expect.arrayContaining(['verdict']),
          before: expect.objectContaining({ verdict: 'UNREACHABLE' }),
          after: expect.objectContaining({ verdict: 'REACHABLE' }),
        }),
        expect.objectContaining({
          subject: 'NODE_PORT 192.168.0.1:30081/TCP PRIVATE',
          changed: ['sourceIp.preserved', 'sourceIp.reason'],
          before: expect.objectContaining({ sourceIpPreserved: true }),
          after: expect.objectContaining({ sourceIpPreserved: false }),
        }),
      ]),
    );
    const group = (
      answer: { groups: { kind: string; verdict: string; addresses: { address: string }[] }[] },
      address: string,
    ) => answer.groups.find((g) => g.kind === 'NODE_PORT' && g.addresses.some((a) => a.address === address))!;
    expect(group(res.body.after.reachability, '192.168.0.2').verdict).toBe('REACHABLE');
    expect(group(res.body.before.reachability, '192.168.0.2').verdict).toBe('UNREACHABLE');
    expect((await t.http.get(`/v1/clusters/${clusterId}`).set(bearer(tenant.apiKey))).body.version).toBe(before);
    const stored = await post('/reachability?detail=full', {
      client: { external: { network: 'PRIVATE', ip: '192.168.5.5' } },
      service: 'web/backend-local',
    }).expect(200);
    expect(byVia(stored.body.results, 'NODE_PORT', '192.168.0.2').verdict).toBe('UNREACHABLE');
  });

  it('moving a pod changes a trace; a change naming nothing real is a 422 naming the field', async () => {
    const res = await post('/what-if', {
      change: {
        pods: [
          { pod: 'web/backend-a', set: { ready: false } },
          { pod: 'web/backend-b', set: { ready: false } },
        ],
      },
      trace: { source: { pod: 'web/client' }, destination: { ip: '10.96.0.50', port: 80 } },
    }).expect(200);
    expect(res.body.before.trace.verdict).toBe('FORWARD');
    expect(res.body.after.trace.verdict).toBe('REJECT');
    const bad = await post('/what-if', {
      change: { pods: [{ pod: 'web/ghost', set: { ready: false } }] },
      trace: { source: { pod: 'web/client' }, destination: { ip: '10.96.0.50', port: 80 } },
    }).expect(422);
    expect(bad.body.errors[0].field).toBe('change.pods[0].pod');
    const invalid = await post('/what-if', {
      change: { services: [{ service: 'web/backend', set: { type: 'ClusterIP', externalTrafficPolicy: 'Local' } }] },
      trace: { source: { pod: 'web/client' }, destination: { ip: '10.96.0.50', port: 80 } },
    }).expect(400);
    expect(invalid.body.errors[0].field).toBe('change.services[0].set.externalTrafficPolicy');
  });

  it('GraphQL gives the same what-if answer', async () => {
    const input = {
      change: { services: [{ service: 'web/backend-local', set: { externalTrafficPolicy: 'Cluster' } }] },
      reachability: { client: { node: 'node-2' }, service: 'web/backend-local' },
    };
    const rest = (await post('/what-if', input).expect(200)).body;
    const graph = await gql<{ whatIf: { differences: unknown[] } }>(
      t,
      tenant.apiKey,
      'query($c: String!, $input: WhatIfInput!) { whatIf(clusterId: $c, input: $input) { differences { subject via { kind address port protocol portName node network } changed before { verdict sourceIpPreserved sourceIpReason endpoints } after { verdict sourceIpPreserved sourceIpReason endpoints } } } }',
      { c: clusterId, input },
    );
    expect(graph.errors).toBeUndefined();
    expect(graph.data!.whatIf.differences).toEqual(rest.differences);
  });
});
