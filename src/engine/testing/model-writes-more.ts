// Random Service, EndpointSlice, node and settings writes (see model-writes.ts).
import type { ClusterModel, EndpointModel, EndpointSliceModel, NodeModel, ServiceModel, ServiceType } from '../model';
import type { ClusterSettings, ModelChange } from '../patch';
import { pick, podIps, podKey, some, type WriteKind } from './model-writes-base';

const TYPES: readonly [ServiceType, ...ServiceType[]] = ['ClusterIP', 'NodePort', 'LoadBalancer'];

/** A Service of another type, with node ports and ingress to match. */
function retyped(s: ServiceModel, type: ServiceType, n: readonly number[]): ServiceModel {
  const ports = s.ports.map((p, i) => ({
    ...p,
    nodePort: type === 'ClusterIP' ? null : (p.nodePort ?? 31000 + (n[3] % 50) * 2 + i),
  }));
  const ingress =
    type === 'LoadBalancer'
      ? [{ ip: `8.0.${n[3] % 9}.1`, ipMode: n[4] % 4 === 0 ? ('Proxy' as const) : ('VIP' as const) }]
      : [];
  return { ...s, type, ports, loadBalancerIngress: ingress };
}

/** The Service as one write changes it: selector, type, policies, addresses, annotations, ports. */
function editedService(m: ClusterModel, s: ServiceModel, n: readonly number[]): ServiceModel {
  const flip = (p: 'Cluster' | 'Local'): 'Cluster' | 'Local' => (p === 'Local' ? 'Cluster' : 'Local');
  switch (n[1] % 12) {
    case 0:
      return { ...s, selector: null };
    case 1:
      return { ...s, selector: n[2] % 2 === 0 ? {} : (some(m.services, n[2])?.selector ?? null) };
    case 2:
      return { ...s, selector: { app: `app-${n[2] % 12}`, ...(n[3] % 3 === 0 ? { tier: 't0' } : {}) } };
    case 3:
      return retyped(s, pick(TYPES, n[2]), n);
    case 4:
      return { ...s, externalTrafficPolicy: flip(s.externalTrafficPolicy) };
    case 5:
      return { ...s, internalTrafficPolicy: flip(s.internalTrafficPolicy) };
    case 6:
      return {
        ...s,
        externalIps: pick([[], [some(m.nodes, n[2])?.internalIps[0] ?? '203.0.113.5'], ['203.0.113.5']], n[3]),
      };
    case 7:
      return {
        ...s,
        loadBalancerIngress: [
          [{ ip: '8.0.9.1', ipMode: 'VIP' as const }],
          [{ ip: '192.168.7.7', ipMode: 'Proxy' as const }],
          [{ ip: '192.168.7.8', ipMode: 'VIP' as const }],
          [],
        ][n[3] % 4],
      };
    case 8:
      return {
        ...s,
        annotations: [
          {},
          { 'kubernetes.io/elb.class': 'performance' },
          { 'kubernetes.io/elb.class': 'union', 'kubernetes.io/elb.pass-through': 'true' },
        ][n[3] % 3],
      };
    case 9:
      return {
        ...s,
        ports: [
          [
            {
              name: 'http',
              protocol: 'TCP' as const,
              port: 80,
              targetPort: 'http',
              nodePort: s.ports[0]?.nodePort ?? null,
            },
          ],
          [
            {
              name: 'http',
              protocol: 'TCP' as const,
              port: 80,
              targetPort: 9090,
              nodePort: s.ports[0]?.nodePort ?? null,
            },
            { name: 'https', protocol: 'TCP' as const, port: 443, targetPort: 'https', nodePort: null },
          ],
          [{ name: null, protocol: 'UDP' as const, port: 53, targetPort: 8443, nodePort: null }],
        ][n[3] % 3],
      };
    case 10:
      return {
        ...s,
        clusterIps: pick(
          [
            [],
            some(m.services, n[2])?.clusterIps ?? [],
            [...s.clusterIps.slice(0, 1), `fd20::${(n[3] % 200).toString(16)}`],
          ],
          n[3],
        ),
      };
    default:
      return [
        { ...s, labels: { 'service.kubernetes.io/service-proxy-name': 'other' } },
        { ...s, publishNotReadyAddresses: !s.publishNotReadyAddresses },
        { ...s, loadBalancerSourceRanges: ['198.51.100.0/24'] },
        { ...s, healthCheckNodePort: 32000 + (n[3] % 3) },
      ][n[2] % 4];
  }
}

export function serviceWrite(m: ClusterModel, kind: WriteKind, n: readonly number[]): ModelChange {
  if (kind === 'service-add' || m.services.length === 0) {
    const base: ServiceModel = m.services[0] ?? {
      namespace: 'ns-0',
      name: 'x',
      type: 'ClusterIP',
      selector: { app: 'app-0' },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: null }],
      clusterIps: ['172.20.1.1'],
      externalIps: [],
      loadBalancerIngress: [],
      loadBalancerSourceRanges: [],
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      healthCheckNodePort: null,
      publishNotReadyAddresses: false,
      labels: {},
      annotations: {},
    };
    const copy = some(m.services, n[2]) ?? base;
    const added = {
      ...copy,
      name: `added-svc-${n[0] % 4}`,
      clusterIps: n[3] % 4 === 0 ? copy.clusterIps : [`172.20.1.${n[3] % 250}`],
    };
    return { kind: 'service', key: podKey(added), after: editedService(m, added, n) };
  }
  const s = m.services[n[0] % m.services.length];
  return { kind: 'service', key: podKey(s), after: kind === 'service-delete' ? null : editedService(m, s, n) };
}

