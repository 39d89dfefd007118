import { Collected, KubeadmHint } from './collected';
import { Field, ItemContext, redactionMarker } from './field';
import { settleLocalDetector } from './kubeproxy';
import { endpointsToSlices } from './objects';
import { ImportWarning, PodRecord, ServiceRecord } from './types';

/**
 * The second half of a parse: what needs every object of every source at hand. Legacy Endpoints
 * become slices only for a Service with none; a kubeadm ClusterConfiguration fills an empty
 * clusterCIDR; cross-references are checked (and only reported: the cluster may hold the rest).
 */

function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * The document's pods by namespace and label (built lazily, once): whether any pod of a namespace
 * matches a selector, without scanning every pod for every Service (10,000 × 150,000 otherwise).
 */
class PodLabelIndex {
  private byNamespace: Map<string, { count: number; byLabel: Map<string, Map<string, PodRecord[]>> }> | null = null;

  constructor(private readonly pods: PodRecord[]) {}

  anyMatch(namespace: string, selector: Record<string, string>): boolean {
    this.byNamespace ??= this.build();
    const ns = this.byNamespace.get(namespace);
    if (!ns) return false;
    let fewest: PodRecord[] | null = null;
    for (const [k, v] of Object.entries(selector)) {
      const candidates = ns.byLabel.get(k)?.get(v);
      if (!candidates) return false;
      if (fewest === null || candidates.length < fewest.length) fewest = candidates;
    }
    // An empty selector matches every pod of the namespace.
    return fewest === null ? ns.count > 0 : fewest.some((p) => labelsMatch(selector, p.labels));
  }

  private build() {
    const out = new Map<string, { count: number; byLabel: Map<string, Map<string, PodRecord[]>> }>();
    for (const pod of this.pods) {
      let ns = out.get(pod.namespace);
      if (!ns) out.set(pod.namespace, (ns = { count: 0, byLabel: new Map() }));
      ns.count += 1;
      for (const [k, v] of Object.entries(pod.labels)) {
        let values = ns.byLabel.get(k);
        if (!values) ns.byLabel.set(k, (values = new Map()));
        const list = values.get(v);
        if (list) list.push(pod);
        else values.set(v, [pod]);
      }
    }
    return out;
  }
}

/** Legacy Endpoints: a fallback only, for a Service of the document that has no EndpointSlice in it. */
function resolveLegacyEndpoints(c: Collected, serviceByKey: Map<string, ServiceRecord>): void {
  const sliced = new Set(c.slices.map((s) => `${s.rec.namespace}/${s.rec.serviceName}`));
  for (const { at, ctx, ep } of c.legacy) {
    const key = `${ep.namespace}/${ep.name}`;
    const service = serviceByKey.get(key);
    const skip = (reason: string) => c.skip(at, 'Endpoints', 'v1', key, reason);
    if (!service) {
      ctx.warn(`legacy Endpoints ${key} ignored: no Service ${key} in the document (e.g. a leader-election lock)`);
      skip('legacy Endpoints with no matching Service in the document');
    } else if (sliced.has(key)) {
      skip(`legacy Endpoints ignored: the document has EndpointSlices for Service ${key}`);
    } else {
      const converted = endpointsToSlices(ep, service);
      ctx.warn(
        `legacy Endpoints converted to ${converted.length} EndpointSlice record(s) (${converted.map((s) => s.name).join(', ')}): the document has no EndpointSlice for Service ${key}`,
      );
      for (const rec of converted) c.slices.push({ at, rec });
    }
  }
  c.slices.sort((a, b) => a.at.rank - b.at.rank || a.at.index - b.at.index);
}

/** The pod subnets of a kubeadm ClusterConfiguration, or why they cannot be used. */
function podSubnets(hint: KubeadmHint & { podSubnet: string }, warnings: ImportWarning[]): string[] | string {
  const parts = hint.podSubnet
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.some((p) => redactionMarker(p) !== null))
    return `networking.podSubnet ${hint.podSubnet} is redacted; ignored`;
  const ctx = new ItemContext(hint.at.index, hint.kind, hint.name, warnings, hint.yaml, hint.at.source);
  const field = new Field(ctx, ['networking', 'podSubnet'], hint.podSubnet);
  try {
    return parts.map((c) => field.cidr(c));
  } catch {
    return `networking.podSubnet ${hint.podSubnet} is not a CIDR list; ignored`;
  }
}

