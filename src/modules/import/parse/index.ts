/**
 * Parser half of "import from kubectl": a pure function from a `kubectl get
 * nodes,pods,services,endpointslices -A -o json|yaml` document (plus an optional
 * KubeProxyConfiguration), or from several such files read as one, to normalised records and a
 * report. No framework, no database.
 */
export { parseKubectl, parseKubectlSources } from './parse';
export type { KubectlFormat, KubectlSource } from './parse';
export { ImportError } from './types';
export type {
  ContainerPortRecord,
  EndpointHintsRecord,
  EndpointRecord,
  EndpointSlicePortRecord,
  EndpointSliceRecord,
  EndpointSliceUnknownField,
  ImportWarning,
  KubeProxyRecord,
  KubeProxyUnknownField,
  LoadBalancerIngressRecord,
  NamespaceRecord,
  NetworkPolicyRecord,
  NodeRecord,
  NodeUnknownField,
  ParsedImport,
  PodRecord,
  PodUnknownField,
  ServicePortRecord,
  ServiceRecord,
  ServiceUnknownField,
  SkippedItem,
} from './types';
