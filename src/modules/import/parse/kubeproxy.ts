import type { LocalDetector, ProxyMode } from '../../../engine/model';
import { Field, redactionMarker } from './field';
import { parseEmbeddedYaml } from './documents';
import { Skip } from './objects';
import { KubeProxyRecord } from './types';

/**
 * KubeProxyConfiguration (kubeproxy.config.k8s.io v1alpha1 and v1alpha2), on its own or inside the
 * kube-system/kube-proxy ConfigMap. It is kube-proxy's whole configuration, so the record states
 * every modelled setting: what the document leaves empty, absent or null takes kube-proxy's own
 * default (each cited below). Keys outside the version's schema are warned about, one by one.
 */

export const KUBE_PROXY_GROUP = 'kubeproxy.config.k8s.io';
export const KUBE_PROXY_VERSIONS = ['v1alpha1', 'v1alpha2'];

const MODES: Record<string, ProxyMode> = { iptables: 'IPTABLES', ipvs: 'IPVS', nftables: 'NFTABLES' };

// The schemas, key by key: a key outside them is a warning (kube-proxy's lenient decoding ignores it).
// v1alpha1: kubernetes/kubernetes staging/src/k8s.io/kube-proxy/config/v1alpha1/types.go (@ce34909),
// plus ipvs.ipSet from pkg/proxy/apis/config/scheme/testdata/KubeProxyConfiguration/after/v1alpha1.yaml
// (@0289310), windowsRunAsService (pkg/proxy/apis/config/v1alpha1/conversion.go), and keys that
// older releases wrote and kubeadm-made ConfigMaps still hold: udpIdleTimeout and resourceContainer.
// v1alpha2: the fields of pkg/proxy/apis/config/v1alpha2/zz_generated.conversion.go (@122e68a), named
// as testdata/KubeProxyConfiguration/after/v1alpha2.yaml and roundtrip/default/v1alpha2.yaml spell them.
interface Schema {
  top: ReadonlySet<string>;
  nested: Readonly<Record<string, ReadonlySet<string>>>;
}

const set = (...keys: string[]): ReadonlySet<string> => new Set(keys);

const SCHEMAS: Record<string, Schema> = {
  v1alpha1: {
    top: set(
      'apiVersion',
      'kind',
      'featureGates',
      'clientConnection',
      'logging',
      'hostnameOverride',
      'bindAddress',
      'healthzBindAddress',
      'metricsBindAddress',
      'bindAddressHardFail',
      'enableProfiling',
      'showHiddenMetricsForVersion',
      'serviceProxyName',
      'mode',
      'iptables',
      'ipvs',
      'nftables',
      'winkernel',
      'detectLocalMode',
      'detectLocal',
      'clusterCIDR',
      'nodePortAddresses',
      'oomScoreAdj',
      'conntrack',
      'configSyncPeriod',
      'portRange',
      'windowsRunAsService',
      'udpIdleTimeout',
      'resourceContainer',
    ),
    nested: {
      iptables: set('masqueradeBit', 'masqueradeAll', 'localhostNodePorts', 'syncPeriod', 'minSyncPeriod'),
      ipvs: set(
        'syncPeriod',
        'minSyncPeriod',
        'scheduler',
        'excludeCIDRs',
        'strictARP',
        'tcpTimeout',
        'tcpFinTimeout',
        'udpTimeout',
        'ipSet',
      ),
      nftables: set('masqueradeBit', 'masqueradeAll', 'syncPeriod', 'minSyncPeriod', 'tableName'),
      detectLocal: set('bridgeInterface', 'interfaceNamePrefix'),
    },
  },
  v1alpha2: {
    top: set(
      'apiVersion',
      'kind',
      'featureGates',
      'clientConnection',
      'logging',
      'hostnameOverride',
      'nodeIPOverride',
      'healthzBindAddresses',
      'healthzBindPort',
      'metricsBindAddresses',
      'metricsBindPort',
      'configHardFail',
      'bindAddressHardFail',
      'enableProfiling',
      'showHiddenMetricsForVersion',
      'mode',
      'linux',
      'windows',
      'iptables',
      'ipvs',
      'nftables',
      'winkernel',
      'detectLocalMode',
      'detectLocal',
      'nodePortAddresses',
      'syncPeriod',
      'minSyncPeriod',
      'configSyncPeriod',
    ),
    nested: {
      iptables: set('masqueradeBit', 'localhostNodePorts'),
      ipvs: set('masqueradeBit', 'scheduler', 'excludeCIDRs', 'strictARP', 'tcpTimeout', 'tcpFinTimeout', 'udpTimeout'),
      nftables: set('masqueradeBit'),
      linux: set('oomScoreAdj', 'conntrack', 'masqueradeAll'),
      detectLocal: set('bridgeInterface', 'interfaceNamePrefix', 'clusterCIDRs'),
    },
  },
};

