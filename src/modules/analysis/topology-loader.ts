import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import type {
  ClusterModel,
  ContainerPortModel,
  EndpointSliceModel,
  LoadBalancerIngressModel,
  ModelChange,
  NamespaceModel,
  NetworkPolicyModel,
  NodeModel,
  PodModel,
  PodPhase,
  ServiceModel,
  ServicePortModel,
} from '../../engine';
import type { ObjectRef } from '../../prisma/change-feed';
import { DATABASE_URL, TenantTx } from '../../prisma/prisma.service';
import { ClusterRow } from '../topology/cluster-store';
import { kubeProxyCidrsOf } from '../topology/kube-proxy-cidrs';

type Labels = Record<string, string>;
type Query = <T>(sql: string, params: unknown[]) => Promise<T[]>;

const SCOPE = 'WHERE tenant_id = $1::uuid AND cluster_id = $2::uuid';
const SQL = {
  cluster: `SELECT tenant_id AS "tenantId", id, name, profile::text, kubernetes_version AS "kubernetesVersion", network_model::text AS "networkModel",
      proxy_mode::text AS "proxyMode", cluster_cidrs AS "clusterCidrs", service_cidrs AS "serviceCidrs", node_port_min AS "nodePortMin",
      node_port_max AS "nodePortMax", masquerade_all AS "masqueradeAll", local_detector::text AS "localDetector",
      node_port_addresses AS "nodePortAddresses", localhost_node_ports AS "localhostNodePorts", kube_proxy_cluster_cidr AS "kubeProxyClusterCidr",
      network_policy_enforced AS "networkPolicyEnforced", version, created_at AS "createdAt", updated_at AS "updatedAt"
    FROM clusters WHERE tenant_id = $1::uuid AND id = $2::uuid`,
  nodes: `SELECT name, internal_ips AS "internalIps", external_ip AS "externalIp", pod_cidrs AS "podCidrs", labels /*unknown*/ FROM nodes ${SCOPE}`,
  pods: `SELECT namespace, name, labels, node_name AS "nodeName", ips, host_network AS "hostNetwork", phase, ready, terminating,
      container_ports AS "containerPorts" /*unknown*/ FROM pods ${SCOPE}`,
  services: `SELECT namespace, name, type::text, selector, ports, cluster_ips AS "clusterIps", external_ips AS "externalIps",
      load_balancer_ingress AS "loadBalancerIngress", load_balancer_source_ranges AS "loadBalancerSourceRanges",
      coalesce(load_balancer_hostnames, '{}') AS "loadBalancerHostnames", load_balancer_target AS "loadBalancerTarget",
      external_traffic_policy::text AS "externalTrafficPolicy", internal_traffic_policy::text AS "internalTrafficPolicy",
      health_check_node_port AS "healthCheckNodePort", publish_not_ready_addresses AS "publishNotReadyAddresses",
      session_affinity::text AS "sessionAffinity", session_affinity_timeout_seconds AS "sessionAffinityTimeoutSeconds",
      traffic_distribution AS "trafficDistribution", labels, annotations /*unknown*/
    FROM services ${SCOPE}`,
  slices: `SELECT namespace, name, service_name AS "serviceName", address_type AS "addressType", ports, endpoints /*unknown*/ FROM endpoint_slices ${SCOPE}`,
  // Few, and part of the settings (a change recompiles): read whole, in a stable order.
  namespaces: `SELECT name, labels FROM namespaces ${SCOPE} ORDER BY name`,
  networkPolicies: `SELECT namespace, name, pod_selector AS "podSelector", policy_types AS "policyTypes", ingress, egress
    FROM network_policies ${SCOPE} ORDER BY namespace, name`,
};

/** A cluster's Namespaces and NetworkPolicies: ClusterSettings in the engine's model (a write to them is a settings change). */
export interface PolicyObjects {
  readonly namespaces: readonly NamespaceModel[];
  readonly networkPolicies: readonly NetworkPolicyModel[];
}

async function readPolicyObjects(query: Query, cluster: ClusterRow): Promise<PolicyObjects> {
  const params = [cluster.tenantId, cluster.id];
  return {
    namespaces: await query<NamespaceModel>(SQL.namespaces, params),
    networkPolicies: await query<NetworkPolicyModel>(SQL.networkPolicies, params),
  };
}

/** The Namespaces and NetworkPolicies of a cluster as a write's transaction sees them (for its settings change). */
export function policyObjectsIn(tx: TenantTx, cluster: ClusterRow): Promise<PolicyObjects> {
  return readPolicyObjects(<T>(sql: string, params: unknown[]) => tx.$queryRawUnsafe<T[]>(sql, ...params), cluster);
}

