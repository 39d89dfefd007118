// What NetworkPolicy does to the sharing of work between nodes. The policy join (policy/join.ts)
// judges a masqueraded connection's ingress on the processing node's address: the node exception
// holds only for the endpoints on that node, so a node hosting endpoints answers apart
// (endpointPlacementMatters); and when an ingress ipBlock holds some node's address, nodes are
// told apart by the ipBlocks their addresses match (a signature mixed into every class key and
// made the connection scope: only nodes of one signature share connection outcomes). A profile
// whose cluster enforces no policy keeps its own sharing.
import type { CompiledCluster } from '../compiled';
import { blockHolds, type CompiledPolicy, type IpRange, type PolicyIndex } from '../policy/compile';
import type { EngineProfile } from '../reach/types';
import { NO_SHARING, type Sharing } from './sharing';

const PLACED = new WeakMap<Sharing, Sharing>();
const PROFILES = new WeakMap<EngineProfile, Map<Sharing, EngineProfile>>();

/** An ingress ipBlock peer: matches an address in cidr and in none of except. */
interface Block {
  readonly cidr: IpRange;
  readonly except: readonly IpRange[];
}

/** The distinct ingress ipBlock peers of a policy set, their keys, and a text naming them all (equal texts, equal blocks). */
interface Blocks {
  readonly blocks: readonly Block[];
  readonly keys: ReadonlySet<string>;
  readonly fingerprint: string;
}

/** Per policy set (its namespace map: a pod patch keeps it). */
const BLOCKS = new WeakMap<object, Blocks>();

function addBlocks(p: CompiledPolicy, blocks: Block[], keys: Set<string>): void {
  for (const rule of p.ingress ?? []) {
    for (const peer of rule.peers ?? []) {
      if (peer.kind !== 'ipBlock') continue;
      const key = [peer.cidr, ...peer.except].map((r) => `${r.lo}-${r.hi}`).join(',');
      if (!keys.has(key)) {
        keys.add(key);
        blocks.push({ cidr: peer.cidr, except: peer.except });
      }
    }
  }
}

/**
 * The ingress ipBlocks of a policy set. A set made from another by adding a policy (withPolicy:
 * a suggestion's variant) starts from that set's blocks, and is that set's when it adds none
 * (when the policy replaces one, the replaced one's blocks stay: finer signatures, never wrong).
 */
function blocksOf(index: PolicyIndex): Blocks {
  const known = BLOCKS.get(index.byNamespace);
  if (known !== undefined) return known;
  let made: Blocks;
  const parent = index.parent;
  if (parent !== undefined) {
    const from = blocksOf(parent.index);
    const blocks = [...from.blocks];
    const keys = new Set(from.keys);
    for (const p of index.byNamespace.get(parent.namespace) ?? []) addBlocks(p, blocks, keys);
    made = keys.size === from.keys.size ? from : { blocks, keys, fingerprint: [...keys].sort().join(';') };
  } else {
    const blocks: Block[] = [];
    const keys = new Set<string>();
    for (const list of index.byNamespace.values()) for (const p of list) addBlocks(p, blocks, keys);
    made = { blocks, keys, fingerprint: [...keys].sort().join(';') };
  }
  BLOCKS.set(index.byNamespace, made);
  return made;
}

/**
 * Signatures per node list and set of blocks: a policy set compiled again with the same blocks
 * (a suggestion's variant adding a rule without node addresses, a recompile of the same model)
 * finds them here instead of matching every node against every block again.
 */
const SIGNATURES = new WeakMap<CompiledCluster['nodes'], Map<string, Signatures | null>>();

/**
 * Nodes told apart by the ingress ipBlocks their primary addresses (the masquerade source, see
 * policy/join.ts seenSource) match: a signature per node (0 = matches none), and how many there
 * are. Null when no node address matches any: then policies read a masqueraded source only as
 * "the endpoint's own node or not".
 */
interface Signatures {
  readonly of: Int32Array;
  readonly count: number;
}

