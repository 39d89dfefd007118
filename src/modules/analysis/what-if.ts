import { namespaceLabels, networkPolicySpec } from '../network-policies/network-policy-rules';
import type { ClusterModel, NodeModel, PodModel, ServiceModel } from '../../engine';
import { normaliseCceAnnotations } from '../../engine';
import { DomainError } from '../../common/domain-error';
import { ClusterRow, Claim } from '../topology/cluster-store';
import { checkKubeProxyCidrs } from '../topology/kube-proxy-cidrs';
import { checkPodCidrs, nodeAddresses, nodeClaims } from '../nodes/node-rules';
import { placePod, podClaims, PodRuleContext, podPorts } from '../pods/pod-rules';
import { cceServiceRules, toServiceModel } from '../services/cce-constraints';
import { DEFAULT_AFFINITY_TIMEOUT_SECONDS, resolveSpec, serviceClaims, ServiceSpec } from '../services/service-spec';
import { ChangeInput } from './what-if.dto';

/** Prefixes the field of a validation error raised while applying one part of a change. */
function under<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const issues = error.issues.map((i) => ({ ...i, field: `${prefix}.${i.field}` }));
    throw new DomainError(
      error.code,
      issues.map((i) => `${i.field}: ${i.message}`).join('; ') || `${prefix}: ${error.message}`,
      issues,
      error.rule,
    );
  }
}

function specOfModel(s: ServiceModel): ServiceSpec {
  return {
    ...s,
    ports: [...s.ports],
    selector: s.selector ? { ...s.selector } : null,
    clusterIps: s.clusterIps.length ? [...s.clusterIps] : ['None'],
    externalIps: [...s.externalIps],
    loadBalancerIngress: [...s.loadBalancerIngress],
    loadBalancerSourceRanges: [...s.loadBalancerSourceRanges],
    // The model's defaults when absent (src/engine/model.ts).
    sessionAffinity: s.sessionAffinity ?? 'None',
    sessionAffinityTimeoutSeconds:
      s.sessionAffinityTimeoutSeconds ?? (s.sessionAffinity === 'ClientIP' ? DEFAULT_AFFINITY_TIMEOUT_SECONDS : null),
    trafficDistribution: s.trafficDistribution ?? null,
    loadBalancerHostnames: [...(s.loadBalancerHostnames ?? [])],
    loadBalancerTarget: s.loadBalancerTarget ?? null,
    labels: { ...s.labels },
    annotations: { ...s.annotations },
  };
}

function findIndex<T>(items: readonly T[], match: (t: T) => boolean, field: string, what: string): number {
  const i = items.findIndex(match);
  if (i < 0)
    throw new DomainError('UNPROCESSABLE', `${field}: no ${what} in this cluster`, [
      { field, message: `no ${what} in this cluster` },
    ]);
  return i;
}

/** Services as the change sets them (resolveSpec: the same checks as a write), CCE rules applied against the changed cluster below. */
function changeServices(
  model: ClusterModel,
  cluster: ClusterRow,
  change: ChangeInput,
): { services: ServiceModel[]; changed: number[] } {
  const services = [...model.services];
  const changed: number[] = [];
  change.services?.forEach((c, n) => {
    const i = findIndex(
      services,
      (s) => `${s.namespace}/${s.name}` === c.service,
      `change.services[${n}].service`,
      `Service ${c.service}`,
    );
    const current = services[i];
    const spec = under(`change.services[${n}].set`, () => resolveSpec(c.set, specOfModel(current), cluster));
    services[i] = toServiceModel(current.namespace, current.name, spec);
    changed.push(n);
  });
  return { services, changed };
}

