// Who owns each address (CompiledCluster.ipOwner), kept as compile() settles it while pods and
// nodes change: a node's address is the node's (the first node in name order), else the pod
// with the smallest key claiming it (HostNetwork pods claim nothing).
import type { CompiledNode, IpOwner, KeyLookup } from '../compiled';
import type { OwningPod } from '../compile';
import { MapDraft } from './layered-map';

/** Edits to ipOwner and to the contested-address table (patch/state.ts CLAIMS) during a patch. */
export class OwnerDraft {
  readonly owners: MapDraft<string, IpOwner>;
  readonly claims: MapDraft<string, readonly number[]>;
  /** Every address whose claims changed: only their owners may differ from the previous version's. */
  readonly changed = new Set<string>();
  readonly #podAt: (index: number) => OwningPod;

  constructor(
    ipOwner: KeyLookup<string, IpOwner>,
    claims: KeyLookup<string, readonly number[]>,
    podAt: (index: number) => OwningPod,
  ) {
    this.owners = new MapDraft(ipOwner);
    this.claims = new MapDraft(claims);
    this.#podAt = podAt;
  }

  /** The pod with the smallest key among these (non-empty) indices: compile()'s winner. */
  #smallestKey(indices: readonly number[]): OwningPod {
    let best = this.#podAt(indices[0]);
    for (let k = 1; k < indices.length; k++) {
      const p = this.#podAt(indices[k]);
      if (p.key < best.key) best = p;
    }
    return best;
  }

  /** `pod` claims `ip`: it owns it unless a node or a pod with a smaller key does. */
  claim(ip: string, pod: OwningPod): void {
    this.changed.add(ip);
    const owner = this.owners.get(ip);
    if (owner === undefined) {
      this.owners.set(ip, pod);
      return;
    }
    // A second claimant: from now on every pod claiming the address is listed.
    const listed = this.claims.get(ip) ?? (owner.kind === 'POD' ? [owner.index] : []);
    this.claims.set(ip, [...listed, pod.index]);
    if (owner.kind === 'POD' && (owner as OwningPod).key > pod.key) this.owners.set(ip, pod);
  }

  /** The pod at `index` no longer claims `ip`: the next pod claiming it takes it, unless a node owns it. */
  release(ip: string, index: number): void {
    this.changed.add(ip);
    const owner = this.owners.get(ip);
    const listed = this.claims.get(ip);
    if (listed === undefined) {
      if (owner?.kind === 'POD' && owner.index === index) this.owners.delete(ip);
      return;
    }
    const rest = listed.filter((i) => i !== index);
    if (rest.length > 0) this.claims.set(ip, rest);
    else this.claims.delete(ip);
    if (owner?.kind !== 'POD') return;
    if (rest.length === 0) this.owners.delete(ip);
    else this.owners.set(ip, this.#smallestKey(rest));
  }

  /** A node's addresses changed: settle `ip` again among the nodes (first in name order) and the pods claiming it. */
  settle(ip: string, nodes: readonly CompiledNode[]): void {
    this.changed.add(ip);
    const owner = this.owners.get(ip);
    const pods = this.claims.get(ip) ?? (owner?.kind === 'POD' ? [owner.index] : []);
    const node = nodes.find((n) => n.internalIps.includes(ip));
    if (node !== undefined) {
      if (owner?.kind !== 'NODE' || owner.index !== node.index)
        this.owners.set(ip, { kind: 'NODE', index: node.index });
      if (pods.length > 0) this.claims.set(ip, pods);
      return;
    }
    if (pods.length === 0) this.owners.delete(ip);
    else this.owners.set(ip, this.#smallestKey(pods));
  }
}
