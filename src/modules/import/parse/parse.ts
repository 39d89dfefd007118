import { At, Collected, itemAt, KubeadmHint } from './collected';
import { isKubernetesApiVersion, RawObject, ReadDocument, readDocument } from './documents';
import { Field, isObject, ItemContext } from './field';
import {
  KUBE_PROXY_GROUP,
  KUBE_PROXY_VERSIONS,
  KubeProxyRead,
  readKubeProxyConfigMap,
  readKubeProxyConfiguration,
} from './kubeproxy';
import {
  namespaceOf,
  readEndpointSlice,
  readEndpoints,
  readNode,
  readPod,
  readService,
  redactedIdentity,
  Skip,
} from './objects';
import { resolve } from './resolve';
import { readNamespace, readNetworkPolicy } from './policies';
import { ImportError, ParsedImport } from './types';

export type KubectlFormat = 'application/json' | 'application/yaml';

/** One file of an import, e.g. a support bundle's `cluster-resources/pods/shop.json`. */
export interface KubectlSource {
  /** Names the file in errors (`files["…"].items[3]…`) and reports (`source`); unique within one import. */
  name: string;
  text: string;
  format: KubectlFormat;
  /** What an object that names neither its kind nor its apiVersion is (a dump's layout may tell it from the file's path). */
  defaults?: { kind: string; apiVersion: string };
}

/** Kinds this importer reads, by kind → the apiVersions it accepts. Matching is always on both. */
const SUPPORTED: Record<string, readonly string[]> = {
  Node: ['v1'],
  Pod: ['v1'],
  Service: ['v1'],
  Endpoints: ['v1'],
  EndpointSlice: ['discovery.k8s.io/v1', 'discovery.k8s.io/v1beta1'],
  KubeProxyConfiguration: KUBE_PROXY_VERSIONS.map((v) => `${KUBE_PROXY_GROUP}/${v}`),
  ConfigMap: ['v1'],
  Namespace: ['v1'],
  NetworkPolicy: ['networking.k8s.io/v1'],
};
const CLUSTER_SCOPED = new Set([
  'Node',
  'KubeProxyConfiguration',
  'Namespace',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'CustomResourceDefinition',
]);

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

/** Field names of Go's own encoding of the internal types (no json tags): TypeMeta, ObjectMeta, Spec, ... */
const GO_FIELD_NAMES = ['TypeMeta', 'ObjectMeta', 'ListMeta', 'Spec', 'Status', 'Items', 'Kind', 'APIVersion'];

/** A `%+v`- or json.Marshal-style dump of internal Go types: capitalised field names and no `metadata`. */
function looksLikeGoDump(value: Record<string, unknown>): boolean {
  return !('metadata' in value) && GO_FIELD_NAMES.some((k) => k in value);
}

/** Why an object is not read, or null when it is one of the supported kinds. */
function unsupported(obj: RawObject): string | null {
  if (obj.foreignList !== null) {
    return isKubernetesApiVersion(obj.apiVersion)
      ? `inside a List of apiVersion ${obj.foreignList}, which is not a Kubernetes List`
      : `unsupported apiVersion ${obj.apiVersion}`;
  }
  if (!isObject(obj.value)) return 'not a Kubernetes object (expected a mapping with apiVersion and kind)';
  if (looksLikeGoDump(obj.value))
    return 'looks like a dump of internal Go types (capitalised field names), not Kubernetes JSON';
  if (!obj.apiVersion) return obj.kind ? `missing apiVersion (kind ${obj.kind})` : 'missing apiVersion and kind';
  if (!isKubernetesApiVersion(obj.apiVersion)) return `unsupported apiVersion ${obj.apiVersion}`;
  if (!obj.kind) return `missing kind (apiVersion ${obj.apiVersion})`;
  const versions = SUPPORTED[obj.kind];
  if (!versions) return `unsupported kind ${obj.kind} (${obj.apiVersion})`;
  if (!versions.includes(obj.apiVersion))
    return `unsupported apiVersion ${obj.apiVersion} for ${obj.kind} (supported: ${versions.join(', ')})`;
  return null;
}

