import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { InputType, ObjectType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import { IsDns1123Label, IsDns1123Subdomain, IsIpAddress, IsLabelMap } from '../../common/validators';
import { E, PodPhase, Protocol } from '../topology/enums';
import { Paginated } from '../topology/paging';
import { ContainerPort } from '../topology/port.dto';

@InputType({ isAbstract: true })
abstract class PodFieldsInput {
  @Prop('stringMap', { nullable: true, example: { app: 'backend' } })
  @IsOptional()
  @IsLabelMap()
  labels?: Record<string, string>;

  @Prop('string', {
    nullable: true,
    example: 'node-1',
    description: 'The node it runs on (a node of this cluster); null = not scheduled.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  @IsDns1123Subdomain()
  nodeName?: string | null;

  @Prop('string', {
    nullable: true,
    array: true,
    example: ['172.16.0.12'],
    description:
      "status.podIPs (one per family), outside the cluster's Service CIDRs. For hostNetwork pods: the node's IPs (default).",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @ArrayUnique()
  @IsIpAddress({ each: true })
  ips?: string[];

  @Prop('boolean', { nullable: true, description: 'Default false.' })
  @IsOptional()
  @IsBoolean()
  hostNetwork?: boolean;

  @Prop(E.PodPhase, { nullable: true, description: 'Default Running.' })
  @IsOptional()
  @IsIn(Object.values(PodPhase))
  phase?: PodPhase;

  @Prop('boolean', { nullable: true, description: 'The Ready condition. Default true.' })
  @IsOptional()
  @IsBoolean()
  ready?: boolean;

  @Prop('boolean', { nullable: true, description: 'Being deleted (deletionTimestamp set). Default false.' })
  @IsOptional()
  @IsBoolean()
  terminating?: boolean;

  @Prop(ContainerPort, { nullable: true, array: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ContainerPort)
  containerPorts?: ContainerPort[];
}

@InputType('CreatePodInput')
export class CreatePodInput extends PodFieldsInput {
  @Prop('string', { example: 'default', description: 'DNS-1123 label.' })
  @IsString()
  @IsDns1123Label()
  namespace!: string;

  @Prop('string', { example: 'backend-7d4b9c-x2k8p', description: 'DNS-1123 subdomain, unique in the namespace.' })
  @IsString()
  @MaxLength(253)
  @IsDns1123Subdomain()
  name!: string;
}

@InputType('UpdatePodInput')
export class UpdatePodInput extends PodFieldsInput {}

@ObjectType('ContainerPortView')
export class ContainerPortView {
  @Prop('string', { nullable: true }) name!: string | null;
  @Prop('int') containerPort!: number;
  @Prop(E.Protocol) protocol!: Protocol;
}

@ObjectType('Pod')
export class PodView {
  @Prop('string') id!: string;
  @Prop('string') clusterId!: string;
  @Prop('string') namespace!: string;
  @Prop('string') name!: string;
  @Prop('stringMap') labels!: Record<string, string>;
  @Prop('string', { nullable: true }) nodeName!: string | null;
  @Prop('string', { array: true }) ips!: string[];
  @Prop('boolean') hostNetwork!: boolean;
  @Prop(E.PodPhase) phase!: PodPhase;
  @Prop('boolean') ready!: boolean;
  @Prop('boolean') terminating!: boolean;
  @Prop(ContainerPortView, { array: true }) containerPorts!: ContainerPortView[];
  @Prop('string', {
    array: true,
    description:
      'Fields whose value is not known: an imported dump redacted them. Analyses that need one answer UNKNOWN. A write that sets the field makes it known.',
  })
  unknownFields!: string[];
  @Prop('int', { description: 'Bumped by every change to this object; its ETag is this number, quoted.' })
  version!: number;
  @Prop('string') createdAt!: string;
  @Prop('string') updatedAt!: string;
}

export const PodPage = Paginated(PodView, 'PodPage');
