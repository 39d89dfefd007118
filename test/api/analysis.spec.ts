import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  clusterId = (await t.http.post('/v1/clusters').set(bearer(tenant.apiKey))
    .send({ name: 'k8s', clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] }).expect(201)).body.id;
  await post('/nodes', { name: 'node-1', internalIps: ['192.168.0.1'], podCidrs: ['10.244.1.0/24'] }).expect(201);
  await post('/nodes', { name: 'node-2', internalIps: ['192.168.0.2'], podCidrs: ['10.244.2.0/24'] }).expect(201);
  await post('/pods', { namespace: 'web', name: 'backend-a', nodeName: 'node-1', ips: ['10.244.1.10'], labels: { app: 'backend' }, containerPorts: [{ name: 'http', containerPort: 8080 }] }).expect(201);
  await post('/pods', { namespace: 'web', name: 'backend-b', nodeName: 'node-1', ips: ['10.244.1.11'], labels: { app: 'backend' }, containerPorts: [{ name: 'http', containerPort: 8080 }] }).expect(201);
  await post('/pods', { namespace: 'web', name: 'client', nodeName: 'node-2', ips: ['10.244.2.10'], labels: { app: 'client' } }).expect(201);
  await post('/services', { namespace: 'web', name: 'backend', type: 'NodePort', selector: { app: 'backend' }, clusterIps: ['10.96.0.50'],
    ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }] }).expect(201);
  await post('/services', { namespace: 'web', name: 'backend-local', type: 'NodePort', selector: { app: 'backend' }, externalTrafficPolicy: 'Local',
    clusterIps: ['10.96.0.51'], ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30081 }] }).expect(201);
});
afterAll(async () => t?.close());

interface Result { via: { kind: string; address: string; port: number; node?: string }; verdict: string; sourceIp: { preserved: boolean | null; reason: string }; endpoints: { ip: string; port: number; outcome: string }[]; rules: { id: string; evidence: unknown[] }[] }
const byVia = (results: Result[], kind: string, address: string) => results.find((r) => r.via.kind === kind && r.via.address === address)!;

describe('reachability over REST', () => {
  it('answers per way of addressing the Service, with endpoints, source IP and cited rules', async () => {
    const res = await post('/reachability', { client: { pod: 'web/client' }, service: 'web/backend' }).expect(200);
    const results = res.body.results as Result[];
    expect(results.map((r) => `${r.via.kind} ${r.via.address}:${r.via.port}`).sort()).toEqual([
      'CLUSTER_IP 10.96.0.50:80', 'NODE_PORT 192.168.0.1:30080', 'NODE_PORT 192.168.0.2:30080']);
    const clusterIp = byVia(results, 'CLUSTER_IP', '10.96.0.50');
    expect(clusterIp.verdict).toBe('REACHABLE');
    expect(clusterIp.endpoints.map((e) => `${e.ip}:${e.port}`).sort()).toEqual(['10.244.1.10:8080', '10.244.1.11:8080']);
    expect(clusterIp.sourceIp.preserved).toBe(true);
    expect(clusterIp.rules.length).toBeGreaterThan(0);
    expect(clusterIp.rules.every((r) => r.evidence.length > 0)).toBe(true);
    for (const nodePort of results.filter((r) => r.via.kind === 'NODE_PORT')) {
      expect(nodePort.sourceIp).toMatchObject({ preserved: false, reason: 'SNAT_ETP_CLUSTER' });
    }
  });

  it('with externalTrafficPolicy Local, a node without a backend answers nothing, the backend node keeps the source IP', async () => {
    const res = await post('/reachability', { client: { external: { network: 'PRIVATE', ip: '192.168.5.5' } }, service: 'web/backend-local' }).expect(200);
    const results = res.body.results as Result[];
    expect(byVia(results, 'NODE_PORT', '192.168.0.1')).toMatchObject({ verdict: 'REACHABLE', sourceIp: { preserved: true, reason: 'PRESERVED_ETP_LOCAL' } });
    expect(byVia(results, 'NODE_PORT', '192.168.0.2').verdict).toBe('UNREACHABLE');
  });

  it('rejects bad input naming the field', async () => {
    const bad = await post('/reachability', { client: { pod: 'web/client', node: 'node-1' }, service: 'web/backend' }).expect(400);
    expect(bad.body.errors[0].field).toBe('client');
    const unknownPod = await post('/reachability', { client: { pod: 'web/ghost' }, service: 'web/backend' }).expect(422);
    expect(unknownPod.body.errors[0].field).toBe('client.pod');
    const unknownService = await post('/reachability', { client: { pod: 'web/client' }, service: 'web/nothing' }).expect(422);
    expect(unknownService.body.errors[0].field).toBe('service');
    const malformed = await post('/reachability', { client: { pod: 'client' }, service: 'web/backend' }).expect(400);
    expect(malformed.body.errors[0].field).toBe('client.pod');
  });

  it('a read-scoped key may ask (analyses change nothing)', async () => {
    const key = (await t.http.post('/v1/api-keys').set(bearer(tenant.apiKey)).send({ scope: 'read' }).expect(201)).body.apiKey as string;
    await post('/reachability', { client: { node: 'node-2' }, service: 'web/backend' }, key).expect(200);
    await post('/trace', { source: { node: 'node-2' }, destination: { ip: '10.96.0.50', port: 80 } }, key).expect(200);
  });
});