/** Warns about each key of the configuration (and of the nested structs it reads) outside the version's schema. */
function warnUnknownKeys(o: Field, version: string): void {
  const schema = SCHEMAS[version];
  const other = Object.keys(SCHEMAS).find((v) => v !== version) as string;
  const warn = (f: Field, name: string, knownElsewhere: boolean) =>
    o.ctx.warn(
      `${f.field}: unknown KubeProxyConfiguration field ${JSON.stringify(name)} (ignored${knownElsewhere ? `; it is a ${other} field, not a ${version} one` : ''})`,
    );
  for (const key of o.keys()) {
    if (!schema.top.has(key)) warn(o.at(key), key, SCHEMAS[other].top.has(key));
  }
  for (const [struct, keys] of Object.entries(schema.nested)) {
    for (const key of o.at(struct).keys()) {
      if (!keys.has(key))
        warn(o.get(struct, key), `${struct}.${key}`, SCHEMAS[other].nested[struct]?.has(key) ?? false);
    }
  }
}

/** A configuration as read: the record, and whether its local-traffic detector depends on cluster CIDRs a kubeadm hint may still supply. */
export interface KubeProxyRead {
  record: KubeProxyRecord;
  detectsByClusterCidr: boolean;
  /** Where the cluster CIDRs are (`clusterCIDR`, `detectLocal.clusterCIDRs`), for a warning. */
  cidrField: string;
}

function readMode(o: Field): ProxyMode | Skip {
  const modeField = o.at('mode');
  const mode = modeField.optString() ?? '';
  // "" = the platform default, iptables on Linux: cmd/kube-proxy/app/server_linux.go platformApplyDefaults.
  if (mode === '') return 'IPTABLES';
  if (MODES[mode]) return MODES[mode];
  if (mode === 'kernelspace' || mode === 'userspace') {
    return new Skip(
      `proxy mode "${mode}" is not modelled (only iptables, ipvs and nftables): the configuration is not imported`,
    );
  }
  return modeField.fail(`must be iptables, ipvs, nftables or empty (the default, iptables on Linux), got "${mode}"`);
}

/** detectLocalMode; "" = ClusterCIDR (platformApplyDefaults). Null = ClusterCIDR, settled once the cluster CIDRs are known. */
function readDetector(o: Field): LocalDetector | null {
  const field = o.at('detectLocalMode');
  const detect = field.optString() ?? 'ClusterCIDR';
  switch (detect) {
    case 'ClusterCIDR':
      return null;
    case 'NodeCIDR':
      return 'NODE_CIDR';
    case 'BridgeInterface':
    case 'InterfaceNamePrefix':
      // Both match traffic that comes from this node's pods, as NodeCIDR does (by the node's pod CIDR).
      o.ctx.warn(
        `${field.field}: "${detect}" is not modelled; read as NodeCIDR (both detect traffic from this node's pods)`,
      );
      return 'NODE_CIDR';
    default:
      return field.fail(
        `must be ClusterCIDR, NodeCIDR, BridgeInterface, InterfaceNamePrefix or empty, got "${detect}"`,
      );
  }
}