/** kubeadm: an empty clusterCIDR is filled from ClusterConfiguration networking.podSubnet; then the detector is settled. */
function applyKubeadmHints(c: Collected): void {
  const kp = c.kubeProxy;
  for (const hint of c.hints) {
    const warn = (message: string) => c.warn(hint.at, hint.kind, hint.name, message);
    const subnets =
      kp && hint.podSubnet !== null ? podSubnets({ ...hint, podSubnet: hint.podSubnet }, c.warnings) : null;
    if (typeof subnets === 'string') {
      warn(subnets);
    } else if (subnets && kp) {
      const record = kp.read.record;
      if (record.clusterCidrs.length === 0 && !record.unknown?.includes('clusterCidrs')) {
        record.clusterCidrs = subnets;
        warn(
          `networking.podSubnet ${hint.podSubnet} used as kube-proxy's clusterCIDR, which the KubeProxyConfiguration leaves empty (kubeadm fills it the same way)`,
        );
      } else if (record.clusterCidrs.length > 0 && record.clusterCidrs.join(',') !== subnets.join(',')) {
        warn(
          `networking.podSubnet ${hint.podSubnet} differs from the KubeProxyConfiguration's clusterCIDR ${record.clusterCidrs.join(',')}; the latter is used`,
        );
      }
    }
    if (hint.serviceSubnet)
      warn(`networking.serviceSubnet ${hint.serviceSubnet} is the cluster's Service CIDR (a hint; not imported)`);
  }
  if (kp) settleLocalDetector(kp.read, (message) => kp.ctx.warn(message));
}

/** Cross-references inside the document: only reported, never fatal (the cluster may hold the rest). */
function checkReferences(c: Collected, serviceByKey: Map<string, ServiceRecord>): void {
  const nodeNames = new Set(c.nodes.map((n) => n.rec.name));
  if (nodeNames.size) {
    for (const { at, rec } of c.pods) {
      if (rec.nodeName !== null && !nodeNames.has(rec.nodeName)) {
        c.warn(
          at,
          'Pod',
          `${rec.namespace}/${rec.name}`,
          `spec.nodeName ${rec.nodeName} is not a Node of this document`,
        );
      }
    }
  }
  const sliced = new Set(c.slices.map((s) => `${s.rec.namespace}/${s.rec.serviceName}`));
  for (const { at, rec } of c.slices) {
    if (!serviceByKey.has(`${rec.namespace}/${rec.serviceName}`)) {
      c.warn(
        at,
        'EndpointSlice',
        `${rec.namespace}/${rec.name}`,
        `no Service ${rec.namespace}/${rec.serviceName} (label kubernetes.io/service-name) in the document`,
      );
    }
  }
  const podIndex = new PodLabelIndex(c.pods.map((p) => p.rec));
  for (const { at, rec } of c.services) {
    if (rec.headless || sliced.has(`${rec.namespace}/${rec.name}`)) continue;
    const selector = rec.selector;
    if (selector !== null && podIndex.anyMatch(rec.namespace, selector)) continue;
    const named = rec.ports.filter((p) => typeof p.targetPort === 'string').map((p) => `"${p.targetPort}"`);
    const why = selector
      ? ' or Pods matching the selector'
      : rec.unknown?.includes('selector')
        ? ', and the selector is redacted'
        : ', and no selector';
    c.warn(
      at,
      'Service',
      `${rec.namespace}/${rec.name}`,
      `no endpoint data in the document (no EndpointSlices, Endpoints${why})` +
        (named.length ? `; the named targetPort ${named.join(', ')} cannot be resolved` : ''),
    );
  }
}

/** Resolves what needs the whole import; `c` is complete and in reading order afterwards. */
export function resolve(c: Collected): void {
  const serviceByKey = new Map(c.services.map((s) => [`${s.rec.namespace}/${s.rec.name}`, s.rec]));
  resolveLegacyEndpoints(c, serviceByKey);
  applyKubeadmHints(c);
  checkReferences(c, serviceByKey);
  c.ordered(c.skipped);
  c.ordered(c.warnings);
}
