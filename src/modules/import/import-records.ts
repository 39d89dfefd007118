import { Node, Pod, Service, EndpointSlice } from '../../generated/prisma/client';
import { ServiceSpec } from '../services/service-spec';
import { UpdateServiceInput } from '../services/service.dto';
import { ItemFailure } from './import-errors';
import type { ContainerPortRecord, EndpointSliceRecord, ServiceRecord } from './parse';

/** Pure helpers of the import: record → row data, the limits of the API, and change detection. */

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** The REST/GraphQL limits (IsLabelMap, IsAnnotationMap), so an import stores nothing an update could not. */
const MAX_ENTRIES = 64;
const MAX_ANNOTATION = 4096;

/**
 * Whether two JSON-like values are equal whatever their objects' key order (jsonb reorders keys):
 * as JSON with sorted keys would say, without building and sorting strings (an unchanged snapshot
 * compares 165,000 objects). A property whose value is undefined counts as absent.
 */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    defined += 1;
    if (!same(x[k], y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) defined -= 1;
  return defined === 0;
}

export function checkLabels(
  kind: string,
  name: string,
  labels: Record<string, string>,
  field = 'metadata.labels',
): void {
  const n = Object.keys(labels).length;
  if (n > MAX_ENTRIES)
    throw new ItemFailure(
      'VALIDATION_FAILED',
      kind,
      name,
      field,
      `has ${n} entries; at most ${MAX_ENTRIES} are stored`,
    );
}

/**
 * A Service's annotations within the API's limits: kubectl's last-applied-configuration (a copy of
 * the manifest, often over the limit, of no use to the analyses) is dropped and `onDrop` told;
 * anything else over a limit is rejected naming it, never truncated.
 */
export function serviceAnnotations(rec: ServiceRecord, onDrop: () => void): Record<string, string> {
  const name = `${rec.namespace}/${rec.name}`;
  const out = { ...rec.annotations };
  if (LAST_APPLIED in out) {
    delete out[LAST_APPLIED];
    onDrop();
  }
  const n = Object.keys(out).length;
  if (n > MAX_ENTRIES)
    throw new ItemFailure(
      'VALIDATION_FAILED',
      'Service',
      name,
      'metadata.annotations',
      `has ${n} entries; at most ${MAX_ENTRIES} are stored`,
    );
  for (const [key, value] of Object.entries(out)) {
    if (value.length > MAX_ANNOTATION) {
      throw new ItemFailure(
        'VALIDATION_FAILED',
        'Service',
        name,
        `metadata.annotations[${JSON.stringify(key)}]`,
        `is ${value.length} characters long; at most ${MAX_ANNOTATION} are stored`,
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------- nodes

/** Every kind's data carries `unknownFields`: the fields the document redacted (stored without their value). */
export type NodeData = Pick<Node, 'internalIps' | 'externalIp' | 'podCidrs'> & {
  labels: Record<string, string>;
  unknownFields: string[];
};

export const nodeRowData = (row: Node): NodeData => ({
  internalIps: row.internalIps,
  externalIp: row.externalIp,
  podCidrs: row.podCidrs,
  labels: row.labels as Record<string, string>,
  unknownFields: row.unknownFields,
});

// ---------------------------------------------------------------- pods

export type PodData = Pick<Pod, 'nodeName' | 'ips' | 'hostNetwork' | 'phase' | 'ready' | 'terminating'> & {
  labels: Record<string, string>;
  containerPorts: ContainerPortRecord[];
  unknownFields: string[];
};

export const podRowData = (row: Pod): PodData => ({
  labels: row.labels as Record<string, string>,
  nodeName: row.nodeName,
  ips: row.ips,
  hostNetwork: row.hostNetwork,
  phase: row.phase,
  ready: row.ready,
  terminating: row.terminating,
  containerPorts: row.containerPorts as unknown as ContainerPortRecord[],
  unknownFields: row.unknownFields,
});

// ---------------------------------------------------------------- services

/** The record as a Service input of the shared write path (resolveSpec), which validates it as REST does. */
export function serviceInput(rec: ServiceRecord, annotations: Record<string, string>): UpdateServiceInput {
  return {
    type: rec.type,
    selector: rec.selector,
    ports: rec.ports.map((p) => ({
      name: p.name,
      protocol: p.protocol,
      port: p.port,
      targetPort: p.targetPort,
      nodePort: p.nodePort,
    })),
    clusterIps: rec.clusterIps,
    externalIps: rec.externalIps,
    loadBalancerIngress: rec.loadBalancerIngress,
    loadBalancerSourceRanges: rec.loadBalancerSourceRanges,
    loadBalancerHostnames: rec.loadBalancerHostnames,
    externalTrafficPolicy: rec.externalTrafficPolicy,
    internalTrafficPolicy: rec.internalTrafficPolicy,
    healthCheckNodePort: rec.healthCheckNodePort,
    publishNotReadyAddresses: rec.publishNotReadyAddresses,
    sessionAffinity: rec.sessionAffinity,
    sessionAffinityTimeoutSeconds: rec.sessionAffinityTimeoutSeconds,
    trafficDistribution: rec.trafficDistribution,
    labels: rec.labels,
    annotations,
  };
}

const SPEC_KEYS = [
  'type',
  'selector',
  'ports',
  'clusterIps',
  'externalIps',
  'loadBalancerIngress',
  'loadBalancerSourceRanges',
  'loadBalancerHostnames',
  'loadBalancerTarget',
  'externalTrafficPolicy',
  'internalTrafficPolicy',
  'healthCheckNodePort',
  'publishNotReadyAddresses',
  'sessionAffinity',
  'sessionAffinityTimeoutSeconds',
  'trafficDistribution',
  'labels',
  'annotations',
] as const satisfies readonly (keyof ServiceSpec)[];

/** A Service's data in an import: its spec, and the fields the document redacted. */
export type ServiceData = ServiceSpec & { unknownFields: string[] };

export const serviceRowSpec = (row: Service): ServiceData => ({
  ...(Object.fromEntries(SPEC_KEYS.map((k) => [k, row[k]])) as unknown as ServiceSpec),
  unknownFields: row.unknownFields,
});

// ---------------------------------------------------------------- EndpointSlices

export type SliceData = Pick<EndpointSliceRecord, 'serviceName' | 'addressType' | 'ports' | 'endpoints'> & {
  unknownFields: string[];
};

export const sliceData = (rec: EndpointSliceRecord): SliceData => ({
  serviceName: rec.serviceName,
  addressType: rec.addressType,
  ports: rec.ports,
  endpoints: rec.endpoints,
  unknownFields: rec.unknown ?? [],
});

export const sliceRowData = (row: EndpointSlice): SliceData => ({
  serviceName: row.serviceName,
  addressType: row.addressType as SliceData['addressType'],
  ports: row.ports as unknown as SliceData['ports'],
  endpoints: row.endpoints as unknown as SliceData['endpoints'],
  unknownFields: row.unknownFields,
});
