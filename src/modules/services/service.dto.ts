import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { InputType, ObjectType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import {
  IsAnnotationMap,
  IsCidr,
  IsDns1123Label,
  IsDns1123Subdomain,
  IsIntOrPortName,
  IsIpAddress,
  IsLabelMap,
} from '../../common/validators';
import {
  E,
  IpMode,
  LoadBalancerTarget,
  Protocol,
  ServiceType,
  SessionAffinity,
  TRAFFIC_DISTRIBUTIONS,
  TrafficPolicy,
} from '../topology/enums';
import { Paginated } from '../topology/paging';

@InputType('ServicePortInput')
export class ServicePortInput {
  @Prop('string', { nullable: true, example: 'http', description: 'Required when the Service has several ports.' })
  @IsOptional()
  @IsString()
  @IsDns1123Label()
  name?: string | null;

  @Prop(E.Protocol, { nullable: true, description: 'Default TCP.' })
  @IsOptional()
  @IsIn(Object.values(Protocol))
  protocol?: Protocol;

  @Prop('int', { minimum: 1, maximum: 65535, example: 80 })
  @IsInt()
  @Min(1)
  @Max(65535)
  port!: number;

  @Prop('intOrString', {
    nullable: true,
    example: 8080,
    description: 'A port number or a container port name; default = port.',
  })
  @IsOptional()
  @IsIntOrPortName()
  targetPort?: number | string;

  @Prop('int', {
    nullable: true,
    example: 30080,
    description: 'NodePort/LoadBalancer only; allocated from the cluster range when omitted.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  nodePort?: number | null;
}

@InputType('LoadBalancerIngressInput')
export class LoadBalancerIngressInput {
  @Prop('string', { example: '192.168.0.133' }) @IsIpAddress() ip!: string;

  @Prop(E.IpMode, { nullable: true, description: 'Default VIP.' })
  @IsOptional()
  @IsIn(Object.values(IpMode))
  ipMode?: IpMode;
}

@InputType({ isAbstract: true })
abstract class ServiceFieldsInput {
  @Prop(E.ServiceType, { nullable: true, description: 'Default ClusterIP.' })
  @IsOptional()
  @IsIn(Object.values(ServiceType))
  type?: ServiceType;

  @Prop('stringMap', {
    nullable: true,
    example: { app: 'backend' },
    description: 'Pods with these labels back the Service; null = no selector (endpoints come from EndpointSlices).',
  })
  @IsOptional()
  @IsLabelMap()
  selector?: Record<string, string> | null;

  @Prop(ServicePortInput, { nullable: true, array: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ServicePortInput)
  ports?: ServicePortInput[];

  @Prop('string', {
    nullable: true,
    array: true,
    example: ['10.247.0.10'],
    description: '["None"] = headless; omitted = allocated from the Service CIDR.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @IsString({ each: true })
  @ValidateIf((o: ServiceFieldsInput) => !(o.clusterIps?.length === 1 && o.clusterIps[0] === 'None'))
  @IsIpAddress({ each: true })
  clusterIps?: string[];

  @Prop('string', { nullable: true, array: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsIpAddress({ each: true })
  externalIps?: string[];

  @Prop(LoadBalancerIngressInput, {
    nullable: true,
    array: true,
    description: 'status.loadBalancer.ingress (LoadBalancer only).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => LoadBalancerIngressInput)
  loadBalancerIngress?: LoadBalancerIngressInput[];

  @Prop('string', { nullable: true, array: true, example: ['203.0.113.0/24'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsCidr({ each: true })
  loadBalancerSourceRanges?: string[];

  @Prop('string', {
    nullable: true,
    array: true,
    example: ['a1b2c3.elb.us-east-1.amazonaws.com'],
    description:
      'status.loadBalancer.ingress[].hostname of load balancers known only by name (LoadBalancer only): DNS-1123 subdomains, at most 16.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  @IsDns1123Subdomain({ each: true })
  loadBalancerHostnames?: string[];

  @Prop(E.LoadBalancerTarget, {
    nullable: true,
    description:
      "Where the cloud load balancer delivers (LoadBalancer only): NODES or PODS (container-native). null = not stated: then the AWS controller's service.beta.kubernetes.io/aws-load-balancer-nlb-target-type annotation, else NODES when the port has a NodePort, else unknown.",
  })
  @IsOptional()
  @IsIn(Object.values(LoadBalancerTarget))
  loadBalancerTarget?: LoadBalancerTarget | null;

  @Prop(E.TrafficPolicy, {
    nullable: true,
    description: 'Default Cluster. Local: only for NodePort/LoadBalancer or with externalIps.',
  })
  @IsOptional()
  @IsIn(Object.values(TrafficPolicy))
  externalTrafficPolicy?: TrafficPolicy;

  @Prop(E.TrafficPolicy, { nullable: true, description: 'Default Cluster.' })
  @IsOptional()
  @IsIn(Object.values(TrafficPolicy))
  internalTrafficPolicy?: TrafficPolicy;

  @Prop('int', {
    nullable: true,
    description: 'LoadBalancer with externalTrafficPolicy Local only; allocated when omitted.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  healthCheckNodePort?: number | null;

  @Prop('boolean', { nullable: true, description: 'Default false.' })
  @IsOptional()
  @IsBoolean()
  publishNotReadyAddresses?: boolean;

  @Prop(E.SessionAffinity, {
    nullable: true,
    description:
      'spec.sessionAffinity. Default None. ClientIP: connections from one client IP go to the same endpoint for sessionAffinityTimeoutSeconds.',
  })
  @IsOptional()
  @IsIn(Object.values(SessionAffinity))
  sessionAffinity?: SessionAffinity;

  @Prop('int', {
    nullable: true,
    minimum: 1,
    maximum: 86400,
    example: 10800,
    description:
      'spec.sessionAffinityConfig.clientIP.timeoutSeconds: with ClientIP only, 1-86400; null or omitted = 10800 (an update keeps the current value). Setting sessionAffinity to None clears it.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86400)
  sessionAffinityTimeoutSeconds?: number | null;

  @Prop('string', {
    nullable: true,
    example: 'PreferSameZone',
    description: `spec.trafficDistribution: ${TRAFFIC_DISTRIBUTIONS.join(', ')} (PreferClose is the deprecated name of PreferSameZone); null = no preference (the default).`,
  })
  @IsOptional()
  @IsString()
  @IsIn(TRAFFIC_DISTRIBUTIONS)
  trafficDistribution?: string | null;

  @Prop('stringMap', { nullable: true })
  @IsOptional()
  @IsLabelMap()
  labels?: Record<string, string>;

  @Prop('stringMap', { nullable: true, example: { 'kubernetes.io/elb.class': 'performance' } })
  @IsOptional()
  @IsAnnotationMap()
  annotations?: Record<string, string>;
}

@InputType('CreateServiceInput')
export class CreateServiceInput extends ServiceFieldsInput {
  @Prop('string', { example: 'default' }) @IsString() @IsDns1123Label() namespace!: string;
  @Prop('string', { example: 'backend', description: 'DNS-1123 label (a Service name is a DNS label).' })
  @IsString()
  @MaxLength(63)
  @IsDns1123Subdomain()
  @IsDns1123Label()
  name!: string;
}

@InputType('UpdateServiceInput')
export class UpdateServiceInput extends ServiceFieldsInput {}

@ObjectType('ServicePort')
export class ServicePortView {
  @Prop('string', { nullable: true }) name!: string | null;
  @Prop(E.Protocol) protocol!: Protocol;
  @Prop('int') port!: number;
  @Prop('intOrString') targetPort!: number | string;
  @Prop('int', { nullable: true }) nodePort!: number | null;
}

@ObjectType('LoadBalancerIngress')
export class LoadBalancerIngressView {
  @Prop('string') ip!: string;
  @Prop(E.IpMode) ipMode!: IpMode;
}

@ObjectType('Service')
export class ServiceView {
  @Prop('string') id!: string;
  @Prop('string') clusterId!: string;
  @Prop('string') namespace!: string;
  @Prop('string') name!: string;
  @Prop(E.ServiceType) type!: ServiceType;
  @Prop('stringMap', { nullable: true }) selector!: Record<string, string> | null;
  @Prop(ServicePortView, { array: true }) ports!: ServicePortView[];
  @Prop('boolean', { description: 'clusterIP None: DNS only, no virtual IP, no kube-proxy rules.' }) headless!: boolean;
  @Prop('string', { array: true }) clusterIps!: string[];
  @Prop('string', { array: true }) externalIps!: string[];
  @Prop(LoadBalancerIngressView, { array: true }) loadBalancerIngress!: LoadBalancerIngressView[];
  @Prop('string', { array: true }) loadBalancerSourceRanges!: string[];
  @Prop('string', { array: true, description: 'Load balancers known only by hostname.' })
  loadBalancerHostnames!: string[];
  @Prop(E.LoadBalancerTarget, {
    nullable: true,
    description: 'Where the cloud load balancer delivers; null = not stated.',
  })
  loadBalancerTarget!: LoadBalancerTarget | null;
  @Prop(E.TrafficPolicy) externalTrafficPolicy!: TrafficPolicy;
  @Prop(E.TrafficPolicy) internalTrafficPolicy!: TrafficPolicy;
  @Prop('int', { nullable: true }) healthCheckNodePort!: number | null;
  @Prop('boolean') publishNotReadyAddresses!: boolean;
  @Prop(E.SessionAffinity) sessionAffinity!: SessionAffinity;
  @Prop('int', {
    nullable: true,
    description: 'With ClientIP: the affinity timeout in seconds (1-86400); null with None.',
  })
  sessionAffinityTimeoutSeconds!: number | null;
  @Prop('string', {
    nullable: true,
    description:
      'spec.trafficDistribution, or null (no preference). An import keeps a value this version does not know (with a warning), so it may be another string.',
  })
  trafficDistribution!: string | null;
  @Prop('stringMap') labels!: Record<string, string>;
  @Prop('stringMap') annotations!: Record<string, string>;
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

export const ServicePage = Paginated(ServiceView, 'ServicePage');