/** networking.podSubnet/serviceSubnet of a kubeadm ClusterConfiguration, read leniently (it is only a hint). */
function kubeadmHint(obj: RawObject, at: At, yaml: boolean, name: string | null): KubeadmHint | null {
  if (obj.kind !== 'ClusterConfiguration' || !obj.apiVersion.startsWith('kubeadm.k8s.io/') || !isObject(obj.value))
    return null;
  const net = obj.value.networking;
  if (!isObject(net)) return null;
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  return { at, yaml, kind: obj.kind, name, podSubnet: str(net.podSubnet), serviceSubnet: str(net.serviceSubnet) };
}

/** A KubeProxyConfiguration (alone or in the kube-proxy ConfigMap): the last one wins, as kube-proxy reads one. */
function keepKubeProxy(c: Collected, at: At, ctx: ItemContext, read: KubeProxyRead): void {
  if (c.kubeProxy)
    ctx.warn(`a further KubeProxyConfiguration (the first is ${itemAt(c.kubeProxy.at, at)}): this one replaces it`);
  c.kubeProxy = { at, ctx, read };
}

/** One object of a supported kind into `c`; `skip` reports it as not imported. */
function readObject(c: Collected, obj: RawObject, at: At, root: Field, skip: (reason: string) => void): void {
  const name = root.ctx.name;
  const unique = (key: string) => {
    const before = c.seen.get(key);
    if (before !== undefined) {
      const where = before.source === at.source ? 'in the document' : 'in the import';
      root.get('metadata', 'name').fail(`${obj.kind} ${name} appears twice ${where} (also ${itemAt(before, at)})`);
    }
    c.seen.set(key, at);
  };
  switch (obj.kind) {
    case 'Node': {
      const rec = readNode(root);
      unique(`Node ${rec.name}`);
      c.nodes.push({ at, rec });
      break;
    }
    case 'Pod': {
      const rec = readPod(root);
      unique(`Pod ${rec.namespace}/${rec.name}`);
      c.pods.push({ at, rec });
      break;
    }
    case 'Service': {
      const rec = readService(root);
      if (rec instanceof Skip) return skip(rec.reason);
      unique(`Service ${rec.namespace}/${rec.name}`);
      c.services.push({ at, rec });
      break;
    }
    case 'EndpointSlice': {
      const rec = readEndpointSlice(root, obj.apiVersion.endsWith('/v1beta1'));
      if (rec instanceof Skip) return skip(rec.reason);
      unique(`EndpointSlice ${rec.namespace}/${rec.name}`);
      c.slices.push({ at, rec });
      break;
    }
    case 'Namespace': {
      const rec = readNamespace(root);
      unique(`Namespace ${rec.name}`);
      c.namespaces.push({ at, rec });
      break;
    }
    case 'NetworkPolicy': {
      const rec = readNetworkPolicy(root, namespaceOf(root));
      unique(`NetworkPolicy ${rec.namespace}/${rec.name}`);
      c.networkPolicies.push({ at, rec });
      break;
    }
    case 'Endpoints': {
      const ep = readEndpoints(root);
      unique(`Endpoints ${ep.namespace}/${ep.name}`);
      c.legacy.push({ at, ctx: root.ctx, ep });
      break;
    }
    default:
      readKubeProxySource(c, obj, at, root, skip);
  }
}

/** A KubeProxyConfiguration, or a ConfigMap (only kube-system/kube-proxy holds one). */
function readKubeProxySource(c: Collected, obj: RawObject, at: At, root: Field, skip: (reason: string) => void): void {
  if (obj.kind === 'KubeProxyConfiguration') {
    const read = readKubeProxyConfiguration(root, obj.apiVersion.split('/')[1]);
    if (read instanceof Skip) return skip(read.reason);
    return keepKubeProxy(c, at, root.ctx, read);
  }
  const meta = root.at('metadata');
  if (meta.at('namespace').value !== 'kube-system' || meta.at('name').value !== 'kube-proxy') {
    return skip('a ConfigMap other than kube-system/kube-proxy (only that one holds the kube-proxy configuration)');
  }
  const result = readKubeProxyConfigMap(root);
  if ('skip' in result) return skip(result.skip);
  keepKubeProxy(c, at, root.ctx, result.read);
}

