// Pod writes for patchCompiled(): model.pods and the compiled pods edited in step (a deleted pod's
// slot takes the last pod, so every other pod keeps its index), with podByKey, ipOwner and the
// label index edited for the pods written and moved only.
import type { CompiledCluster, KeyLookup, ListLookup } from '../compiled';
import { compilePod, type OwningPod } from '../compile';
import { podCanBackService, type PodLabelIndex } from '../endpoints';
import type { PodModel } from '../model';
import { LabelDraft } from './label-index';
import { ListLookupDraft, MapDraft } from './layered-map';
import { keyOf, ListDraft } from './model-changes';
import { OwnerDraft } from './ownership';

export class PodDraft {
  readonly positions: MapDraft<string, number>;
  readonly models: ListDraft<PodModel>;
  readonly owners: OwnerDraft;
  readonly labels: LabelDraft;
  /** Pods as they were before each write and are after it (moved ones too): whose Services' endpoints may change. */
  readonly touched: PodModel[] = [];
  /** The compiled pods (OwningPods, see compile.ts), edited alongside `models`. */
  readonly compiled: ListLookupDraft<OwningPod>;
  readonly #nodeByName: ReadonlyMap<string, number>;

  constructor(prev: CompiledCluster, claims: KeyLookup<string, readonly number[]>, labels: PodLabelIndex) {
    this.positions = new MapDraft(prev.podByKey);
    this.models = new ListDraft(prev.model.pods, keyOf, this.positions);
    this.compiled = new ListLookupDraft(prev.pods as ListLookup<OwningPod>);
    this.owners = new OwnerDraft(prev.ipOwner, claims, (i) => this.compiled.get(i));
    this.labels = new LabelDraft(labels);
    this.#nodeByName = prev.nodeByName;
  }

  /** Pod `i` leaves the indexes (before it is replaced, deleted or moved). */
  #unindex(i: number): void {
    const p = this.models.items[i];
    const c = this.compiled.get(i);
    this.touched.push(p);
    if (podCanBackService(p)) this.labels.remove(p.namespace, p.labels, i);
    if (!c.hostNetwork) for (const ip of c.ips) this.owners.release(ip, i);
  }

  /** Pod `i` (as now compiled) enters the indexes. */
  #index(i: number): void {
    const p = this.models.items[i];
    const c = this.compiled.get(i);
    this.touched.push(p);
    if (podCanBackService(p)) this.labels.add(p.namespace, p.labels, i);
    if (!c.hostNetwork) for (const ip of c.ips) this.owners.claim(ip, c);
  }

  /** Add or replace the pod `key` (after's own key). */
  upsert(key: string, after: PodModel): void {
    const i = this.positions.get(key);
    if (i !== undefined) this.#unindex(i);
    const { at } = this.models.upsert(key, after);
    this.compiled.set(at, compilePod(after, at, this.#nodeByName));
    this.#index(at);
  }

  /** Delete the pod `key`; the last pod moves into its slot. */
  remove(key: string): void {
    const i = this.positions.get(key);
    if (i === undefined) return;
    const last = this.models.items.length - 1;
    this.#unindex(i);
    if (i !== last) this.#unindex(last);
    this.models.remove(key);
    if (i !== last) this.compiled.set(i, { ...this.compiled.get(last), index: i });
    this.compiled.pop();
    if (i !== last) this.#index(i);
  }
}
