/**
 * Parser half of "import from kubectl": a pure function from a `kubectl get
 * nodes,pods,services,endpointslices -A -o json|yaml` document (plus an optional
 * KubeProxyConfiguration) to normalised records and a report. No framework, no database.
 */
export { parseKubectl } from './parse';
export { ImportError } from './types';
export type {
  ContainerPortRecord, EndpointRecord, EndpointSlicePortRecord, EndpointSliceRecord, ImportWarning, KubeProxyRecord,
  LoadBalancerIngressRecord, NodeRecord, ParsedImport, PodRecord, ServicePortRecord, ServiceRecord, SkippedItem,
} from './types';
