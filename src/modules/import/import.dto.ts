import { ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { Prop } from '../../common/prop';
import { E, LocalDetector, ProxyMode } from '../topology/enums';

/** The document's format (GraphQL); over REST the Content-Type says it. */
export const ImportFormat = { JSON: 'JSON', YAML: 'YAML' } as const;
export type ImportFormat = (typeof ImportFormat)[keyof typeof ImportFormat];
registerEnumType(ImportFormat, {
  name: 'ImportFormat',
  description: 'JSON = a `kubectl get ... -o json` document (a v1 List); YAML = a multi-document YAML stream',
});

/**
 * merge: upsert what the document holds, touch nothing else. replace: the document is the whole
 * truth for every kind it carries (a snapshot): stored objects of those kinds it lacks are deleted.
 */
export const ImportMode = { MERGE: 'merge', REPLACE: 'replace' } as const;
export type ImportMode = (typeof ImportMode)[keyof typeof ImportMode];
registerEnumType(ImportMode, {
  name: 'ImportMode',
  description:
    'MERGE = upsert what the document holds (the default); REPLACE = the document is a snapshot: for every kind it carries, stored objects of that kind it lacks are deleted',
});

/** The kinds a replace import may declare it carries (even with no object of them: a kind the cluster emptied). */
export const ImportKind = {
  NODES: 'nodes',
  PODS: 'pods',
  SERVICES: 'services',
  ENDPOINT_SLICES: 'endpointSlices',
  NAMESPACES: 'namespaces',
  NETWORK_POLICIES: 'networkPolicies',
} as const;
export type ImportKind = (typeof ImportKind)[keyof typeof ImportKind];
registerEnumType(ImportKind, {
  name: 'ImportKind',
  description:
    'A kind a replace import declares it carries: what the snapshot lacks of it is deleted, even when it holds none.',
});

/** The import's query string (REST). */
export class ImportQuery {
  @ApiPropertyOptional({
    enum: Object.values(ImportMode),
    enumName: 'ImportMode',
    default: 'merge',
    description:
      'merge = upsert what the document holds; replace = the document is a snapshot: for every kind it carries, stored objects of that kind it lacks are deleted.',
  })
  @IsOptional()
  @IsIn(Object.values(ImportMode), { message: 'mode must be merge or replace' })
  mode?: ImportMode;

  @ApiPropertyOptional({
    description:
      'With mode=replace: kinds the snapshot carries even if it holds none of them (comma-separated: nodes, pods, services, endpointslices, namespaces, networkpolicies), so that a kind the cluster emptied is emptied here too. The kinds with objects in the document are carried anyway. E.g. `nodes,pods,services,endpointslices`.',
  })
  @IsOptional()
  @IsString()
  @Matches(/^((nodes|pods|services|endpointslices|namespaces|networkpolicies)(,|$))+$/i, {
    message:
      'kinds must be a comma-separated list of nodes, pods, services, endpointslices, namespaces, networkpolicies',
  })
  kinds?: string;
}

/** The kinds a query names, as the import's counts name them. */
export function kindsOf(list: string | undefined): ImportKind[] {
  if (!list) return [];
  const byQueryName = new Map(Object.values(ImportKind).map((k) => [k.toLowerCase(), k]));
  return [
    ...new Set(
      list
        .split(',')
        .filter(Boolean)
        .map((k) => byQueryName.get(k.toLowerCase())!),
    ),
  ];
}

/** The media types the import route accepts, by what the parser reads. */
export const JSON_TYPES = ['application/json'];
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
/** A whole dump directory (kubectl cluster-info dump, sonobuoy, a support bundle) as one .tar.gz (or .tar). */
export const ARCHIVE_TYPES = ['application/gzip', 'application/x-gzip', 'application/x-tar', 'application/x-gtar'];

@ObjectType('ImportCounts')
export class ImportCounts {
  @Prop('int') nodes!: number;
  @Prop('int') pods!: number;
  @Prop('int') services!: number;
  @Prop('int', { description: 'Including the EndpointSlices converted from legacy Endpoints.' })
  endpointSlices!: number;
  @Prop('int') namespaces!: number;
  @Prop('int') networkPolicies!: number;
}

@ObjectType('ImportSkippedItem')
export class ImportSkippedItemView {
  @Prop('int', {
    description:
      'Position of the object in the document, counted over every object after Lists are unwrapped (0-based).',
  })
  index!: number;
  @Prop('string', { nullable: true, description: 'The file of the dump archive the object is in (archives only).' })
  source?: string | null;
  @Prop('string') kind!: string;
  @Prop('string') apiVersion!: string;
  @Prop('string', { nullable: true, description: '"namespace/name", or "name" for cluster-scoped objects.' }) name!:
    string | null;
  @Prop('string') reason!: string;
}

@ObjectType('ImportWarning')
export class ImportWarningView {
  @Prop('int', { description: 'As ImportSkippedItem.index; -1 for the document itself.' }) index!: number;
  @Prop('string', { nullable: true, description: 'The file of the dump archive (archives only).' }) source?:
    string | null;
  @Prop('string') kind!: string;
  @Prop('string', { nullable: true }) name!: string | null;
  @Prop('string') message!: string;
}

@ObjectType('ImportKubeProxy', {
  description:
    'The kube-proxy options the document set on the cluster. A KubeProxyConfiguration is the whole configuration: what it leaves empty takes kube-proxy\'s default (mode "" = iptables). Only redacted values, and the cluster\'s pod ranges once it has some, are left as they were (null here).',
})
export class ImportKubeProxyView {
  @Prop(E.ProxyMode, { nullable: true }) proxyMode?: ProxyMode;
  @Prop('string', {
    nullable: true,
    array: true,
    description:
      "The cluster's pod ranges (clusterCidrs), taken from clusterCIDR only when the cluster had none; null when left as they were.",
  })
  clusterCidrs?: string[];
  @Prop('string', {
    nullable: true,
    array: true,
    description:
      "kube-proxy's own clusterCIDR, stored as kubeProxy.clusterCidrs ([] when the document has none: kube-proxy then has none); null when redacted.",
  })
  kubeProxyClusterCidrs?: string[];
  @Prop(E.LocalDetector, {
    nullable: true,
    description: "CLUSTER_CIDR when the document gives cluster CIDRs and no detectLocalMode (kube-proxy's default).",
  })
  localDetector?: LocalDetector;
  @Prop('boolean', { nullable: true }) masqueradeAll?: boolean;
  @Prop('boolean', { nullable: true }) localhostNodePorts?: boolean;
  @Prop('string', { nullable: true, array: true }) nodePortAddresses?: string[];
}

@ObjectType('ImportArchiveFile')
export class ImportArchiveFileView {
  @Prop('string') path!: string;
  @Prop('string', { nullable: true, description: 'Why the file was not read (null: it was read).' }) skipped!:
    string | null;
}

@ObjectType('ImportArchive', { description: 'What an uploaded dump archive held.' })
export class ImportArchiveView {
  @Prop('string', {
    description:
      'cluster-info-dump (kubectl cluster-info dump), sonobuoy, support-bundle (troubleshoot), or unknown (every JSON/YAML file read).',
  })
  layout!: string;
  @Prop('string', { array: true, description: 'The files read, as their paths in the archive.' }) read!: string[];
  @Prop(ImportArchiveFileView, {
    array: true,
    description: 'Every other file, with the reason (at most 1,000, then one entry counting the rest).',
  })
  skipped!: ImportArchiveFileView[];
}

@ObjectType('ImportReport')
export class ImportReportView {
  @Prop(ImportCounts) created!: ImportCounts;
  @Prop(ImportCounts) updated!: ImportCounts;
  @Prop(ImportCounts, { description: 'Already stored exactly as the document has them.' }) unchanged!: ImportCounts;
  @Prop(ImportCounts, {
    description:
      'Deleted by a replace import: stored objects of a kind the document carries that it does not hold (always 0 in merge mode). EndpointSlices include those of deleted Services.',
  })
  deleted!: ImportCounts;
  @Prop(ImportSkippedItemView, {
    array: true,
    description: 'Objects not imported (unsupported kinds and versions), with the reason.',
  })
  skipped!: ImportSkippedItemView[];
  @Prop(ImportWarningView, { array: true }) warnings!: ImportWarningView[];
  @Prop(ImportKubeProxyView, { nullable: true, description: 'null when the document has no KubeProxyConfiguration.' })
  kubeProxy!: ImportKubeProxyView | null;
  @Prop('int', { description: "The cluster's version after the import (unchanged when the import changed nothing)." })
  clusterVersion!: number;
  @Prop(ImportArchiveView, { nullable: true, description: 'null unless a dump archive (.tar.gz) was uploaded.' })
  archive?: ImportArchiveView | null;
}

export const zeroCounts = (): ImportCounts => ({
  nodes: 0,
  pods: 0,
  services: 0,
  endpointSlices: 0,
  namespaces: 0,
  networkPolicies: 0,
});
