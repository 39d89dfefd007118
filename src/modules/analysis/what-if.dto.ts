import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { InputType, ObjectType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import { KubeProxyOptionsInput } from '../clusters/cluster.dto';
import { CreateNamespaceInput } from '../network-policies/namespace.dto';
import { CreateNetworkPolicyInput } from '../network-policies/network-policy.dto';
import { UpdateNodeInput } from '../nodes/node.dto';
import { UpdatePodInput } from '../pods/pod.dto';
import { UpdateServiceInput } from '../services/service.dto';
import { E, ProxyMode } from '../topology/enums';
import { ReachabilityInput, TraceInput } from './analysis.dto';
import { ReachabilityView, TraceView } from './answer.views';
import { DifferenceView } from './differences.views';

const NS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

@InputType('ServiceChangeInput')
export class ServiceChangeInput {
  @Prop('string', { example: 'default/backend-nodeport' })
  @IsString()
  @Matches(NS_NAME, { message: 'service must be "namespace/name"' })
  service!: string;
  @Prop(UpdateServiceInput)
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateServiceInput)
  set!: UpdateServiceInput;
}

@InputType('PodChangeInput')
export class PodChangeInput {
  @Prop('string', { example: 'default/backend-1' })
  @IsString()
  @Matches(NS_NAME, { message: 'pod must be "namespace/name"' })
  pod!: string;
  @Prop(UpdatePodInput) @IsDefined() @IsObject() @ValidateNested() @Type(() => UpdatePodInput) set!: UpdatePodInput;
}

@InputType('NodeChangeInput')
export class NodeChangeInput {
  @Prop('string', { example: 'node-1' }) @IsString() @MaxLength(253) node!: string;
  @Prop(UpdateNodeInput) @IsDefined() @IsObject() @ValidateNested() @Type(() => UpdateNodeInput) set!: UpdateNodeInput;
}

@InputType('NetworkPolicyChangesInput')
export class NetworkPolicyChangesInput {
  @Prop(CreateNetworkPolicyInput, {
    nullable: true,
    array: true,
    description: 'Policies added, or replacing the stored one of the same namespace/name, checked as a create is.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => CreateNetworkPolicyInput)
  upsert?: CreateNetworkPolicyInput[];

  @Prop('string', {
    nullable: true,
    array: true,
    example: ['default/deny-all'],
    description: '"namespace/name" of stored policies to leave out.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(NS_NAME, { each: true, message: 'each entry must be "namespace/name"' })
  delete?: string[];
}

@InputType('ChangeInput')
export class ChangeInput {
  @Prop(NetworkPolicyChangesInput, { nullable: true, description: 'NetworkPolicies added, replaced or left out.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NetworkPolicyChangesInput)
  networkPolicies?: NetworkPolicyChangesInput;

  @Prop(CreateNamespaceInput, {
    nullable: true,
    array: true,
    description: 'Namespaces added or relabelled (their labels replaced).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => CreateNamespaceInput)
  namespaces?: CreateNamespaceInput[];

  @Prop('boolean', { nullable: true, description: 'Whether the network plugin enforces NetworkPolicy.' })
  @IsOptional()
  @IsBoolean()
  networkPolicyEnforced?: boolean;

  @Prop(ServiceChangeInput, { nullable: true, array: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ServiceChangeInput)
  services?: ServiceChangeInput[];

  @Prop(PodChangeInput, { nullable: true, array: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => PodChangeInput)
  pods?: PodChangeInput[];

  @Prop(NodeChangeInput, { nullable: true, array: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => NodeChangeInput)
  nodes?: NodeChangeInput[];

  @Prop(KubeProxyOptionsInput, { nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => KubeProxyOptionsInput)
  kubeProxy?: KubeProxyOptionsInput;

  @Prop(E.ProxyMode, { nullable: true })
  @IsOptional()
  @IsIn(Object.values(ProxyMode))
  proxyMode?: ProxyMode;
}

@InputType('WhatIfInput')
export class WhatIfInput {
  @Prop(ChangeInput, { description: 'Applied in memory only; nothing is written.' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ChangeInput)
  change!: ChangeInput;

  @Prop(ReachabilityInput, { nullable: true, description: 'The question to ask before and after (this or trace).' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReachabilityInput)
  reachability?: ReachabilityInput;

  @Prop(TraceInput, { nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TraceInput)
  trace?: TraceInput;
}

@ObjectType('Answer')
export class AnswerView {
  @Prop(ReachabilityView, { nullable: true }) reachability?: ReachabilityView | null;
  @Prop(TraceView, { nullable: true }) trace?: TraceView | null;
}

@ObjectType('WhatIf')
export class WhatIfView {
  @Prop(AnswerView) before!: AnswerView;
  @Prop(AnswerView) after!: AnswerView;
  @Prop(DifferenceView, { array: true }) differences!: DifferenceView[];
}
