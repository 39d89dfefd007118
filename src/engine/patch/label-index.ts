// Versions of the pod label index (endpoints.ts PodLabelIndex) for patchCompiled(): compile()'s
// nested SelectorIndex as a shared base, the lists changed since in a small overlay, folded into
// a new base (copying only the maps the changed lists live in) once the overlay grows.
import { SelectorIndex, type LabelList, type PodLabelIndex } from '../endpoints';

/** Overlay lists past which they are folded into a new base, for a cluster of `pods` pods (small clusters fold often: cheap). */
const foldAt = (pods: number): number => Math.max(16, pods >> 7);

const listKey = (namespace: string, key: string, value: string): string => `${namespace}\u0000${key}\u0000${value}`;

/** A version of the index: compile()'s SelectorIndex, overridden by changed lists. Never changed once made. */
class LayeredLabelIndex implements PodLabelIndex {
  readonly base: SelectorIndex;
  readonly overlay: ReadonlyMap<string, LabelList>;

  constructor(base: SelectorIndex, overlay: ReadonlyMap<string, LabelList>) {
    this.base = base;
    this.overlay = overlay;
  }

  get(namespace: string, key: string, value: string): readonly number[] {
    return this.overlay.get(listKey(namespace, key, value))?.pods ?? this.base.get(namespace, key, value);
  }
}

/** Add pod `i` to an ascending list (a copy). */
function inserted(list: readonly number[], i: number): number[] {
  let at = list.length;
  while (at > 0 && list[at - 1] > i) at--;
  return [...list.slice(0, at), i, ...list.slice(at)];
}

/** Edits to one version of the label index during a patch; finish() makes the next version. */
export class LabelDraft implements PodLabelIndex {
  readonly #prev: PodLabelIndex;
  readonly #edits = new Map<string, LabelList>();

  constructor(prev: PodLabelIndex) {
    this.#prev = prev;
  }

  get(namespace: string, key: string, value: string): readonly number[] {
    return this.#edits.get(listKey(namespace, key, value))?.pods ?? this.#prev.get(namespace, key, value);
  }

  /** Index pod `i` under each of its labels. */
  add(namespace: string, labels: Readonly<Record<string, string>>, i: number): void {
    for (const k of Object.keys(labels))
      this.#set(namespace, k, labels[k], inserted(this.get(namespace, k, labels[k]), i));
  }

  /** Drop pod `i` from each of its labels' lists. */
  remove(namespace: string, labels: Readonly<Record<string, string>>, i: number): void {
    for (const k of Object.keys(labels))
      this.#set(
        namespace,
        k,
        labels[k],
        this.get(namespace, k, labels[k]).filter((p) => p !== i),
      );
  }

  #set(namespace: string, key: string, value: string, pods: readonly number[]): void {
    this.#edits.set(listKey(namespace, key, value), { namespace, key, value, pods });
  }

  /** The next version (the previous one itself when nothing was edited), for a cluster of `pods` pods. */
  finish(pods: number): PodLabelIndex {
    if (this.#edits.size === 0) return this.#prev;
    const prev = this.#prev;
    const base = prev instanceof LayeredLabelIndex ? prev.base : prev instanceof SelectorIndex ? prev : null;
    if (base === null) throw new Error("unsupported label index: expected compile()'s or a patched one");
    const overlay = new Map(prev instanceof LayeredLabelIndex ? prev.overlay : undefined);
    this.#edits.forEach((l, k) => overlay.set(k, l));
    if (overlay.size <= foldAt(pods)) return new LayeredLabelIndex(base, overlay);
    return base.withLists(overlay.values());
  }
}
