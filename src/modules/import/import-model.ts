import type {
  ClusterModel,
  ContainerPortModel,
  EndpointSliceModel,
  ModelChange,
  NodeModel,
  PodModel,
  PodPhase,
} from '../../engine';
import { EndpointSlice, Node, Pod, Service } from '../../generated/prisma/client';
import { assembleModel, PolicyObjects, serviceModelOf, ServiceRow } from '../analysis/topology-loader';
import { ClusterRow } from '../topology/cluster-store';
import { TenantTx } from '../../prisma/prisma.service';
import {
  NodeData,
  nodeRowData,
  PodData,
  podRowData,
  ServiceData,
  serviceRowSpec,
  SliceData,
  sliceRowData,
} from './import-records';
import { Change, Deletions } from './import-writes';

/** The cluster's stored objects before an import, by the import's keys (`name`, `namespace/name`): the columns an import compares and keeps. */
export interface ExistingRows {
  nodes: Map<string, Node>;
  pods: Map<string, Pod>;
  services: Map<string, Service>;
  slices: Map<string, EndpointSlice>;
}

const SCOPE = 'WHERE tenant_id = $1::uuid AND cluster_id = $2::uuid';
const EXISTING = {
  nodes: `SELECT id::text, name, internal_ips AS "internalIps", external_ip AS "externalIp", pod_cidrs AS "podCidrs", labels,
      coalesce(unknown_fields, '{}') AS "unknownFields" FROM nodes ${SCOPE}`,
  pods: `SELECT id::text, namespace, name, labels, node_name AS "nodeName", ips, host_network AS "hostNetwork", phase, ready, terminating,
      container_ports AS "containerPorts", coalesce(unknown_fields, '{}') AS "unknownFields" FROM pods ${SCOPE}`,
  services: `SELECT id::text, namespace, name, type::text, selector, ports, cluster_ips AS "clusterIps", external_ips AS "externalIps",
      load_balancer_ingress AS "loadBalancerIngress", load_balancer_source_ranges AS "loadBalancerSourceRanges",
      coalesce(load_balancer_hostnames, '{}') AS "loadBalancerHostnames", load_balancer_target AS "loadBalancerTarget",
      external_traffic_policy::text AS "externalTrafficPolicy", internal_traffic_policy::text AS "internalTrafficPolicy",
      health_check_node_port AS "healthCheckNodePort", publish_not_ready_addresses AS "publishNotReadyAddresses",
      session_affinity::text AS "sessionAffinity", session_affinity_timeout_seconds AS "sessionAffinityTimeoutSeconds",
      traffic_distribution AS "trafficDistribution", labels, annotations,
      coalesce(unknown_fields, '{}') AS "unknownFields" FROM services ${SCOPE}`,
  slices: `SELECT id::text, namespace, name, service_name AS "serviceName", address_type AS "addressType", ports, endpoints,
      coalesce(unknown_fields, '{}') AS "unknownFields" FROM endpoint_slices ${SCOPE}`,
};

/**
 * The cluster's stored objects, read in the import's transaction: plain columns (no ORM mapping of
 * timestamps and relations, which took seconds for 150,000 pods), as the rows' types hold them.
 */
export async function readExisting(tx: TenantTx, cluster: ClusterRow): Promise<ExistingRows> {
  const read = <T>(sql: string) => tx.$queryRawUnsafe<T[]>(sql, cluster.tenantId, cluster.id);
  const nodes = await read<Node>(EXISTING.nodes);
  const pods = await read<Pod>(EXISTING.pods);
  const services = await read<Service>(EXISTING.services);
  const slices = await read<EndpointSlice>(EXISTING.slices);
  const nsName = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;
  return {
    nodes: new Map(nodes.map((r) => [r.name, r])),
    pods: new Map(pods.map((r) => [nsName(r), r])),
    services: new Map(services.map((r) => [nsName(r), r])),
    slices: new Map(slices.map((r) => [nsName(r), r])),
  };
}

