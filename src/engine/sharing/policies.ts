// What NetworkPolicy does to the sharing of work between nodes. The policy join (policy/join.ts)
// judges a masqueraded connection's ingress on the processing node's address: the node exception
// holds only for the endpoints on that node, so a node hosting endpoints answers apart
// (endpointPlacementMatters); and when an ingress ipBlock holds some node's address, two nodes of
// one class may answer differently for every endpoint, so nothing is shared (NO_SHARING). A
// profile whose cluster enforces no policy keeps its own sharing.
import type { CompiledCluster } from '../compiled';
import { parseIp } from '../ip';
import type { CompiledPolicy, IpRange, PolicyIndex } from '../policy/compile';
import type { EngineProfile } from '../reach/types';
import { NO_SHARING, type Sharing } from './sharing';

const PLACED = new WeakMap<Sharing, Sharing>();
const PROFILES = new WeakMap<EngineProfile, Map<Sharing, EngineProfile>>();
/** Per compiled policy set (by its namespace map, which a pod patch keeps) and node list. */
const SENSITIVE = new WeakMap<object, { nodes: CompiledCluster['nodes']; sensitive: boolean }>();

function inRange(r: IpRange, text: string): boolean {
  const ip = parseIp(text);
  if (ip === null || ip.family !== r.family) return false;
  return ip.value >= r.lo && ip.value <= r.hi;
}

/** Whether some ingress ipBlock (its cidr, except lists aside) holds an address of some node. */
function nodeSensitive(cc: CompiledCluster, index: PolicyIndex): boolean {
  const known = SENSITIVE.get(index.byNamespace);
  if (known !== undefined && known.nodes === cc.nodes) return known.sensitive;
  const ranges: IpRange[] = [];
  const seen = new Set<IpRange>();
  const add = (p: CompiledPolicy): void => {
    for (const rule of p.ingress ?? []) for (const peer of rule.peers ?? []) if (peer.kind === 'ipBlock' && !seen.has(peer.cidr)) { seen.add(peer.cidr); ranges.push(peer.cidr); }
  };
  for (const list of index.byNamespace.values()) list.forEach(add);
  const sensitive = ranges.length > 0 && cc.nodes.some((n) => n.internalIps.some((ip) => ranges.some((r) => inRange(r, ip))));
  SENSITIVE.set(index.byNamespace, { nodes: cc.nodes, sensitive });
  return sensitive;
}

function placed(sharing: Sharing): Sharing {
  let s = PLACED.get(sharing);
  if (s === undefined) PLACED.set(sharing, (s = { ...sharing, endpointPlacementMatters: () => true }));
  return s;
}

/** `profile` with the sharing its answers on `cc` may use once NetworkPolicy is joined in. */
export function profileWithPolicies(profile: EngineProfile, cc: CompiledCluster): EngineProfile {
  const index = cc.policies;
  if (index === null || !index.enforced || profile.sharing === NO_SHARING) return profile;
  const sharing = nodeSensitive(cc, index) ? NO_SHARING : placed(profile.sharing);
  let byProfile = PROFILES.get(profile);
  if (byProfile === undefined) PROFILES.set(profile, (byProfile = new Map()));
  let out = byProfile.get(sharing);
  if (out === undefined) byProfile.set(sharing, (out = { ...profile, sharing }));
  return out;
}
