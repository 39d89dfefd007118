import type { NetworkPolicySpecDraft } from '../../network-policies/network-policy-rules';
import type {
  LoadBalancerIpMode,
  LocalDetector,
  PodPhase,
  Protocol,
  ProxyMode,
  ServiceType,
  SessionAffinity,
  TrafficPolicy,
} from '../../../engine/model';

/**
 * The records a kubectl import produces. Each maps 1:1 onto the engine's model
 * (`src/engine/model.ts`: NodeModel, PodModel, ServiceModel, EndpointSliceModel) and onto the
 * REST/GraphQL create inputs, keyed by `namespace`/`name`. They are plain mutable data; the
 * engine's readonly models accept them as they are (see test/import/types.spec.ts).
 *
 * `unknown` (absent when empty) names the record fields the document redacted (a support bundle's
 * `***HIDDEN***`): such a field holds only the values that were not redacted (often none), so it is
 * incomplete, not "none". The object's warnings name each redacted field.
 */

export type NodeUnknownField = 'internalIps' | 'externalIp' | 'podCidrs' | 'labels';
export type PodUnknownField = 'ips' | 'nodeName' | 'labels';
/** `selector`: a redacted selector value; the selector is then null (endpoints only from EndpointSlices), never wider. */
export type ServiceUnknownField =
  'clusterIps' | 'externalIps' | 'loadBalancerIngress' | 'loadBalancerSourceRanges' | 'selector' | 'labels';
/** `endpoints`: an endpoint address (the endpoint is left out when all its addresses are), nodeName or pod name. */
export type EndpointSliceUnknownField = 'endpoints';
export type KubeProxyUnknownField = 'clusterCidrs' | 'nodePortAddresses';

export interface NodeRecord {
  name: string;
  /** status.addresses of type InternalIP, in document order (primary first), canonical text. */
  internalIps: string[];
  /** The first status.addresses entry of type ExternalIP, or null. */
  externalIp: string | null;
  /** spec.podCIDRs, else [spec.podCIDR], else []. */
  podCidrs: string[];
  labels: Record<string, string>;
  unknown?: NodeUnknownField[];
}

export interface ContainerPortRecord {
  name: string | null;
  containerPort: number;
  protocol: Protocol;
}

export interface PodRecord {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  nodeName: string | null;
  /** status.podIPs, else [status.podIP], else []. */
  ips: string[];
  hostNetwork: boolean;
  phase: PodPhase;
  /** The Ready condition is True. */
  ready: boolean;
  /** metadata.deletionTimestamp is set. */
  terminating: boolean;
  /** spec.containers[].ports, then the ports of sidecar (restartPolicy Always) init containers. */
  containerPorts: ContainerPortRecord[];
  unknown?: PodUnknownField[];
}

export interface ServicePortRecord {
  name: string | null;
  protocol: Protocol;
  port: number;
  /** A number, or the name of a container port (kept as the string). Default = port. */
  targetPort: number | string;
  /** null = none (ClusterIP), or not allocated yet (a manifest): unknown, never 0. */
  nodePort: number | null;
}

export interface LoadBalancerIngressRecord {
  ip: string;
  /** status.loadBalancer.ingress[].ipMode; absent = VIP. */
  ipMode: LoadBalancerIpMode;
}

export interface ServiceRecord {
  namespace: string;
  name: string;
  type: ServiceType;
  /** null = no selector (endpoints come from EndpointSlices). `{}` is read as null, as the API server does. */
  selector: Record<string, string> | null;
  ports: ServicePortRecord[];
  /**
   * Headless (`clusterIP: None`): `["None"]`, the convention of the REST/GraphQL input and the
   * stored spec. Not allocated yet (no clusterIP in the document): `[]`, with a warning.
   * Otherwise the ClusterIPs, primary first, canonical text.
   */
  clusterIps: string[];
  /** True when `clusterIP: None`; says the same as `clusterIps: ["None"]`. */
  headless: boolean;
  externalIps: string[];
  /** status.loadBalancer.ingress IPs; else spec.loadBalancerIP (unconfirmed, with a warning). */
  loadBalancerIngress: LoadBalancerIngressRecord[];
  /** Canonical CIDRs of spec.loadBalancerSourceRanges (the cloud annotation stays an annotation: kube-proxy never reads it). */
  loadBalancerSourceRanges: string[];
  /** status.loadBalancer.ingress[].hostname of entries without an ip. */
  loadBalancerHostnames: string[];
  externalTrafficPolicy: TrafficPolicy;
  internalTrafficPolicy: TrafficPolicy;
  healthCheckNodePort: number | null;
  publishNotReadyAddresses: boolean;
  /** spec.sessionAffinity; absent = None. */
  sessionAffinity: SessionAffinity;
  /**
   * spec.sessionAffinityConfig.clientIP.timeoutSeconds as the document gives it (null: not given).
   * The write rules (service-spec) default it to 10800 with ClientIP and drop it with None.
   */
  sessionAffinityTimeoutSeconds: number | null;
  /** spec.trafficDistribution as the document gives it, known or not (the write rules warn on an unknown one); null = none. */
  trafficDistribution: string | null;
  labels: Record<string, string>;
  /** Kept as they are (opaque), e.g. the CCE `kubernetes.io/elb.*` ones. */
  annotations: Record<string, string>;
  unknown?: ServiceUnknownField[];
}

export interface EndpointSlicePortRecord {
  name: string | null;
  port: number;
  protocol: Protocol;
}

