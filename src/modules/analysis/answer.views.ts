import { ObjectType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import { E } from '../topology/enums';

// ---------------------------------------------------------------- outputs (engine results)

@ObjectType('Evidence')
export class EvidenceView {
  @Prop('string', { description: 'Upstream file (kubernetes/kubernetes) or documentation URL.' }) source!: string;
  @Prop('string', { nullable: true, description: 'Test and case, or section.' }) case?: string | null;
}

@ObjectType('Rule')
export class RuleView {
  @Prop('string', { example: 'K8S-ETP-LOCAL-DROP' }) id!: string;
  @Prop('string') statement!: string;
  @Prop(EvidenceView, { array: true }) evidence!: EvidenceView[];
  @Prop('boolean', { description: 'True when the rule is an inference, not documented fact.' }) inferred!: boolean;
  @Prop('string', { array: true }) profiles!: string[];
}

@ObjectType('PacketAddresses')
export class PacketAddressesView {
  @Prop('string') source!: string;
  @Prop('string') destination!: string;
}

@ObjectType('Step')
export class StepView {
  @Prop('string', { description: 'client, node/<name>, lb/<ip>, cloud/eip' }) at!: string;
  @Prop('string') rule!: string;
  @Prop('string') description!: string;
  @Prop(PacketAddressesView, { nullable: true }) before?: PacketAddressesView;
  @Prop(PacketAddressesView, { nullable: true }) after?: PacketAddressesView;
}

@ObjectType('SourceIp')
export class SourceIpView {
  @Prop('boolean', { nullable: true, description: 'null when nothing is delivered.' }) preserved!: boolean | null;
  @Prop('string', { nullable: true, description: 'The address the backend sees.' }) seenAs!: string | null;
  @Prop('string', { nullable: true, description: 'CLIENT, NODE or LOAD_BALANCER.' }) seenAsKind!: string | null;
  @Prop('string', { example: 'SNAT_ETP_CLUSTER' }) reason!: string;
}

@ObjectType('TraceEndpoint')
export class TraceEndpointView {
  @Prop('string') ip!: string;
  @Prop('int') port!: number;
  @Prop('string', { nullable: true }) pod!: string | null;
  @Prop('string', { nullable: true }) node!: string | null;
  @Prop('boolean') masquerade!: boolean;
}

@ObjectType('EndpointOutcome')
export class EndpointOutcomeView extends TraceEndpointView {
  @Prop('string', { description: 'CONNECTS or FAILS' }) outcome!: string;
  @Prop('string', { nullable: true }) rule!: string | null;
}

@ObjectType('Via')
export class ViaView {
  @Prop('string', { description: 'CLUSTER_IP, NODE_PORT, LOAD_BALANCER or EXTERNAL_IP' }) kind!: string;
  @Prop('string') address!: string;
  @Prop('int') port!: number;
  @Prop(E.Protocol) protocol!: string;
  @Prop('string', { nullable: true }) portName!: string | null;
  @Prop('string', { nullable: true }) node?: string;
  @Prop('string', { nullable: true, description: 'PUBLIC or PRIVATE' }) network?: string;
}

@ObjectType('HopDestination')
export class HopDestinationView {
  @Prop('string') ip!: string;
  @Prop('int') port!: number;
}

@ObjectType('Hop')
export class HopView {
  @Prop('string') node!: string;
  @Prop('string') verdict!: string;
  @Prop('string', { nullable: true }) source?: string;
  @Prop(HopDestinationView, { nullable: true }) destination?: HopDestinationView;
}

@ObjectType('Delivery')
export class DeliveryView {
  @Prop('string', { array: true }) nodes!: string[];
  @Prop('string') verdict!: string;
  @Prop(EndpointOutcomeView, { array: true }) endpoints!: EndpointOutcomeView[];
}

@ObjectType('ExpectedOutcome')
export class ExpectedOutcomeView {
  @Prop('string') verdict!: string;
  @Prop('boolean', { nullable: true }) sourceIpPreserved!: boolean | null;
}

@ObjectType('Suggestion')
export class SuggestionView {
  @Prop('string', { example: 'USE_CLUSTER_IP' }) code!: string;
  @Prop('string') message!: string;
  @Prop(ExpectedOutcomeView, { description: 'What the answer becomes with the change.' }) expected!: ExpectedOutcomeView;
}

@ObjectType('AddressResult')
export class AddressResultView {
  @Prop(ViaView) via!: ViaView;
  @Prop('string', { description: 'REACHABLE, PARTIAL, UNREACHABLE or UNKNOWN' }) verdict!: string;
  @Prop('string', { nullable: true, description: 'For UNKNOWN: the fact the model lacks.' }) missingFact!: string | null;
  @Prop(SourceIpView) sourceIp!: SourceIpView;
  @Prop(EndpointOutcomeView, { array: true }) endpoints!: EndpointOutcomeView[];
  @Prop(StepView, { array: true }) path!: StepView[];
  @Prop(HopView, { array: true }) hops!: HopView[];
  @Prop(DeliveryView, { array: true, nullable: true }) deliveries!: DeliveryView[] | null;
  @Prop(RuleView, { array: true }) rules!: RuleView[];
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
  @Prop('string', { description: 'externalTrafficPolicy: Cluster or Local' }) policy!: string;
  @Prop('int') port!: number;
  @Prop(E.Protocol) protocol!: string;
  @Prop('boolean') sourceIpPreserved!: boolean;
  @Prop('boolean', { description: 'A request may be redirected to another node (route redirection).' }) extraHop!: boolean;
  @Prop('string', { description: 'BALANCED or RISK_OF_IMBALANCE' }) balance!: string;
  @Prop('string', { array: true, description: 'Nodes whose IP:NodePort reaches the workload from outside.' }) servingNodes!: string[];
  @Prop(PodShareView, { array: true, description: 'Expected share of traffic per backend pod.' }) shares!: PodShareView[];
  @Prop(RuleView, { array: true }) rules!: RuleView[];
}

@ObjectType('Reachability')
export class ReachabilityView {
  @Prop('string') service!: string;
  @Prop(AddressResultView, { array: true, description: 'One per way of addressing the Service.' }) results!: AddressResultView[];
  @Prop(RuleView, { nullable: true, description: 'Set when kube-proxy ignores the Service (headless, another proxy).' }) ignoredBy!: RuleView | null;
  @Prop(ServiceAffinityView, { nullable: true, description: 'CCE Table 1 for NodePort/LoadBalancer Services: source IP, extra hop, balance, shares per pod.' }) affinity?: ServiceAffinityView | null;
}

@ObjectType('MatchedServicePort')
export class MatchedServicePortView {
  @Prop('string') service!: string;
  @Prop('string', { nullable: true }) portName!: string | null;
  @Prop('int') port!: number;
  @Prop(E.Protocol) protocol!: string;
  @Prop('string') via!: string;
}

@ObjectType('Trace')
export class TraceView {
  @Prop('string', { description: 'FORWARD, REJECT, DROP, NOT_INTERCEPTED or ACCEPT_LOCAL' }) verdict!: string;
  @Prop('string', { description: 'The node that processed the packet.' }) node!: string;
  @Prop(MatchedServicePortView, { nullable: true }) service!: MatchedServicePortView | null;
  @Prop(TraceEndpointView, { array: true, description: 'The exact candidate endpoints (FORWARD only).' }) endpoints!: TraceEndpointView[];
  @Prop('boolean', { nullable: true }) masquerade!: boolean | null;
  @Prop(SourceIpView) sourceIp!: SourceIpView;
  @Prop(StepView, { array: true }) steps!: StepView[];
  @Prop(RuleView, { array: true }) rules!: RuleView[];
}