/** Pods as the change sets them, through the pod rules of every write (pod-rules), placed on the changed cluster's nodes. */
function changePods(model: ClusterModel, nodes: readonly NodeModel[], change: ChangeInput): PodModel[] {
  const pods = [...model.pods];
  const nodeIps = new Map(nodes.map((n) => [n.name, n.internalIps]));
  const ctx: PodRuleContext = { nodeIps: (name) => nodeIps.get(name), serviceCidrs: model.serviceCidrs };
  change.pods?.forEach((c, n) => {
    const i = findIndex(pods, (p) => `${p.namespace}/${p.name}` === c.pod, `change.pods[${n}].pod`, `pod ${c.pod}`);
    const { set } = c;
    const p = pods[i];
    const hostNetwork = set.hostNetwork ?? p.hostNetwork;
    // The pod is placed again only when the change moves it (its node, network or addresses): a
    // pod the import kept as the cluster has it stays as it is otherwise.
    const moved = set.nodeName !== undefined || set.hostNetwork !== undefined || set.ips !== undefined;
    pods[i] = under(`change.pods[${n}].set`, () => ({
      ...p,
      labels: set.labels ?? p.labels,
      phase: set.phase ?? p.phase,
      ready: set.ready ?? p.ready,
      terminating: set.terminating ?? p.terminating,
      ...(moved
        ? placePod(
            {
              nodeName: set.nodeName === undefined ? p.nodeName : set.nodeName,
              hostNetwork,
              ips: set.ips ?? (hostNetwork || p.hostNetwork ? [] : p.ips),
              ipsGiven: set.ips !== undefined,
            },
            ctx,
          )
        : {}),
      containerPorts: set.containerPorts ? podPorts(set.containerPorts, ctx) : p.containerPorts,
    }));
  });
  return pods;
}

/** Nodes as the change sets them, through the node rules of every write (node-rules). */
function changeNodes(model: ClusterModel, change: ChangeInput): NodeModel[] {
  const nodes = [...model.nodes];
  change.nodes?.forEach((c, n) => {
    const i = findIndex(nodes, (node) => node.name === c.node, `change.nodes[${n}].node`, `node ${c.node}`);
    const node = nodes[i];
    const addresses = under(`change.nodes[${n}].set`, () =>
      nodeAddresses({
        internalIps: c.set.internalIps ?? node.internalIps,
        externalIp: c.set.externalIp === undefined ? node.externalIp : c.set.externalIp,
        podCidrs: c.set.podCidrs ?? node.podCidrs,
      }),
    );
    // As a write: checked only when the change sets them.
    if (c.set.podCidrs != null)
      under(`change.nodes[${n}].set`, () => checkPodCidrs(addresses.podCidrs, model.serviceCidrs));
    nodes[i] = { ...node, ...addresses, labels: c.set.labels ?? node.labels };
  });
  return nodes;
}

/** The proposed change as a write would store it: each changed object's addresses free (else a 409, as the write), CCE rules held. */
function checkChanged(after: ClusterModel, change: ChangeInput, changedServices: readonly number[]): ClusterModel {
  const holders = new ClaimHolders(after);
  change.nodes?.forEach((c, n) => under(`change.nodes[${n}].set`, () => holders.check(`node ${c.node}`)));
  change.pods?.forEach((c, n) => under(`change.pods[${n}].set`, () => holders.check(`pod ${c.pod}`)));
  changedServices.forEach((n) =>
    under(`change.services[${n}].set`, () => holders.check(`service ${change.services![n].service}`)),
  );
  const services = [...after.services];
  for (const n of changedServices) {
    const key = change.services![n].service;
    const i = services.findIndex((s) => `${s.namespace}/${s.name}` === key);
    const [namespace, name] = key.split('/');
    const spec = under(`change.services[${n}].set`, () =>
      cceServiceRules({ ...after, services }, namespace, name, specOfModel(services[i])),
    );
    services[i] = normaliseCceAnnotations(toServiceModel(namespace, name, spec));
  }
  return { ...after, services };
}

/**
 * Who holds each address of a model, by the claim rules of every write (a pod's, a node's and a
 * Service's claims): a changed object that claims an address another object holds is a 409.
 */
class ClaimHolders {
  private readonly holders = new Map<string, string[]>();
  private readonly claims = new Map<string, Claim[]>();

  constructor(model: ClusterModel) {
    for (const n of model.nodes) this.add(`node ${n.name}`, nodeClaims(n));
    for (const p of model.pods) this.add(`pod ${p.namespace}/${p.name}`, podClaims(p));
    for (const s of model.services) this.add(`service ${s.namespace}/${s.name}`, serviceClaims(specOfModel(s)));
  }

