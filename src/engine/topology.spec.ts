// Topology-aware routing beyond kube-proxy's own table (conformance-topology.spec.ts): node
// hints (PreferSameNode, whose upstream test cases postdate the stored test file, so these rows
// follow pkg/proxy/topology.go topologyModeFromHints), which kube-proxy versions read hints,
// hints inferred for Services without slices, and answers that name the zone and the rule.
import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import type { ClusterModel, EndpointModel, NodeModel, PodModel, ServiceModel } from './model';
import { applyModelChanges, patchCompiled } from './patch';
import { reachability } from './reachability';
import { minorVersion, topologyPolicy } from './topology';
import { trace } from './trace';

const ZONE = 'topology.kubernetes.io/zone';
const CLUSTER_IP = '10.96.0.10';

/** Nodes a1, a2 (zone-a), b1 (zone-b), c1 (zone-c) and x (no zone label); 192.168.0.{1..5}. */
const NODES: readonly NodeModel[] = [
  ['a1', 'zone-a'],
  ['a2', 'zone-a'],
  ['b1', 'zone-b'],
  ['c1', 'zone-c'],
  ['x', null],
].map(([name, zone], i) => ({
  name: name as string,
  internalIps: [`192.168.0.${i + 1}`],
  externalIp: null,
  podCidrs: [`10.0.${i}.0/24`],
  labels: (zone === null ? {} : { [ZONE]: zone as string }) as Record<string, string>,
}));

function pod(name: string, node: string, ip: string, labels: Record<string, string> = {}): PodModel {
  return {
    namespace: 'default',
    name,
    labels,
    nodeName: node,
    ips: [ip],
    hostNetwork: false,
    phase: 'Running',
    ready: true,
    terminating: false,
    containerPorts: [],
  };
}

/** Backends web-a1 (on a1) and web-b1 (on b1); a client pod on every node. */
const PODS: readonly PodModel[] = [
  pod('web-a1', 'a1', '10.0.0.5', { app: 'web' }),
  pod('web-b1', 'b1', '10.0.2.5', { app: 'web' }),
  ...NODES.map((n, i) => pod(`client-${n.name}`, n.name, `10.0.${i}.9`)),
];

function web(edit: Partial<ServiceModel> = {}): ServiceModel {
  return {
    namespace: 'default',
    name: 'web',
    type: 'ClusterIP',
    selector: { app: 'web' },
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80, nodePort: null }],
    clusterIps: [CLUSTER_IP],
    externalIps: [],
    loadBalancerIngress: [],
    loadBalancerSourceRanges: [],
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    healthCheckNodePort: null,
    publishNotReadyAddresses: false,
    labels: {},
    annotations: {},
    ...edit,
  };
}

/** A slice for web with the two backends, hinted as given (node hint: the endpoint's own node). */
function hintedSlice(hints: { zones: boolean; nodes: boolean }): ClusterModel['endpointSlices'][number] {
  const ep = (ip: string, node: string, zone: string): EndpointModel => ({
    addresses: [ip],
    nodeName: node,
    ready: true,
    serving: true,
    terminating: false,
    podName: `web-${node}`,
    zone,
    hints: { forZones: hints.zones ? [zone] : [], forNodes: hints.nodes ? [node] : [] },
  });
  return {
    namespace: 'default',
    name: 'web-1',
    serviceName: 'web',
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    endpoints: [ep('10.0.0.5', 'a1', 'zone-a'), ep('10.0.2.5', 'b1', 'zone-b')],
  };
}

function cluster(version: string, svc: ServiceModel, slices: ClusterModel['endpointSlices'] = []): ClusterModel {
  return {
    name: 'zones',
    profile: 'KUBERNETES',
    kubernetesVersion: version,
    networkModel: 'VPC',
    proxyMode: 'IPTABLES',
    clusterCidrs: ['10.0.0.0/16'],
    serviceCidrs: ['10.96.0.0/16'],
    nodePortRange: { min: 30000, max: 32767 },
    kubeProxy: { masqueradeAll: false, localDetector: 'CLUSTER_CIDR', nodePortAddresses: [], localhostNodePorts: true },
    nodes: NODES,
    pods: PODS,
    services: [svc],
    endpointSlices: slices,
  };
}

