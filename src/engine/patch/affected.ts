// Which Services' endpoints a patch may change (endpoints.ts deriveEndpoints reads pods through
// the selector, and ipOwner through slice endpoints naming no pod): every other Service port is
// reused as it is, with everything cached on it.
import type { OwningPod } from '../compile';
import type { CompiledService, IpOwner, KeyLookup } from '../compiled';
import { podCanBackService } from '../endpoints';
import { ignoredReason } from '../compile-services';
import type { EndpointSliceModel, PodModel, ServiceModel } from '../model';
import { servicesNaming } from './slices';
import { cachedBy } from './state';

const pairKey = (key: string, value: string): string => `${key}\u0000${value}`;

/** A proxied Service with a selector, as the index below keeps it. */
interface Selecting {
  readonly key: string;
  readonly selector: Readonly<Record<string, string>>;
}

/** Proxied Services with a selector, by namespace and their selector's first key=value: a pod can only match those under one of its labels. */
type BySelector = ReadonlyMap<string, ReadonlyMap<string, readonly Selecting[]>>;

const SELECTORS = new WeakMap<readonly CompiledService[], BySelector>();

/** Where a Service goes in the index: its namespace and first pair, or null when it selects nothing (or is ignored). */
function slotOf(svc: ServiceModel): { namespace: string; pair: string; entry: Selecting } | null {
  const selector = svc.selector;
  const first = selector === null ? undefined : Object.keys(selector)[0];
  if (selector === null || first === undefined || ignoredReason(svc) !== null) return null;
  return {
    namespace: svc.namespace,
    pair: pairKey(first, selector[first]),
    entry: { key: `${svc.namespace}/${svc.name}`, selector },
  };
}

function buildBySelector(services: readonly CompiledService[]): BySelector {
  const out = new Map<string, Map<string, Selecting[]>>();
  for (const s of services) {
    const at = slotOf(s.model);
    if (at === null) continue;
    let byPair = out.get(at.namespace);
    if (byPair === undefined) out.set(at.namespace, (byPair = new Map()));
    const list = byPair.get(at.pair);
    if (list === undefined) byPair.set(at.pair, [at.entry]);
    else list.push(at.entry);
  }
  return out;
}

/**
 * After Service writes: the index of `next` from that of `prev` (when built), the written
 * Services' entries replaced (`before` and `after` give their models, undefined when absent),
 * copying only the maps they live in. Kept for the next pod write.
 */
export function carrySelectors(
  prev: readonly CompiledService[],
  next: readonly CompiledService[],
  written: Iterable<string>,
  before: (key: string) => ServiceModel | undefined,
  after: (key: string) => ServiceModel | undefined,
): void {
  const index = SELECTORS.get(prev);
  if (index === undefined || prev === next) return;
  const out = new Map(index);
  const copied = new Set<string>();
  const edit = (
    namespace: string,
    pair: string,
    change: (list: readonly Selecting[]) => readonly Selecting[],
  ): void => {
    if (!copied.has(namespace)) out.set(namespace, new Map(out.get(namespace)));
    copied.add(namespace);
    const byPair = out.get(namespace) as Map<string, readonly Selecting[]>;
    byPair.set(pair, change(byPair.get(pair) ?? []));
  };
  for (const key of written) {
    const old = before(key);
    const was = old === undefined ? null : slotOf(old);
    if (was !== null) edit(was.namespace, was.pair, (list) => list.filter((e) => e.key !== key));
    const now = after(key);
    const is = now === undefined ? null : slotOf(now);
    if (is !== null) edit(is.namespace, is.pair, (list) => [...list, is.entry]);
  }
  SELECTORS.set(next, out);
}

/** Whether `pod` is one of the pods the selector picks (endpoints.ts matchSelector). */
function selects(selector: Readonly<Record<string, string>>, pod: PodModel): boolean {
  for (const k of Object.keys(selector)) if (pod.labels[k] !== selector[k]) return false;
  return true;
}

/** Add to `out` the keys of the Services (of `services`) whose selectors pick any of these pods, as they were or are. */
export function servicesSelecting(
  services: readonly CompiledService[],
  pods: readonly PodModel[],
  out: Set<string>,
): void {
  if (pods.length === 0) return;
  const index = cachedBy(SELECTORS, services, () => buildBySelector(services));
  for (const pod of pods) {
    if (!podCanBackService(pod)) continue;
    const byPair = index.get(pod.namespace);
    if (byPair === undefined) continue;
    for (const k of Object.keys(pod.labels)) {
      for (const s of byPair.get(pairKey(k, pod.labels[k])) ?? []) if (selects(s.selector, pod)) out.add(s.key);
    }
  }
}

const podKey = (owner: IpOwner | undefined): string | null => (owner?.kind === 'POD' ? (owner as OwningPod).key : null);

/** Add to `out` the Services whose slices name an address whose owning pod changed (endpoint podKey). */
export function servicesNamingChanged(
  slices: readonly EndpointSliceModel[],
  before: KeyLookup<string, IpOwner>,
  after: KeyLookup<string, IpOwner>,
  addresses: Iterable<string>,
  out: Set<string>,
): void {
  if (slices.length === 0) return;
  let naming: KeyLookup<string, readonly string[]> | null = null;
  for (const ip of addresses) {
    if (podKey(before.get(ip)) === podKey(after.get(ip))) continue;
    naming ??= servicesNaming(slices);
    for (const s of naming.get(ip) ?? []) out.add(s);
  }
}
