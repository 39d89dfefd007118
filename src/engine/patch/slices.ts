// EndpointSlice writes for patchCompiled(): model.endpointSlices, the slices grouped by Service
// (sorted by name, as compile()'s groupSlices), and which Services name each address in a slice.
import { byName, groupSlices } from '../compile';
import type { KeyLookup } from '../compiled';
import { canonicalIp } from '../ip';
import type { ClusterModel, EndpointSliceModel } from '../model';
import { MapDraft } from './layered-map';
import { keyOf, ListDraft } from './model-changes';
import { cachedBy, positionsOf, rememberPositions, rememberSlices, slicesOf } from './state';

const serviceOf = (s: EndpointSliceModel): string => `${s.namespace}/${s.serviceName}`;
const NO_SLICES: readonly EndpointSliceModel[] = [];

/**
 * Per model.endpointSlices array: the Services (keys) whose slices name each address without a
 * pod name, the endpoints whose podKey comes from ipOwner (endpoints.ts fromSlices).
 */
const SLICE_ADDRESSES = new WeakMap<readonly EndpointSliceModel[], KeyLookup<string, readonly string[]>>();

/** Addresses of a Service's slices whose endpoints name no pod (fromSlices reads their owner). */
function ownerAddresses(slices: readonly EndpointSliceModel[]): Set<string> {
  const out = new Set<string>();
  for (const s of slices) {
    for (const ep of s.endpoints) {
      const ip = !ep.podName && ep.addresses.length > 0 ? canonicalIp(ep.addresses[0]) : null;
      if (ip !== null) out.add(ip);
    }
  }
  return out;
}

function buildSliceAddresses(slices: readonly EndpointSliceModel[]): Map<string, readonly string[]> {
  const out = new Map<string, string[]>();
  for (const s of slices) {
    for (const ip of ownerAddresses([s])) {
      const list = out.get(ip);
      if (list === undefined) out.set(ip, [serviceOf(s)]);
      else if (!list.includes(serviceOf(s))) list.push(serviceOf(s));
    }
  }
  return out;
}

/** The Services whose slices name `ip` without a pod name, for this model.endpointSlices array. */
export function servicesNaming(slices: readonly EndpointSliceModel[]): KeyLookup<string, readonly string[]> {
  return cachedBy(SLICE_ADDRESSES, slices, () => buildSliceAddresses(slices));
}

export class SliceDraft {
  readonly positions: MapDraft<string, number>;
  readonly models: ListDraft<EndpointSliceModel>;
  readonly byService: MapDraft<string, readonly EndpointSliceModel[]>;
  /** Services whose slices changed, with their slice lists before. */
  readonly before = new Map<string, readonly EndpointSliceModel[]>();
  readonly #prev: readonly EndpointSliceModel[];

  constructor(model: ClusterModel) {
    this.#prev = model.endpointSlices;
    this.positions = new MapDraft(positionsOf(model.endpointSlices));
    this.models = new ListDraft(model.endpointSlices, keyOf, this.positions);
    this.byService = new MapDraft(slicesOf(model.endpointSlices) ?? groupSlices(model));
  }

  /** Apply one write (an `after` under another key renames: delete, then upsert). */
  write(key: string, after: EndpointSliceModel | null): void {
    if (after === null || keyOf(after) !== key) this.#remove(key);
    if (after !== null) this.#upsert(keyOf(after), after);
  }

  #remove(key: string): void {
    const r = this.models.remove(key);
    if (r !== undefined) this.#edit(serviceOf(r.removed), (list) => list.filter((s) => keyOf(s) !== key));
  }

  #upsert(key: string, slice: EndpointSliceModel): void {
    const { before } = this.models.upsert(key, slice);
    if (before !== undefined) this.#edit(serviceOf(before), (list) => list.filter((s) => keyOf(s) !== key));
    this.#edit(serviceOf(slice), (list) => [...list, slice].sort(byName));
  }

  #edit(service: string, edit: (list: readonly EndpointSliceModel[]) => readonly EndpointSliceModel[]): void {
    const list = this.byService.get(service) ?? NO_SLICES;
    if (!this.before.has(service)) this.before.set(service, list);
    const next = edit(list);
    if (next.length > 0) this.byService.set(service, next);
    else this.byService.delete(service);
  }

  /** The next version's slices by Service, its indexes remembered for the next patch. */
  finish(): KeyLookup<string, readonly EndpointSliceModel[]> {
    const slices = this.models.items;
    const byService = this.byService.finish();
    if (slices === this.#prev) return byService;
    rememberSlices(slices, byService);
    rememberPositions(slices, this.positions.finish());
    const naming = SLICE_ADDRESSES.get(this.#prev);
    if (naming !== undefined) SLICE_ADDRESSES.set(slices, this.#namingAfter(naming));
    return byService;
  }

  /** The previous address -> Services table with the changed Services' addresses edited. */
  #namingAfter(prev: KeyLookup<string, readonly string[]>): KeyLookup<string, readonly string[]> {
    const draft = new MapDraft(prev);
    this.before.forEach((old, service) => {
      const was = ownerAddresses(old);
      const now = ownerAddresses(this.byService.get(service) ?? NO_SLICES);
      for (const ip of was) {
        if (now.has(ip)) continue;
        const rest = (draft.get(ip) ?? []).filter((k) => k !== service);
        if (rest.length > 0) draft.set(ip, rest);
        else draft.delete(ip);
      }
      for (const ip of now) if (!was.has(ip)) draft.set(ip, [...(draft.get(ip) ?? []), service]);
    });
    return draft.finish();
  }
}