/** What a client pod on `node` reaches through the ClusterIP: the endpoints and the rules of the step. */
function fromNode(model: ClusterModel, node: string): { endpoints: string[]; rules: string[]; notes: string[] } {
  const t = trace(compile(model), {
    source: { pod: `default/client-${node}` },
    destination: { ip: CLUSTER_IP, port: 80, protocol: 'TCP' },
  });
  return {
    endpoints: t.endpoints.map((e) => e.ip).sort(),
    rules: t.steps.map((s) => s.rule),
    notes: t.steps.map((s) => s.description),
  };
}

const BOTH = ['10.0.0.5', '10.0.2.5'];

describe('topology-aware routing', () => {
  it("PreferSameZone from slice hints: a node uses its zone's endpoints and the step names the zone", () => {
    const model = cluster('v1.31.0', web(), [hintedSlice({ zones: true, nodes: false })]);
    const a2 = fromNode(model, 'a2');
    expect(a2.endpoints).toEqual(['10.0.0.5']);
    expect(a2.rules).toContain('K8S-TOPOLOGY-SAME-ZONE');
    expect(a2.notes.join(' ')).toContain('1 endpoint of 2 hinted for zone zone-a');
    expect(fromNode(model, 'b1').endpoints).toEqual(['10.0.2.5']);
  });

  it('falls back to every ready endpoint, saying why: a zone no endpoint is hinted for, a node without a zone label', () => {
    const model = cluster('v1.31.0', web(), [hintedSlice({ zones: true, nodes: false })]);
    const c1 = fromNode(model, 'c1');
    expect(c1.endpoints).toEqual(BOTH);
    expect(c1.rules).toContain('K8S-TOPOLOGY-IGNORED-NO-ENDPOINT-FOR-ZONE');
    const x = fromNode(model, 'x');
    expect(x.endpoints).toEqual(BOTH);
    expect(x.rules).toContain('K8S-TOPOLOGY-IGNORED-NO-ZONE-LABEL');
  });

  it('PreferSameNode (v1.34 and later): a node hinted by name uses its own endpoints, the others fall back to their zone', () => {
    const model = cluster('v1.34.1', web({ trafficDistribution: 'PreferSameNode' }), [
      hintedSlice({ zones: true, nodes: true }),
    ]);
    const a1 = fromNode(model, 'a1');
    expect(a1.endpoints).toEqual(['10.0.0.5']);
    expect(a1.rules).toContain('K8S-TOPOLOGY-SAME-NODE');
    const a2 = fromNode(model, 'a2');
    expect(a2.endpoints).toEqual(['10.0.0.5']);
    expect(a2.rules).toContain('K8S-TOPOLOGY-SAME-ZONE');
    // v1.33's kube-proxy reads no node hints: a1 goes by its zone.
    expect(fromNode({ ...model, kubernetesVersion: 'v1.33.4' }, 'a1').rules).toContain('K8S-TOPOLOGY-SAME-ZONE');
  });

  it('reads hints only where that kube-proxy does: not before v1.23, and from v1.23 to v1.30 only for Services that ask by annotation', () => {
    const slices = [hintedSlice({ zones: true, nodes: false })];
    for (const version of ['v1.22.9', 'v1.28.3-r0']) {
      const a2 = fromNode(cluster(version, web(), slices), 'a2');
      expect(a2.endpoints, version).toEqual(BOTH);
      expect(a2.rules, version).toContain('K8S-TOPOLOGY-HINTS-UNREAD');
    }
    expect(
      fromNode(
        cluster('v1.28.3-r0', web({ annotations: { 'service.kubernetes.io/topology-mode': 'Auto' } }), slices),
        'a2',
      ).endpoints,
    ).toEqual(['10.0.0.5']);
    expect(
      fromNode(
        cluster('v1.25.0', web({ annotations: { 'service.kubernetes.io/topology-aware-hints': 'auto' } }), slices),
        'a2',
      ).endpoints,
    ).toEqual(['10.0.0.5']);
    // topology-mode arrived in v1.27; v1.26 reads only the older annotation.
    expect(
      fromNode(
        cluster('v1.26.0', web({ annotations: { 'service.kubernetes.io/topology-mode': 'Auto' } }), slices),
        'a2',
      ).endpoints,
    ).toEqual(BOTH);
    expect(
      fromNode(
        cluster(
          'v1.28.3-r0',
          web({ annotations: { 'service.kubernetes.io/topology-aware-hints': 'disabled' } }),
          slices,
        ),
        'a2',
      ).endpoints,
    ).toEqual(BOTH);
  });

  it('a Service without slices: hints inferred from trafficDistribution as the EndpointSlice controller writes them, and said to be inferred', () => {
    const model = cluster('v1.31.0', web({ trafficDistribution: 'PreferClose' }));
    const a2 = fromNode(model, 'a2');
    expect(a2.endpoints).toEqual(['10.0.0.5']);
    expect(a2.rules).toEqual(expect.arrayContaining(['K8S-TOPOLOGY-HINTS-INFERRED', 'K8S-TOPOLOGY-SAME-ZONE']));
    const result = reachability(compile(model), { client: { pod: 'default/client-a2' }, service: 'default/web' });
    const rule = result.results[0].rules.find((r) => r.id === 'K8S-TOPOLOGY-HINTS-INFERRED');
    expect(rule?.inferred).toBe(true);
    // Without trafficDistribution nothing is hinted, so nothing is narrowed.
    expect(fromNode(cluster('v1.31.0', web()), 'a2').endpoints).toEqual(BOTH);
  });

  it("reachability answers per node: a NodePort reached on each zone's nodes delivers to that zone's endpoints", () => {
    const svc = web({
      type: 'NodePort',
      trafficDistribution: 'PreferClose',
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30080 }],
    });
    const result = reachability(compile(cluster('v1.31.0', svc)), {
      client: { external: { network: 'PRIVATE' } },
      service: 'default/web',
    });
    const byNode = new Map(
      result.results
        .filter((r) => r.via.kind === 'NODE_PORT')
        .map((r) => [r.via.node, r.endpoints.map((e) => e.ip).sort()]),
    );
    expect(byNode.get('a1')).toEqual(['10.0.0.5']);
    expect(byNode.get('a2')).toEqual(['10.0.0.5']);
    expect(byNode.get('b1')).toEqual(['10.0.2.5']);
    expect(byNode.get('c1')).toEqual(BOTH);
    expect(byNode.get('x')).toEqual(BOTH);
  });

  it('a node moved to another zone: the patched cluster answers as one compiled afresh', () => {
    const model = cluster('v1.31.0', web({ trafficDistribution: 'PreferClose' }));
    const a1 = NODES.find((n) => n.name === 'a1') as NodeModel;
    // a1 (running web-a1) moves to zone-b: its endpoint is now hinted for zone-b, so a2 (zone-a) has none of its own.
    const changes = [{ kind: 'node' as const, name: 'a1', after: { ...a1, labels: { [ZONE]: 'zone-b' } } }];
    const patched = patchCompiled(compile(model), changes);
    const scratch = compile(applyModelChanges(model, changes));
    const ask = (cc: typeof scratch, node: string) =>
      trace(cc, {
        source: { pod: `default/client-${node}` },
        destination: { ip: CLUSTER_IP, port: 80, protocol: 'TCP' },
      });
    for (const node of ['a1', 'a2', 'b1']) expect(ask(patched, node), node).toEqual(ask(scratch, node));
    expect(
      ask(patched, 'b1')
        .endpoints.map((e) => e.ip)
        .sort(),
    ).toEqual(BOTH);
    expect(ask(patched, 'a2').steps.map((s) => s.rule)).toContain('K8S-TOPOLOGY-IGNORED-NO-ENDPOINT-FOR-ZONE');
  });

  it('reads the minor version from the forms clusters report', () => {
    expect(['v1.28.3-r0', '1.31', 'v1.34.1', 'v1.9.0'].map(minorVersion)).toEqual([28, 31, 34, 9]);
    expect(minorVersion('latest')).toBeNull();
    expect(topologyPolicy('latest', web())).toEqual({ nodes: true });
  });
});
