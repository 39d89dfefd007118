import type { CompiledCluster } from '../../engine';
import { canonicalIp } from '../../common/net';

export interface IpOwner {
  readonly kind: 'pod' | 'node';
  readonly name: string;
}
export interface IpOwners {
  get(ip: string): IpOwner | undefined;
}

/**
 * Who owns an address (a node's IP is the node's, even if a hostNetwork pod shares it): the
 * compiled model's own owner index, not a map rebuilt per model version (a patched write makes
 * a new version; rebuilding meant a scan of every pod on the next trace).
 */
export function ipOwners(cc: CompiledCluster): IpOwners {
  return {
    get: (ip) => {
      const owner = cc.ipOwner.get(canonicalIp(ip) ?? ip);
      if (owner === undefined) return undefined;
      return owner.kind === 'NODE'
        ? { kind: 'node', name: cc.nodes[owner.index].name }
        : { kind: 'pod', name: cc.pods.get(owner.index).key };
    },
  };
}
