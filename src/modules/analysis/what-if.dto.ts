import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { InputType, ObjectType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import { KubeProxyOptionsInput } from '../clusters/cluster.dto';
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
  @Prop('string', { example: 'default/backend-nodeport' }) @IsString() @Matches(NS_NAME, { message: 'service must be "namespace/name"' }) service!: string;
  @Prop(UpdateServiceInput) @ValidateNested() @Type(() => UpdateServiceInput) set!: UpdateServiceInput;
}

@InputType('PodChangeInput')
export class PodChangeInput {
  @Prop('string', { example: 'default/backend-1' }) @IsString() @Matches(NS_NAME, { message: 'pod must be "namespace/name"' }) pod!: string;
  @Prop(UpdatePodInput) @ValidateNested() @Type(() => UpdatePodInput) set!: UpdatePodInput;
}

@InputType('NodeChangeInput')
export class NodeChangeInput {
  @Prop('string', { example: 'node-1' }) @IsString() @MaxLength(253) node!: string;
  @Prop(UpdateNodeInput) @ValidateNested() @Type(() => UpdateNodeInput) set!: UpdateNodeInput;
}

@InputType('ChangeInput')
export class ChangeInput {
  @Prop(ServiceChangeInput, { nullable: true, array: true })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => ServiceChangeInput) services?: ServiceChangeInput[];

  @Prop(PodChangeInput, { nullable: true, array: true })
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => PodChangeInput) pods?: PodChangeInput[];

  @Prop(NodeChangeInput, { nullable: true, array: true })
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => NodeChangeInput) nodes?: NodeChangeInput[];

  @Prop(KubeProxyOptionsInput, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => KubeProxyOptionsInput) kubeProxy?: KubeProxyOptionsInput;

  @Prop(E.ProxyMode, { nullable: true })
  @IsOptional() @IsIn(Object.values(ProxyMode)) proxyMode?: ProxyMode;
}

@InputType('WhatIfInput')
export class WhatIfInput {
  @Prop(ChangeInput, { description: 'Applied in memory only; nothing is written.' })
  @ValidateNested() @Type(() => ChangeInput) change!: ChangeInput;

  @Prop(ReachabilityInput, { nullable: true, description: 'The question to ask before and after (this or trace).' })
  @IsOptional() @ValidateNested() @Type(() => ReachabilityInput) reachability?: ReachabilityInput;

  @Prop(TraceInput, { nullable: true })
  @IsOptional() @ValidateNested() @Type(() => TraceInput) trace?: TraceInput;
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