function signaturesOf(cc: CompiledCluster, index: PolicyIndex): Signatures | null {
  const { blocks, fingerprint } = blocksOf(index);
  if (blocks.length === 0) return null;
  let byBlocks = SIGNATURES.get(cc.nodes);
  if (byBlocks === undefined) SIGNATURES.set(cc.nodes, (byBlocks = new Map()));
  const known = byBlocks.get(fingerprint);
  if (known !== undefined) return known;
  const made = nodeSignatures(cc, blocks);
  // A handful of block sets per node list (the cluster's, a few suggestions' variants).
  if (byBlocks.size >= 8) byBlocks.delete(byBlocks.keys().next().value as string);
  byBlocks.set(fingerprint, made);
  return made;
}

function nodeSignatures(cc: CompiledCluster, blocks: readonly Block[]): Signatures | null {
  const ids = new Map<string, number>([['', 0]]);
  const of = new Int32Array(cc.nodes.length);
  for (const n of cc.nodes) {
    let key = '';
    for (let b = 0; b < blocks.length; b++) {
      if (blockHolds(blocks[b], n.parsedPrimary[4]) || blockHolds(blocks[b], n.parsedPrimary[6])) key += `${b},`;
    }
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    of[n.index] = id;
  }
  return ids.size === 1 ? null : { of, count: ids.size };
}

/** Keys from per-answer counters (2^40 up) are unique already; the others get the node's signature mixed in. */
const UNIQUE_KEYS = 2 ** 40;

/**
 * `base` with the node classes refined by signature, and the signature as connection scope: a
 * masqueraded connection's ingress is judged on the processing node's address, which only the
 * blocks it matches (its signature) and whether it is the endpoint's own node (the node
 * exception: a local difference) tell apart.
 */
function refined(base: Sharing, sig: Signatures): Sharing {
  const mix = (key: number, node: number): number => (key >= UNIQUE_KEYS ? key : key * sig.count + sig.of[node]);
  const baseScope = base.connectionScope;
  return {
    connectionNodeLocal: base.connectionNodeLocal,
    connectionScope:
      baseScope === undefined ? (node) => sig.of[node] : (node) => baseScope(node) * sig.count + sig.of[node],
    nodeClassKey: (q) => mix(base.nodeClassKey(q), q.node.index),
    nodeClasses: (q, separate) => {
      const classes = base.nodeClasses(q, separate);
      return { singled: classes.singled, key: (node, address) => mix(classes.key(node, address), node) };
    },
    ordinaryKind: base.ordinaryKind,
    ordinaryNodeClassKey: (cc, node, address, kind) => mix(base.ordinaryNodeClassKey(cc, node, address, kind), node),
    endpointPlacementMatters: () => true,
    decisionPlacementMatters: base.decisionPlacementMatters,
  };
}

/**
 * Per compiled policy set (its namespace map, which a pod patch keeps): the node list its
 * signatures were found for, and they. The refined sharing is kept per signatures (a variant of
 * the set with the same blocks shares its set's), per base sharing.
 */
const SIGNED = new WeakMap<object, { nodes: CompiledCluster['nodes']; sig: Signatures | null }>();
const REFINED = new WeakMap<Signatures, Map<Sharing, Sharing>>();

function sharingFor(cc: CompiledCluster, index: PolicyIndex, base: Sharing): Sharing {
  let entry = SIGNED.get(index.byNamespace);
  if (entry === undefined || entry.nodes !== cc.nodes)
    SIGNED.set(index.byNamespace, (entry = { nodes: cc.nodes, sig: signaturesOf(cc, index) }));
  const sig = entry.sig;
  if (sig === null) return placed(base);
  let bySharing = REFINED.get(sig);
  if (bySharing === undefined) REFINED.set(sig, (bySharing = new Map()));
  let s = bySharing.get(base);
  if (s === undefined) bySharing.set(base, (s = refined(base, sig)));
  return s;
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
  const sharing = sharingFor(cc, index, profile.sharing);
  let byProfile = PROFILES.get(profile);
  if (byProfile === undefined) PROFILES.set(profile, (byProfile = new Map()));
  let out = byProfile.get(sharing);
  if (out === undefined) byProfile.set(sharing, (out = { ...profile, sharing }));
  return out;
}
