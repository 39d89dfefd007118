import { DomainError } from '../../common/domain-error';
import { checkSettings } from '../clusters/clusters.service';
import { rangeWarnings } from '../topology/address-ranges';
import { ClusterRow } from '../topology/cluster-store';
import { ImportKubeProxyView } from './import.dto';
import { ItemFailure } from './import-errors';
import type { KubeProxyRecord } from './parse';

/** The cluster columns a KubeProxyConfiguration sets. */
export type KubeProxyData = Partial<Pick<ClusterRow, 'proxyMode' | 'clusterCidrs' | 'localDetector' | 'masqueradeAll' | 'localhostNodePorts' | 'nodePortAddresses'>>;

/** The KubeProxyConfiguration field that a cluster-settings field comes from. */
function documentField(settingsField: string): string {
  if (settingsField.startsWith('proxyMode')) return 'mode';
  if (settingsField.startsWith('kubeProxy.nodePortAddresses')) return 'nodePortAddresses';
  if (settingsField.startsWith('kubeProxy.localDetector')) return 'detectLocalMode';
  return 'clusterCIDR'; // clusterCidrs
}

/**
 * What the document's kube-proxy configuration sets on the cluster: the whole configuration (the
 * parser states every modelled option, with kube-proxy's defaults for what the document leaves
 * empty), except cluster CIDRs it does not give and redacted values, which leave the cluster's as
 * they are. Checked by the same rules as a cluster update (`checkSettings`); cluster CIDRs it sets
 * that a Service CIDR overlaps are accepted, as a cluster update accepts them, with the same warnings.
 */
export function kubeProxySettings(cluster: ClusterRow, record: KubeProxyRecord): { applied: ImportKubeProxyView; data: KubeProxyData; warnings: string[] } {
  const { unknown, ...given } = record;
  const unknownFields = new Set<string>(unknown ?? []);
  const data = Object.fromEntries(Object.entries(given).filter(([k, v]) => v !== undefined && !unknownFields.has(k))) as KubeProxyData;
  try {
    checkSettings({ ...cluster, ...data });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const issue = error.issues[0] ?? { field: 'clusterCIDR', message: error.message };
    throw new ItemFailure('VALIDATION_FAILED', 'KubeProxyConfiguration', '*', documentField(issue.field), issue.message);
  }
  const warnings = data.clusterCidrs ? rangeWarnings({ ...cluster, ...data }).map((w) => `clusterCIDR: ${w}`) : [];
  return { applied: data as ImportKubeProxyView, data, warnings };
}

/** Whether applying `data` changes the cluster row. */
export function changesCluster(cluster: ClusterRow, data: KubeProxyData): boolean {
  return Object.entries(data).some(([key, value]) => JSON.stringify(cluster[key as keyof KubeProxyData]) !== JSON.stringify(value));
}
