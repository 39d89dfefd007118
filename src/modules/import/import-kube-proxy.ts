import { DomainError } from '../../common/domain-error';
import { checkSettings } from '../clusters/clusters.service';
import { rangeWarnings } from '../topology/address-ranges';
import { ClusterRow } from '../topology/cluster-store';
import { detectorWarnings, storedKubeProxyCidrs } from '../topology/kube-proxy-cidrs';
import { ImportKubeProxyView } from './import.dto';
import { ItemFailure } from './import-errors';
import type { KubeProxyRecord } from './parse';

/** The cluster columns a KubeProxyConfiguration sets. */
export type KubeProxyData = Partial<
  Pick<
    ClusterRow,
    | 'proxyMode'
    | 'clusterCidrs'
    | 'kubeProxyClusterCidr'
    | 'localDetector'
    | 'masqueradeAll'
    | 'localhostNodePorts'
    | 'nodePortAddresses'
  >
>;

/** The KubeProxyConfiguration field that a cluster-settings field comes from. */
function documentField(settingsField: string): string {
  if (settingsField.startsWith('proxyMode')) return 'mode';
  if (settingsField.startsWith('kubeProxy.nodePortAddresses')) return 'nodePortAddresses';
  if (settingsField.startsWith('kubeProxy.localDetector')) return 'detectLocalMode';
  return 'clusterCIDR'; // clusterCidrs, kubeProxy.clusterCidrs
}

/**
 * What the document's kube-proxy configuration sets on the cluster: the whole configuration (the
 * parser states every modelled option, with kube-proxy's defaults for what the document leaves
 * empty), except redacted values, which leave the cluster's as they are. Its clusterCIDR is
 * kube-proxy's own (kubeProxy.clusterCidrs; [] when it has none), and also becomes the cluster's
 * pod ranges when the cluster has none yet: kubeadm writes the pod subnet there, so it is the best
 * word on them a dump holds, but pod ranges the cluster already has are not kube-proxy's to replace.
 * Checked by the same rules as a cluster update (`checkSettings`); what a cluster update accepts
 * with warnings (pod ranges a Service CIDR overlaps, a kube-proxy clusterCIDR apart from them) is
 * accepted here with the same warnings.
 */
export function kubeProxySettings(
  cluster: ClusterRow,
  record: KubeProxyRecord,
): { applied: ImportKubeProxyView; data: KubeProxyData; warnings: string[] } {
  const { unknown, clusterCidrs: own, ...given } = record;
  const unknownFields = new Set<string>(unknown ?? []);
  const data = Object.fromEntries(
    Object.entries(given).filter(([k, v]) => v !== undefined && !unknownFields.has(k)),
  ) as KubeProxyData;
  const ownKnown = !unknownFields.has('clusterCidrs');
  if (ownKnown) {
    data.kubeProxyClusterCidr = storedKubeProxyCidrs(own);
    if (cluster.clusterCidrs.length === 0 && own.length > 0) data.clusterCidrs = own;
  }
  const after = { ...cluster, ...data };
  try {
    checkSettings(after);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const issue = error.issues[0] ?? { field: 'clusterCIDR', message: error.message };
    throw new ItemFailure(
      'VALIDATION_FAILED',
      'KubeProxyConfiguration',
      '*',
      documentField(issue.field),
      issue.message,
    );
  }
  const warnings = [
    ...(data.clusterCidrs ? rangeWarnings(after) : []),
    ...(ownKnown ? detectorWarnings(after) : []),
  ].map((w) => `clusterCIDR: ${w}`);
  // What was left as it was is undefined here (left out of the REST report, null in GraphQL).
  const applied: ImportKubeProxyView = {
    proxyMode: data.proxyMode,
    clusterCidrs: data.clusterCidrs,
    kubeProxyClusterCidrs: ownKnown ? own : undefined,
    localDetector: data.localDetector,
    masqueradeAll: data.masqueradeAll,
    localhostNodePorts: data.localhostNodePorts,
    nodePortAddresses: data.nodePortAddresses,
  };
  return { applied, data, warnings };
}

/** Whether applying `data` changes the cluster row. */
export function changesCluster(cluster: ClusterRow, data: KubeProxyData): boolean {
  return Object.entries(data).some(
    ([key, value]) => JSON.stringify(cluster[key as keyof KubeProxyData]) !== JSON.stringify(value),
  );
}
