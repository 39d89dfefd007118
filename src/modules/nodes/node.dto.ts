import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';
import { InputType, ObjectType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import { IsCidr, IsDns1123Subdomain, IsIpAddress, IsLabelMap } from '../../common/validators';
import { Paginated } from '../topology/paging';

@InputType({ isAbstract: true })
abstract class NodeFieldsInput {
  @Prop('string', {
    nullable: true,
    example: '203.0.113.10',
    description: 'Public IP (EIP) bound to the node; null clears it.',
  })
  @IsOptional()
  @IsIpAddress()
  externalIp?: string | null;

  @Prop('string', {
    nullable: true,
    array: true,
    example: ['172.16.0.0/24'],
    description:
      "spec.podCIDRs (used by the NodeCIDR local-traffic detector); they must not overlap the cluster's Service CIDRs.",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @IsCidr({ each: true })
  podCidrs?: string[];

  @Prop('stringMap', { nullable: true, example: { 'kubernetes.io/hostname': 'node-1' } })
  @IsOptional()
  @IsLabelMap()
  labels?: Record<string, string>;
}

@InputType('CreateNodeInput')
export class CreateNodeInput extends NodeFieldsInput {
  @Prop('string', { example: 'node-1', description: 'DNS-1123 subdomain, unique in the cluster.' })
  @IsString()
  @MaxLength(253)
  @IsDns1123Subdomain()
  name!: string;

  @Prop('string', { array: true, example: ['192.168.0.10'], description: 'InternalIP addresses, primary first (1-4).' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @ArrayUnique()
  @IsIpAddress({ each: true })
  internalIps!: string[];
}

@InputType('UpdateNodeInput')
export class UpdateNodeInput extends NodeFieldsInput {
  @Prop('string', { nullable: true, array: true, description: 'InternalIP addresses, primary first (1-4).' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @ArrayUnique()
  @IsIpAddress({ each: true })
  internalIps?: string[];
}

@ObjectType('Node')
export class NodeView {
  @Prop('string') id!: string;
  @Prop('string') clusterId!: string;
  @Prop('string') name!: string;
  @Prop('string', { array: true }) internalIps!: string[];
  @Prop('string', { nullable: true }) externalIp!: string | null;
  @Prop('string', { array: true }) podCidrs!: string[];
  @Prop('stringMap') labels!: Record<string, string>;
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

export const NodePage = Paginated(NodeView, 'NodePage');
