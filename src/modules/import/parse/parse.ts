import { isKubernetesApiVersion, RawObject, readDocument } from './documents';
import { Field, isObject, ItemContext } from './field';
import { KUBE_PROXY_GROUP, KUBE_PROXY_VERSIONS, readKubeProxyConfigMap, readKubeProxyConfiguration } from './kubeproxy';
import {
  endpointsToSlices, LegacyEndpoints, readEndpointSlice, readEndpoints, readNode, readPod, readService, Skip,
} from './objects';
import {
  EndpointSliceRecord, ImportError, ImportWarning, KubeProxyRecord, NodeRecord, ParsedImport, PodRecord,
  ServiceRecord, SkippedItem,
} from './types';

/** Kinds this importer reads, by kind → the apiVersions it accepts. Matching is always on both. */
const SUPPORTED: Record<string, readonly string[]> = {
  Node: ['v1'],
  Pod: ['v1'],
  Service: ['v1'],
  Endpoints: ['v1'],
  EndpointSlice: ['discovery.k8s.io/v1', 'discovery.k8s.io/v1beta1'],
  KubeProxyConfiguration: KUBE_PROXY_VERSIONS.map((v) => `${KUBE_PROXY_GROUP}/${v}`),
  ConfigMap: ['v1'],
};
const CLUSTER_SCOPED = new Set(['Node', 'KubeProxyConfiguration', 'Namespace', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'CustomResourceDefinition']);

/** `namespace/name` for namespaced objects (default namespace `default` for the kinds we read), `name` otherwise. */
function displayName(obj: RawObject): string | null {
  if (!isObject(obj.value) || !isObject(obj.value.metadata)) return null;
  const meta = obj.value.metadata;
  const name = typeof meta.name === 'string' && meta.name !== '' ? meta.name : null;
  if (name === null) return null;
  if (CLUSTER_SCOPED.has(obj.kind)) return name;
  const ns = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : null;
  if (ns) return `${ns}/${name}`;
  return obj.kind in SUPPORTED ? `default/${name}` : name;
}

/** Why an object is not read, or null when it is one of the supported kinds. */
function unsupported(obj: RawObject): string | null {
  if (obj.foreignList !== null) {
    return isKubernetesApiVersion(obj.apiVersion)
      ? `inside a List of apiVersion ${obj.foreignList}, which is not a Kubernetes List`
      : `unsupported apiVersion ${obj.apiVersion}`;
  }
  if (!isObject(obj.value)) return 'not a Kubernetes object (expected a mapping with apiVersion and kind)';
  if (!obj.apiVersion) return obj.kind ? `missing apiVersion (kind ${obj.kind})` : 'missing apiVersion and kind';
  if (!isKubernetesApiVersion(obj.apiVersion)) return `unsupported apiVersion ${obj.apiVersion}`;
  if (!obj.kind) return `missing kind (apiVersion ${obj.apiVersion})`;
  const versions = SUPPORTED[obj.kind];
  if (!versions) return `unsupported kind ${obj.kind} (${obj.apiVersion})`;
  if (!versions.includes(obj.apiVersion)) return `unsupported apiVersion ${obj.apiVersion} for ${obj.kind} (supported: ${versions.join(', ')})`;
  return null;
}

interface KubeadmHint { index: number; kind: string; name: string | null; podSubnet: string | null; serviceSubnet: string | null }

/** networking.podSubnet/serviceSubnet of a kubeadm ClusterConfiguration, read leniently (it is only a hint). */
function kubeadmHint(obj: RawObject): KubeadmHint | null {
  if (obj.kind !== 'ClusterConfiguration' || !obj.apiVersion.startsWith('kubeadm.k8s.io/') || !isObject(obj.value)) return null;
  const net = obj.value.networking;
  if (!isObject(net)) return null;
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  return { index: obj.index, kind: obj.kind, name: null, podSubnet: str(net.podSubnet), serviceSubnet: str(net.serviceSubnet) };
}

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
      if (!ns) out.set(pod.namespace, ns = { count: 0, byLabel: new Map() });
      ns.count += 1;
      for (const [k, v] of Object.entries(pod.labels)) {
        let values = ns.byLabel.get(k);
        if (!values) ns.byLabel.set(k, values = new Map());
        const list = values.get(v);
        if (list) list.push(pod); else values.set(v, [pod]);
      }
    }
    return out;
  }
}