/** v1alpha1: clusterCIDR, a comma-separated string. v1alpha2: detectLocal.clusterCIDRs, a list. Redacted entries are left out. */
function readClusterCidrs(o: Field, version: string): { cidrs: string[]; field: string } {
  const cidrs: string[] = [];
  if (version === 'v1alpha1') {
    const f = o.at('clusterCIDR');
    for (const part of (f.optString() ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (!f.redactedAs('clusterCidrs', redactionMarker(part))) cidrs.push(f.cidr(part));
    }
    return { cidrs: [...new Set(cidrs)], field: f.field };
  }
  const list = o.get('detectLocal', 'clusterCIDRs');
  for (const f of list.list()) if (!f.redactedAs('clusterCidrs')) cidrs.push(f.cidr());
  return { cidrs: [...new Set(cidrs)], field: list.field };
}

/**
 * nodePortAddresses, CIDRs or the special "primary" ("localhost" and "all" are read as their CIDRs).
 * Empty, absent or null: all node IPs, except in nftables mode, where kube-proxy (v1.29+) defaults it
 * to ["primary"] (cmd/kube-proxy/app/server_linux.go platformApplyDefaults).
 */
function readNodePortAddresses(o: Field, mode: ProxyMode): string[] {
  const addresses: string[] = [];
  const list = o.at('nodePortAddresses').list();
  for (const f of list) {
    if (f.redactedAs('nodePortAddresses')) continue;
    const s = f.string().trim();
    if (s === 'primary') addresses.push('primary');
    else if (s === 'localhost') addresses.push('127.0.0.0/8', '::1/128');
    else if (s === 'all') addresses.push('0.0.0.0/0', '::/0');
    else addresses.push(f.cidr(s));
  }
  if (list.length === 0 && mode === 'NFTABLES') return ['primary'];
  return [...new Set(addresses)];
}

export function readKubeProxyConfiguration(o: Field, version: string): KubeProxyRead | Skip {
  warnUnknownKeys(o, version);
  const proxyMode = readMode(o);
  if (proxyMode instanceof Skip) return proxyMode;
  const { cidrs, field: cidrField } = readClusterCidrs(o, version);
  const detector = readDetector(o);

  // v1alpha1 keeps masqueradeAll per backend: nftables mode reads nftables.masqueradeAll, the others
  // iptables.masqueradeAll (pkg/proxy/apis/config/v1alpha1/conversion.go); v1alpha2 has linux.masqueradeAll.
  // Absent: false (a plain bool in both versions).
  const masqueradeAll =
    (version === 'v1alpha1'
      ? o.get(proxyMode === 'NFTABLES' ? 'nftables' : 'iptables', 'masqueradeAll').optBool()
      : o.get('linux', 'masqueradeAll').optBool()) ?? false;

  // iptables.localhostNodePorts, a *bool: v1alpha1 defaults nil to true (testdata after/v1alpha1.yaml,
  // "the legacy behavior"), v1alpha2 to false (pkg/proxy/apis/config/v1alpha2/defaults.go).
  const localhostNodePorts = o.get('iptables', 'localhostNodePorts').optBool() ?? version === 'v1alpha1';

  // Read (and so validate as booleans, YAML 1.1 spellings included) the switches we do not model.
  o.get('ipvs', 'strictARP').optBool();

  const record: KubeProxyRecord = o.ctx.withUnknown<KubeProxyRecord>({
    proxyMode,
    clusterCidrs: cidrs,
    localDetector: detector ?? (cidrs.length ? 'CLUSTER_CIDR' : 'NONE'),
    masqueradeAll,
    localhostNodePorts,
    nodePortAddresses: readNodePortAddresses(o, proxyMode),
  });
  return { record, detectsByClusterCidr: detector === null, cidrField };
}

/**
 * The detector of detectLocalMode ClusterCIDR, once the cluster CIDRs are final (a kubeadm
 * ClusterConfiguration may have supplied them): without any, kube-proxy keeps its no-op detector
 * and treats no traffic as local (cmd/kube-proxy/app/server_linux.go getLocalDetectors).
 */
export function settleLocalDetector(read: KubeProxyRead, warn: (message: string) => void): void {
  if (!read.detectsByClusterCidr) return;
  const known = read.record.clusterCidrs.length > 0 || (read.record.unknown?.includes('clusterCidrs') ?? false);
  read.record.localDetector = known ? 'CLUSTER_CIDR' : 'NONE';
  if (!known) {
    warn(
      `${read.cidrField} is empty, so detectLocalMode ClusterCIDR (the default) has nothing to detect with: kube-proxy runs without a local-traffic detector`,
    );
  }
}

/** The kube-system/kube-proxy ConfigMap: its data["config.conf"] is a KubeProxyConfiguration. */
export function readKubeProxyConfigMap(o: Field): { read: KubeProxyRead; version: string } | { skip: string } {
  const conf = o.get('data', 'config.conf');
  const text = conf.optString();
  if (text === null)
    return { skip: 'kube-system/kube-proxy ConfigMap without data["config.conf"]: no KubeProxyConfiguration to read' };
  const parsed = parseEmbeddedYaml(text);
  if (parsed.error) conf.fail(parsed.error);
  if (parsed.value === null) return { skip: 'kube-system/kube-proxy ConfigMap with an empty data["config.conf"]' };
  const inner = new Field(o.ctx, conf.path, parsed.value);
  inner.object();
  for (const dup of parsed.duplicates) {
    const where = new Field(o.ctx, [...conf.path, ...dup.path], undefined).field;
    o.ctx.warn(`duplicate key "${dup.key}" in ${where}: the last value was kept`);
  }
  const apiVersion = inner.at('apiVersion').optString() ?? '';
  const kind = inner.at('kind').optString() ?? '';
  const [group, version] = apiVersion.split('/');
  if (kind !== 'KubeProxyConfiguration') inner.at('kind').fail(`must be KubeProxyConfiguration, got "${kind}"`);
  if (group !== KUBE_PROXY_GROUP || !KUBE_PROXY_VERSIONS.includes(version)) {
    return {
      skip: `kube-system/kube-proxy ConfigMap holds an unsupported apiVersion ${apiVersion || '(none)'} of KubeProxyConfiguration`,
    };
  }
  const read = readKubeProxyConfiguration(inner, version);
  return read instanceof Skip ? { skip: `kube-system/kube-proxy ConfigMap: ${read.reason}` } : { read, version };
}