/**
 * The engine's model of a cluster as an import leaves it, from what the import already holds (the
 * rows it read, and the document's objects, which it writes or finds unchanged), without reading
 * the cluster back: exactly what TopologyLoader would read after the commit (a test compares
 * them), so the first analysis after an import need not wait for that read.
 */
export function modelAfterImport(
  cluster: ClusterRow,
  existing: ExistingRows,
  changes: readonly Change[],
  deletions: Deletions,
  policy: PolicyObjects,
): ClusterModel {
  const nodes = new Map<string, NodeData>([...existing.nodes].map(([k, row]) => [k, nodeRowData(row)]));
  const pods = new Map<string, PodData>([...existing.pods].map(([k, row]) => [k, podRowData(row)]));
  const services = new Map<string, ServiceData>([...existing.services].map(([k, row]) => [k, serviceRowSpec(row)]));
  const slices = new Map<string, SliceData>([...existing.slices].map(([k, row]) => [k, sliceRowData(row)]));
  for (const d of deletions.nodes) nodes.delete(d.key);
  for (const d of deletions.pods) pods.delete(d.key);
  for (const d of deletions.services) services.delete(d.key);
  for (const d of deletions.endpointSlices) slices.delete(d.key);
  for (const change of changes) {
    switch (change.kind) {
      case 'nodes':
        nodes.set(change.key, change.data as NodeData);
        break;
      case 'pods':
        pods.set(change.key, change.data as PodData);
        break;
      case 'services':
        services.set(change.key, change.data as ServiceData);
        break;
      case 'endpointSlices':
        slices.set(change.key, change.data as SliceData);
        break;
    }
  }
  // Field order as TopologyLoader's columns (objects built whole, one shape each, no spreads: a
  // 150,000-pod model is built in a few hundred milliseconds); jsonb columns as PostgreSQL returns them.
  return assembleModel(cluster, {
    nodes: [...nodes].map(([name, d]) => nodeModel(name, d)),
    pods: [...pods].map(([key, d]) => podModel(key, d)),
    services: [...services].map(([key, s]) => serviceRow(key, s)),
    endpointSlices: [...slices].map(([key, d]) => sliceModel(key, d)),
    ...policy,
  });
}

/** What an import changed, as the engine applies it (ModelChange): its writes and deletions, built as modelAfterImport builds them. */
export function importChanges(changes: readonly Change[], deletions: Deletions): ModelChange[] {
  const out: ModelChange[] = [];
  for (const d of deletions.nodes) out.push({ kind: 'node', name: d.key, after: null });
  for (const d of deletions.pods) out.push({ kind: 'pod', key: d.key, after: null });
  for (const d of deletions.services) out.push({ kind: 'service', key: d.key, after: null });
  for (const d of deletions.endpointSlices) out.push({ kind: 'endpointSlice', key: d.key, after: null });
  for (const c of changes) {
    switch (c.kind) {
      case 'nodes':
        out.push({ kind: 'node', name: c.key, after: nodeModel(c.key, c.data as NodeData) });
        break;
      case 'pods':
        out.push({ kind: 'pod', key: c.key, after: podModel(c.key, c.data as PodData) });
        break;
      case 'services':
        out.push({ kind: 'service', key: c.key, after: serviceModelOf(serviceRow(c.key, c.data as ServiceData)) });
        break;
      case 'endpointSlices':
        out.push({ kind: 'endpointSlice', key: c.key, after: sliceModel(c.key, c.data as SliceData) });
        break;
    }
  }
  return out;
}

