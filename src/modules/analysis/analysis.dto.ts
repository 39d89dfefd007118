import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { InputType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import { IsIpAddress } from '../../common/validators';
import { E, Protocol } from '../topology/enums';

export const NS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const NS_NAME_MESSAGE = (what: string) => ({ message: `${what} must be "namespace/name"` });

// ---------------------------------------------------------------- inputs

@InputType('ExternalClientInput')
export class ExternalClientInput {
  @Prop('string', { description: 'PUBLIC (the internet) or PRIVATE (the VPC network).', example: 'PUBLIC' })
  @IsIn(['PUBLIC', 'PRIVATE'])
  network!: 'PUBLIC' | 'PRIVATE';

  @Prop('string', { nullable: true, example: '198.51.100.7', description: "The client's address, when known." })
  @IsOptional()
  @IsIpAddress()
  ip?: string;
}

@InputType('ClientInput')
export class ClientInput {
  @Prop('string', { nullable: true, example: 'default/frontend-1', description: 'A pod, "namespace/name".' })
  @IsOptional()
  @IsString()
  @Matches(NS_NAME, NS_NAME_MESSAGE('pod'))
  pod?: string;

  @Prop('string', { nullable: true, example: 'node-1', description: "A node's host network." })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  node?: string;

  @Prop(ExternalClientInput, { nullable: true, description: 'A client outside the cluster.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ExternalClientInput)
  external?: ExternalClientInput;
}

@InputType('ReachabilityInput')
export class ReachabilityInput {
  @Prop(ClientInput, { description: 'Exactly one of pod, node, external.' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ClientInput)
  client!: ClientInput;

  @Prop('string', {
    nullable: true,
    example: 'default/backend-nodeport',
    description: '"namespace/name" of the Service. Exactly one of service, pod and ip.',
  })
  @IsOptional()
  @IsString()
  @Matches(NS_NAME, NS_NAME_MESSAGE('service'))
  service?: string;

  @Prop('string', {
    nullable: true,
    description:
      'A pod target, "namespace/name": the client addresses the pod\'s own IP (one result, via POD_IP), with port.',
  })
  @IsOptional()
  @IsString()
  @Matches(NS_NAME, NS_NAME_MESSAGE('pod'))
  pod?: string;

  @Prop('string', {
    nullable: true,
    description:
      "An address target (one result, via IP), with port: an address outside the cluster, judged by the client pod's egress policies.",
  })
  @IsOptional()
  @IsIpAddress()
  ip?: string;

  @Prop('int', {
    nullable: true,
    example: 80,
    description:
      'With service: only this Service port (all ports when omitted). With pod or ip: the destination port (required).',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @Prop(E.Protocol, { nullable: true, description: 'With pod or ip: the protocol (default TCP).' })
  @IsOptional()
  @IsIn(Object.values(Protocol))
  protocol?: Protocol;
}

@InputType('TraceSourceInput')
export class TraceSourceInput {
  @Prop('string', { nullable: true, example: 'default/frontend-1' })
  @IsOptional()
  @IsString()
  @Matches(NS_NAME, NS_NAME_MESSAGE('pod'))
  pod?: string;

  @Prop('string', {
    nullable: true,
    example: 'node-3',
    description: "A node's host network (with ip: which of its addresses).",
  })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  node?: string;

  @Prop('string', {
    nullable: true,
    example: '198.51.100.7',
    description: 'A source address; alone, it is resolved to the pod or node that owns it, else it is external.',
  })
  @IsOptional()
  @IsIpAddress()
  ip?: string;
}

@InputType('TraceDestinationInput')
export class TraceDestinationInput {
  @Prop('string', { example: '10.247.0.1' }) @IsIpAddress() ip!: string;
  @Prop('int', { example: 80 }) @IsInt() @Min(1) @Max(65535) port!: number;
  @Prop(E.Protocol, { nullable: true, description: 'Default TCP.' })
  @IsOptional()
  @IsIn(Object.values(Protocol))
  protocol?: Protocol;
}

@InputType('TraceInput')
export class TraceInput {
  @Prop(TraceSourceInput)
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => TraceSourceInput)
  source!: TraceSourceInput;
  @Prop(TraceDestinationInput)
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => TraceDestinationInput)
  destination!: TraceDestinationInput;
  @Prop('string', {
    nullable: true,
    example: 'node-1',
    description: 'The node that processes the packet (needed for LB/externalIP traffic).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  node?: string;
}
