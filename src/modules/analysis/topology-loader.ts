import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import type {
  ClusterModel, ContainerPortModel, EndpointSliceModel, LoadBalancerIngressModel, NodeModel, PodModel, PodPhase, ServiceModel, ServicePortModel,
} from '../../engine';
import { DATABASE_URL, TenantTx } from '../../prisma/prisma.service';
import { ClusterRow } from '../topology/cluster-store';

type Labels = Record<string, string>;
type Query = <T>(sql: string, params: unknown[]) => Promise<T[]>;

const SCOPE = 'WHERE tenant_id = $1::uuid AND cluster_id = $2::uuid';
const SQL = {
  cluster: `SELECT tenant_id AS "tenantId", id, name, profile::text, kubernetes_version AS "kubernetesVersion", network_model::text AS "networkModel",
      proxy_mode::text AS "proxyMode", cluster_cidrs AS "clusterCidrs", service_cidrs AS "serviceCidrs", node_port_min AS "nodePortMin",
      node_port_max AS "nodePortMax", masquerade_all AS "masqueradeAll", local_detector::text AS "localDetector",
      node_port_addresses AS "nodePortAddresses", localhost_node_ports AS "localhostNodePorts", version, created_at AS "createdAt", updated_at AS "updatedAt"
    FROM clusters WHERE tenant_id = $1::uuid AND id = $2::uuid`,
  nodes: `SELECT name, internal_ips AS "internalIps", external_ip AS "externalIp", pod_cidrs AS "podCidrs", labels FROM nodes ${SCOPE}`,
  pods: `SELECT namespace, name, labels, node_name AS "nodeName", ips, host_network AS "hostNetwork", phase, ready, terminating,
      container_ports AS "containerPorts" FROM pods ${SCOPE}`,
  services: `SELECT namespace, name, type::text, selector, ports, cluster_ips AS "clusterIps", external_ips AS "externalIps",
      load_balancer_ingress AS "loadBalancerIngress", load_balancer_source_ranges AS "loadBalancerSourceRanges",
      external_traffic_policy::text AS "externalTrafficPolicy", internal_traffic_policy::text AS "internalTrafficPolicy",
      health_check_node_port AS "healthCheckNodePort", publish_not_ready_addresses AS "publishNotReadyAddresses", labels, annotations
    FROM services ${SCOPE}`,
  slices: `SELECT namespace, name, service_name AS "serviceName", address_type AS "addressType", ports, endpoints FROM endpoint_slices ${SCOPE}`,
};

export type ServiceRow = Omit<ServiceModel, 'ports' | 'loadBalancerIngress'> & { ports: ServicePortModel[]; loadBalancerIngress: LoadBalancerIngressModel[] };

/** One read of every table of a cluster (each an index range scan on (tenant_id, cluster_id, ...)), mapped onto the engine's model. */
async function readModel(query: Query, cluster: ClusterRow): Promise<ClusterModel> {
  const params = [cluster.tenantId, cluster.id];
  const nodes = await query<NodeModel>(SQL.nodes, params);
  const pods = await query<PodModel & { phase: PodPhase; containerPorts: ContainerPortModel[]; labels: Labels }>(SQL.pods, params);
  const services = await query<ServiceRow>(SQL.services, params);
  const endpointSlices = await query<EndpointSliceModel>(SQL.slices, params);
  return assembleModel(cluster, { nodes, pods, services, endpointSlices });
}

/**
 * The engine's model of a cluster from its stored rows (as read above, or as a write just stored
 * them): headless Services (clusterIPs "None") have no ClusterIP, Services without any are left out.
 */
export function assembleModel(
  cluster: ClusterRow,
  rows: { nodes: NodeModel[]; pods: PodModel[]; services: ServiceRow[]; endpointSlices: EndpointSliceModel[] },
): ClusterModel {
  return {
    name: cluster.name, profile: cluster.profile, kubernetesVersion: cluster.kubernetesVersion, networkModel: cluster.networkModel,
    proxyMode: cluster.proxyMode, clusterCidrs: cluster.clusterCidrs, serviceCidrs: cluster.serviceCidrs,
    nodePortRange: { min: cluster.nodePortMin, max: cluster.nodePortMax },
    kubeProxy: { masqueradeAll: cluster.masqueradeAll, localDetector: cluster.localDetector, nodePortAddresses: cluster.nodePortAddresses, localhostNodePorts: cluster.localhostNodePorts },
    nodes: rows.nodes, pods: rows.pods,
    services: rows.services.filter((s) => s.clusterIps.length > 0).map((s) => (s.clusterIps[0] === 'None' ? { ...s, clusterIps: [] } : s)),
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
  private readonly pool: Pool;

  constructor(@Inject(DATABASE_URL) url: string) {
    this.pool = new Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
    this.pool.on('error', () => undefined); // an idle client whose server went away
  }

  async load(tx: TenantTx, cluster: ClusterRow): Promise<ClusterModel> {
    return readModel(<T>(sql: string, params: unknown[]) => tx.$queryRawUnsafe<T[]>(sql, ...params), cluster);
  }

  /** The cluster row and its model as of one moment (REPEATABLE READ), or null when the tenant has no such cluster. */
  async snapshot(tenantId: string, clusterId: string): Promise<{ cluster: ClusterRow; model: ClusterModel } | null> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
      const query: Query = async <T>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as T[];
      const [cluster] = await query<ClusterRow>(SQL.cluster, [tenantId, clusterId]);
      const result = cluster ? { cluster, model: await readModel(query, cluster) } : null;
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