/**
 * A table's rows in the model's shape. The few with redacted (unknown) fields are read apart,
 * with `unknown`; every other row has no such property (one object shape, as before).
 */
function rowsOf(sql: string, known: boolean): string {
  return known
    ? `${sql.replace('/*unknown*/', '')} AND coalesce(cardinality(unknown_fields), 0) = 0`
    : `${sql.replace('/*unknown*/', ', unknown_fields AS "unknown"')} AND coalesce(cardinality(unknown_fields), 0) > 0`;
}

async function readRows<T>(query: Query, sql: string, params: unknown[]): Promise<T[]> {
  const known = await query<T>(rowsOf(sql, true), params);
  const unknown = await query<T>(rowsOf(sql, false), params);
  return unknown.length === 0 ? known : [...known, ...unknown];
}

export type ServiceRow = Omit<ServiceModel, 'ports' | 'loadBalancerIngress'> & {
  ports: ServicePortModel[];
  loadBalancerIngress: LoadBalancerIngressModel[];
};

/** The rows of the named objects (by name, or by namespace and name: index lookups), as model changes. */
async function readChanges(query: Query, cluster: ClusterRow, objects: readonly ObjectRef[]): Promise<ModelChange[]> {
  const keys = (kind: ObjectRef['kind']) => objects.filter((o) => o.kind === kind).map((o) => o.key);
  const split = (list: string[]) => [
    list.map((k) => k.slice(0, k.indexOf('/'))),
    list.map((k) => k.slice(k.indexOf('/') + 1)),
  ];
  const byKey = <R extends { namespace: string; name: string }>(rows: R[]) =>
    new Map(rows.map((r) => [`${r.namespace}/${r.name}`, r]));
  const params = [cluster.tenantId, cluster.id];
  const inKeys = 'AND (namespace, name) IN (SELECT * FROM unnest($3::text[], $4::text[]))';
  const [nodeKeys, podKeys, serviceKeys, sliceKeys] = [
    keys('node'),
    keys('pod'),
    keys('service'),
    keys('endpointSlice'),
  ];
  const nodes = nodeKeys.length
    ? new Map(
        (await readRows<NodeModel>(query, `${SQL.nodes} AND name = ANY($3::text[])`, [...params, nodeKeys])).map(
          (n) => [n.name, n],
        ),
      )
    : new Map<string, NodeModel>();
  const pods = podKeys.length
    ? byKey(await readRows<PodModel>(query, `${SQL.pods} ${inKeys}`, [...params, ...split(podKeys)]))
    : new Map<string, PodModel>();
  const services = serviceKeys.length
    ? byKey(await readRows<ServiceRow>(query, `${SQL.services} ${inKeys}`, [...params, ...split(serviceKeys)]))
    : new Map<string, ServiceRow>();
  const slices = sliceKeys.length
    ? byKey(await readRows<EndpointSliceModel>(query, `${SQL.slices} ${inKeys}`, [...params, ...split(sliceKeys)]))
    : new Map<string, EndpointSliceModel>();
  const policy = objects.some((o) => o.kind === 'settings') ? await readPolicyObjects(query, cluster) : null;
  return objects.map((o): ModelChange => {
    switch (o.kind) {
      case 'node':
        return { kind: 'node', name: o.key, after: nodes.get(o.key) ?? null };
      case 'pod':
        return { kind: 'pod', key: o.key, after: pods.get(o.key) ?? null };
      case 'service': {
        const row = services.get(o.key);
        return { kind: 'service', key: o.key, after: row === undefined ? null : serviceModelOf(row) };
      }
      case 'endpointSlice':
        return { kind: 'endpointSlice', key: o.key, after: slices.get(o.key) ?? null };
      case 'settings':
        return { kind: 'settings', after: settingsOf(cluster, policy!) };
    }
  });
}

/** One read of every table of a cluster (each an index range scan on (tenant_id, cluster_id, ...)), mapped onto the engine's model. */
async function readModel(query: Query, cluster: ClusterRow): Promise<ClusterModel> {
  const params = [cluster.tenantId, cluster.id];
  const nodes = await readRows<NodeModel>(query, SQL.nodes, params);
  const pods = await readRows<PodModel & { phase: PodPhase; containerPorts: ContainerPortModel[]; labels: Labels }>(
    query,
    SQL.pods,
    params,
  );
  const services = await readRows<ServiceRow>(query, SQL.services, params);
  const endpointSlices = await readRows<EndpointSliceModel>(query, SQL.slices, params);
  return assembleModel(cluster, {
    nodes,
    pods,
    services,
    endpointSlices,
    ...(await readPolicyObjects(query, cluster)),
  });
}

