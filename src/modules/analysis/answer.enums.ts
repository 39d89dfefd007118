import { registerEnumType } from '@nestjs/graphql';
import { RULES } from '../../engine';
import {
  ENDPOINT_OUTCOMES,
  MATRIX_POLICIES,
  MISSING_FACTS,
  POLICY_REASONS,
  REACH_VERDICTS,
  SEEN_AS_KINDS,
  SOURCE_IP_REASONS,
  SUGGESTION_CODES,
  TRACE_VERDICTS,
  VIA_KINDS,
} from '../../engine/vocabulary';

/** The answers' enumerations, published as enums in OpenAPI and GraphQL (values from the engine's vocabulary). */
function enumOf<const V extends string>(list: readonly V[]): { readonly [K in V]: K } {
  return Object.fromEntries(list.map((v) => [v, v])) as { readonly [K in V]: K };
}

/**
 * Rule ids are spelled with hyphens (`K8S-ETP-LOCAL-DROP`), which GraphQL enum names cannot hold:
 * GraphQL names them with underscores (`K8S_ETP_LOCAL_DROP`); REST and OpenAPI keep the ids.
 */
export const RuleIdEnum: Readonly<Record<string, string>> = Object.fromEntries(
  Object.keys(RULES).map((id) => [id.replace(/-/g, '_'), id]),
);

const enums = {
  ReachVerdict: enumOf(REACH_VERDICTS),
  TraceVerdict: enumOf(TRACE_VERDICTS),
  SourceIpReason: enumOf(SOURCE_IP_REASONS),
  SeenAsKind: enumOf(SEEN_AS_KINDS),
  ViaKind: enumOf(VIA_KINDS),
  MissingFact: enumOf(MISSING_FACTS),
  EndpointOutcomeCode: enumOf(ENDPOINT_OUTCOMES),
  SuggestionCode: enumOf(SUGGESTION_CODES),
  PolicyReason: enumOf(POLICY_REASONS),
  PolicyDirection: enumOf(['Ingress', 'Egress']),
  Network: enumOf(['PUBLIC', 'PRIVATE']),
  Connection: enumOf(['COMPLETES', 'PARTIAL', 'FAILS']),
  Detail: enumOf(['COMPACT', 'FULL']),
  AffinityPolicy: enumOf(['Cluster', 'Local']),
  Balance: enumOf(['BALANCED', 'RISK_OF_IMBALANCE']),
  MatrixClientKind: enumOf(['NODE', 'POD', 'EXTERNAL']),
  NodeClass: enumOf(['BACKEND_NODES', 'OTHER_NODES']),
  NodeRole: enumOf(['CLIENT_NODE', 'BACKEND_NODES', 'OTHER_NODES']),
  MatrixVerdict: enumOf([...REACH_VERDICTS, 'NOT_APPLICABLE']),
  MatrixPolicy: enumOf(MATRIX_POLICIES),
  RuleId: RuleIdEnum,
} as const;

const descriptions: Partial<Record<keyof typeof enums, string>> = {
  ReachVerdict:
    'REACHABLE: every connection succeeds; PARTIAL: some fail; UNREACHABLE: none succeeds; UNKNOWN: a needed fact is missing.',
  TraceVerdict: 'What the node does with the packet.',
  Connection: 'The fate of a forwarded connection: COMPLETES (every candidate endpoint connects), PARTIAL, FAILS.',
  Detail: 'COMPACT (default): ways of addressing grouped by outcome. FULL: also every per-address result.',
  PolicyReason:
    "Why NetworkPolicy allows or drops one direction of a connection: NOT_ENFORCED (the network plugin does not enforce policies), NO_POLICY_SELECTS_POD (the pod is not isolated for this direction), ALLOWED_BY_POLICY, DENIED_INGRESS, DENIED_EGRESS, NODE_EXCEPTION (traffic from the pod's own node), HOST_NETWORK_NOT_SELECTED, SAME_POD, NOT_A_POD (this end is a node or an outside address).",
  RuleId: 'A rule id; GraphQL spells the hyphens of the ids (K8S-ETP-LOCAL-DROP) as underscores.',
  MatrixPolicy:
    'NetworkPolicy in a matrix cell: NOT_ENFORCED (stored, not enforced), OPEN (no policy selects either end), ALLOWED (an end is isolated, every judged connection allowed), PARTLY_DENIED, DENIED (every judged connection dropped by policy).',
  MatrixVerdict: 'A reachability verdict, or NOT_APPLICABLE when the client cannot use that way of addressing.',
};

for (const [name, values] of Object.entries(enums))
  registerEnumType(values, { name, description: descriptions[name as keyof typeof enums] });

/** For Prop(): `Prop(A.ReachVerdict)`. */
export const A = Object.fromEntries(Object.entries(enums).map(([name, values]) => [name, { enum: values, name }])) as {
  readonly [K in keyof typeof enums]: { readonly enum: Record<string, string>; readonly name: K };
};