export function parseKubectl(text: string, contentType: 'application/json' | 'application/yaml'): ParsedImport {
  if (contentType !== 'application/json' && contentType !== 'application/yaml') {
    throw new ImportError(null, null, null, '', `unsupported content type ${String(contentType)}: use application/json or application/yaml`);
  }
  if (typeof text !== 'string') throw new ImportError(null, null, null, '', 'the document must be text');
  const yaml = contentType === 'application/yaml';
  const doc = readDocument(text, contentType);
  const warnings: ImportWarning[] = [...doc.warnings];
  const skipped: SkippedItem[] = [];
  const nodes: NodeRecord[] = [];
  const pods: { index: number; rec: PodRecord }[] = [];
  const services: { index: number; rec: ServiceRecord }[] = [];
  const slices: { index: number; rec: EndpointSliceRecord }[] = [];
  const legacy: { index: number; ctx: ItemContext; ep: LegacyEndpoints }[] = [];
  const hints: KubeadmHint[] = [];
  let kubeProxy: { index: number; ctx: ItemContext; record: KubeProxyRecord } | null = null;
  const seen = new Map<string, number>();

  for (const obj of doc.objects) {
    const name = displayName(obj);
    const ctx = new ItemContext(obj.index, obj.kind, name, warnings, yaml);
    const root = new Field(ctx, [], obj.value);
    const skip = (reason: string) => skipped.push({ index: obj.index, kind: obj.kind, apiVersion: obj.apiVersion, name, reason });
    for (const dup of obj.duplicateKeys) {
      ctx.warn(`duplicate key "${dup.key}" in ${dup.field || 'the object'}: the last value was kept, as the Kubernetes API server does`);
    }
    const reason = unsupported(obj);
    if (reason !== null) {
      skip(reason);
      const hint = kubeadmHint(obj);
      if (hint) hints.push({ ...hint, name });
      continue;
    }
    root.at('metadata').object();
    const unique = (key: string) => {
      const before = seen.get(key);
      if (before !== undefined) root.get('metadata', 'name').fail(`${obj.kind} ${name} appears twice in the document (also item ${before})`);
      seen.set(key, obj.index);
    };

    switch (obj.kind) {
      case 'Node': {
        const rec = readNode(root);
        unique(`Node ${rec.name}`);
        nodes.push(rec);
        break;
      }
      case 'Pod': {
        const rec = readPod(root);
        unique(`Pod ${rec.namespace}/${rec.name}`);
        pods.push({ index: obj.index, rec });
        break;
      }
      case 'Service': {
        const rec = readService(root);
        if (rec instanceof Skip) { skip(rec.reason); break; }
        unique(`Service ${rec.namespace}/${rec.name}`);
        services.push({ index: obj.index, rec });
        break;
      }
      case 'EndpointSlice': {
        const rec = readEndpointSlice(root, obj.apiVersion.endsWith('/v1beta1'));
        if (rec instanceof Skip) { skip(rec.reason); break; }
        unique(`EndpointSlice ${rec.namespace}/${rec.name}`);
        slices.push({ index: obj.index, rec });
        break;
      }
      case 'Endpoints': {
        const ep = readEndpoints(root);
        unique(`Endpoints ${ep.namespace}/${ep.name}`);
        legacy.push({ index: obj.index, ctx, ep });
        break;
      }
      case 'KubeProxyConfiguration': {
        const record = readKubeProxyConfiguration(root, obj.apiVersion.split('/')[1]);
        if (kubeProxy) ctx.warn(`a further KubeProxyConfiguration (the first is item ${kubeProxy.index}): this one replaces it`);
        kubeProxy = { index: obj.index, ctx, record };
        break;
      }
      case 'ConfigMap': {
        const meta = root.at('metadata');
        if (meta.at('namespace').value !== 'kube-system' || meta.at('name').value !== 'kube-proxy') {
          skip('a ConfigMap other than kube-system/kube-proxy (only that one holds the kube-proxy configuration)');
          break;
        }
        const read = readKubeProxyConfigMap(root);
        if ('skip' in read) { skip(read.skip); break; }
        if (kubeProxy) ctx.warn(`a further KubeProxyConfiguration (the first is item ${kubeProxy.index}): this one replaces it`);
        kubeProxy = { index: obj.index, ctx, record: read.record };
        break;
      }
    }
  }

  // Legacy Endpoints: a fallback only, for a Service of the document that has no EndpointSlice in it.
  const serviceByKey = new Map(services.map((s) => [`${s.rec.namespace}/${s.rec.name}`, s.rec]));
  const sliced = new Set(slices.map((s) => `${s.rec.namespace}/${s.rec.serviceName}`));
  for (const { index, ctx, ep } of legacy) {
    const key = `${ep.namespace}/${ep.name}`;
    const service = serviceByKey.get(key);
    const skip = (reason: string) => skipped.push({ index, kind: 'Endpoints', apiVersion: 'v1', name: key, reason });
    if (!service) {
      ctx.warn(`legacy Endpoints ${key} ignored: no Service ${key} in the document (e.g. a leader-election lock)`);
      skip('legacy Endpoints with no matching Service in the document');
    } else if (sliced.has(key)) {
      skip(`legacy Endpoints ignored: the document has EndpointSlices for Service ${key}`);
    } else {
      const converted = endpointsToSlices(ep, service);
      ctx.warn(`legacy Endpoints converted to ${converted.length} EndpointSlice record(s) (${converted.map((s) => s.name).join(', ')}): the document has no EndpointSlice for Service ${key}`);
      for (const rec of converted) slices.push({ index, rec });
    }
  }
  slices.sort((a, b) => a.index - b.index);
  skipped.sort((a, b) => a.index - b.index);

  // kubeadm: an empty clusterCIDR is filled from ClusterConfiguration networking.podSubnet.
  const kp = kubeProxy as { index: number; ctx: ItemContext; record: KubeProxyRecord } | null;
  for (const hint of hints) {
    const warn = (message: string) => warnings.push({ index: hint.index, kind: hint.kind, name: hint.name, message });
    if (hint.podSubnet && kp) {
      const field = new Field(new ItemContext(hint.index, hint.kind, hint.name, warnings, yaml), ['networking', 'podSubnet'], hint.podSubnet);
      let parsed: string[];
      try {
        parsed = hint.podSubnet.split(',').map((s) => s.trim()).filter(Boolean).map((c) => field.cidr(c));
      } catch {
        warn(`networking.podSubnet ${hint.podSubnet} is not a CIDR list; ignored`);
        continue;
      }
      if (!kp.record.clusterCidrs) {
        kp.record.clusterCidrs = parsed;
        warn(`networking.podSubnet ${hint.podSubnet} used as kube-proxy's clusterCIDR, which the KubeProxyConfiguration leaves empty (kubeadm fills it the same way)`);
      } else if (kp.record.clusterCidrs.join(',') !== parsed.join(',')) {
        warn(`networking.podSubnet ${hint.podSubnet} differs from the KubeProxyConfiguration's clusterCIDR ${kp.record.clusterCidrs.join(',')}; the latter is used`);
      }
    }
    if (hint.serviceSubnet) warn(`networking.serviceSubnet ${hint.serviceSubnet} is the cluster's Service CIDR (a hint; not imported)`);
  }

  // Cross-references inside the document: only reported, never fatal (the cluster may hold the rest).
  const nodeNames = new Set(nodes.map((n) => n.name));
  if (nodeNames.size) {
    for (const { index, rec } of pods) {
      if (rec.nodeName !== null && !nodeNames.has(rec.nodeName)) {
        warnings.push({ index, kind: 'Pod', name: `${rec.namespace}/${rec.name}`, message: `spec.nodeName ${rec.nodeName} is not a Node of this document` });
      }
    }
  }
  const slicedNow = new Set(slices.map((s) => `${s.rec.namespace}/${s.rec.serviceName}`));
  for (const { index, rec } of slices) {
    if (!serviceByKey.has(`${rec.namespace}/${rec.serviceName}`)) {
      warnings.push({ index, kind: 'EndpointSlice', name: `${rec.namespace}/${rec.name}`, message: `no Service ${rec.namespace}/${rec.serviceName} (label kubernetes.io/service-name) in the document` });
    }
  }
  const podIndex = new PodLabelIndex(pods.map((p) => p.rec));
  for (const { index, rec } of services) {
    if (rec.headless || slicedNow.has(`${rec.namespace}/${rec.name}`)) continue;
    const selector = rec.selector;
    const backed = selector !== null && podIndex.anyMatch(rec.namespace, selector);
    if (backed) continue;
    const named = rec.ports.filter((p) => typeof p.targetPort === 'string').map((p) => `"${p.targetPort}"`);
    warnings.push({
      index, kind: 'Service', name: `${rec.namespace}/${rec.name}`,
      message: `no endpoint data in the document (no EndpointSlices, Endpoints${selector ? ' or Pods matching the selector' : ', and no selector'})`
        + (named.length ? `; the named targetPort ${named.join(', ')} cannot be resolved` : ''),
    });
  }

  warnings.sort((a, b) => a.index - b.index);
  return {
    nodes,
    pods: pods.map((p) => p.rec),
    services: services.map((s) => s.rec),
    endpointSlices: slices.map((s) => s.rec),
    kubeProxy: kp ? kp.record : null,
    skipped,
    warnings,
  };
}
