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
import { ReachabilityView, TraceView, ViaView } from './answer.views';

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

@ObjectType('Difference')
export class DifferenceView {
  @Prop('string', { description: 'Which answer: "trace", or the way of addressing (e.g. "NODE_PORT 192.168.0.10:30000/TCP").' }) subject!: string;
  @Prop('string', { example: 'verdict' }) field!: string;
  @Prop('string', { nullable: true, description: 'JSON of the value before.' }) before!: string | null;
  @Prop('string', { nullable: true, description: 'JSON of the value after.' }) after!: string | null;
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

@ObjectType('MatrixClient')
export class MatrixClientView {
  @Prop('string', { description: 'NODE (host network), POD or EXTERNAL' }) kind!: string;
  @Prop('string', { description: 'Node name, "namespace/name", or PUBLIC / PRIVATE' }) name!: string;
  @Prop('string', { nullable: true }) node!: string | null;
}

@ObjectType('MatrixCell')
export class MatrixCellView {
  @Prop('string') verdict!: string;
  @Prop('boolean', { nullable: true }) sourceIpPreserved!: boolean | null;
}

@ObjectType('MatrixRow')
export class MatrixRowView {
  @Prop(MatrixClientView) client!: MatrixClientView;
  @Prop(MatrixCellView, { array: true, description: 'One per address, in the order of addresses (verdict NOT_APPLICABLE where it does not apply).' }) cells!: MatrixCellView[];
}

@ObjectType('Matrix')
export class MatrixView {
  @Prop('string') service!: string;
  @Prop(ViaView, { array: true }) addresses!: ViaView[];
  @Prop(MatrixRowView, { array: true }) rows!: MatrixRowView[];
  @Prop('string', { nullable: true, description: 'Rule id when kube-proxy ignores the Service.' }) ignoredBy!: string | null;
}

@ObjectType('NamespaceMatrix')
export class NamespaceMatrixView {
  @Prop('string') namespace!: string;
  @Prop(MatrixView, { array: true }) services!: MatrixView[];
}
