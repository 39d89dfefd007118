// patchCompiled() answers exactly like compile() from scratch, after every write of a random
// sequence, and leaves the version it patched answering as before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import type { CompiledCluster } from './compiled';
import type { ClusterModel, EndpointSliceModel, NodeModel, PodModel, ServiceModel } from './model';
import { applyModelChanges, patchCompiled, type ModelChange } from './patch';
import { reachability } from './reachability';
import { nodeUpdateSeed, writeFor, writeSeed, type WriteSeed } from './testing/model-writes';
import { baseModelOf, baseSpec } from './testing/patch-bases';
import { answersOf, clientsOf, firstDifference, packetsOf } from './testing/patch-check';
import { smallCluster } from './testing/small-cluster';

/** Steps of one to three writes each, patched at once. */
const steps = fc.array(fc.array(writeSeed, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 20 });
const RUNS = { numRuns: Number(process.env.PATCH_RUNS ?? 60) };

/** The changes of one step, each made against the model as the previous ones left it. */
function changesFor(model: ClusterModel, seeds: readonly WriteSeed[]): ModelChange[] {
  const out: ModelChange[] = [];
  let m = model;
  for (const s of seeds) {
    const c = writeFor(m, s);
    out.push(c);
    m = applyModelChanges(m, [c]);
  }
  return out;
}

/** Every answer of `cc`, with the clients and packets of `model` (packets from its scratch compile). */
function answers(cc: CompiledCluster, scratch: CompiledCluster): string[] {
  return answersOf(cc, clientsOf(scratch.model), packetsOf(scratch));
}

/** Applies each step of writes by patchCompiled(), and expects every answer to be compile()'s from scratch after each. */
function expectPatchesLikeScratch(
  base: Parameters<typeof baseModelOf>[0],
  writes: readonly (readonly WriteSeed[])[],
): void {
  let model = baseModelOf(base);
  let cc = compile(model);
  for (const seeds of writes) {
    const changes = changesFor(model, seeds);
    cc = patchCompiled(cc, changes);
    model = applyModelChanges(model, changes);
    const scratch = compile(model);
    expect(firstDifference(answers(cc, scratch), answers(scratch, scratch))).toBeNull();
  }
}

describe('patchCompiled', () => {
  it('answers like compile() from scratch after every step of random writes', () => {
    fc.assert(
      fc.property(baseSpec, steps, (base, writes) => {
        let model = baseModelOf(base);
        let cc = compile(model);
        for (const seeds of writes) {
          const changes = changesFor(model, seeds);
          const next = patchCompiled(cc, changes);
          model = applyModelChanges(model, changes);
          expect(next.model).toEqual(model);
          const scratch = compile(model);
          expect(firstDifference(answers(next, scratch), answers(scratch, scratch))).toBeNull();
          cc = next;
        }
      }),
      RUNS,
    );
  });

  it('checks a suggestion on a cluster variant without checking suggestions there again (once a stack overflow)', () => {
    // The counterexample the random-writes property found: an ADD_READY_ENDPOINTS promise was
    // checked by asking again on a variant, which checked its own promise on a variant of that,
    // and so on until the stack ran out (an API request would have failed). Asked again, an
    // answer now offers no suggestions.
    const base = {
      kind: 'cce',
      profile: 'CCE',
      network: 'VPC',
      proxy: 'IPTABLES',
      type: 'LoadBalancer',
      etp: 'Local',
      passThrough: false,
      multiPod: false,
      hostNetworkBackends: false,
    } as const;
    const writes = [
      [
        { kind: 'service-add', n: [0, 0, 0, 0, 0, 0] },
        { kind: 'pod-labels', n: [356170, 0, 0, 0, 0, 0] },
      ],
      [{ kind: 'pod-add', n: [0, 0, 0, 0, 0, 49025] }],
      [{ kind: 'pod-labels', n: [0, 0, 0, 0, 0, 0] }],
    ] as unknown as WriteSeed[][];
    expectPatchesLikeScratch(base, writes);
  });

  it('answers like compile() from scratch after node updates mixed with pod writes', () => {
    const nodeSteps = fc.array(fc.array(nodeUpdateSeed, { minLength: 1, maxLength: 2 }), {
      minLength: 1,
      maxLength: 10,
    });
    fc.assert(
      fc.property(baseSpec, nodeSteps, (base, writes) => {
        expectPatchesLikeScratch(base, writes);
      }),
      RUNS,
    );
  });

  it('leaves the version it patched answering as before', () => {
    fc.assert(
      fc.property(baseSpec, steps, (base, writes) => {
        let cc = compile(baseModelOf(base));
        for (const seeds of writes.slice(0, 6)) {
          const before = answers(cc, cc);
          const next = patchCompiled(cc, changesFor(cc.model, seeds));
          // The new version answers first: caches it shares with the old one are filled by it.
          answers(next, next);
          expect(firstDifference(answers(cc, cc), before)).toBeNull();
          cc = next;
        }
      }),
      { numRuns: 25 },
    );
  });
});

