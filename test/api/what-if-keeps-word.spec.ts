import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, DemoInfo } from '../../src/demo/seed';
import { bearer, gql, startTestApp, TestApp } from '../support/test-app';

/**
 * Suggestions keep their word through the API: on the demo cluster (`npm start` seeds it: CCE,
 * tunnel, iptables, backends behind eTP Local Services), plus a few Services that bring the other
 * remedies up, every suggestion of every reachability answer is applied with POST /what-if, and
 * the answer after the change, for the same way of addressing, is exactly what the suggestion
 * promised. The differences what-if reports are typed values, never JSON text.
 */
let t: TestApp;
let demo: DemoInfo;
let dir: string;

const path = (p: string) => `/v1/clusters/${demo.clusterId}${p}`;
const post = (p: string, body: object) => t.http.post(path(p)).set(bearer(demo.apiKey)).send(body);

beforeAll(async () => {
  t = await startTestApp();
  dir = mkdtempSync(join(tmpdir(), 'svcpath-keeps-word-'));
  demo = await seedDemo(t.app, dir);
  // A backend that is not ready, alone behind its Service: ADD_READY_ENDPOINTS.
  await post('/pods', {
    namespace: 'default',
    name: 'idle-1',
    nodeName: 'node-2',
    ips: ['172.16.1.21'],
    labels: { app: 'idle' },
    ready: false,
    containerPorts: [{ name: 'http', containerPort: 80 }],
  }).expect(201);
  await post('/services', {
    namespace: 'default',
    name: 'idle',
    type: 'NodePort',
    selector: { app: 'idle' },
    ports: [{ name: 'http', port: 80, targetPort: 80 }],
  }).expect(201);
  // eTP Cluster: an outside client loses its source IP (SET_ETP_LOCAL).
  await post('/services', {
    namespace: 'default',
    name: 'backend-cluster',
    type: 'NodePort',
    selector: { app: 'backend' },
    ports: [{ name: 'http', port: 80, targetPort: 80 }],
  }).expect(201);
  // iTP Local: node-3 hosts no backend (SET_ITP_CLUSTER).
  await post('/services', {
    namespace: 'default',
    name: 'backend-itp',
    selector: { app: 'backend' },
    internalTrafficPolicy: 'Local',
    ports: [{ name: 'http', port: 80, targetPort: 80 }],
  }).expect(201);
  // A shared ELB with eTP Local: the page's failure applies by inference, pass-through avoids it (ENABLE_ELB_PASS_THROUGH).
  await post('/services', {
    namespace: 'default',
    name: 'backend-shared',
    type: 'LoadBalancer',
    selector: { app: 'backend' },
    externalTrafficPolicy: 'Local',
    ports: [{ name: 'http', port: 80, targetPort: 80 }],
    loadBalancerIngress: [{ ip: '192.168.0.134' }],
    annotations: { 'kubernetes.io/elb.class': 'union' },
  }).expect(201);
  // Source ranges that leave the outside client out (ADD_SOURCE_RANGE).
  await post('/services', {
    namespace: 'default',
    name: 'guarded',
    type: 'LoadBalancer',
    selector: { app: 'backend' },
    ports: [{ name: 'http', port: 80, targetPort: 80 }],
    loadBalancerIngress: [{ ip: '203.0.113.134' }],
    loadBalancerSourceRanges: ['198.51.100.0/24'],
    annotations: { 'kubernetes.io/elb.class': 'performance' },
  }).expect(201);
});
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Client = { pod: string } | { node: string } | { external: { network: 'PUBLIC' | 'PRIVATE'; ip?: string } };
interface Via {
  kind: string;
  address: string;
  port: number;
  protocol: string;
  portName: string | null;
  node?: string | null;
  network?: string | null;
}
interface Suggestion {
  code: string;
  message: string;
  expected: { verdict: string; sourceIpPreserved: boolean | null };
}
interface Result {
  via: Via;
  verdict: string;
  sourceIp: { preserved: boolean | null };
  suggestions: Suggestion[];
}
interface Outcome {
  verdict: string;
  sourceIpPreserved: boolean | null;
  sourceIpReason: string;
  endpoints: string[];
}
interface Difference {
  subject: string;
  via: Via | null;
  changed: string[];
  before: Outcome | null;
  after: Outcome | null;
}
interface Group {
  kind: string;
  addresses: { address: string; network: string | null }[];
  verdict: string;
  sourceIp: { preserved: boolean | null };
}
interface WhatIf {
  differences: Difference[];
  after: { reachability: { groups: Group[] } };
}
interface ServiceRow {
  namespace: string;
  name: string;
  selector: Record<string, string> | null;
  loadBalancerSourceRanges: string[];
  annotations: Record<string, string>;
}
interface PodRow {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ready: boolean;
  ips: string[];
}