describe('trace over REST', () => {
  it('forwards a ClusterIP packet to the exact endpoint set; a bare pod IP is resolved to the pod', async () => {
    const res = await post('/trace', { source: { ip: '10.244.2.10' }, destination: { ip: '10.96.0.50', port: 80, protocol: 'TCP' } }).expect(200);
    expect(res.body.verdict).toBe('FORWARD');
    expect(res.body.node).toBe('node-2');
    expect(res.body.endpoints.map((e: { ip: string }) => e.ip).sort()).toEqual(['10.244.1.10', '10.244.1.11']);
    expect(res.body.masquerade).toBe(false);
    expect(res.body.rules[0]).toHaveProperty('statement');
  });

  it('drops eTP Local NodePort traffic on a node with no local endpoint, and does not intercept other traffic', async () => {
    const drop = await post('/trace', { source: { ip: '203.0.113.9' }, destination: { ip: '192.168.0.2', port: 30081 } }).expect(200);
    expect(drop.body.verdict).toBe('DROP');
    const pass = await post('/trace', { source: { pod: 'web/client' }, destination: { ip: '10.244.1.10', port: 8080 } }).expect(200);
    expect(pass.body.verdict).toBe('NOT_INTERCEPTED');
  });
});

const REACHABILITY_QUERY = `query($c: String!, $input: ReachabilityInput!) { reachability(clusterId: $c, input: $input) {
  service ignoredBy { id }
  results { via { kind address port protocol portName node network } verdict missingFact
    sourceIp { preserved seenAs seenAsKind reason }
    endpoints { ip port pod node masquerade outcome rule }
    path { at rule description before { source destination } after { source destination } }
    hops { node verdict source destination { ip port } }
    deliveries { nodes verdict endpoints { ip port pod node masquerade outcome rule } }
    rules { id statement evidence { source case } inferred profiles }
    suggestions { code message expected { verdict sourceIpPreserved } } } } }`;

/** REST leaves an absent optional field out where GraphQL reports null: treat the two alike. */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, dropNulls(v)]));
  }
  return value;
}

describe('REST and GraphQL give the same answer', () => {
  it.each([
    [{ client: { pod: 'web/client' }, service: 'web/backend' }],
    [{ client: { node: 'node-1' }, service: 'web/backend-local', port: 80 }],
    [{ client: { external: { network: 'PRIVATE', ip: '192.168.7.7' } }, service: 'web/backend-local' }],
  ])('reachability %j', async (input) => {
    const rest = (await post('/reachability', input).expect(200)).body;
    const graph = await gql<{ reachability: unknown }>(t, tenant.apiKey, REACHABILITY_QUERY, { c: clusterId, input });
    expect(graph.errors).toBeUndefined();
    expect((rest as { results: unknown[] }).results.length).toBeGreaterThan(0);
    expect(dropNulls(graph.data!.reachability)).toEqual(dropNulls(rest));
  });
});

