import type { DumpFormat, DumpLayout } from './dump-types';

/**
 * Which files of a dump the import reads, decided from paths alone (pure; no I/O). Paths are
 * given as segments relative to the dump's root. The layouts were checked against the tools'
 * sources:
 * - `kubectl cluster-info dump --output-directory=DIR [-o yaml]`: kubernetes/kubernetes
 *   staging/src/k8s.io/kubectl/pkg/cmd/clusterinfo/clusterinfo_dump.go writes `nodes.json` and,
 *   per namespace, `events`, `replication-controllers`, `services`, `daemonsets`, `deployments`,
 *   `replicasets`, `pods` (`.json`, or `.yaml` with -o yaml) and `<ns>/<pod>/logs.txt`. It
 *   writes no endpoints; `endpoints`/`endpointslices` files are read if someone added them.
 * - sonobuoy: vmware-tanzu/sonobuoy pkg/discovery/query.go writes
 *   `resources/cluster/<group>_<version>_<resource>.json` and `resources/ns/<ns>/...` (the core
 *   group is spelled `core`, e.g. `core_v1_pods.json`, `discovery.k8s.io_v1_endpointslices.json`);
 *   releases before 0.50 (pkg/discovery/queries.go) wrote `<Kind>.json` (`Pods.json`), a bare
 *   array of items. Beside them: `plugins/`, `meta/`, `podlogs/`, `hosts/`.
 * - troubleshoot support bundle: replicatedhq/troubleshoot pkg/constants/constants.go and
 *   pkg/collect/cluster_resources.go write `cluster-resources/nodes.json` and
 *   `cluster-resources/<resource>/<ns>.json` (pods, services, endpoints, endpointslices,
 *   configmaps, ...), plus `<resource>-errors.json` and much else.
 */

export const SKIP = {
  notJsonOrYaml: 'not JSON or YAML',
  notReadKind: 'not a kind the import reads',
  notResourceList: 'not a resource list the import reads',
  configMapNamespace: 'only kube-system ConfigMaps are read (they may hold kube-proxy)',
  collectorErrors: 'collector errors are not read',
  invalidUtf8: 'not valid UTF-8',
  empty: 'empty file',
} as const;

/** Keep the file (with the resource it lists, when the path tells), or skip it with the reason. */
export type Verdict = { keep: true; resource: string | null } | { keep: false; reason: string };

const KEEP: Verdict = { keep: true, resource: null };
const keep = (resource: string): Verdict => ({ keep: true, resource });

/** The kind of the items of a resource list the import reads, for items that do not say it. */
export const KIND_OF_RESOURCE: Readonly<Record<string, { kind: string; apiVersion: string }>> = {
  nodes: { kind: 'Node', apiVersion: 'v1' },
  pods: { kind: 'Pod', apiVersion: 'v1' },
  services: { kind: 'Service', apiVersion: 'v1' },
  endpoints: { kind: 'Endpoints', apiVersion: 'v1' },
  endpointslices: { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1' },
  configmaps: { kind: 'ConfigMap', apiVersion: 'v1' },
};
const skip = (reason: string): Verdict => ({ keep: false, reason });

/** What the import reads, by lower-case resource name; configmaps only from kube-system. */
const READ_RESOURCES = new Set(['nodes', 'pods', 'services', 'endpoints', 'endpointslices']);
const KUBE_PROXY_NAMESPACE = 'kube-system';

/** The per-namespace lists `kubectl cluster-info dump` writes, every one every time (clusterinfo_dump.go). */
const CLUSTER_INFO_LISTS = new Set([
  'events',
  'replication-controllers',
  'services',
  'daemonsets',
  'deployments',
  'replicasets',
  'pods',
]);

const SONOBUOY_OTHER_DIRS = new Set(['plugins', 'meta', 'podlogs', 'hosts']);

/** `.json` → JSON, `.yaml`/`.yml` → YAML, anything else null (case-insensitive). */
export function formatOf(name: string): DumpFormat | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'application/json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'application/yaml';
  return null;
}

/** The file name without its `.json`/`.yaml`/`.yml` extension. */
function stem(name: string): string {
  return name.replace(/\.(json|ya?ml)$/i, '');
}

// Detection: a layout is recognised by the files only its tool writes.
function isSupportBundle(files: readonly string[][]): boolean {
  return files.some((s) => s.length >= 2 && s[0] === 'cluster-resources');
}

function isSonobuoy(files: readonly string[][]): boolean {
  return files.some((s) => s.length >= 3 && s[0] === 'resources' && (s[1] === 'cluster' || s[1] === 'ns'));
}

/** kubectl writes every list for every namespace, so a real dump has `<ns>/pods` and `<ns>/services`. */
function isClusterInfoDump(files: readonly string[][]): boolean {
  const listed = (s: readonly string[]): boolean => formatOf(s[s.length - 1]) !== null;
  const nodes = files.some((s) => s.length === 1 && listed(s) && stem(s[0]) === 'nodes');
  const namespaces = (name: string): Set<string> =>
    new Set(files.filter((s) => s.length === 2 && listed(s) && stem(s[1]) === name).map((s) => s[0]));
  const services = namespaces('services');
  return nodes && [...namespaces('pods')].some((ns) => services.has(ns));
}

