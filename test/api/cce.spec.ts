import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, DemoInfo } from '../../src/demo/seed';
import { bearer, createTenant, snapshot, startTestApp, TestApp, TestTenant } from '../support/test-app';

/** The CCE profile through the API: the demo cluster `npm start` seeds, and the page's write-time constraints. */
let t: TestApp;
let demo: DemoInfo;
let dir: string;

beforeAll(async () => {
  t = await startTestApp();
  dir = mkdtempSync(join(tmpdir(), 'svcpath-demo-'));
  demo = await seedDemo(t.app, dir);
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Rule {
  id: string;
  evidence: { source: string; case?: string }[];
  inferred: boolean;
}
interface Result {
  via: { kind: string; address: string; node?: string };
  verdict: string;
  rules: string[];
  suggestions: { code: string; expected: { verdict: string } }[];
  sourceIp: { preserved: boolean | null };
}

const reach = (body: object) =>
  t.http
    .post(`/v1/clusters/${demo.clusterId}/reachability?detail=full`)
    .set(bearer(demo.apiKey))
    .send(body)
    .expect(200);
/** Whether result `r` cites a rule whose evidence mentions `text` (rules are ids into the answer's table). */
const cites = (body: { rules: Rule[] }, r: Result, text: string) =>
  r.rules.some((id) =>
    body.rules.find((rule) => rule.id === id)!.evidence.some((e) => `${e.source} ${e.case ?? ''}`.includes(text)),
  );

describe('the CCE demo cluster (frontend/backend example of the CCE page)', () => {
  it('states Table 1 for the Local NodePort Service, with the expected share per backend pod', async () => {
    const res = await reach({ client: { external: { network: 'PUBLIC' } }, service: 'default/backend-nodeport' });
    expect(res.body.affinity).toMatchObject({
      policy: 'Local',
      sourceIpPreserved: true,
      extraHop: false,
      balance: 'RISK_OF_IMBALANCE',
    });
    const shares = Object.fromEntries(
      (res.body.affinity.shares as { pod: string; share: number }[]).map((s) => [s.pod, s.share]),
    );
    // Two nodes have backends: node-1 (backend-1, backend-2) and node-2 (backend-3).
    expect(shares).toEqual({ 'default/backend-1': 0.25, 'default/backend-2': 0.25, 'default/backend-3': 0.5 });
  });

  it('from a container on another node: the failure table decides, citing its row and column, and the ClusterIP remedy flips it', async () => {
    const res = await reach({ client: { pod: 'default/frontend-1' }, service: 'default/backend-nodeport' });
    const results = res.body.results as Result[];
    const clusterIp = results.find((r) => r.via.kind === 'CLUSTER_IP')!;
    expect(clusterIp.verdict).toBe('REACHABLE');
    const node3 = results.find((r) => r.via.kind === 'NODE_PORT' && r.via.address === '192.168.0.12')!; // node-3: no backend
    expect(node3.verdict).toBe('UNREACHABLE');
    expect(cites(res.body, node3, 'Other containers on different nodes from the service pod')).toBe(true);
    expect(cites(res.body, node3, 'Tunnel Network Cluster (iptables)')).toBe(true);
    const remedy = node3.suggestions.find((s) => s.code === 'USE_CLUSTER_IP');
    expect(remedy?.expected.verdict).toBe('REACHABLE');
    // The public EIP of a node without a backend fails the same way ("Public/Private network").
    const eip3 = results.find((r) => r.via.kind === 'NODE_PORT' && r.via.address === '203.0.113.12')!;
    expect(eip3.verdict).toBe('UNREACHABLE');
  });

  it('the compact answer reads at a glance: one summary, ways grouped by outcome, each rule once', async () => {
    const res = await t.http
      .post(`/v1/clusters/${demo.clusterId}/reachability`)
      .set(bearer(demo.apiKey))
      .set('accept-encoding', 'identity')
      .send({ client: { pod: 'default/frontend-1' }, service: 'default/backend-nodeport' })
      .expect(200);
    expect(res.body.summary.verdict).toBe('PARTIAL');
    expect(res.body.summary.text).toBe(
      'Reaches backend-nodeport through its ClusterIP with its source IP kept. ' +
        "Through the NodePort on 2 nodes (node-1 and node-2) some connections fail (CCE failure table, tunnel + iptables, row 'a container on a node not running the backend pod'); " +
        "through node-3's NodePort every connection fails (CCE failure table, tunnel + iptables, row 'a container on a node not running the backend pod').",
    );
    const groups = res.body.groups as { kind: string; verdict: string; count: number; networks: string[] }[];
    expect(groups.map((g) => `${g.kind} ${g.verdict} ${g.count} ${g.networks.join('+')}`)).toEqual([
      'CLUSTER_IP REACHABLE 1 ',
      'NODE_PORT PARTIAL 2 PRIVATE',
      'NODE_PORT PARTIAL 2 PUBLIC',
      'NODE_PORT UNREACHABLE 1 PRIVATE',
      'NODE_PORT UNREACHABLE 1 PUBLIC',
    ]);
    // Each rule's statement is sent once, however many results cite it.
    for (const rule of res.body.rules as { statement: string }[])
      expect(res.text.split(rule.statement).length - 1).toBe(1);
    expect(res.text.length).toBeLessThan(24_000); // 40,518 bytes before grouping and the rule table (20,606 now)
  });

  it("the dedicated ELB's private IP cannot be reached from the server node", async () => {
    const res = await reach({ client: { node: 'node-2' }, service: 'default/backend-elb' });
    const elb = (res.body.results as Result[]).find(
      (r) => r.via.kind === 'LOAD_BALANCER' && r.via.address === '192.168.0.133',
    )!;
    expect(['UNREACHABLE', 'PARTIAL']).toContain(elb.verdict);
    expect(cites(res.body, elb, 'LoadBalancer Service using a dedicated load balancer')).toBe(true);
  });
});

describe('CCE constraints at write time', () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await createTenant(t);
  });

  async function cluster(body: object): Promise<string> {
    return (await t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send(body).expect(201)).body.id as string;
  }
  const lb = (name: string, annotations: Record<string, string>, extra: object = {}) => ({
    namespace: 'default',
    name,
    type: 'LoadBalancer',
    selector: { app: name },
    ports: [{ port: 80 }],
    loadBalancerIngress: [{ ip: '192.168.0.200' }],
    annotations: { 'kubernetes.io/elb.class': 'performance', 'kubernetes.io/elb.id': 'elb-1', ...annotations },
    ...extra,
  });

  it('pass-through on a cluster of v1.15 or earlier is refused, naming the rule, and nothing is stored', async () => {
    const id = await cluster({ name: 'old', profile: 'CCE', kubernetesVersion: '1.15' });
    const before = await snapshot(t);
    const res = await t.http
      .post(`/v1/clusters/${id}/services`)
      .set(bearer(tenant.apiKey))
      .send(lb('web', { 'kubernetes.io/elb.pass-through': 'true' }))
      .expect(422);
    expect(res.body).toMatchObject({ code: 'UNPROCESSABLE', rule: 'CCE-ELB-PASSTHROUGH-UNSUPPORTED-VERSION' });
    expect(res.body.errors[0].field).toBe('annotations["kubernetes.io/elb.pass-through"]');
    expect(await snapshot(t)).toEqual(before);
  });

  it('in IPVS mode, Services on one load balancer must share the pass-through setting', async () => {
    const id = await cluster({ name: 'ipvs', profile: 'CCE', proxyMode: 'IPVS' });
    await t.http
      .post(`/v1/clusters/${id}/services`)
      .set(bearer(tenant.apiKey))
      .send(lb('a', { 'kubernetes.io/elb.pass-through': 'true' }))
      .expect(201);
    const res = await t.http
      .post(`/v1/clusters/${id}/services`)
      .set(bearer(tenant.apiKey))
      .send(lb('b', {}, { ports: [{ port: 81 }] }))
      .expect(422);
    expect(res.body.rule).toBe('CCE-ELB-PASSTHROUGH-IPVS-SAME-LB');
    await t.http
      .post(`/v1/clusters/${id}/services`)
      .set(bearer(tenant.apiKey))
      .send(lb('b', { 'kubernetes.io/elb.pass-through': 'true' }, { ports: [{ port: 81 }] }))
      .expect(201);
  });

  it('a CCE Turbo cluster refuses externalTrafficPolicy Local over non-HostNetwork backends', async () => {
    const id = await cluster({ name: 'turbo', profile: 'CCE_TURBO' });
    await t.http
      .post(`/v1/clusters/${id}/nodes`)
      .set(bearer(tenant.apiKey))
      .send({ name: 'n1', internalIps: ['192.168.1.1'] })
      .expect(201);
    await t.http
      .post(`/v1/clusters/${id}/pods`)
      .set(bearer(tenant.apiKey))
      .send({ namespace: 'default', name: 'p', nodeName: 'n1', ips: ['192.168.1.50'], labels: { app: 'web' } })
      .expect(201);
    const body = {
      namespace: 'default',
      name: 'web',
      type: 'NodePort',
      selector: { app: 'web' },
      externalTrafficPolicy: 'Local',
      ports: [{ port: 80 }],
    };
    const res = await t.http.post(`/v1/clusters/${id}/services`).set(bearer(tenant.apiKey)).send(body).expect(422);
    expect(res.body).toMatchObject({
      rule: 'CCE-TURBO-LOCAL-HOSTNETWORK',
      errors: [{ field: 'externalTrafficPolicy' }],
    });
    await t.http
      .post(`/v1/clusters/${id}/services`)
      .set(bearer(tenant.apiKey))
      .send({ ...body, selector: { app: 'other' } })
      .expect(201);
  });

  it('with externalTrafficPolicy Local, pass-through reads back as onlyLocal', async () => {
    const id = await cluster({ name: 'local', profile: 'CCE' });
    const res = await t.http
      .post(`/v1/clusters/${id}/services`)
      .set(bearer(tenant.apiKey))
      .send(lb('web', { 'kubernetes.io/elb.pass-through': 'true' }, { externalTrafficPolicy: 'Local' }))
      .expect(201);
    expect(res.body.annotations['kubernetes.io/elb.pass-through']).toBe('onlyLocal');
  });
});
