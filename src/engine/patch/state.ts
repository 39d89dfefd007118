// What patchCompiled() needs besides a CompiledCluster: indexes compile() builds anyway (and used
// to drop), kept in WeakMaps keyed by the object each is derived from, so that a version sharing
// that object (a patch that did not touch it, a what-if model sharing its pods) shares them too.
import type { CompiledCluster, KeyLookup } from '../compiled';
import type { PodLabelIndex } from '../endpoints';
import type { EndpointSliceModel, PodModel } from '../model';

/** Pods that can back a Service by label (endpoints.ts), per model.pods array: it depends on the pods only. */
const LABELS = new WeakMap<readonly PodModel[], PodLabelIndex>();
/** EndpointSlices by Service key, each list sorted by name, per model.endpointSlices array. */
const SLICES = new WeakMap<readonly EndpointSliceModel[], KeyLookup<string, readonly EndpointSliceModel[]>>();
/**
 * Per compiled cluster: every address claimed by more than one owner (nodes and non-HostNetwork
 * pods), with the indices of all the pods claiming it. An address absent has one claimant at
 * most (its ipOwner). Lets a patch find an address's next owner without a scan of the pods.
 */
const CLAIMS = new WeakMap<CompiledCluster, KeyLookup<string, readonly number[]>>();

export function rememberLabels(pods: readonly PodModel[], index: PodLabelIndex): void {
  LABELS.set(pods, index);
}

export function labelsOf(pods: readonly PodModel[]): PodLabelIndex | undefined {
  return LABELS.get(pods);
}

export function rememberSlices(
  slices: readonly EndpointSliceModel[],
  byService: KeyLookup<string, readonly EndpointSliceModel[]>,
): void {
  SLICES.set(slices, byService);
}

export function slicesOf(
  slices: readonly EndpointSliceModel[],
): KeyLookup<string, readonly EndpointSliceModel[]> | undefined {
  return SLICES.get(slices);
}

export function rememberClaims(cc: CompiledCluster, claims: KeyLookup<string, readonly number[]>): void {
  CLAIMS.set(cc, claims);
}

export function claimsOf(cc: CompiledCluster): KeyLookup<string, readonly number[]> | undefined {
  return CLAIMS.get(cc);
}

/** The value cached for `key`, built (and kept) on first use. */
export function cachedBy<K extends object, V>(cache: WeakMap<K, V>, key: K, build: () => V): V {
  let v = cache.get(key);
  if (v === undefined) cache.set(key, (v = build()));
  return v;
}

/** Positions by key (`${namespace}/${name}`) of a model list (services, EndpointSlices), per list array. */
const POSITIONS = new WeakMap<readonly object[], KeyLookup<string, number>>();

export function rememberPositions(list: readonly object[], positions: KeyLookup<string, number>): void {
  POSITIONS.set(list, positions);
}

/** Positions of a list of namespaced objects (keys unique: patch.ts checked), built on first use. */
export function positionsOf(
  list: readonly { readonly namespace: string; readonly name: string }[],
): KeyLookup<string, number> {
  return cachedBy(POSITIONS, list, () => new Map(list.map((o, i) => [`${o.namespace}/${o.name}`, i])));
}