function layoutAt(files: readonly string[][]): DumpLayout {
  if (isSupportBundle(files)) return 'support-bundle';
  if (isSonobuoy(files)) return 'sonobuoy';
  if (isClusterInfoDump(files)) return 'cluster-info-dump';
  return 'unknown';
}

/** How many leading directories every entry shares (`dump/`, `support-bundle-…/`). */
function sharedDepth(files: readonly string[][], dirs: readonly string[][]): number {
  const prefixes = [...files.map((s) => s.slice(0, -1)), ...dirs].filter((p) => p.length > 0);
  if (prefixes.length === 0 || files.some((s) => s.length < 2)) return 0;
  let depth = 0;
  while (prefixes.every((p) => p.length > depth && p[depth] === prefixes[0][depth])) depth++;
  return depth;
}

/**
 * The layout and how many leading directories to strip to reach the dump's root. The paths are
 * tried as they are first, then without each shared leading directory in turn, so that a
 * sonobuoy archive holding only `resources/` is not mistaken for one with a top folder.
 */
export function detectLayout(
  files: readonly string[][],
  dirs: readonly string[][],
): { layout: DumpLayout; depth: number } {
  const max = sharedDepth(files, dirs);
  for (let depth = 0; depth <= max; depth++) {
    const layout = layoutAt(files.map((s) => s.slice(depth)));
    if (layout !== 'unknown') return { layout, depth };
  }
  return { layout: 'unknown', depth: 0 };
}

/** `core_v1_pods` → pods (core or discovery.k8s.io only); legacy `Pods` → pods; else null. */
function sonobuoyResource(name: string): string | null {
  const parts = name.split('_');
  if (parts.length === 1) return /^[A-Z][A-Za-z]*$/.test(name) ? name.toLowerCase() : null;
  if (parts.length < 3) return null;
  const resource = parts[parts.length - 1];
  const group = parts.slice(0, -2).join('_');
  if (group === 'core' || (group === 'discovery.k8s.io' && resource === 'endpointslices')) return resource;
  return null;
}

/** Read the resources the import reads; ConfigMaps only where kube-proxy's lives. */
function byResource(resource: string | null, namespace: string | null): Verdict {
  if (resource !== null && READ_RESOURCES.has(resource)) return keep(resource);
  if (resource === 'configmaps')
    return namespace === KUBE_PROXY_NAMESPACE ? keep(resource) : skip(SKIP.configMapNamespace);
  return skip(SKIP.notReadKind);
}

function clusterInfoDump(s: readonly string[]): Verdict {
  const name = stem(s[s.length - 1]);
  if (s.length === 1 && name === 'nodes') return keep('nodes');
  if (s.length === 2 && name !== 'nodes' && (READ_RESOURCES.has(name) || CLUSTER_INFO_LISTS.has(name)))
    return byResource(name, s[0]);
  return skip(SKIP.notResourceList);
}

function sonobuoy(s: readonly string[]): Verdict {
  if (SONOBUOY_OTHER_DIRS.has(s[0]) && s.length > 1) return skip(`sonobuoy ${s[0]}/ is not read`);
  if (s[0] !== 'resources') return skip(SKIP.notResourceList);
  const resource = sonobuoyResource(stem(s[s.length - 1]));
  if (s.length === 3 && s[1] === 'cluster') return resource === 'nodes' ? keep('nodes') : skip(SKIP.notReadKind);
  if (s.length === 4 && s[1] === 'ns')
    return resource === 'nodes' ? skip(SKIP.notReadKind) : byResource(resource, s[2]);
  return skip(SKIP.notResourceList);
}

function supportBundle(s: readonly string[]): Verdict {
  if (s[0] !== 'cluster-resources') return skip(SKIP.notResourceList);
  const name = stem(s[s.length - 1]);
  if (s.length === 2 && name.endsWith('-errors')) return skip(SKIP.collectorErrors);
  if (s.length === 2) return name === 'nodes' ? keep('nodes') : skip(SKIP.notReadKind);
  if (s.length === 3 && s[1] !== 'nodes') return byResource(s[1], name);
  return skip(SKIP.notReadKind);
}

/** Whether the import reads this JSON/YAML file of a dump of this layout, and why not. */
export function selectFile(layout: DumpLayout, segments: readonly string[]): Verdict {
  switch (layout) {
    case 'cluster-info-dump':
      return clusterInfoDump(segments);
    case 'sonobuoy':
      return sonobuoy(segments);
    case 'support-bundle':
      return supportBundle(segments);
    case 'unknown':
      return KEEP;
    default: {
      const never: never = layout;
      throw new Error(`unknown layout ${String(never)}`);
    }
  }
}
