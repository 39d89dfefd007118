import type { ClusterModel, NodeModel, PodModel, ServiceModel } from '../../engine';
import { normaliseCceAnnotations } from '../../engine';
import { DomainError } from '../../common/domain-error';
import { canonicalIp } from '../../common/net';
import { ClusterRow } from '../topology/cluster-store';
import { toServiceModel } from '../services/cce-constraints';
import { resolveSpec, ServiceSpec } from '../services/service-spec';
import { ChangeInput } from './what-if.dto';

/** Prefixes the field of a validation error raised while applying one part of a change. */
function under<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const issues = error.issues.map((i) => ({ ...i, field: `${prefix}.${i.field}` }));
    throw new DomainError(error.code, issues.map((i) => `${i.field}: ${i.message}`).join('; ') || `${prefix}: ${error.message}`, issues, error.rule);
  }
}

function specOfModel(s: ServiceModel): ServiceSpec {
  return { ...s, ports: [...s.ports], selector: s.selector ? { ...s.selector } : null, clusterIps: s.clusterIps.length ? [...s.clusterIps] : ['None'],
    externalIps: [...s.externalIps], loadBalancerIngress: [...s.loadBalancerIngress], loadBalancerSourceRanges: [...s.loadBalancerSourceRanges],
    labels: { ...s.labels }, annotations: { ...s.annotations } };
}

function findIndex<T>(items: readonly T[], match: (t: T) => boolean, field: string, what: string): number {
  const i = items.findIndex(match);
  if (i < 0) throw new DomainError('UNPROCESSABLE', `${field}: no ${what} in this cluster`, [{ field, message: `no ${what} in this cluster` }]);
  return i;
}

function changeServices(model: ClusterModel, cluster: ClusterRow, change: ChangeInput): ServiceModel[] {
  const services = [...model.services];
  change.services?.forEach((c, n) => {
    const i = findIndex(services, (s) => `${s.namespace}/${s.name}` === c.service, `change.services[${n}].service`, `Service ${c.service}`);
    const current = services[i];
    const spec = under(`change.services[${n}].set`, () => resolveSpec(c.set, specOfModel(current), cluster));
    services[i] = normaliseCceAnnotations(toServiceModel(current.namespace, current.name, spec));
  });
  return services;
}

function changePods(model: ClusterModel, change: ChangeInput): PodModel[] {
  const pods = [...model.pods];
  change.pods?.forEach((c, n) => {
    const field = `change.pods[${n}]`;
    const i = findIndex(pods, (p) => `${p.namespace}/${p.name}` === c.pod, `${field}.pod`, `pod ${c.pod}`);
    const { set } = c;
    if (set.nodeName) findIndex(model.nodes, (node) => node.name === set.nodeName, `${field}.set.nodeName`, `node ${set.nodeName}`);
    const p = pods[i];
    pods[i] = {
      ...p, labels: set.labels ?? p.labels, nodeName: set.nodeName === undefined ? p.nodeName : set.nodeName,
      ips: set.ips ? set.ips.map((ip) => canonicalIp(ip) ?? ip) : p.ips, hostNetwork: set.hostNetwork ?? p.hostNetwork,
      phase: set.phase ?? p.phase, ready: set.ready ?? p.ready, terminating: set.terminating ?? p.terminating,
      containerPorts: set.containerPorts ? set.containerPorts.map((cp) => ({ name: cp.name ?? null, containerPort: cp.containerPort, protocol: cp.protocol ?? 'TCP' })) : p.containerPorts,
    };
  });
  return pods;
}

function changeNodes(model: ClusterModel, change: ChangeInput): NodeModel[] {
  const nodes = [...model.nodes];
  change.nodes?.forEach((c, n) => {
    const i = findIndex(nodes, (node) => node.name === c.node, `change.nodes[${n}].node`, `node ${c.node}`);
    const node = nodes[i];
    nodes[i] = {
      ...node, internalIps: c.set.internalIps ? c.set.internalIps.map((ip) => canonicalIp(ip) ?? ip) : node.internalIps,
      externalIp: c.set.externalIp === undefined ? node.externalIp : c.set.externalIp, podCidrs: c.set.podCidrs ?? node.podCidrs,
      labels: c.set.labels ?? node.labels,
    };
  });
  return nodes;
}

/** The cluster with the proposed change applied, in memory only; validated like a real write. */
export function applyChange(model: ClusterModel, cluster: ClusterRow, change: ChangeInput): ClusterModel {
  return {
    ...model,
    proxyMode: change.proxyMode ?? model.proxyMode,
    kubeProxy: {
      masqueradeAll: change.kubeProxy?.masqueradeAll ?? model.kubeProxy.masqueradeAll,
      localDetector: change.kubeProxy?.localDetector ?? model.kubeProxy.localDetector,
      nodePortAddresses: change.kubeProxy?.nodePortAddresses ?? model.kubeProxy.nodePortAddresses,
      localhostNodePorts: change.kubeProxy?.localhostNodePorts ?? model.kubeProxy.localhostNodePorts,
    },
    services: changeServices(model, cluster, change),
    pods: changePods(model, change),
    nodes: changeNodes(model, change),
  };
}