  check(owner: string): void {
    for (const claim of this.claims.get(owner) ?? []) {
      const other = this.holders.get(claim.key)?.find((h) => h !== owner);
      if (other !== undefined) {
        const what = claim.key.startsWith('ip/')
          ? claim.key.slice(3)
          : `NodePort ${claim.key.slice('nodeport/'.length)}`;
        throw DomainError.conflict(claim.field, `${what} is already used by ${other} in this cluster`);
      }
    }
  }

  private add(owner: string, claims: Claim[]): void {
    this.claims.set(owner, claims);
    for (const c of claims) {
      const list = this.holders.get(c.key);
      if (list === undefined) this.holders.set(c.key, [owner]);
      else list.push(owner);
    }
  }
}

/** kube-proxy's clusterCIDR as the change sets it (the rule of a cluster write): left out = as it is, null = the same as clusterCidrs. */
function changeKubeProxyCidrs(model: ClusterModel, change: ChangeInput): readonly string[] | null {
  const given = change.kubeProxy?.clusterCidrs;
  if (given === undefined) return model.kubeProxy.clusterCidrs ?? null;
  return given === null ? null : under('change', () => checkKubeProxyCidrs(given));
}

/** The cluster with the proposed change applied, in memory only; validated like a real write. */
export function applyChange(model: ClusterModel, cluster: ClusterRow, change: ChangeInput): ClusterModel {
  const nodes = changeNodes(model, change);
  const { services, changed } = changeServices(model, cluster, change);
  const after: ClusterModel = {
    ...model,
    proxyMode: change.proxyMode ?? model.proxyMode,
    kubeProxy: {
      masqueradeAll: change.kubeProxy?.masqueradeAll ?? model.kubeProxy.masqueradeAll,
      localDetector: change.kubeProxy?.localDetector ?? model.kubeProxy.localDetector,
      nodePortAddresses: change.kubeProxy?.nodePortAddresses ?? model.kubeProxy.nodePortAddresses,
      localhostNodePorts: change.kubeProxy?.localhostNodePorts ?? model.kubeProxy.localhostNodePorts,
      clusterCidrs: changeKubeProxyCidrs(model, change),
    },
    services,
    pods: changePods(model, nodes, change),
    nodes,
    ...changePolicies(model, change),
  };
  return checkChanged(after, change, changed);
}

/** Namespaces relabelled, NetworkPolicies upserted or left out, enforcement switched: each checked by the writes' own rules. */
function changePolicies(
  model: ClusterModel,
  change: ChangeInput,
): Pick<ClusterModel, 'namespaces' | 'networkPolicies' | 'networkPolicyEnforced'> {
  const namespaces = new Map((model.namespaces ?? []).map((n) => [n.name, n]));
  change.namespaces?.forEach((n, i) => {
    namespaces.set(n.name, {
      name: n.name,
      labels: under(`change.namespaces[${i}]`, () => namespaceLabels(n.name, n.labels)),
    });
  });
  const policies = new Map((model.networkPolicies ?? []).map((p) => [`${p.namespace}/${p.name}`, p]));
  change.networkPolicies?.delete?.forEach((key, i) => {
    const field = `change.networkPolicies.delete[${i}]`;
    if (!policies.delete(key))
      throw new DomainError('UNPROCESSABLE', `${field}: no NetworkPolicy ${key} in this cluster`, [
        { field, message: `no NetworkPolicy ${key} in this cluster` },
      ]);
  });
  change.networkPolicies?.upsert?.forEach((p, i) => {
    const { value } = under(`change.networkPolicies.upsert[${i}]`, () => networkPolicySpec(p));
    policies.set(`${p.namespace}/${p.name}`, { namespace: p.namespace, name: p.name, ...value });
  });
  return {
    namespaces: [...namespaces.values()],
    networkPolicies: [...policies.values()],
    networkPolicyEnforced: change.networkPolicyEnforced ?? model.networkPolicyEnforced ?? null,
  };
}
