import { cidrContains, parseCidr } from '../../common/net';
import { ClusterRow } from '../topology/cluster-store';
import { ImportKubeProxyView } from './import.dto';
import { ItemFailure } from './import-errors';
import type { KubeProxyRecord } from './parse';

/** The cluster columns a KubeProxyConfiguration sets. */
export type KubeProxyData = Partial<Pick<ClusterRow, 'proxyMode' | 'clusterCidrs' | 'localDetector' | 'masqueradeAll' | 'localhostNodePorts' | 'nodePortAddresses'>>;

const MODES_OF: Record<ClusterRow['profile'], readonly string[]> = {
  KUBERNETES: ['IPTABLES', 'IPVS', 'NFTABLES'], CCE: ['IPTABLES', 'IPVS'], CCE_TURBO: ['IPTABLES', 'IPVS'],
};

/**
 * What the document's kube-proxy configuration sets on the cluster: only the keys it gives (the
 * others leave the cluster as it is), with the local-traffic detector defaulted to ClusterCIDR
 * when cluster CIDRs are given without one (kube-proxy's default). Checked as a cluster update is.
 */
export function kubeProxySettings(cluster: ClusterRow, record: KubeProxyRecord): { applied: ImportKubeProxyView; data: KubeProxyData } {
  const applied: KubeProxyData = { ...record };
  if (record.clusterCidrs?.length && record.localDetector === undefined) applied.localDetector = 'CLUSTER_CIDR';
  const fail = (field: string, message: string): never => {
    throw new ItemFailure('VALIDATION_FAILED', 'KubeProxyConfiguration', '*', field, message);
  };
  if (applied.proxyMode && !MODES_OF[cluster.profile].includes(applied.proxyMode)) {
    fail('mode', `a ${cluster.profile} cluster uses ${MODES_OF[cluster.profile].join(' or ')}, not ${applied.proxyMode}`);
  }
  const cidrs = (applied.clusterCidrs ?? []).map((c) => parseCidr(c)!);
  if (cidrs.length > 2 || (cidrs.length === 2 && cidrs[0].family === cidrs[1].family)) {
    fail('clusterCIDR', 'holds at most one CIDR per IP family (dual-stack: one IPv4 and one IPv6)');
  }
  for (const pod of cidrs) {
    for (const svc of cluster.serviceCidrs.map((c) => parseCidr(c)!)) {
      if (cidrContains(pod, svc.text.split('/')[0]) || cidrContains(svc, pod.text.split('/')[0])) {
        fail('clusterCIDR', `${pod.text} overlaps the cluster's Service CIDR ${svc.text}`);
      }
    }
  }
  const npa = applied.nodePortAddresses ?? [];
  if (npa.includes('primary') && npa.length > 1) fail('nodePortAddresses', 'must be CIDRs, or "primary" alone');
  const data = Object.fromEntries(Object.entries(applied).filter(([, v]) => v !== undefined)) as KubeProxyData;
  return { applied: data as ImportKubeProxyView, data };
}

/** Whether applying `data` changes the cluster row. */
export function changesCluster(cluster: ClusterRow, data: KubeProxyData): boolean {
  return Object.entries(data).some(([key, value]) => JSON.stringify(cluster[key as keyof KubeProxyData]) !== JSON.stringify(value));
}
