// Every value of the answers' enumerations, as data: the API publishes them as enums (OpenAPI,
// GraphQL). Each list is checked against its type both ways, so adding a value to a type without
// listing it here (or the reverse) does not compile.
import type { MatrixPolicy } from './answer/matrix';
import type { PolicyReason } from './policy/types';
import type {
  AddressKind,
  EndpointOutcomeCode,
  MissingFact,
  ReachVerdict,
  SeenAsKind,
  SourceIpReason,
  SuggestionCode,
  TraceVerdict,
} from './results';

/** Compiles only when `L` lists exactly the members of `T`. */
type Exactly<T, L extends readonly T[]> = [Exclude<T, L[number]>] extends [never] ? L : never;

function values<T>() {
  return <const L extends readonly T[]>(list: Exactly<T, L>): L => list;
}

export const REACH_VERDICTS = values<ReachVerdict>()(['REACHABLE', 'PARTIAL', 'UNREACHABLE', 'UNKNOWN']);
export const TRACE_VERDICTS = values<TraceVerdict>()(['FORWARD', 'REJECT', 'DROP', 'NOT_INTERCEPTED', 'ACCEPT_LOCAL']);
export const SOURCE_IP_REASONS = values<SourceIpReason>()([
  'NOT_MASQUERADED',
  'POD_SHORT_CIRCUIT',
  'PRESERVED_ETP_LOCAL',
  'SNAT_ETP_CLUSTER',
  'HAIRPIN_MASQUERADE',
  'MASQUERADE_ALL',
  'NODE_SOURCE_MASQUERADE',
  'NON_POD_SOURCE_MASQUERADE',
  'LB_PROXY',
  'LB_UNKNOWN',
  'NOT_DELIVERED',
  'NO_CONNECTION',
  'LEAVES_CLUSTER',
]);
export const SEEN_AS_KINDS = values<SeenAsKind>()(['CLIENT', 'NODE', 'LOAD_BALANCER']);
export const VIA_KINDS = values<AddressKind>()([
  'CLUSTER_IP',
  'NODE_PORT',
  'LOAD_BALANCER',
  'EXTERNAL_IP',
  'POD_IP',
  'IP',
]);
export const MISSING_FACTS = values<MissingFact>()([
  'CLUSTER_INTERNET_EGRESS',
  'EXTERNAL_IP_ROUTING',
  'CLIENT_IP',
  'LB_NODE_PORT',
  'REDACTED_VALUE',
  'LB_TARGET',
  'LB_HOSTNAME_ADDRESS',
  'CLOUD_SOURCE_RANGES',
  'POLICY_CLIENT_IP',
  'POLICY_LB_SOURCE',
]);
export const ENDPOINT_OUTCOMES = values<EndpointOutcomeCode>()(['CONNECTS', 'FAILS']);
export const SUGGESTION_CODES = values<SuggestionCode>()([
  'USE_CLUSTER_IP',
  'SET_ETP_CLUSTER',
  'SET_ETP_LOCAL',
  'SET_ITP_CLUSTER',
  'ADD_SOURCE_RANGE',
  'ADD_READY_ENDPOINTS',
  'ENABLE_ELB_PASS_THROUGH',
  'ADD_NETWORK_POLICY',
]);
export const POLICY_REASONS = values<PolicyReason>()([
  'NOT_ENFORCED',
  'NO_POLICY_SELECTS_POD',
  'ALLOWED_BY_POLICY',
  'DENIED_INGRESS',
  'DENIED_EGRESS',
  'NODE_EXCEPTION',
  'HOST_NETWORK_NOT_SELECTED',
  'SAME_POD',
  'NOT_A_POD',
]);
export const MATRIX_POLICIES = values<MatrixPolicy>()(['NOT_ENFORCED', 'OPEN', 'ALLOWED', 'PARTLY_DENIED', 'DENIED']);