export interface EndpointRecord {
  addresses: string[];
  /** endpoints[].nodeName (a Node's metadata.name); v1beta1: topology["kubernetes.io/hostname"]. */
  nodeName: string | null;
  /** null = not set, which consumers read as true. */
  ready: boolean | null;
  /** null = not set, which consumers read as true. */
  serving: boolean | null;
  /** null = not set, which consumers read as false. */
  terminating: boolean | null;
  /** targetRef.name when targetRef.kind is Pod. */
  podName: string | null;
  /** endpoints[].zone (v1beta1: topology["topology.kubernetes.io/zone"]); null = not set. */
  zone: string | null;
  /** endpoints[].hints: the names of hints.forZones and hints.forNodes; null = no hints. */
  hints: EndpointHintsRecord | null;
}

export interface EndpointHintsRecord {
  /** hints.forZones[].name: label values, at most 8, none twice. */
  forZones: string[];
  /** hints.forNodes[].name: node names (DNS-1123 subdomains), at most 8, none twice. */
  forNodes: string[];
}

export interface EndpointSliceRecord {
  namespace: string;
  name: string;
  /** The label kubernetes.io/service-name (never derived from the slice name). */
  serviceName: string;
  addressType: 'IPv4' | 'IPv6';
  ports: EndpointSlicePortRecord[];
  endpoints: EndpointRecord[];
  unknown?: EndpointSliceUnknownField[];
}

/**
 * A KubeProxyConfiguration is kube-proxy's whole configuration: every setting is stated, with
 * kube-proxy's own default for what the document leaves empty, absent or null (see kubeproxy.ts
 * for each default and its upstream source).
 */
export interface KubeProxyRecord {
  /** mode; "" = iptables (the Linux default). */
  proxyMode: ProxyMode;
  /**
   * kube-proxy's own clusterCIDR (v1alpha1, comma-separated) or detectLocal.clusterCIDRs (v1alpha2);
   * [] when empty: kube-proxy has none. The import also gives it to a cluster without pod ranges.
   */
  clusterCidrs: string[];
  /** detectLocalMode ("" = ClusterCIDR); NONE when ClusterCIDR has no CIDR to detect with. */
  localDetector: LocalDetector;
  masqueradeAll: boolean;
  localhostNodePorts: boolean;
  /** CIDRs, or ["primary"]; [] = all node IPs. */
  nodePortAddresses: string[];
  unknown?: KubeProxyUnknownField[];
}

export interface NamespaceRecord {
  name: string;
  labels: Record<string, string>;
}

/** A NetworkPolicy: its spec as the object has it (shape only); network-policy-rules validates and defaults it. */
export interface NetworkPolicyRecord {
  namespace: string;
  name: string;
  spec: NetworkPolicySpecDraft;
}

export interface SkippedItem {
  /** The file (parseKubectlSources' source name) the object comes from; absent for a single unnamed document. */
  source?: string;
  /** Position of the object in the document (its file), counted over every object after Lists are unwrapped (0-based). */
  index: number;
  kind: string;
  apiVersion: string;
  /** `namespace/name` for namespaced objects, `name` otherwise, null when the object has none. */
  name: string | null;
  reason: string;
}

export interface ImportWarning {
  /** As SkippedItem.source. */
  source?: string;
  /** As SkippedItem.index; -1 for a warning about the document itself rather than one object. */
  index: number;
  kind: string;
  name: string | null;
  message: string;
}

export interface ParsedImport {
  nodes: NodeRecord[];
  pods: PodRecord[];
  services: ServiceRecord[];
  endpointSlices: EndpointSliceRecord[];
  namespaces: NamespaceRecord[];
  networkPolicies: NetworkPolicyRecord[];
  kubeProxy: KubeProxyRecord | null;
  skipped: SkippedItem[];
  warnings: ImportWarning[];
}

function describe(
  source: string | undefined,
  item: number | null,
  kind: string | null,
  name: string | null,
  field: string,
  message: string,
): string {
  const object = item === null ? null : `item ${item}${kind ? ` (${kind}${name ? ` ${name}` : ''})` : ''}`;
  const file = source === undefined ? null : `file ${JSON.stringify(source)}`;
  const where = [file, object].filter((s) => s !== null).join(', ') || 'document';
  return `${where}: ${field ? `${field}: ` : ''}${message}`;
}

/**
 * `Error`, typed without its `name` property: ImportError's `name` is the offending object's name
 * (string | null, as the import API specifies), which TypeScript would not allow on a subclass of
 * Error. At run time this is Error itself, so `instanceof Error` holds and stacks are kept.
 */
const ErrorWithoutName = Error as unknown as new (message: string) => Omit<Error, 'name'>;

/**
 * An invalid document or object. `source` is the file (parseKubectlSources' source name; absent
 * for a single unnamed document); `item` is the object's index there (as in SkippedItem), null
 * when the document as a whole is malformed; `kind` and `name` identify the object (`name` as in
 * SkippedItem, so not the usual Error name); `field` is the path inside the object, e.g.
 * `spec.ports[0].port` ('' for the document itself). `message` is the full sentence
 * ("item 3 (Service default/web): spec.ports[0].port: must be ...", with a source
 * `file "ns1/svc.json", item 3 (...)`); `detail` only the complaint.
 */
export class ImportError extends ErrorWithoutName {
  readonly detail: string;
  readonly source?: string;

  constructor(
    readonly item: number | null,
    readonly kind: string | null,
    readonly name: string | null,
    readonly field: string,
    message: string,
    source?: string,
  ) {
    super(describe(source, item, kind, name, field, message));
    this.detail = message;
    if (source !== undefined) this.source = source;
  }

  /** The same complaint, about the file `source` (a document-level error raised before the file was known). */
  inSource(source: string | undefined): ImportError {
    return source === undefined || this.source !== undefined
      ? this
      : new ImportError(this.item, this.kind, this.name, this.field, this.detail, source);
  }
}
