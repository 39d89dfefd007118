// Answers that need values an imported dump redacted (a support bundle writes ***HIDDEN***): the
// model marks such fields `unknown`, and an answer that depends on one is UNKNOWN, naming it.
import type { CompiledCluster, CompiledService } from '../compiled';
import type { EndpointSliceModel, NodeModel, PodModel } from '../model';
import type { AddressResult } from '../results';

/** The pods and slices with unknown fields, found once per list (usually none). */
const UNKNOWN_PODS = new WeakMap<readonly PodModel[], readonly PodModel[]>();
const UNKNOWN_SLICES = new WeakMap<readonly EndpointSliceModel[], readonly EndpointSliceModel[]>();
const UNKNOWN_NODES = new WeakMap<readonly NodeModel[], readonly NodeModel[]>();
/** The fields of a backend pod an answer depends on: its address, whether it is selected, where it runs. */
const BACKEND_FIELDS = new Set(['ips', 'labels', 'nodeName']);
/** The fields of a node a NodePort, load-balancer or externalIP answer depends on. */
const NODE_FIELDS = new Set(['internalIps', 'externalIp']);

function withUnknown<T extends { readonly unknown?: readonly string[] }>(
  cache: WeakMap<readonly T[], readonly T[]>,
  list: readonly T[],
): readonly T[] {
  let found = cache.get(list);
  if (found === undefined) {
    found = list.filter((o) => o.unknown !== undefined && o.unknown.length > 0);
    cache.set(list, found);
  }
  return found;
}

/**
 * Carries the pods with unknown fields from one version's pods to the next, given the pods a
 * patch wrote (by key, null when deleted): no scan of 150,000 pods after each write.
 */
export function carryUnknownPods(
  prev: readonly PodModel[],
  next: readonly PodModel[],
  written: readonly (readonly [string, PodModel | null])[],
): void {
  const known = UNKNOWN_PODS.get(prev);
  if (known === undefined || prev === next) return;
  const byKey = new Map(known.map((p) => [`${p.namespace}/${p.name}`, p]));
  for (const [key, after] of written) {
    byKey.delete(key);
    if (after !== null && after.unknown !== undefined && after.unknown.length > 0)
      byKey.set(`${after.namespace}/${after.name}`, after);
  }
  UNKNOWN_PODS.set(next, [...byKey.values()]);
}

/** Whether the pod may back the Service: it runs in its namespace and its labels match the selector (unknown labels may). */
function mayBack(pod: PodModel, namespace: string, selector: Readonly<Record<string, string>>): boolean {
  if (pod.namespace !== namespace || pod.phase !== 'Running') return false;
  if (pod.unknown?.includes('labels')) return true;
  return Object.keys(selector).every((k) => pod.labels[k] === selector[k]);
}

/**
 * What an answer about `svc` from `client` needs but was redacted: the Service's own unknown
 * fields, its possible backends' unknown addresses, labels or nodes, its slices' unknown
 * endpoints, the nodes' unknown addresses (for traffic from outside), and the client pod's
 * unknown fields; each as `<object>: <fields>`.
 */
export function redactedFacts(cc: CompiledCluster, svc: CompiledService, client: PodModel | null): string[] {
  const facts: string[] = [];
  const say = (what: string, fields: readonly string[]) => facts.push(`${what}: ${fields.join(', ')}`);
  if (client?.unknown !== undefined) say(`client pod ${client.namespace}/${client.name}`, client.unknown);
  const { model } = svc;
  if (model.unknown !== undefined) say(`Service ${svc.key}`, model.unknown);
  if (model.selector !== null) {
    for (const pod of withUnknown(UNKNOWN_PODS, cc.model.pods)) {
      const fields = pod.unknown!.filter((f) => BACKEND_FIELDS.has(f));
      if (fields.length > 0 && mayBack(pod, model.namespace, model.selector))
        say(`pod ${pod.namespace}/${pod.name}`, fields);
    }
  }
  // Traffic from outside (NodePorts, load balancers, externalIPs) reaches nodes by their addresses.
  if (model.type !== 'ClusterIP' || model.externalIps.length > 0) {
    for (const node of withUnknown(UNKNOWN_NODES, cc.model.nodes)) {
      const fields = node.unknown!.filter((f) => NODE_FIELDS.has(f));
      if (fields.length > 0) say(`node ${node.name}`, fields);
    }
  }
  for (const slice of withUnknown(UNKNOWN_SLICES, cc.model.endpointSlices)) {
    if (slice.namespace === model.namespace && slice.serviceName === model.name)
      say(`EndpointSlice ${slice.namespace}/${slice.name}`, slice.unknown!);
  }
  // One order whatever the order of the lists (a patched model keeps its pods in another order).
  return facts.sort();
}

/** The answer for the same address, UNKNOWN: it depends on redacted values, named in its one step. */
export function redactedResult(
  r: AddressResult,
  facts: readonly string[],
  rule: AddressResult['rules'][number],
): AddressResult {
  const path = [
    {
      at: 'client',
      rule: rule.id,
      description: `the imported dump redacted values this answer needs: ${facts.join('; ')}`,
    },
  ];
  return {
    via: r.via,
    verdict: 'UNKNOWN',
    missingFact: 'REDACTED_VALUE',
    sourceIp: { preserved: null, seenAs: null, seenAsKind: null, reason: 'NOT_DELIVERED' },
    endpoints: [],
    path,
    hops: [],
    deliveries: null,
    rules: [rule],
    rule: rule.id,
    suggestions: [],
  };
}
