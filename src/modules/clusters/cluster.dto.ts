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
  ValidateNested,
} from 'class-validator';
import { InputType, ObjectType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import { IsCidr, IsDns1123Subdomain, IsKubernetesVersion } from '../../common/validators';
import { E, LocalDetector, NetworkModel, Profile, ProxyMode } from '../topology/enums';
import { Paginated } from '../topology/paging';

@InputType('NodePortRangeInput')
@ObjectType('NodePortRange')
export class NodePortRange {
  @Prop('int', { minimum: 1, maximum: 65535, example: 30000 }) @IsInt() @Min(1) @Max(65535) min!: number;
  @Prop('int', { minimum: 1, maximum: 65535, example: 32767 }) @IsInt() @Min(1) @Max(65535) max!: number;
}

@InputType('KubeProxyOptionsInput')
export class KubeProxyOptionsInput {
  @Prop('boolean', { nullable: true, description: 'iptables/nftables masqueradeAll: SNAT all Service traffic.' })
  @IsOptional()
  @IsBoolean()
  masqueradeAll?: boolean;

  @Prop(E.LocalDetector, {
    nullable: true,
    description: 'detectLocalMode. Default CLUSTER_CIDR (NONE when the cluster has no pod CIDRs).',
  })
  @IsOptional()
  @IsIn(Object.values(LocalDetector))
  localDetector?: LocalDetector;

  @Prop('string', {
    nullable: true,
    array: true,
    description: 'nodePortAddresses: CIDRs, or ["primary"]; empty = every node IP.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsString({ each: true })
  nodePortAddresses?: string[];

  @Prop('boolean', { nullable: true, description: 'iptables.localhostNodePorts (default true).' })
  @IsOptional()
  @IsBoolean()
  localhostNodePorts?: boolean;

  @Prop('string', {
    nullable: true,
    array: true,
    example: ['10.244.0.0/16'],
    description:
      "kube-proxy's own clusterCIDR, the ranges its ClusterCIDR detector takes for pod traffic: at most one per IP family; [] = none (the detector recognises no pod). null (the default) = the same as clusterCidrs. It may lie outside clusterCidrs (the cluster then carries a warning).",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @IsString({ each: true })
  clusterCidrs?: string[] | null;
}

@ObjectType('KubeProxyOptions')
export class KubeProxyOptions {
  @Prop('boolean') masqueradeAll!: boolean;
  @Prop(E.LocalDetector) localDetector!: LocalDetector;
  @Prop('string', { array: true }) nodePortAddresses!: string[];
  @Prop('boolean') localhostNodePorts!: boolean;
  @Prop('string', {
    nullable: true,
    array: true,
    description: "kube-proxy's own clusterCIDR ([] = none); null = the same as clusterCidrs.",
  })
  clusterCidrs!: string[] | null;
}

/** Settings shared by create and update; every one optional (create fills in defaults). */
@InputType({ isAbstract: true })
abstract class ClusterSettingsInput {
  @Prop(E.Profile, { nullable: true, description: 'Default KUBERNETES.' })
  @IsOptional()
  @IsIn(Object.values(Profile))
  profile?: Profile;

  @Prop('string', { nullable: true, example: '1.31', description: 'Default 1.31.' })
  @IsOptional()
  @IsKubernetesVersion()
  kubernetesVersion?: string;

  @Prop(E.NetworkModel, { nullable: true, description: 'Default TUNNEL (CLOUD_NATIVE_2 for CCE_TURBO).' })
  @IsOptional()
  @IsIn(Object.values(NetworkModel))
  networkModel?: NetworkModel;

  @Prop(E.ProxyMode, { nullable: true, description: 'Default IPTABLES.' })
  @IsOptional()
  @IsIn(Object.values(ProxyMode))
  proxyMode?: ProxyMode;

  @Prop('string', {
    nullable: true,
    array: true,
    example: ['172.16.0.0/16'],
    description:
      "Pod CIDRs; at most one per IP family. kube-proxy's own clusterCIDR is kubeProxy.clusterCidrs, these unless set. A Service CIDR may overlap them (the cluster then carries a warning).",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @IsCidr({ each: true })
  clusterCidrs?: string[];

  @Prop('string', {
    nullable: true,
    array: true,
    example: ['10.247.0.0/16'],
    description:
      'Service CIDRs; default 10.96.0.0/12 (10.247.0.0/16 for CCE); at most one per IP family, at most /12 (IPv4) or /108 (IPv6). They may overlap clusterCidrs, as Kubernetes allows; pod IPs and node pod CIDRs must then lie outside them.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @IsCidr({ each: true })
  serviceCidrs?: string[];

  @Prop(NodePortRange, { nullable: true, description: 'Default 30000-32767.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NodePortRange)
  nodePortRange?: NodePortRange;

  @Prop(KubeProxyOptionsInput, { nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => KubeProxyOptionsInput)
  kubeProxy?: KubeProxyOptionsInput;

  @Prop('boolean', {
    nullable: true,
    example: true,
    description:
      "Whether the network plugin enforces NetworkPolicy; null (the default) = the profile's default. A PATCH that leaves it out keeps it; null resets it.",
  })
  @IsOptional()
  @IsBoolean()
  networkPolicyEnforced?: boolean | null;
}

@InputType('CreateClusterInput')
export class CreateClusterInput extends ClusterSettingsInput {
  @Prop('string', { example: 'prod-eu', description: 'DNS-1123 subdomain, unique in the tenant.' })
  @IsString()
  @MaxLength(253)
  @IsDns1123Subdomain()
  name!: string;
}

@InputType('UpdateClusterInput')
export class UpdateClusterInput extends ClusterSettingsInput {
  @Prop('string', { nullable: true }) @IsOptional() @IsString() @MaxLength(253) @IsDns1123Subdomain() name?: string;
}

@ObjectType('Cluster')
export class ClusterView {
  @Prop('string', { description: 'UUID' }) id!: string;
  @Prop('string') name!: string;
  @Prop(E.Profile) profile!: Profile;
  @Prop('string') kubernetesVersion!: string;
  @Prop(E.NetworkModel) networkModel!: NetworkModel;
  @Prop(E.ProxyMode) proxyMode!: ProxyMode;
  @Prop('string', { array: true }) clusterCidrs!: string[];
  @Prop('string', { array: true }) serviceCidrs!: string[];
  @Prop(NodePortRange) nodePortRange!: NodePortRange;
  @Prop(KubeProxyOptions) kubeProxy!: KubeProxyOptions;
  @Prop('boolean', {
    nullable: true,
    description: "Whether the network plugin enforces NetworkPolicy; null = the profile's default.",
  })
  networkPolicyEnforced!: boolean | null;
  @Prop('int', {
    description:
      'Bumped by every change to the cluster or anything in it (a PATCH that changes nothing leaves it); its ETag is this number, quoted.',
  })
  version!: number;
  @Prop('string', { description: 'RFC 3339' }) createdAt!: string;
  @Prop('string', { description: 'RFC 3339' }) updatedAt!: string;
  @Prop('string', {
    array: true,
    description:
      "Notes on settings that were accepted but change what the cluster may hold or how it behaves; empty when there are none. One per Service CIDR that overlaps a pod CIDR, naming both: node IPAM leaves the Service range out of the pod CIDRs it hands out, so pod IPs and node pod CIDRs inside it are refused. With the ClusterCIDR detector, one per pod range that kubeProxy.clusterCidrs has no CIDR of its IP family for, or whose family's CIDR there does not overlap it: kube-proxy then recognises none of those pods. Derived from the settings, so every read carries them.",
    example: [
      'serviceCidrs[0] 10.96.0.0/12 overlaps clusterCidrs[0] 10.0.0.0/8: node IPAM leaves the Service range out of the pod CIDRs it hands out (kube-controller-manager filterOutServiceRange, occupyServiceCIDR), so pod IPs and node pod CIDRs inside 10.96.0.0/12 are refused',
    ],
  })
  warnings!: string[];
}

export const ClusterPage = Paginated(ClusterView, 'ClusterPage');