/** An endpoint at a pod's address (named or not), a node's, or an address nothing owns. */
function sliceEndpoint(m: ClusterModel, n: number, k: number): EndpointModel {
  const pod = some(m.pods, n + k);
  const address =
    [pod?.ips[0], some(m.nodes, n)?.internalIps[0], `10.0.${n % 6}.${200 + k}`][n % 3] ?? `10.0.0.${200 + k}`;
  const flag = (bit: number): boolean | null => [true, false, null][(n >> bit) % 3];
  return {
    addresses: [address],
    nodeName: [pod?.nodeName ?? null, null, 'ghost-node'][(n >> 2) % 3],
    podName: [pod?.name, null, undefined][(n >> 4) % 3],
    ready: flag(6),
    serving: flag(8),
    terminating: flag(10),
  };
}

export function sliceWrite(m: ClusterModel, kind: WriteKind, n: readonly number[]): ModelChange {
  if (kind === 'slice-delete' && m.endpointSlices.length > 0 && n[1] % 5 !== 0) {
    return { kind: 'endpointSlice', key: podKey(m.endpointSlices[n[0] % m.endpointSlices.length]), after: null };
  }
  const svc = some(m.services, n[0]) ?? { namespace: 'ns-0', name: 'none', ports: [] };
  const slice: EndpointSliceModel = {
    namespace: svc.namespace,
    name: `${svc.name}-${n[1] % 3}`,
    serviceName: svc.name,
    addressType: n[2] % 6 === 0 ? 'IPv6' : 'IPv4',
    ports: [
      {
        name: svc.ports[n[3] % Math.max(1, svc.ports.length)]?.name ?? null,
        port: [8080, 9999][n[3] % 2],
        protocol: 'TCP',
      },
    ],
    endpoints: Array.from({ length: n[4] % 4 }, (_, k) => sliceEndpoint(m, n[5] + k * 7919, k)),
  };
  return { kind: 'endpointSlice', key: podKey(slice), after: kind === 'slice-delete' ? null : slice };
}

/** The node as one write changes it: load-balancer exclusion, addresses (shared with another node or a pod), EIP, pod CIDRs. */
function editedNode(m: ClusterModel, node: NodeModel, n: readonly number[]): NodeModel {
  const other = some(m.nodes, n[2]) ?? node;
  switch (n[1] % 6) {
    case 0:
      return {
        ...node,
        labels:
          'node.kubernetes.io/exclude-from-external-load-balancers' in node.labels
            ? {}
            : { 'node.kubernetes.io/exclude-from-external-load-balancers': '' },
      };
    case 1:
      return { ...node, internalIps: [...node.internalIps, `172.30.0.${n[3] % 250}`] };
    case 2:
      return { ...node, internalIps: [other.internalIps[0] ?? '172.30.0.1'] };
    case 3:
      return { ...node, internalIps: [...node.internalIps, ...podIps(m, [0, 0, n[2], n[3]])] };
    case 4:
      return { ...node, externalIp: pick([null, other.externalIp, `49.0.9.${n[3] % 250}`], n[3]) };
    default:
      return { ...node, podCidrs: pick([other.podCidrs, [...node.podCidrs, '10.0.99.0/24'], []], n[3]) };
  }
}

export function nodeWrite(m: ClusterModel, kind: WriteKind, n: readonly number[]): ModelChange {
  if (kind === 'node-add' || m.nodes.length === 0) {
    const name = `node-new-${n[0] % 3}`;
    return {
      kind: 'node',
      name,
      after: {
        name,
        internalIps: [`172.16.1.${n[1] % 250}`],
        externalIp: null,
        podCidrs: [`10.1.${n[2] % 250}.0/24`],
        labels: {},
      },
    };
  }
  const node = m.nodes[n[0] % m.nodes.length];
  return { kind: 'node', name: node.name, after: kind === 'node-delete' ? null : editedNode(m, node, n) };
}

/** A settings write: proxy mode, detector, kube-proxy options, profile (with a network model it has), version. */
export function settingsWrite(m: ClusterModel, n: readonly number[]): ModelChange {
  const { nodes: _n, pods: _p, services: _s, endpointSlices: _e, ...settings } = m;
  const kp = settings.kubeProxy;
  const edits: [ClusterSettings, ...ClusterSettings[]] = [
    { ...settings, proxyMode: pick(['IPTABLES', 'IPVS', 'NFTABLES'] as const, n[2]) },
    { ...settings, kubeProxy: { ...kp, localDetector: pick(['CLUSTER_CIDR', 'NODE_CIDR', 'NONE'] as const, n[2]) } },
    { ...settings, kubeProxy: { ...kp, masqueradeAll: !kp.masqueradeAll, localhostNodePorts: n[2] % 2 === 0 } },
    {
      ...settings,
      kubeProxy: {
        ...kp,
        nodePortAddresses: pick<readonly string[]>([[], ['primary'], ['172.16.0.0/30'], ['127.0.0.0/8']], n[2]),
      },
    },
    pick<ClusterSettings>(
      [
        { ...settings, profile: 'KUBERNETES' },
        { ...settings, profile: 'CCE', networkModel: pick(['VPC', 'TUNNEL'] as const, n[3]) },
        { ...settings, profile: 'CCE_TURBO', networkModel: 'CLOUD_NATIVE_2' },
      ],
      n[2],
    ),
    { ...settings, kubernetesVersion: pick(['v1.15.11-r0', 'v1.28.3-r0'], n[2]) },
  ];
  return { kind: 'settings', after: pick(edits, n[1]) };
}
