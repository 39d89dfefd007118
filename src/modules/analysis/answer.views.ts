import { ObjectType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import { E } from '../topology/enums';
import { A } from './answer.enums';
import {
  LabelSelectorView,
  NetworkPolicyEgressRuleView,
  NetworkPolicyIngressRuleView,
} from '../network-policies/network-policy.dto';

// The answers' shapes for OpenAPI and GraphQL (docs/answers.md). Each rule is listed once per
// answer, in `rules`; everything else cites it by id.

@ObjectType('Evidence')
export class EvidenceView {
  @Prop('string', { description: 'Upstream file (kubernetes/kubernetes) or documentation URL.' }) source!: string;
  @Prop('string', { nullable: true, description: 'Test and case, or section.' }) case?: string | null;
}

@ObjectType('Rule')
export class RuleView {
  @Prop(A.RuleId, { example: 'K8S-ETP-LOCAL-DROP' }) id!: string;
  @Prop('string') statement!: string;
  @Prop(EvidenceView, { array: true }) evidence!: EvidenceView[];
  @Prop('boolean', { description: 'True when the rule is an inference, not documented fact.' }) inferred!: boolean;
  @Prop(E.Profile, { array: true }) profiles!: string[];
}

@ObjectType('Summary')
export class SummaryView {
  @Prop(A.ReachVerdict, {
    description:
      'REACHABLE when every way of addressing succeeds for every connection, UNREACHABLE when none does, PARTIAL when some do and some fail, UNKNOWN when a missing fact could change that.',
  })
  verdict!: string;
  @Prop('sourceIpFate', {
    nullable: true,
    description: 'true, false, "MIXED" (kept on some ways, lost on others) or null (nothing connects).',
  })
  sourceIpPreserved!: boolean | 'MIXED' | null;
  @Prop('string', { description: 'One or two plain sentences: what works, what fails and why.' }) text!: string;
}

@ObjectType('PacketAddresses')
export class PacketAddressesView {
  @Prop('string') source!: string;
  @Prop('string') destination!: string;
}

@ObjectType('Step')
export class StepView {
  @Prop('string', { description: 'Where it happened: `client`, `node/<name>`, `lb/<ip>` or `cloud/eip`.' }) at!: string;
  @Prop(A.RuleId, { description: "The rule that acted (see the answer's rules)." }) rule!: string;
  @Prop('string') description!: string;
  @Prop(PacketAddressesView, { nullable: true, description: "The packet before this step's address translation." })
  before?: PacketAddressesView;
  @Prop(PacketAddressesView, { nullable: true, description: 'The packet after it.' }) after?: PacketAddressesView;
}

@ObjectType('SourceIp')
export class SourceIpView {
  @Prop('boolean', { nullable: true, description: 'null when no connection completes.' }) preserved!: boolean | null;
  @Prop('string', { nullable: true, description: 'The address the backend sees.' }) seenAs!: string | null;
  @Prop(A.SeenAsKind, { nullable: true }) seenAsKind!: string | null;
  @Prop(A.SourceIpReason, { example: 'SNAT_ETP_CLUSTER' }) reason!: string;
}

@ObjectType('PolicyAllowance')
export class PolicyAllowanceView {
  @Prop('string', { description: '"namespace/name" of the NetworkPolicy.' }) policy!: string;
  @Prop(A.PolicyDirection) direction!: string;
  @Prop('int', { description: "Index of the rule in the policy's ingress[] or egress[]." }) rule!: number;
}

@ObjectType('PolicyJudgement')
export class PolicyJudgementView {
  @Prop('boolean') allowed!: boolean;
  @Prop(A.PolicyReason) reason!: string;
  @Prop(A.RuleId) rule!: string;
  @Prop('string', {
    array: true,
    description: '"namespace/name" of the NetworkPolicies that select the judged pod for this direction.',
  })
  policies!: string[];
  @Prop(PolicyAllowanceView, {
    nullable: true,
    description: 'The first rule (policies by name, rules in order) that allows the connection.',
  })
  allowedBy!: PolicyAllowanceView | null;
  @Prop(A.RuleId, {
    array: true,
    description: "Rules that make this verdict depend on the network plugin (an ipBlock matched a pod's address).",
  })
  caveats!: string[];
}

@ObjectType('EndpointPolicy')
export class EndpointPolicyView {
  @Prop('string', {
    nullable: true,
    description:
      "The source address the endpoint pod sees, which its ingress rules are matched against: the client's, or the load balancer's (ipMode Proxy); null when masqueraded to the address of the node that forwarded it (the last hop).",
  })
  seenAs!: string | null;
  @Prop(PolicyJudgementView, {
    description: "The client pod's egress towards the endpoint pod's IP and container port (after Service DNAT).",
  })
  egress!: PolicyJudgementView;
  @Prop(PolicyJudgementView, { description: "The endpoint pod's ingress from seenAs." }) ingress!: PolicyJudgementView;
}

@ObjectType('EndpointOutcome')
export class EndpointOutcomeView {
  @Prop('string') ip!: string;
  @Prop('int') port!: number;
  @Prop('string', { nullable: true }) pod!: string | null;
  @Prop('string', { nullable: true }) node!: string | null;
  @Prop('boolean', { description: 'Whether the connection to this endpoint is masqueraded.' }) masquerade!: boolean;
  @Prop(A.EndpointOutcomeCode) outcome!: string;
  @Prop(A.RuleId, { nullable: true, description: 'The rule that decided this connection, when one did.' }) rule!:
    string | null;
  @Prop(EndpointPolicyView, {
    nullable: true,
    description:
      "NetworkPolicy's verdict on this connection: present when the cluster has NetworkPolicies and the data plane completes the connection (a denial makes the outcome FAILS with its rule).",
  })
  policy?: EndpointPolicyView;
}

@ObjectType('EndpointCount')
export class EndpointCountView {
  @Prop('int') total!: number;
  @Prop('int') connects!: number;
  @Prop('int') fails!: number;
}

@ObjectType('Via')
export class ViaView {
  @Prop(A.ViaKind) kind!: string;
  @Prop('string') address!: string;
  @Prop('int', { description: 'The port the client uses (the NodePort for NODE_PORT).' }) port!: number;
  @Prop(E.Protocol) protocol!: string;
  @Prop('string', { nullable: true }) portName!: string | null;
  @Prop('string', { nullable: true }) node?: string;
  @Prop(A.Network, { nullable: true }) network?: string;
}

@ObjectType('HopDestination')
export class HopDestinationView {
  @Prop('string') ip!: string;
  @Prop('int') port!: number;
}

@ObjectType('Hop')
export class HopView {
  @Prop('string') node!: string;
  @Prop(A.TraceVerdict) verdict!: string;
  @Prop('string', { nullable: true }) source?: string;
  @Prop(HopDestinationView, { nullable: true }) destination?: HopDestinationView;
}

@ObjectType('Delivery')
export class DeliveryView {
  @Prop('string', { array: true }) nodes!: string[];
  @Prop(A.TraceVerdict) verdict!: string;
  @Prop(EndpointOutcomeView, { array: true }) endpoints!: EndpointOutcomeView[];
}

@ObjectType('CompactDelivery')
export class CompactDeliveryView {
  @Prop('string', { array: true, description: 'The first 20 nodes the load balancer delivers to with this outcome.' })
  nodes!: string[];
  @Prop('int') nodeCount!: number;
  @Prop(A.TraceVerdict) verdict!: string;
  @Prop(EndpointCountView) endpointCount!: EndpointCountView;
  @Prop(EndpointOutcomeView, { array: true, description: 'Failing first, at most 5.' })
  endpoints!: EndpointOutcomeView[];
}

@ObjectType('ExpectedOutcome')
export class ExpectedOutcomeView {
  @Prop(A.ReachVerdict) verdict!: string;
  @Prop('boolean', { nullable: true }) sourceIpPreserved!: boolean | null;
}

@ObjectType('NetworkPolicyFragment')
export class NetworkPolicyFragmentView {
  @Prop('string') namespace!: string;
  @Prop('string') name!: string;
  @Prop(LabelSelectorView) podSelector!: LabelSelectorView;
  @Prop('string', { array: true }) policyTypes!: string[];
  @Prop(NetworkPolicyIngressRuleView, { array: true }) ingress!: NetworkPolicyIngressRuleView[];
  @Prop(NetworkPolicyEgressRuleView, { array: true }) egress!: NetworkPolicyEgressRuleView[];
}

@ObjectType('Suggestion')
export class SuggestionView {
  @Prop(A.SuggestionCode) code!: string;
  @Prop('string') message!: string;
  @Prop(ExpectedOutcomeView, {
    description: 'What what-if answers for this way of addressing with the change applied.',
  })
  expected!: ExpectedOutcomeView;
  @Prop(NetworkPolicyFragmentView, {
    nullable: true,
    description:
      'ADD_NETWORK_POLICY: the policy to add, as POST /networkpolicies (or a what-if networkPolicies.upsert) takes it.',
  })
  networkPolicy?: NetworkPolicyFragmentView;
}

@ObjectType('GroupAddress')
export class GroupAddressView {
  @Prop('string') address!: string;
  @Prop('string', { nullable: true }) node!: string | null;
  @Prop(A.Network, { nullable: true }) network!: string | null;
}

@ObjectType('AddressGroup')
export class AddressGroupView {
  @Prop('string', { example: 'g1' }) id!: string;
  @Prop(A.ViaKind) kind!: string;
  @Prop(A.Network, { array: true, description: 'The networks of its addresses (none for a ClusterIP).' })
  networks!: string[];
  @Prop('int', { description: 'The port the client uses (the NodePort for NODE_PORT).' }) port!: number;
  @Prop(E.Protocol) protocol!: string;
  @Prop('string', { nullable: true }) portName!: string | null;
  @Prop('int', { description: 'How many ways of addressing the group holds.' }) count!: number;
  @Prop('int', { description: 'How many nodes its addresses belong to (NodePorts).' }) nodeCount!: number;
  @Prop(GroupAddressView, { array: true, description: 'The first 20 addresses.' }) addresses!: GroupAddressView[];
  @Prop('string', {
    nullable: true,
    description: 'When it holds more than the addresses shown: pass as cursor for the rest, each in full detail.',
  })
  cursor!: string | null;
  @Prop(A.ReachVerdict) verdict!: string;
  @Prop(A.MissingFact, { nullable: true, description: 'For UNKNOWN: the fact the model lacks.' }) missingFact!:
    string | null;
  @Prop(SourceIpView) sourceIp!: SourceIpView;
  @Prop(A.RuleId, {
    nullable: true,
    description: "The rule that decided the outcome: the first failing connection's, else the last step's.",
  })
  rule!: string | null;
  @Prop(A.RuleId, { array: true, description: 'Every rule its addresses cite.' }) rules!: string[];
  @Prop(EndpointCountView) endpointCount!: EndpointCountView;
  @Prop(EndpointOutcomeView, { array: true, description: "The first address's endpoints, failing first, at most 20." })
  endpoints!: EndpointOutcomeView[];
  @Prop(StepView, {
    array: true,
    description: "The first address's path; a DNAT names its first 5 targets and counts the rest.",
  })
  path!: StepView[];
  @Prop(HopView, { array: true }) hops!: HopView[];
  @Prop(CompactDeliveryView, {
    array: true,
    nullable: true,
    description: 'Load balancers: the first 5 groups of nodes it delivers to with one outcome.',
  })
  deliveries!: CompactDeliveryView[] | null;
  @Prop('int') deliveryCount!: number;
  @Prop(SuggestionView, { array: true }) suggestions!: SuggestionView[];
}

@ObjectType('AddressResult')
export class AddressResultView {
  @Prop(ViaView) via!: ViaView;
  @Prop(A.ReachVerdict) verdict!: string;
  @Prop(A.MissingFact, { nullable: true, description: 'For UNKNOWN: the fact the model lacks.' }) missingFact!:
    string | null;
  @Prop(SourceIpView) sourceIp!: SourceIpView;
  @Prop(EndpointOutcomeView, { array: true }) endpoints!: EndpointOutcomeView[];
  @Prop(StepView, { array: true }) path!: StepView[];
  @Prop(HopView, { array: true }) hops!: HopView[];
  @Prop(DeliveryView, { array: true, nullable: true }) deliveries!: DeliveryView[] | null;
  @Prop(A.RuleId, { array: true }) rules!: string[];
  @Prop(A.RuleId, {
    nullable: true,
    description: "The rule that decided the outcome: the first failing connection's, else the last step's.",
  })
  rule!: string | null;
  @Prop(SuggestionView, { array: true }) suggestions!: SuggestionView[];
}

@ObjectType('PodShare')
export class PodShareView {
  @Prop('string', { nullable: true }) pod!: string | null;
  @Prop('string') ip!: string;
  @Prop('string', { nullable: true }) node!: string | null;
  @Prop('float', { description: 'Fraction of the traffic, 0..1.' }) share!: number;
}

@ObjectType('ServiceAffinity')
export class ServiceAffinityView {
  @Prop(A.AffinityPolicy, { description: 'externalTrafficPolicy' }) policy!: string;
  @Prop('int') port!: number;
  @Prop(E.Protocol) protocol!: string;
  @Prop('boolean') sourceIpPreserved!: boolean;
  @Prop('boolean', { description: 'A request may be redirected to another node (route redirection).' })
  extraHop!: boolean;
  @Prop(A.Balance) balance!: string;
  @Prop('string', { array: true, description: 'Nodes whose IP:NodePort reaches the workload from outside.' })
  servingNodes!: string[];
  @Prop(PodShareView, { array: true, description: 'Expected share of traffic per backend pod.' })
  shares!: PodShareView[];
  @Prop(A.RuleId, { array: true }) rules!: string[];
}

@ObjectType('SessionAffinityInfo')
export class SessionAffinityView {
  @Prop(E.SessionAffinity, {
    description:
      'ClientIP: every connection from one source address (as the load-balancing node sees it) goes to the endpoint it reached first.',
  })
  type!: string;
  @Prop('int', {
    nullable: true,
    description:
      'ClientIP: how long the pin lasts without a connection (IPVS: the persistence timeout); null with None.',
  })
  timeoutSeconds!: number | null;
}

@ObjectType('Reachability')
export class ReachabilityView {
  @Prop('string') service!: string;
  @Prop(A.Detail) detail!: string;
  @Prop(SummaryView) summary!: SummaryView;
  @Prop(SessionAffinityView, {
    description:
      "The Service's session affinity; with ClientIP each forwarding path has a K8S-SESSION-AFFINITY-CLIENTIP step naming the address the pin is kept for.",
  })
  sessionAffinity!: SessionAffinityView;
  @Prop(AddressGroupView, { array: true, description: 'Ways of addressing the Service, grouped by outcome.' })
  groups!: AddressGroupView[];
  @Prop(AddressResultView, {
    array: true,
    nullable: true,
    description: 'detail=FULL: one per way of addressing (a page of them when limit is set).',
  })
  results!: AddressResultView[] | null;
  @Prop('string', {
    nullable: true,
    description: 'detail=FULL with a limit: pass as cursor for the next page; null on the last.',
  })
  nextCursor!: string | null;
  @Prop(RuleView, { array: true, description: 'Every rule the answer cites, once.' }) rules!: RuleView[];
  @Prop(A.RuleId, { nullable: true, description: 'Set when kube-proxy ignores the Service (headless, another proxy).' })
  ignoredBy!: string | null;
  @Prop(ServiceAffinityView, {
    nullable: true,
    description: 'CCE Table 1 for NodePort/LoadBalancer Services: source IP, extra hop, balance, shares per pod.',
  })
  affinity?: ServiceAffinityView | null;
}

@ObjectType('MatchedServicePort')
export class MatchedServicePortView {
  @Prop('string') service!: string;
  @Prop('string', { nullable: true }) portName!: string | null;
  @Prop('int') port!: number;
  @Prop(E.Protocol) protocol!: string;
  @Prop(A.ViaKind) via!: string;
  @Prop(SessionAffinityView) sessionAffinity!: SessionAffinityView;
}

@ObjectType('Trace')
export class TraceView {
  @Prop(A.TraceVerdict, { description: 'What the node does with the packet.' }) verdict!: string;
  @Prop(A.Connection, {
    nullable: true,
    description:
      'FORWARD only: whether the connection completes (every endpoint), partly, or fails (return path, CCE failure table, hairpins).',
  })
  connection!: string | null;
  @Prop(SummaryView) summary!: SummaryView;
  @Prop('string', { description: 'The node that processed the packet.' }) node!: string;
  @Prop(MatchedServicePortView, { nullable: true }) service!: MatchedServicePortView | null;
  @Prop(EndpointOutcomeView, {
    array: true,
    description: 'The exact candidate endpoints (FORWARD only), each with its connection outcome.',
  })
  endpoints!: EndpointOutcomeView[];
  @Prop('boolean', { nullable: true }) masquerade!: boolean | null;
  @Prop(SourceIpView) sourceIp!: SourceIpView;
  @Prop(StepView, { array: true }) steps!: StepView[];
  @Prop(RuleView, { array: true, description: 'Every rule the trace cites, once.' }) rules!: RuleView[];
}
