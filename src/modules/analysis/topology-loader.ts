import { Injectable } from '@nestjs/common';
import type {
  ClusterModel, ContainerPortModel, EndpointSliceModel, LoadBalancerIngressModel, PodPhase, ServicePortModel,
} from '../../engine';
import { TenantTx } from '../../prisma/prisma.service';
import { ClusterRow } from '../topology/cluster-store';

type Labels = Record<string, string>;

/**
 * Reads a cluster's whole topology in one pass (one query per table, each an index range scan on
 * (tenant_id, cluster_id, ...)) and maps it onto the engine's input model.
 */
@Injectable()
export class TopologyLoader {
  async load(tx: TenantTx, cluster: ClusterRow): Promise<ClusterModel> {
    const where = { tenantId: cluster.tenantId, clusterId: cluster.id };
    const [nodes, pods, services, slices] = await Promise.all([
      tx.node.findMany({ where, select: { name: true, internalIps: true, externalIp: true, podCidrs: true, labels: true } }),
      tx.pod.findMany({ where, select: { namespace: true, name: true, labels: true, nodeName: true, ips: true, hostNetwork: true, phase: true, ready: true, terminating: true, containerPorts: true } }),
      tx.service.findMany({ where, select: {
        namespace: true, name: true, type: true, selector: true, ports: true, clusterIps: true, externalIps: true, loadBalancerIngress: true,
        loadBalancerSourceRanges: true, externalTrafficPolicy: true, internalTrafficPolicy: true, healthCheckNodePort: true,
        publishNotReadyAddresses: true, labels: true, annotations: true,
      } }),
      tx.endpointSlice.findMany({ where, select: { namespace: true, name: true, serviceName: true, addressType: true, ports: true, endpoints: true } }),
    ]);
    return {
      name: cluster.name, profile: cluster.profile, kubernetesVersion: cluster.kubernetesVersion, networkModel: cluster.networkModel,
      proxyMode: cluster.proxyMode, clusterCidrs: cluster.clusterCidrs, serviceCidrs: cluster.serviceCidrs,
      nodePortRange: { min: cluster.nodePortMin, max: cluster.nodePortMax },
      kubeProxy: { masqueradeAll: cluster.masqueradeAll, localDetector: cluster.localDetector, nodePortAddresses: cluster.nodePortAddresses, localhostNodePorts: cluster.localhostNodePorts },
      nodes: nodes.map((n) => ({ ...n, labels: n.labels as Labels })),
      pods: pods.map((p) => ({ ...p, labels: p.labels as Labels, phase: p.phase as PodPhase, containerPorts: p.containerPorts as unknown as ContainerPortModel[] })),
      services: services.map((s) => ({
        ...s, selector: s.selector as Labels | null, ports: s.ports as unknown as ServicePortModel[],
        clusterIps: s.clusterIps[0] === 'None' ? [] : s.clusterIps,
        loadBalancerIngress: s.loadBalancerIngress as unknown as LoadBalancerIngressModel[],
        labels: s.labels as Labels, annotations: s.annotations as Labels,
      })),
      endpointSlices: slices.map((e) => ({
        ...e, addressType: e.addressType as EndpointSliceModel['addressType'],
        ports: e.ports as unknown as EndpointSliceModel['ports'], endpoints: e.endpoints as unknown as EndpointSliceModel['endpoints'],
      })),
    };
  }
}