const SERVICES = [
  'default/backend-nodeport',
  'default/backend-elb',
  'default/idle',
  'default/backend-cluster',
  'default/backend-itp',
  'default/backend-shared',
  'default/guarded',
];
const OUTSIDER = '203.0.113.99';
const CLIENTS: Client[] = [
  { pod: 'default/frontend-1' },
  { pod: 'default/backend-1' },
  { node: 'node-1' },
  { node: 'node-3' },
  { external: { network: 'PUBLIC', ip: OUTSIDER } },
  { external: { network: 'PRIVATE', ip: '192.168.5.5' } },
  { external: { network: 'PUBLIC' } },
];
const NODE_IPS: Record<string, string> = {
  'node-1': '192.168.0.10',
  'node-2': '192.168.0.11',
  'node-3': '192.168.0.12',
};

const sameVia = (a: Via, b: Via) =>
  a.kind === b.kind &&
  a.address === b.address &&
  a.port === b.port &&
  a.protocol === b.protocol &&
  (a.network ?? null) === (b.network ?? null);

async function serviceRow(key: string): Promise<ServiceRow> {
  const [namespace, name] = key.split('/');
  const page = await t.http
    .get(path(`/services?namespace=${namespace}&limit=500`))
    .set(bearer(demo.apiKey))
    .expect(200);
  return (page.body.items as ServiceRow[]).find((s) => s.name === name)!;
}

function clientIp(client: Client, pods: PodRow[]): string {
  if ('pod' in client) return pods.find((p) => `${p.namespace}/${p.name}` === client.pod)!.ips[0];
  if ('node' in client) return NODE_IPS[client.node];
  if (client.external.ip === undefined)
    throw new Error('ADD_SOURCE_RANGE offered to an outside client without an address');
  return client.external.ip;
}

/** The what-if change a suggestion stands for; null for USE_CLUSTER_IP (ask the ClusterIP instead). */
async function changeFor(service: string, client: Client, s: Suggestion, pods: PodRow[]): Promise<object | null> {
  const one = (set: object) => ({ services: [{ service, set }] });
  const svc = await serviceRow(service);
  switch (s.code) {
    case 'USE_CLUSTER_IP':
      return null;
    case 'SET_ETP_CLUSTER':
      return one({ externalTrafficPolicy: 'Cluster' });
    case 'SET_ETP_LOCAL':
      return one({ externalTrafficPolicy: 'Local' });
    case 'SET_ITP_CLUSTER':
      return one({ internalTrafficPolicy: 'Cluster' });
    case 'ADD_SOURCE_RANGE':
      return one({ loadBalancerSourceRanges: [...svc.loadBalancerSourceRanges, `${clientIp(client, pods)}/32`] });
    case 'ENABLE_ELB_PASS_THROUGH':
      return one({ annotations: { ...svc.annotations, 'kubernetes.io/elb.pass-through': 'true' } });
    case 'ADD_READY_ENDPOINTS': {
      const selected = pods.filter(
        (p) =>
          p.namespace === svc.namespace &&
          !p.ready &&
          Object.entries(svc.selector ?? {}).every(([k, v]) => p.labels[k] === v),
      );
      return { pods: selected.map((p) => ({ pod: `${p.namespace}/${p.name}`, set: { ready: true } })) };
    }
    default:
      throw new Error(`no what-if change for ${s.code}`);
  }
}

