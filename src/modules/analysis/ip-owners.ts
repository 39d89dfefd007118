import type { ClusterModel } from '../../engine';
import { canonicalIp } from '../../common/net';

export interface IpOwner { readonly kind: 'pod' | 'node'; readonly name: string }
export interface IpOwners { get(ip: string): IpOwner | undefined }

const cache = new WeakMap<ClusterModel, IpOwners>();

/** Who owns each address of a topology (a node's IP is the node's, even if a hostNetwork pod shares it), built once per model. */
export function ipOwners(model: ClusterModel): IpOwners {
  const known = cache.get(model);
  if (known) return known;
  const owners = new Map<string, IpOwner>();
  for (const pod of model.pods) {
    if (!pod.hostNetwork) for (const ip of pod.ips) owners.set(ip, { kind: 'pod', name: `${pod.namespace}/${pod.name}` });
  }
  for (const node of model.nodes) for (const ip of node.internalIps) owners.set(ip, { kind: 'node', name: node.name });
  const lookup: IpOwners = { get: (ip) => owners.get(canonicalIp(ip) ?? ip) };
  cache.set(model, lookup);
  return lookup;
}
