import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { InputType, ObjectType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import { IsDns1123Label, IsDns1123Subdomain } from '../../common/validators';
import { Paginated } from '../topology/paging';

// Inputs follow the Kubernetes object (networking.k8s.io/v1), its spec flattened as the Service
// DTOs flatten theirs. The DTOs check shapes only: every Kubernetes rule (operators, CIDRs, ports,
// policyTypes) lives in network-policy-rules.ts, which the import runs too.

@InputType('LabelSelectorRequirementInput')
export class LabelSelectorRequirementInput {
  @Prop('string', { example: 'app' }) @IsString() @MaxLength(317) key!: string;
  @Prop('string', { example: 'In', description: 'In, NotIn, Exists or DoesNotExist.' }) @IsString() operator!: string;
  @Prop('string', {
    nullable: true,
    array: true,
    example: ['frontend'],
    description: 'Required (non-empty) for In and NotIn; none for Exists and DoesNotExist.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsString({ each: true })
  values?: string[] | null;
}

@InputType('LabelSelectorInput')
export class LabelSelectorInput {
  @Prop('stringMap', { nullable: true, example: { app: 'backend' } })
  @IsOptional()
  @IsObject()
  matchLabels?: Record<string, string> | null;

  @Prop(LabelSelectorRequirementInput, { nullable: true, array: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => LabelSelectorRequirementInput)
  matchExpressions?: LabelSelectorRequirementInput[] | null;
}

@InputType('IpBlockInput')
export class IpBlockInput {
  @Prop('string', {
    example: '10.0.0.0/8',
    description: 'A CIDR; one with host bits set is stored as its network, with a warning.',
  })
  @IsString()
  cidr!: string;
  @Prop('string', { nullable: true, array: true, example: ['10.1.0.0/16'], description: 'CIDRs strictly inside cidr.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  except?: string[] | null;
}

@InputType('NetworkPolicyPeerInput')
export class NetworkPolicyPeerInput {
  @Prop(LabelSelectorInput, {
    nullable: true,
    description: "Pods (of the policy's namespace, or of the namespaces namespaceSelector selects).",
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LabelSelectorInput)
  podSelector?: LabelSelectorInput | null;

  @Prop(LabelSelectorInput, {
    nullable: true,
    description: 'Namespaces by their labels; with podSelector, both must hold.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LabelSelectorInput)
  namespaceSelector?: LabelSelectorInput | null;

  @Prop(IpBlockInput, { nullable: true, description: 'Addresses; not together with a selector.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => IpBlockInput)
  ipBlock?: IpBlockInput | null;
}

@InputType('NetworkPolicyPortInput')
export class NetworkPolicyPortInput {
  @Prop('string', { nullable: true, example: 'TCP', description: 'TCP (default), UDP or SCTP.' })
  @IsOptional()
  @IsString()
  protocol?: string | null;
  @Prop('intOrString', {
    nullable: true,
    example: 8080,
    description: 'A port number or a named container port; none = every port.',
  })
  @IsOptional()
  port?: number | string | null;
  @Prop('int', { nullable: true, description: 'The end of a port range (with a numeric port only, at least port).' })
  @IsOptional()
  @IsInt()
  endPort?: number | null;
}

@InputType('NetworkPolicyIngressRuleInput')
export class NetworkPolicyIngressRuleInput {
  @Prop(NetworkPolicyPeerInput, { nullable: true, array: true, description: 'Sources; none = every source.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => NetworkPolicyPeerInput)
  from?: NetworkPolicyPeerInput[] | null;

  @Prop(NetworkPolicyPortInput, { nullable: true, array: true, description: 'Ports; none = every port.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => NetworkPolicyPortInput)
  ports?: NetworkPolicyPortInput[] | null;
}

@InputType('NetworkPolicyEgressRuleInput')
export class NetworkPolicyEgressRuleInput {
  @Prop(NetworkPolicyPeerInput, { nullable: true, array: true, description: 'Destinations; none = every destination.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => NetworkPolicyPeerInput)
  to?: NetworkPolicyPeerInput[] | null;

  @Prop(NetworkPolicyPortInput, { nullable: true, array: true, description: 'Ports; none = every port.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => NetworkPolicyPortInput)
  ports?: NetworkPolicyPortInput[] | null;
}

@InputType({ isAbstract: true })
abstract class NetworkPolicyFieldsInput {
  @Prop(LabelSelectorInput, {
    nullable: true,
    description: 'The pods it applies to, in its namespace; {} (the default) = all of them.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LabelSelectorInput)
  podSelector?: LabelSelectorInput | null;

  @Prop('string', {
    nullable: true,
    array: true,
    example: ['Ingress'],
    description:
      'Ingress and/or Egress. None given: Ingress, plus Egress when there are egress rules (as the API server defaults it). A PATCH that leaves it out keeps it.',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  policyTypes?: string[] | null;

  @Prop(NetworkPolicyIngressRuleInput, { nullable: true, array: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => NetworkPolicyIngressRuleInput)
  ingress?: NetworkPolicyIngressRuleInput[] | null;

  @Prop(NetworkPolicyEgressRuleInput, { nullable: true, array: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => NetworkPolicyEgressRuleInput)
  egress?: NetworkPolicyEgressRuleInput[] | null;
}

@InputType('CreateNetworkPolicyInput')
export class CreateNetworkPolicyInput extends NetworkPolicyFieldsInput {
  @Prop('string', { example: 'default', description: 'DNS-1123 label; no Namespace object need be stored for it.' })
  @IsString()
  @IsDns1123Label()
  namespace!: string;

  @Prop('string', { example: 'allow-frontend', description: 'DNS-1123 subdomain, unique in the namespace.' })
  @IsString()
  @MaxLength(253)
  @IsDns1123Subdomain()
  name!: string;
}

@InputType('UpdateNetworkPolicyInput')
export class UpdateNetworkPolicyInput extends NetworkPolicyFieldsInput {}

@ObjectType('LabelSelectorRequirement')
export class LabelSelectorRequirementView {
  @Prop('string') key!: string;
  @Prop('string') operator!: string;
  @Prop('string', { array: true }) values!: string[];
}

@ObjectType('LabelSelector')
export class LabelSelectorView {
  @Prop('stringMap') matchLabels!: Record<string, string>;
  @Prop(LabelSelectorRequirementView, { array: true }) matchExpressions!: LabelSelectorRequirementView[];
}

@ObjectType('IpBlock')
export class IpBlockView {
  @Prop('string', { description: 'Canonical (masked) CIDR.' }) cidr!: string;
  @Prop('string', { array: true }) except!: string[];
}

@ObjectType('NetworkPolicyPeer')
export class NetworkPolicyPeerView {
  @Prop(LabelSelectorView, { nullable: true }) podSelector!: LabelSelectorView | null;
  @Prop(LabelSelectorView, { nullable: true }) namespaceSelector!: LabelSelectorView | null;
  @Prop(IpBlockView, { nullable: true }) ipBlock!: IpBlockView | null;
}

@ObjectType('NetworkPolicyPort')
export class NetworkPolicyPortView {
  @Prop('string', { description: 'Defaulted to TCP.' }) protocol!: string;
  @Prop('intOrString', { nullable: true }) port!: number | string | null;
  @Prop('int', { nullable: true }) endPort!: number | null;
}

@ObjectType('NetworkPolicyIngressRule')
export class NetworkPolicyIngressRuleView {
  @Prop(NetworkPolicyPeerView, { array: true }) from!: NetworkPolicyPeerView[];
  @Prop(NetworkPolicyPortView, { array: true }) ports!: NetworkPolicyPortView[];
}

@ObjectType('NetworkPolicyEgressRule')
export class NetworkPolicyEgressRuleView {
  @Prop(NetworkPolicyPeerView, { array: true }) to!: NetworkPolicyPeerView[];
  @Prop(NetworkPolicyPortView, { array: true }) ports!: NetworkPolicyPortView[];
}

@ObjectType('NetworkPolicy')
export class NetworkPolicyView {
  @Prop('string') id!: string;
  @Prop('string') clusterId!: string;
  @Prop('string') namespace!: string;
  @Prop('string') name!: string;
  @Prop(LabelSelectorView) podSelector!: LabelSelectorView;
  @Prop('string', { array: true, description: 'As stored: defaulted when the write gave none.' })
  policyTypes!: string[];
  @Prop(NetworkPolicyIngressRuleView, { array: true }) ingress!: NetworkPolicyIngressRuleView[];
  @Prop(NetworkPolicyEgressRuleView, { array: true }) egress!: NetworkPolicyEgressRuleView[];
  @Prop('string', {
    array: true,
    description:
      'What the write changed of the input, naming the field: a CIDR with host bits set is stored as its network. Empty on reads.',
    example: [
      'ingress[0].from[0].ipBlock.cidr: "10.244.1.10/4" is not in canonical form; stored as its network 0.0.0.0/4',
    ],
  })
  warnings!: string[];
  @Prop('int', { description: 'Bumped by every change to this object; its ETag is this number, quoted.' })
  version!: number;
  @Prop('string') createdAt!: string;
  @Prop('string') updatedAt!: string;
}

export const NetworkPolicyPage = Paginated(NetworkPolicyView, 'NetworkPolicyPage');
