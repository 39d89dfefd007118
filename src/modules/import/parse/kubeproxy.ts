import type { LocalDetector, ProxyMode } from '../../../engine/model';
import { Field } from './field';
import { parseEmbeddedYaml } from './documents';
import { KubeProxyRecord } from './types';

/**
 * KubeProxyConfiguration (kubeproxy.config.k8s.io v1alpha1 and v1alpha2), on its own or inside the
 * kube-system/kube-proxy ConfigMap. A key is set only when the configuration says something other
 * than "use kube-proxy's default" (empty mode, null nodePortAddresses, ...).
 */

export const KUBE_PROXY_GROUP = 'kubeproxy.config.k8s.io';
export const KUBE_PROXY_VERSIONS = ['v1alpha1', 'v1alpha2'];

const MODES: Record<string, ProxyMode> = { iptables: 'IPTABLES', ipvs: 'IPVS', nftables: 'NFTABLES' };
const DETECTORS: Record<string, LocalDetector> = { ClusterCIDR: 'CLUSTER_CIDR', NodeCIDR: 'NODE_CIDR' };

export function readKubeProxyConfiguration(o: Field, version: string): KubeProxyRecord {
  const out: KubeProxyRecord = {};
  const modeField = o.at('mode');
  const mode = modeField.optString();
  if (mode !== null) {
    if (MODES[mode]) out.proxyMode = MODES[mode];
    else if (mode === 'kernelspace' || mode === 'userspace') o.ctx.warn(`${modeField.field}: proxy mode "${mode}" is not modelled (only iptables, ipvs and nftables); left unset`);
    else modeField.fail(`must be iptables, ipvs, nftables or empty (the default, iptables on Linux), got "${mode}"`);
  }

  // v1alpha1: clusterCIDR, a comma-separated string. v1alpha2: detectLocal.clusterCIDRs, a list.
  const cidrs: string[] = [];
  if (version === 'v1alpha1') {
    const f = o.at('clusterCIDR');
    for (const part of (f.optString() ?? '').split(',').map((s) => s.trim()).filter(Boolean)) cidrs.push(f.cidr(part));
  } else {
    for (const f of o.get('detectLocal', 'clusterCIDRs').list()) cidrs.push(f.cidr());
  }
  if (cidrs.length) out.clusterCidrs = [...new Set(cidrs)];

  const detectField = o.at('detectLocalMode');
  const detect = detectField.optString();
  if (detect !== null) {
    if (DETECTORS[detect]) out.localDetector = DETECTORS[detect];
    else if (detect === 'BridgeInterface' || detect === 'InterfaceNamePrefix') {
      o.ctx.warn(`${detectField.field}: "${detect}" is not modelled (only ClusterCIDR and NodeCIDR); left unset`);
    } else {
      detectField.fail(`must be ClusterCIDR, NodeCIDR, BridgeInterface, InterfaceNamePrefix or empty, got "${detect}"`);
    }
  }

  // v1alpha1 keeps masqueradeAll per backend (nftables mode reads nftables.masqueradeAll, the
  // others iptables.masqueradeAll, as kube-proxy's conversion does); v1alpha2 has linux.masqueradeAll.
  const masq = version === 'v1alpha1'
    ? o.get(mode === 'nftables' ? 'nftables' : 'iptables', 'masqueradeAll').optBool()
    : o.get('linux', 'masqueradeAll').optBool();
  if (masq !== null) out.masqueradeAll = masq;

  const localhost = o.get('iptables', 'localhostNodePorts').optBool();
  if (localhost !== null) out.localhostNodePorts = localhost;

  const npa = o.at('nodePortAddresses');
  if (!npa.absent) {
    const addresses: string[] = [];
    for (const f of npa.list()) {
      const s = f.string().trim();
      if (s === 'primary') addresses.push('primary');
      else if (s === 'localhost') addresses.push('127.0.0.0/8', '::1/128');
      else if (s === 'all') addresses.push('0.0.0.0/0', '::/0');
      else addresses.push(f.cidr(s));
    }
    out.nodePortAddresses = [...new Set(addresses)];
  }

  // Read (and so validate as booleans, YAML 1.1 spellings included) the switches we do not model.
  o.get('ipvs', 'strictARP').optBool();
  return out;
}

/** The kube-system/kube-proxy ConfigMap: its data["config.conf"] is a KubeProxyConfiguration. */
export function readKubeProxyConfigMap(o: Field): { record: KubeProxyRecord; version: string } | { skip: string } {
  const conf = o.get('data', 'config.conf');
  const text = conf.optString();
  if (text === null) return { skip: 'kube-system/kube-proxy ConfigMap without data["config.conf"]: no KubeProxyConfiguration to read' };
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
    return { skip: `kube-system/kube-proxy ConfigMap holds an unsupported apiVersion ${apiVersion || '(none)'} of KubeProxyConfiguration` };
  }
  return { record: readKubeProxyConfiguration(inner, version), version };
}