/** One object of a source: skipped with a reason, or read into `c`. */
function readItem(c: Collected, obj: RawObject, at: At, yaml: boolean): void {
  const name = displayName(obj);
  const ctx = new ItemContext(obj.index, obj.kind, name, c.warnings, yaml, at.source);
  const root = new Field(ctx, [], obj.value);
  const skip = (reason: string) => c.skip(at, obj.kind, obj.apiVersion, name, reason);
  for (const dup of obj.duplicateKeys) {
    ctx.warn(
      `duplicate key "${dup.key}" in ${dup.field || 'the object'}: the last value was kept, as the Kubernetes API server does`,
    );
  }
  const reason = unsupported(obj);
  if (reason !== null) {
    skip(reason);
    const hint = kubeadmHint(obj, at, yaml, name);
    if (hint) c.hints.push(hint);
    return;
  }
  root.at('metadata').object();
  const redacted = obj.kind === 'KubeProxyConfiguration' || obj.kind === 'ConfigMap' ? null : redactedIdentity(root);
  if (redacted !== null) skip(redacted);
  else readObject(c, obj, at, root, skip);
}

/** Reads one source's objects into `c`. */
function readSource(
  c: Collected,
  source: { name?: string; text: string; format: KubectlFormat; defaults?: { kind: string; apiVersion: string } },
  rank: number,
): void {
  const { name: sourceName, text, format } = source;
  const fail = (message: string) => new ImportError(null, null, null, '', message, sourceName);
  if (format !== 'application/json' && format !== 'application/yaml') {
    throw fail(`unsupported content type ${String(format)}: use application/json or application/yaml`);
  }
  if (typeof text !== 'string') throw fail('the document must be text');
  let doc: ReadDocument;
  try {
    doc = readDocument(text, format, source.defaults ?? null);
  } catch (error) {
    throw error instanceof ImportError ? error.inSource(sourceName) : error;
  }
  c.ranks.set(sourceName, rank);
  for (const w of doc.warnings) c.warnings.push(sourceName === undefined ? w : { ...w, source: sourceName });
  for (const obj of doc.objects) {
    const at: At =
      sourceName === undefined ? { rank, index: obj.index } : { source: sourceName, rank, index: obj.index };
    readItem(c, obj, at, format === 'application/yaml');
  }
}

function parseAll(
  sources: readonly {
    name?: string;
    text: string;
    format: KubectlFormat;
    defaults?: { kind: string; apiVersion: string };
  }[],
): ParsedImport {
  const c = new Collected();
  sources.forEach((source, rank) => readSource(c, source, rank));
  resolve(c);
  return {
    nodes: c.nodes.map((n) => n.rec),
    pods: c.pods.map((p) => p.rec),
    services: c.services.map((s) => s.rec),
    endpointSlices: c.slices.map((s) => s.rec),
    namespaces: c.namespaces.map((n) => n.rec),
    networkPolicies: c.networkPolicies.map((p) => p.rec),
    kubeProxy: c.kubeProxy ? c.kubeProxy.read.record : null,
    skipped: c.skipped,
    warnings: c.warnings,
  };
}

/** One document: what `kubectl get nodes,pods,services,endpointslices -A -o json|yaml` prints. */
export function parseKubectl(text: string, contentType: KubectlFormat): ParsedImport {
  return parseAll([{ text, format: contentType }]);
}

/**
 * Several files read as one document (e.g. a support bundle's `cluster-resources/`): every
 * object of every file is collected before references are resolved, and the result does not
 * depend on the order of `sources` (they are read in the order of their names). Errors and
 * reports name the file (`source`). The same object in two files is refused, as it is within one.
 */
export function parseKubectlSources(sources: readonly KubectlSource[]): ParsedImport {
  if (!Array.isArray(sources))
    throw new ImportError(null, null, null, '', 'the sources must be a list of { name, text, format }');
  const names = new Set<string>();
  for (const [i, source] of sources.entries()) {
    if (!isObject(source) || typeof source.name !== 'string')
      throw new ImportError(null, null, null, `sources[${i}].name`, 'every source needs a name (a string)');
    if (names.has(source.name))
      throw new ImportError(null, null, null, '', 'two sources have this name: names must be unique', source.name);
    names.add(source.name);
  }
  // Code-unit order, not localeCompare: the same on every machine.
  const byName = [...sources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return parseAll(byName);
}