const pod = (name: string, ip: string, nodeName: string | null, labels: Record<string, string> = {}): PodModel => ({
  namespace: 'default',
  name,
  labels,
  nodeName,
  ips: [ip],
  hostNetwork: false,
  phase: 'Running',
  ready: true,
  terminating: false,
  containerPorts: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
});
const WEB: ServiceModel = {
  namespace: 'default',
  name: 'web',
  type: 'NodePort',
  selector: { app: 'web' },
  ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }],
  clusterIps: ['10.96.0.10'],
  externalIps: [],
  loadBalancerIngress: [],
  loadBalancerSourceRanges: [],
  externalTrafficPolicy: 'Local',
  internalTrafficPolicy: 'Cluster',
  healthCheckNodePort: null,
  publishNotReadyAddresses: false,
  labels: {},
  annotations: {},
};
const EXT: ServiceModel = {
  ...WEB,
  name: 'ext',
  type: 'ClusterIP',
  selector: null,
  clusterIps: ['10.96.0.11'],
  ports: [{ ...WEB.ports[0], nodePort: null }],
};
const slice = (service: string, endpoints: readonly { ip: string; podName?: string }[]): EndpointSliceModel => ({
  namespace: 'default',
  name: `${service}-0`,
  serviceName: service,
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: endpoints.map((e) => ({
    addresses: [e.ip],
    nodeName: null,
    ready: true,
    serving: true,
    terminating: false,
    podName: e.podName ?? null,
  })),
});
const node = (name: string, ip: string, cidr: string): NodeModel => ({
  name,
  internalIps: [ip],
  externalIp: null,
  podCidrs: [cidr],
  labels: {},
});
const A = pod('a', '10.244.1.5', 'n1', { app: 'web' });

/** Two nodes; web selects a and b; ext has no selector, its slice names a's address (owner: a) and b's (by name). */
const EDGES: ClusterModel = {
  ...smallCluster(1, 'IPTABLES', 'CLUSTER_CIDR'),
  clusterCidrs: ['10.244.0.0/16'],
  serviceCidrs: ['10.96.0.0/16'],
  nodes: [node('n1', '192.168.0.1', '10.244.1.0/24'), node('n2', '192.168.0.2', '10.244.2.0/24')],
  pods: [A, pod('b', '10.244.2.6', 'n2', { app: 'web' }), pod('client', '10.244.2.9', 'n2')],
  services: [WEB, EXT],
  endpointSlices: [slice('ext', [{ ip: '10.244.1.5' }, { ip: '10.244.2.6', podName: 'b' }])],
};

/** The cluster-wide endpoints of a Service as `ip:port pod node`, read from its ClusterIP answer. */
function endpointsOf(cc: CompiledCluster, service: string): string[] {
  const r = reachability(cc, { client: { node: 'n1' }, service }).results.find((x) => x.via.kind === 'CLUSTER_IP');
  return (r?.endpoints ?? []).map((e) => `${e.ip}:${e.port} ${e.pod} ${e.node}`);
}

