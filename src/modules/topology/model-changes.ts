import type { ContainerPortModel, EndpointSliceModel, ModelChange, NodeModel, PodModel, PodPhase } from '../../engine';
import { EndpointSlice, Node, Pod, Service } from '../../generated/prisma/client';
import { PolicyObjects, serviceModelOf, ServiceRow, settingsOf } from '../analysis/topology-loader';
import { ClusterRow } from './cluster-store';

/**
 * A committed write as the engine's model sees it (ModelChange), built from the rows the write
 * stored: the same fields, in the same order, as TopologyLoader reads them, so a model patched
 * with these changes is the model a fresh read would give.
 */

/** `unknown` (redacted fields) only when there are some, as TopologyLoader reads rows. */
function withUnknown<T extends object>(model: T, fields: readonly string[] | null): T {
  return fields === null || fields.length === 0 ? model : { ...model, unknown: fields };
}

export const nodeModelOf = (row: Node): NodeModel =>
  withUnknown(
    {
      name: row.name,
      internalIps: row.internalIps,
      externalIp: row.externalIp,
      podCidrs: row.podCidrs,
      labels: row.labels as Record<string, string>,
    },
    row.unknownFields,
  );

export const podModelOf = (row: Pod): PodModel =>
  withUnknown(
    {
      namespace: row.namespace,
      name: row.name,
      labels: row.labels as Record<string, string>,
      nodeName: row.nodeName,
      ips: row.ips,
      hostNetwork: row.hostNetwork,
      phase: row.phase as PodPhase,
      ready: row.ready,
      terminating: row.terminating,
      containerPorts: row.containerPorts as unknown as ContainerPortModel[],
    },
    row.unknownFields,
  );

export const serviceRowOf = (row: Service): ServiceRow =>
  withUnknown(
    {
      namespace: row.namespace,
      name: row.name,
      type: row.type,
      selector: row.selector as Record<string, string> | null,
      ports: row.ports as unknown as ServiceRow['ports'],
      clusterIps: row.clusterIps,
      externalIps: row.externalIps,
      loadBalancerIngress: row.loadBalancerIngress as unknown as ServiceRow['loadBalancerIngress'],
      loadBalancerSourceRanges: row.loadBalancerSourceRanges,
      loadBalancerHostnames: row.loadBalancerHostnames,
      loadBalancerTarget: row.loadBalancerTarget as ServiceRow['loadBalancerTarget'],
      externalTrafficPolicy: row.externalTrafficPolicy,
      internalTrafficPolicy: row.internalTrafficPolicy,
      healthCheckNodePort: row.healthCheckNodePort,
      publishNotReadyAddresses: row.publishNotReadyAddresses,
      sessionAffinity: row.sessionAffinity,
      sessionAffinityTimeoutSeconds: row.sessionAffinityTimeoutSeconds,
      trafficDistribution: row.trafficDistribution,
      labels: row.labels as Record<string, string>,
      annotations: row.annotations as Record<string, string>,
    },
    row.unknownFields,
  );

export const sliceModelOf = (row: EndpointSlice): EndpointSliceModel =>
  withUnknown(
    {
      namespace: row.namespace,
      name: row.name,
      serviceName: row.serviceName,
      addressType: row.addressType as EndpointSliceModel['addressType'],
      ports: row.ports as unknown as EndpointSliceModel['ports'],
      endpoints: row.endpoints as unknown as EndpointSliceModel['endpoints'],
    },
    row.unknownFields,
  );

export const nodeChange = (name: string, row: Node | null): ModelChange => ({
  kind: 'node',
  name,
  after: row === null ? null : nodeModelOf(row),
});
export const podChange = (key: string, row: Pod | null): ModelChange => ({
  kind: 'pod',
  key,
  after: row === null ? null : podModelOf(row),
});
/** A Service without a ClusterIP is not in the model (assembleModel): stored, it is still "absent". */
export const serviceChange = (key: string, row: Service | null): ModelChange => ({
  kind: 'service',
  key,
  after: row === null ? null : serviceModelOf(serviceRowOf(row)),
});
export const sliceChange = (key: string, row: EndpointSlice | null): ModelChange => ({
  kind: 'endpointSlice',
  key,
  after: row === null ? null : sliceModelOf(row),
});

/**
 * The cluster's own fields changed (settings, kube-proxy options), or its Namespaces or
 * NetworkPolicies (which the engine's model holds among the settings): the change carries them all,
 * as the write's transaction sees them after it (topology-loader policyObjectsIn).
 */
export const settingsChange = (cluster: ClusterRow, policy: PolicyObjects): ModelChange => ({
  kind: 'settings',
  after: settingsOf(cluster, policy),
});