/** The cluster's own fields, with its Namespaces and NetworkPolicies, as the engine's model holds them. */
export function settingsOf(
  cluster: ClusterRow,
  policy: PolicyObjects,
): Omit<ClusterModel, 'nodes' | 'pods' | 'services' | 'endpointSlices'> {
  return {
    name: cluster.name,
    profile: cluster.profile,
    kubernetesVersion: cluster.kubernetesVersion,
    networkModel: cluster.networkModel,
    proxyMode: cluster.proxyMode,
    clusterCidrs: cluster.clusterCidrs,
    serviceCidrs: cluster.serviceCidrs,
    nodePortRange: { min: cluster.nodePortMin, max: cluster.nodePortMax },
    kubeProxy: {
      masqueradeAll: cluster.masqueradeAll,
      localDetector: cluster.localDetector,
      nodePortAddresses: cluster.nodePortAddresses,
      localhostNodePorts: cluster.localhostNodePorts,
      // Always stated (null: the engine reads clusterCidrs), so every way of building the model gives one shape.
      clusterCidrs: kubeProxyCidrsOf(cluster),
    },
    // Always stated ([] and null when there are none), so every way of building the model gives one shape.
    namespaces: policy.namespaces,
    networkPolicies: policy.networkPolicies,
    networkPolicyEnforced: cluster.networkPolicyEnforced ?? null,
  };
}

/** A stored Service as the engine sees it: headless (clusterIPs "None") has no ClusterIP; without any ClusterIP it is not in the model (null). */
export function serviceModelOf(s: ServiceRow): ServiceModel | null {
  if (s.clusterIps.length === 0) return null;
  return s.clusterIps[0] === 'None' ? { ...s, clusterIps: [] } : s;
}

/** The engine's model of a cluster from its stored rows (as read above, or as a write just stored them). */
export function assembleModel(
  cluster: ClusterRow,
  rows: {
    nodes: NodeModel[];
    pods: PodModel[];
    services: ServiceRow[];
    endpointSlices: EndpointSliceModel[];
  } & PolicyObjects,
): ClusterModel {
  const services: ServiceModel[] = [];
  for (const row of rows.services) {
    const model = serviceModelOf(row);
    if (model !== null) services.push(model);
  }
  return {
    ...settingsOf(cluster, rows),
    nodes: rows.nodes,
    pods: rows.pods,
    services,
    endpointSlices: rows.endpointSlices,
  };
}

/**
 * Reads a cluster's whole topology for the engine. Two ways: inside a caller's transaction (a
 * write that must see its own changes), or as a consistent snapshot on a connection of its own —
 * the fast path the analysis cache uses (plain pg rows: a 150,000-pod cluster is a few hundred
 * milliseconds of reading instead of seconds of ORM mapping). Both go through row-level security.
 */
@Injectable()
export class TopologyLoader implements OnModuleDestroy {
  /** Its own pool (read by modules/metrics/pool-metrics). */
  readonly pool: Pool;

  constructor(@Inject(DATABASE_URL) url: string) {
    this.pool = new Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
    this.pool.on('error', () => undefined); // an idle client whose server went away
  }

  async load(tx: TenantTx, cluster: ClusterRow): Promise<ClusterModel> {
    return readModel(<T>(sql: string, params: unknown[]) => tx.$queryRawUnsafe<T[]>(sql, ...params), cluster);
  }

  /** The cluster row and its model as of one moment (REPEATABLE READ), or null when the tenant has no such cluster. */
  async snapshot(tenantId: string, clusterId: string): Promise<{ cluster: ClusterRow; model: ClusterModel } | null> {
    return this.readOnly(tenantId, async (query) => {
      const [cluster] = await query<ClusterRow>(SQL.cluster, [tenantId, clusterId]);
      return cluster ? { cluster, model: await readModel(query, cluster) } : null;
    });
  }

  /**
   * The cluster row and the named objects as of one moment, as model changes (an object that is
   * gone is a deletion): what another instance announced it changed, read to patch a model.
   */
  async changes(
    tenantId: string,
    clusterId: string,
    objects: readonly ObjectRef[],
  ): Promise<{ cluster: ClusterRow; changes: ModelChange[] } | null> {
    return this.readOnly(tenantId, async (query) => {
      const [cluster] = await query<ClusterRow>(SQL.cluster, [tenantId, clusterId]);
      return cluster ? { cluster, changes: await readChanges(query, cluster, objects) } : null;
    });
  }

  private async readOnly<T>(tenantId: string, fn: (query: Query) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
      const result = await fn(
        async <R>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as R[],
      );
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}
