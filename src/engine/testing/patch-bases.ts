// Starting models for the patch property tests (patch.spec.ts): smallCluster() in every proxy
// mode, detector and profile, with a Service fed by an EndpointSlice; and the CCE clusters of
// cce.ts (ELB addresses, pass-through, HostNetwork backends). A base is a small record of
// options, so a failing case prints briefly and replays.
import fc from 'fast-check';
import type {
  ClusterModel,
  EndpointSliceModel,
  LocalDetector,
  NetworkModel,
  Profile,
  ProxyMode,
  ServiceModel,
  ServiceType,
  TrafficPolicy,
} from '../model';
import { cceCluster } from './cce';
import { smallCluster } from './small-cluster';

export type BaseSpec =
  | {
      readonly kind: 'small';
      readonly seed: number;
      readonly mode: ProxyMode;
      readonly detector: LocalDetector;
      readonly profile: Profile;
      readonly nodePortAddresses: readonly string[];
    }
  | {
      readonly kind: 'cce';
      readonly profile: 'CCE' | 'CCE_TURBO';
      readonly network: NetworkModel;
      readonly proxy: ProxyMode;
      readonly type: ServiceType;
      readonly etp: TrafficPolicy;
      readonly passThrough: boolean;
      readonly multiPod: boolean;
      readonly hostNetworkBackends: boolean;
    };

const modes = fc.constantFrom<ProxyMode>('IPTABLES', 'NFTABLES', 'IPVS');

const smallSpec: fc.Arbitrary<BaseSpec> = fc.record({
  kind: fc.constant('small' as const),
  seed: fc.integer({ min: 1, max: 1e6 }),
  mode: modes,
  detector: fc.constantFrom<LocalDetector>('CLUSTER_CIDR', 'NODE_CIDR', 'NONE'),
  profile: fc.constantFrom<Profile>('KUBERNETES', 'CCE', 'CCE_TURBO'),
  // Some node addresses refusing NodePorts (smallCluster's nodes are 172.16.0.1-6): node facts then differ by address.
  nodePortAddresses: fc.constantFrom<readonly string[]>([], [], ['172.16.0.0/30'], ['primary']),
});

const cceSpec: fc.Arbitrary<BaseSpec> = fc.record({
  kind: fc.constant('cce' as const),
  profile: fc.constantFrom('CCE' as const, 'CCE_TURBO' as const),
  network: fc.constantFrom<NetworkModel>('VPC', 'TUNNEL'),
  proxy: modes,
  type: fc.constantFrom<ServiceType>('NodePort', 'LoadBalancer'),
  etp: fc.constantFrom<TrafficPolicy>('Local', 'Cluster'),
  passThrough: fc.boolean(),
  multiPod: fc.boolean(),
  hostNetworkBackends: fc.boolean(),
});

/** A starting model: three generated bases out of four, one CCE cluster. */
export const baseSpec: fc.Arbitrary<BaseSpec> = fc.oneof(
  { arbitrary: smallSpec, weight: 3 },
  { arbitrary: cceSpec, weight: 1 },
);

/** smallCluster() with a profile, and a Service without selector whose slice names pods by address (and one by name). */
function smallBase(
  seed: number,
  mode: ProxyMode,
  detector: LocalDetector,
  profile: Profile,
  nodePortAddresses: readonly string[],
): ClusterModel {
  const generated = smallCluster(seed, mode, detector);
  const m = { ...generated, kubeProxy: { ...generated.kubeProxy, nodePortAddresses } };
  const [a, b, c] = m.pods;
  const external: ServiceModel = {
    ...m.services[0],
    name: 'by-slices',
    selector: null,
    clusterIps: ['172.20.3.1'],
    type: 'NodePort',
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30999 }],
  };
  const slice: EndpointSliceModel = {
    namespace: external.namespace,
    name: 'by-slices-0',
    serviceName: 'by-slices',
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: [a, b, c].map((p, i) => ({
      addresses: [p.ips[0]],
      nodeName: p.nodeName,
      ready: true,
      serving: true,
      terminating: false,
      podName: i === 2 ? p.name : null,
    })),
  };
  const withSlices = { ...m, services: [...m.services, external], endpointSlices: [slice] };
  if (profile === 'KUBERNETES') return withSlices;
  return {
    ...withSlices,
    profile,
    networkModel: profile === 'CCE_TURBO' ? 'CLOUD_NATIVE_2' : seed % 2 === 0 ? 'VPC' : 'TUNNEL',
  };
}

export function baseModelOf(spec: BaseSpec): ClusterModel {
  if (spec.kind === 'small')
    return smallBase(spec.seed, spec.mode, spec.detector, spec.profile, spec.nodePortAddresses);
  const annotations =
    spec.type === 'LoadBalancer'
      ? {
          'kubernetes.io/elb.class': 'performance',
          ...(spec.passThrough ? { 'kubernetes.io/elb.pass-through': 'true' } : {}),
        }
      : {};
  return cceCluster({
    profile: spec.profile,
    network: spec.profile === 'CCE_TURBO' ? 'CLOUD_NATIVE_2' : spec.network,
    proxy: spec.proxy,
    type: spec.type,
    etp: spec.etp,
    annotations,
    multiPod: spec.multiPod,
    hostNetworkBackends: spec.hostNetworkBackends,
  });
}
