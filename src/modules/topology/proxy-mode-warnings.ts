import { minorVersion } from '../../engine/topology';

/**
 * What the cluster's Kubernetes version says about its kube-proxy mode: the nftables mode came
 * in as alpha in v1.29 (feature gate NFTablesProxyMode, off by default), beta and on by default
 * in v1.31, GA in v1.33 (pkg/features/kube_features.go; KEP-3866). Stored as given either way:
 * the analyses answer for the mode the cluster says it runs.
 */
export function proxyModeWarnings(s: { readonly proxyMode: string; readonly kubernetesVersion: string }): string[] {
  if (s.proxyMode !== 'NFTABLES') return [];
  const minor = minorVersion(s.kubernetesVersion);
  if (minor === null) return [];
  if (minor < 29)
    return [
      `proxyMode NFTABLES: kube-proxy has no nftables mode before v1.29 (kubernetesVersion ${s.kubernetesVersion}); the analyses answer as an nftables kube-proxy would`,
    ];
  if (minor < 31)
    return [
      `proxyMode NFTABLES: the nftables mode is alpha in v1.29 and v1.30 (feature gate NFTablesProxyMode, off by default): kube-proxy runs it only with the gate enabled`,
    ];
  return [];
}