/** Every string under `value` that parses as JSON (a value smuggled in as text). */
function jsonStrings(value: unknown, at = 'differences'): string[] {
  if (typeof value === 'string') {
    try {
      JSON.parse(value);
      return [`${at}: ${value}`];
    } catch {
      return [];
    }
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => jsonStrings(v, `${at}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => jsonStrings(v, `${at}.${k}`));
  return [];
}

function expectTyped(differences: Difference[]): void {
  expect(jsonStrings(differences)).toEqual([]);
  for (const d of differences) {
    expect(d.changed.length).toBeGreaterThan(0);
    for (const f of d.changed)
      expect(['present', 'verdict', 'sourceIp.preserved', 'sourceIp.reason', 'endpoints']).toContain(f);
    for (const side of [d.before, d.after]) {
      if (side === null) continue;
      expect(typeof side.verdict).toBe('string');
      expect([true, false, null]).toContain(side.sourceIpPreserved);
      expect(side.endpoints.every((e) => /^[0-9a-f.:]+:\d+$/.test(e))).toBe(true);
    }
  }
}

describe("what-if keeps the suggestions' word (demo cluster)", () => {
  it('every suggestion, applied with what-if, gives its way of addressing exactly the promised verdict and source-IP fate', async () => {
    const pods = (await t.http.get(path('/pods?limit=500')).set(bearer(demo.apiKey)).expect(200)).body
      .items as PodRow[];
    const checked = new Map<string, number>();
    const broken: string[] = [];
    for (const service of SERVICES) {
      for (const client of CLIENTS) {
        const question = { client, service };
        const answer = (await post('/reachability?detail=full', question).expect(200)).body as { results: Result[] };
        for (const r of answer.results) {
          for (const s of r.suggestions) {
            checked.set(s.code, (checked.get(s.code) ?? 0) + 1);
            const where = `${service} from ${JSON.stringify(client)} at ${r.via.kind} ${r.via.address} ${r.via.network ?? ''}: ${s.code} promises ${s.expected.verdict}/${String(s.expected.sourceIpPreserved)}`;
            const change = await changeFor(service, client, s, pods);
            if (change === null) {
              const cip = answer.results.find((x) => x.via.kind === 'CLUSTER_IP' && x.via.portName === r.via.portName);
              if (cip?.verdict !== s.expected.verdict || cip.sourceIp.preserved !== s.expected.sourceIpPreserved)
                broken.push(`${where}, the ClusterIP answers ${cip?.verdict}/${String(cip?.sourceIp.preserved)}`);
              continue;
            }
            const res = await post('/what-if', { change, reachability: question });
            if (res.status !== 200) {
              broken.push(`${where}, what-if refuses the change: ${res.status} ${JSON.stringify(res.body)}`);
              continue;
            }
            const body = res.body as WhatIf;
            expectTyped(body.differences);
            const group = body.after.reachability.groups.find(
              (g) =>
                g.kind === r.via.kind &&
                g.addresses.some((a) => a.address === r.via.address && (a.network ?? null) === (r.via.network ?? null)),
            );
            if (group?.verdict !== s.expected.verdict || group.sourceIp.preserved !== s.expected.sourceIpPreserved) {
              broken.push(`${where}, after the change: ${group?.verdict}/${String(group?.sourceIp.preserved)}`);
              continue;
            }
            // The difference for that address says the same, in typed values.
            const d = body.differences.find((x) => x.via !== null && sameVia(x.via, r.via));
            if (d?.after?.verdict !== s.expected.verdict || d.after.sourceIpPreserved !== s.expected.sourceIpPreserved)
              broken.push(`${where}, its difference reads ${JSON.stringify(d)}`);
          }
        }
      }
    }
    expect(broken).toEqual([]);
    // Every remedy came up, so each was checked.
    expect([...checked.keys()].sort()).toEqual([
      'ADD_READY_ENDPOINTS',
      'ADD_SOURCE_RANGE',
      'ENABLE_ELB_PASS_THROUGH',
      'SET_ETP_CLUSTER',
      'SET_ETP_LOCAL',
      'SET_ITP_CLUSTER',
      'USE_CLUSTER_IP',
    ]);
  });

  it('frontend-1 -> backend-nodeport: eTP Cluster is promised only where applying it answers as promised (not on the EIPs, which turn UNKNOWN)', async () => {
    const question = { client: { pod: 'default/frontend-1' }, service: 'default/backend-nodeport' };
    const answer = (await post('/reachability?detail=full', question).expect(200)).body as { results: Result[] };
    const eips = answer.results.filter((r) => r.via.kind === 'NODE_PORT' && r.via.network === 'PUBLIC');
    expect(eips.map((r) => r.via.address).sort()).toEqual(['203.0.113.10', '203.0.113.11', '203.0.113.12']);
    for (const r of eips) expect(r.suggestions.map((s) => s.code)).not.toContain('SET_ETP_CLUSTER');
    const res = await post('/what-if', {
      change: { services: [{ service: 'default/backend-nodeport', set: { externalTrafficPolicy: 'Cluster' } }] },
      reachability: question,
    }).expect(200);
    const body = res.body as WhatIf;
    for (const r of eips) {
      const d = body.differences.find((x) => x.via !== null && sameVia(x.via, r.via));
      expect(d).toMatchObject({
        changed: expect.arrayContaining(['verdict']),
        after: { verdict: 'UNKNOWN', sourceIpPreserved: null },
      });
      expect(typeof d?.before?.verdict).toBe('string');
    }
    // The private NodePorts keep the promise: REACHABLE, the source IP lost.
    const node3 = answer.results.find((r) => r.via.kind === 'NODE_PORT' && r.via.address === '192.168.0.12')!;
    expect(node3.suggestions.find((s) => s.code === 'SET_ETP_CLUSTER')?.expected).toEqual({
      verdict: 'REACHABLE',
      sourceIpPreserved: false,
    });
    expect(body.differences.find((x) => x.subject === 'NODE_PORT 192.168.0.12:30000/TCP PRIVATE')).toMatchObject({
      via: { kind: 'NODE_PORT', address: '192.168.0.12', port: 30000, network: 'PRIVATE' },
      changed: expect.arrayContaining(['verdict', 'sourceIp.preserved']),
      after: { verdict: 'REACHABLE', sourceIpPreserved: false, sourceIpReason: 'SNAT_ETP_CLUSTER' },
    });
  });

  it('differences are typed the same over GraphQL, and for a trace', async () => {
    const input = {
      change: { services: [{ service: 'default/backend-nodeport', set: { externalTrafficPolicy: 'Cluster' } }] },
      reachability: { client: { pod: 'default/frontend-1' }, service: 'default/backend-nodeport' },
    };
    const rest = ((await post('/what-if', input).expect(200)).body as WhatIf).differences;
    const graph = await gql<{ whatIf: { differences: Difference[] } }>(
      t,
      demo.apiKey,
      `query($c: String!, $input: WhatIfInput!) { whatIf(clusterId: $c, input: $input) {
      differences { subject via { kind address port protocol portName node network } changed
        before { verdict sourceIpPreserved sourceIpReason endpoints } after { verdict sourceIpPreserved sourceIpReason endpoints } } } }`,
      { c: demo.clusterId, input },
    );
    expect(graph.errors).toBeUndefined();
    expect(graph.data!.whatIf.differences).toEqual(rest);

    const trace = await post('/what-if', {
      change: {
        pods: ['backend-1', 'backend-2', 'backend-3'].map((name) => ({
          pod: `default/${name}`,
          set: { ready: false },
        })),
      },
      trace: {
        source: { pod: 'default/frontend-1' },
        destination: { ip: '192.168.0.10', port: 30000 },
        node: 'node-1',
      },
    }).expect(200);
    const differences = (trace.body as WhatIf).differences;
    expectTyped(differences);
    expect(differences).toEqual([
      {
        subject: 'trace',
        via: null,
        changed: expect.arrayContaining(['verdict', 'endpoints']),
        before: expect.objectContaining({ verdict: 'FORWARD' }),
        after: expect.objectContaining({ verdict: 'REJECT', endpoints: [] }),
      },
    ]);
  });

  it('OpenAPI describes the differences as typed objects', async () => {
    const doc = (await t.http.get('/docs/openapi.json').expect(200)).body as {
      components: {
        schemas: Record<
          string,
          {
            properties: Record<
              string,
              { $ref?: string; allOf?: { $ref: string }[]; type?: string; items?: { type?: string } }
            >;
          }
        >;
      };
    };
    const diff = doc.components.schemas.DifferenceView.properties;
    const ref = (p: { $ref?: string; allOf?: { $ref: string }[] }) => p.$ref ?? p.allOf?.[0].$ref;
    expect(ref(diff.before)).toBe('#/components/schemas/OutcomeView');
    expect(ref(diff.after)).toBe('#/components/schemas/OutcomeView');
    expect(diff.changed).toMatchObject({ type: 'array', items: { type: 'string' } });
    const outcome = doc.components.schemas.OutcomeView.properties;
    expect(outcome.sourceIpPreserved.type).toBe('boolean');
    expect(outcome.endpoints).toMatchObject({ type: 'array', items: { type: 'string' } });
  });
});