function split(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

/** `unknown` only on the (rare) objects with redacted fields, as TopologyLoader reads them: the others keep one shape. */
const unknownOf = (fields: readonly string[]) => (fields.length === 0 ? null : { unknown: fields });

function nodeModel(name: string, d: NodeData): NodeModel {
  const model: NodeModel = {
    name,
    internalIps: d.internalIps,
    externalIp: d.externalIp,
    podCidrs: d.podCidrs,
    labels: asJsonb(d.labels),
  };
  const unknown = unknownOf(d.unknownFields);
  return unknown === null ? model : { ...model, ...unknown };
}

function podModel(key: string, d: PodData): PodModel {
  const [namespace, name] = split(key);
  const model: PodModel = {
    namespace,
    name,
    labels: asJsonb(d.labels),
    nodeName: d.nodeName,
    ips: d.ips,
    hostNetwork: d.hostNetwork,
    phase: d.phase as PodPhase,
    ready: d.ready,
    terminating: d.terminating,
    containerPorts: asJsonb(d.containerPorts) as ContainerPortModel[],
  };
  const unknown = unknownOf(d.unknownFields);
  return unknown === null ? model : { ...model, ...unknown };
}

function serviceRow(key: string, s: ServiceData): ServiceRow {
  const [namespace, name] = split(key);
  const unknown = unknownOf(s.unknownFields);
  const row: ServiceRow = {
    namespace,
    name,
    type: s.type,
    selector: asJsonb(s.selector),
    ports: asJsonb(s.ports) as ServiceRow['ports'],
    clusterIps: s.clusterIps,
    externalIps: s.externalIps,
    loadBalancerIngress: asJsonb(s.loadBalancerIngress) as ServiceRow['loadBalancerIngress'],
    loadBalancerSourceRanges: s.loadBalancerSourceRanges,
    loadBalancerHostnames: s.loadBalancerHostnames,
    loadBalancerTarget: s.loadBalancerTarget,
    externalTrafficPolicy: s.externalTrafficPolicy,
    internalTrafficPolicy: s.internalTrafficPolicy,
    healthCheckNodePort: s.healthCheckNodePort,
    publishNotReadyAddresses: s.publishNotReadyAddresses,
    sessionAffinity: s.sessionAffinity,
    sessionAffinityTimeoutSeconds: s.sessionAffinityTimeoutSeconds,
    trafficDistribution: s.trafficDistribution,
    labels: asJsonb(s.labels),
    annotations: asJsonb(s.annotations),
  };
  return unknown === null ? row : { ...row, ...unknown };
}

function sliceModel(key: string, d: SliceData): EndpointSliceModel {
  const [namespace, name] = split(key);
  const model: EndpointSliceModel = {
    namespace,
    name,
    serviceName: d.serviceName,
    addressType: d.addressType,
    ports: asJsonb(d.ports) as EndpointSliceModel['ports'],
    endpoints: asJsonb(d.endpoints) as EndpointSliceModel['endpoints'],
  };
  const unknown = unknownOf(d.unknownFields);
  return unknown === null ? model : { ...model, ...unknown };
}

/**
 * A value as a jsonb column returns it: what JSON.stringify keeps of it (no undefined properties,
 * undefined in arrays as null), objects' keys in jsonb's order (shorter first, then bytewise).
 * A row read back from PostgreSQL already is in this form, and stays as it is.
 */
function asJsonb<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : asJsonb(v))) as T;
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source);
  let ordered = true;
  for (let i = 1; i < keys.length && ordered; i++) ordered = jsonbKeyOrder(keys[i - 1], keys[i]) < 0;
  if (!ordered) keys.sort(jsonbKeyOrder);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = source[k];
    if (v !== undefined) out[k] = typeof v === 'object' && v !== null ? asJsonb(v) : v;
  }
  return out as T;
}

// eslint-disable-next-line no-control-regex -- every ASCII character, the control ones included
const ASCII = /^[\x00-\x7f]*$/;

function jsonbKeyOrder(a: string, b: string): number {
  if (ASCII.test(a) && ASCII.test(b)) return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length !== y.length ? x.length - y.length : Buffer.compare(x, y);
}