describe('matrix', () => {
  it('gives every client location × every way of addressing the Service, agreeing with reachability', async () => {
    const res = await t.http.get(`/v1/clusters/${clusterId}/services/web/backend-local/matrix`).set(bearer(tenant.apiKey)).expect(200);
    const m = res.body as { addresses: { kind: string; address: string }[]; rows: { client: { kind: string; name: string }; cells: { verdict: string; sourceIpPreserved: boolean | null }[] }[] };
    expect(m.rows.map((r) => `${r.client.kind} ${r.client.name}`)).toEqual([
      'NODE node-1', 'POD web/backend-a', 'NODE node-2', 'POD web/client', 'EXTERNAL PUBLIC', 'EXTERNAL PRIVATE']);
    for (const row of m.rows) expect(row.cells).toHaveLength(m.addresses.length);
    // Each cell is what reachability answers for that client and address.
    const client = m.rows.find((r) => r.client.name === 'web/client')!;
    const direct = (await post('/reachability', { client: { pod: 'web/client' }, service: 'web/backend-local' }).expect(200)).body.results as Result[];
    for (const [i, via] of m.addresses.entries()) {
      const answer = direct.find((r) => r.via.kind === via.kind && r.via.address === via.address);
      if (answer) expect(client.cells[i]).toEqual({ verdict: answer.verdict, sourceIpPreserved: answer.sourceIp.preserved });
    }
  });

  it('covers a whole namespace, and 404s an unknown Service', async () => {
    const ns = await t.http.get(`/v1/clusters/${clusterId}/namespaces/web/matrix`).set(bearer(tenant.apiKey)).expect(200);
    expect(ns.body.services.map((s: { service: string }) => s.service)).toEqual(['web/backend', 'web/backend-local']);
    await t.http.get(`/v1/clusters/${clusterId}/services/web/ghost/matrix`).set(bearer(tenant.apiKey)).expect(404);
    const bad = await t.http.get(`/v1/clusters/${clusterId}/services/Web_X/ghost/matrix`).set(bearer(tenant.apiKey)).expect(400);
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
    expect(res.body.differences).toEqual(expect.arrayContaining([
      { subject: node2, field: 'verdict', before: '"UNREACHABLE"', after: '"REACHABLE"' },
      { subject: 'NODE_PORT 192.168.0.1:30081/TCP PRIVATE', field: 'sourceIp.preserved', before: 'true', after: 'false' },
    ]));
    expect(byVia(res.body.after.reachability.results, 'NODE_PORT', '192.168.0.2').verdict).toBe('REACHABLE');
    expect(byVia(res.body.before.reachability.results, 'NODE_PORT', '192.168.0.2').verdict).toBe('UNREACHABLE');
    expect((await t.http.get(`/v1/clusters/${clusterId}`).set(bearer(tenant.apiKey))).body.version).toBe(before);
    const stored = await post('/reachability', { client: { external: { network: 'PRIVATE', ip: '192.168.5.5' } }, service: 'web/backend-local' }).expect(200);
    expect(byVia(stored.body.results, 'NODE_PORT', '192.168.0.2').verdict).toBe('UNREACHABLE');
  });

  it('moving a pod changes a trace; a change naming nothing real is a 422 naming the field', async () => {
    const res = await post('/what-if', {
      change: { pods: [{ pod: 'web/backend-a', set: { ready: false } }, { pod: 'web/backend-b', set: { ready: false } }] },
      trace: { source: { pod: 'web/client' }, destination: { ip: '10.96.0.50', port: 80 } },
    }).expect(200);
    expect(res.body.before.trace.verdict).toBe('FORWARD');
    expect(res.body.after.trace.verdict).toBe('REJECT');
    const bad = await post('/what-if', { change: { pods: [{ pod: 'web/ghost', set: { ready: false } }] }, trace: { source: { pod: 'web/client' }, destination: { ip: '10.96.0.50', port: 80 } } }).expect(422);
    expect(bad.body.errors[0].field).toBe('change.pods[0].pod');
    const invalid = await post('/what-if', { change: { services: [{ service: 'web/backend', set: { type: 'ClusterIP', externalTrafficPolicy: 'Local' } }] }, trace: { source: { pod: 'web/client' }, destination: { ip: '10.96.0.50', port: 80 } } }).expect(400);
    expect(invalid.body.errors[0].field).toBe('change.services[0].set.externalTrafficPolicy');
  });

  it('GraphQL gives the same what-if answer', async () => {
    const input = { change: { services: [{ service: 'web/backend-local', set: { externalTrafficPolicy: 'Cluster' } }] },
      reachability: { client: { node: 'node-2' }, service: 'web/backend-local' } };
    const rest = (await post('/what-if', input).expect(200)).body;
    const graph = await gql<{ whatIf: { differences: unknown[] } }>(t, tenant.apiKey,
      'query($c: String!, $input: WhatIfInput!) { whatIf(clusterId: $c, input: $input) { differences { subject field before after } } }', { c: clusterId, input });
    expect(graph.errors).toBeUndefined();
    expect(graph.data!.whatIf.differences).toEqual(rest.differences);
  });
});