const upsertPod = (p: PodModel): ModelChange => ({ kind: 'pod', key: `default/${p.name}`, after: p });
const deletePod = (name: string): ModelChange => ({ kind: 'pod', key: `default/${name}`, after: null });

describe('patchCompiled edge cases', () => {
  const cases: readonly {
    name: string;
    steps: readonly (readonly ModelChange[])[];
    service: string;
    endpoints: readonly string[];
  }[] = [
    {
      name: "a pod taking a deleted pod's IP (two patches)",
      steps: [[deletePod('a')], [upsertPod(pod('client', '10.244.1.5', 'n1'))]],
      service: 'default/ext',
      endpoints: ['10.244.1.5:8080 default/client null', '10.244.2.6:8080 default/b null'],
    },
    {
      name: "a pod taking a deleted pod's IP (one patch)",
      steps: [[deletePod('a'), upsertPod(pod('client', '10.244.1.5', 'n1'))]],
      service: 'default/ext',
      endpoints: ['10.244.1.5:8080 default/client null', '10.244.2.6:8080 default/b null'],
    },
    {
      name: 'two pods with one IP: the smaller key owns it',
      steps: [[upsertPod(pod('z', '10.244.1.5', 'n2', { app: 'web' }))]],
      service: 'default/ext',
      endpoints: ['10.244.1.5:8080 default/a null', '10.244.2.6:8080 default/b null'],
    },
    {
      name: 'two pods with one IP: both are endpoints of the selector',
      steps: [[upsertPod(pod('z', '10.244.1.5', 'n2', { app: 'web' }))]],
      service: 'default/web',
      endpoints: ['10.244.1.5:8080 default/a n1', '10.244.1.5:8080 default/z n2', '10.244.2.6:8080 default/b n2'],
    },
    {
      name: 'two pods with one IP: the other takes it when the owner goes',
      steps: [[upsertPod(pod('z', '10.244.1.5', 'n2'))], [deletePod('a')]],
      service: 'default/ext',
      endpoints: ['10.244.1.5:8080 default/z null', '10.244.2.6:8080 default/b null'],
    },
    {
      name: 'a pod moving node',
      steps: [[upsertPod({ ...A, nodeName: 'n2' })]],
      service: 'default/web',
      endpoints: ['10.244.1.5:8080 default/a n2', '10.244.2.6:8080 default/b n2'],
    },
    {
      name: "a pod no longer Running leaves the selector's endpoints",
      steps: [[upsertPod({ ...A, phase: 'Succeeded' })]],
      service: 'default/web',
      endpoints: ['10.244.2.6:8080 default/b n2'],
    },
    {
      name: 'a Service losing its selector',
      steps: [[{ kind: 'service', key: 'default/web', after: { ...WEB, selector: null } }]],
      service: 'default/web',
      endpoints: [],
    },
    {
      name: "a slice naming a pod (not the address's owner)",
      steps: [
        [{ kind: 'endpointSlice', key: 'default/ext-0', after: slice('ext', [{ ip: '10.244.2.9', podName: 'a' }]) }],
      ],
      service: 'default/ext',
      endpoints: ['10.244.2.9:8080 default/a null'],
    },
    {
      name: 'a slice for a Service with a selector replaces it',
      steps: [[{ kind: 'endpointSlice', key: 'default/web-0', after: slice('web', [{ ip: '10.244.2.9' }]) }]],
      service: 'default/web',
      endpoints: ['10.244.2.9:8080 default/client null'],
    },
    {
      name: "a node taking a pod's address",
      steps: [
        [
          {
            kind: 'node',
            name: 'n2',
            after: { ...node('n2', '192.168.0.2', '10.244.2.0/24'), internalIps: ['192.168.0.2', '10.244.1.5'] },
          },
        ],
      ],
      service: 'default/ext',
      endpoints: ['10.244.1.5:8080 null null', '10.244.2.6:8080 default/b null'],
    },
    {
      name: "a node giving a pod's address back",
      steps: [
        [
          {
            kind: 'node',
            name: 'n2',
            after: { ...node('n2', '192.168.0.2', '10.244.2.0/24'), internalIps: ['192.168.0.2', '10.244.1.5'] },
          },
        ],
        [{ kind: 'node', name: 'n2', after: node('n2', '192.168.0.2', '10.244.2.0/24') }],
      ],
      service: 'default/ext',
      endpoints: ['10.244.1.5:8080 default/a null', '10.244.2.6:8080 default/b null'],
    },
    {
      name: 'a renamed pod (key and after differ)',
      steps: [[{ kind: 'pod', key: 'default/a', after: { ...A, name: 'a2' } }]],
      service: 'default/ext',
      endpoints: ['10.244.1.5:8080 default/a2 null', '10.244.2.6:8080 default/b null'],
    },
  ];
  it.each(cases)('$name', ({ steps: writes, service, endpoints }) => {
    let cc = compile(EDGES);
    for (const changes of writes) {
      const next = patchCompiled(cc, changes);
      const scratch = compile(applyModelChanges(cc.model, changes));
      expect(firstDifference(answers(next, scratch), answers(scratch, scratch))).toBeNull();
      cc = next;
    }
    expect(endpointsOf(cc, service)).toEqual(endpoints);
  });
});

describe('applyModelChanges', () => {
  const names = (m: ClusterModel): string[] => m.pods.map((p) => p.name);
  const cases: readonly { name: string; changes: readonly ModelChange[]; pods: readonly string[] }[] = [
    { name: 'an update replaces in place', changes: [upsertPod({ ...A, ready: false })], pods: ['a', 'b', 'client'] },
    {
      name: 'an addition appends',
      changes: [upsertPod(pod('d', '10.244.1.8', 'n1'))],
      pods: ['a', 'b', 'client', 'd'],
    },
    { name: 'a deletion moves the last element into the hole', changes: [deletePod('a')], pods: ['client', 'b'] },
    { name: 'deleting the last element', changes: [deletePod('client')], pods: ['a', 'b'] },
    { name: 'deleting what is absent changes nothing', changes: [deletePod('nope')], pods: ['a', 'b', 'client'] },
    {
      name: 'a rename deletes, then appends',
      changes: [{ kind: 'pod', key: 'default/a', after: { ...A, name: 'a2' } }],
      pods: ['client', 'b', 'a2'],
    },
  ];
  it.each(cases)('$name', ({ changes, pods }) => {
    expect(names(applyModelChanges(EDGES, changes))).toEqual(pods);
    expect(names(EDGES)).toEqual(['a', 'b', 'client']);
  });
});

describe('patchCompiled sharing', () => {
  it('a pod write keeps the nodes array and every Service port it cannot affect (caches keyed on them stay warm)', () => {
    const cc = compile(EDGES);
    const next = patchCompiled(cc, [upsertPod({ ...pod('client', '10.244.2.9', 'n2'), ready: false })]);
    expect(next.nodes).toBe(cc.nodes);
    expect(next.services).toBe(cc.services);
    expect(next.servicePorts.filter((sp, i) => sp !== cc.servicePorts[i])).toEqual([]);
    const moved = patchCompiled(cc, [upsertPod({ ...A, nodeName: 'n2' })]);
    expect(moved.servicePorts.filter((sp, i) => sp !== cc.servicePorts[i]).map((sp) => sp.serviceKey)).toEqual([
      'default/web',
    ]);
  });

  it('a model with duplicate keys is compiled again, and answers like compile()', () => {
    const dup: ClusterModel = { ...EDGES, pods: [...EDGES.pods, { ...A, ips: ['10.244.1.99'] }] };
    const changes = [deletePod('a')];
    const next = patchCompiled(compile(dup), changes);
    const scratch = compile(applyModelChanges(dup, changes));
    expect(firstDifference(answers(next, scratch), answers(scratch, scratch))).toBeNull();
  });
});
