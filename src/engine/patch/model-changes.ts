// Writes to a ClusterModel, as data, and applyModelChanges(): the model they make. patchCompiled()
// edits the lists with the same ListDraft (positions from its own indexes), so both make the same model.
import type { ClusterModel, EndpointSliceModel, NodeModel, PodModel, ServiceModel } from '../model';

/** Every ClusterModel field but the four lists. */
export type ClusterSettings = Omit<ClusterModel, 'nodes' | 'pods' | 'services' | 'endpointSlices'>;

/** One write; `after: null` deletes. Keys: node name, `${namespace}/${name}` for the rest. */
export type ModelChange =
  | { readonly kind: 'node'; readonly name: string; readonly after: NodeModel | null }
  | { readonly kind: 'pod'; readonly key: string; readonly after: PodModel | null }
  | { readonly kind: 'service'; readonly key: string; readonly after: ServiceModel | null }
  | { readonly kind: 'endpointSlice'; readonly key: string; readonly after: EndpointSliceModel | null }
  | { readonly kind: 'settings'; readonly after: ClusterSettings };

export const keyOf = (o: { readonly namespace: string; readonly name: string }): string => `${o.namespace}/${o.name}`;
export const nameOf = (n: NodeModel): string => n.name;

/** Where each key sits in a list being edited (the first element with the key). */
export interface Positions {
  get(key: string): number | undefined;
  set(key: string, at: number): void;
  delete(key: string): void;
}

/**
 * Edits to one model list, copied on the first edit: upsert replaces in place or appends;
 * delete moves the last element into the hole (order never matters to compile(), and every
 * other element keeps its position: compiled pods keep their index).
 */
export class ListDraft<T> {
  #items: readonly T[];
  #copied = false;
  readonly #keyOf: (item: T) => string;
  readonly #positions: Positions;

  constructor(items: readonly T[], keyOf: (item: T) => string, positions: Positions) {
    this.#items = items;
    this.#keyOf = keyOf;
    this.#positions = positions;
  }

  get items(): readonly T[] {
    return this.#items;
  }

  #own(): T[] {
    if (!this.#copied) {
      this.#items = this.#items.slice();
      this.#copied = true;
    }
    return this.#items as T[];
  }

  /** Append `item`; a first edit copies the list one longer at once (not copied, then grown). */
  #append(item: T): number {
    if (this.#copied) {
      (this.#items as T[]).push(item);
    } else {
      this.#items = this.#items.concat([item]);
      this.#copied = true;
    }
    return this.#items.length - 1;
  }

  /** Put `item` under `key` (the item's own key); its position, and the element it replaced. */
  upsert(key: string, item: T): { readonly at: number; readonly before: T | undefined } {
    const at = this.#positions.get(key);
    if (at !== undefined) {
      const items = this.#own();
      const before = items[at];
      items[at] = item;
      return { at, before };
    }
    const end = this.#append(item);
    this.#positions.set(key, end);
    return { at: end, before: undefined };
  }

  /** Delete `key`: its old position and the element removed (undefined when absent). */
  remove(key: string): { readonly at: number; readonly removed: T } | undefined {
    const at = this.#positions.get(key);
    if (at === undefined) return undefined;
    const items = this.#own();
    const removed = items[at];
    const last = items.length - 1;
    if (at !== last) items[at] = items[last];
    items.pop();
    this.#positions.delete(key);
    if (at !== last) this.#positions.set(this.#keyOf(items[at]), at);
    return { at, removed };
  }
}

/**
 * Positions of a standalone list by key: a Map of first positions, or (a list with duplicate
 * keys, which compile() tolerates) a scan for each question.
 */
function positionsOf<T>(items: () => readonly T[], keyOf: (item: T) => string): Positions {
  const first = new Map<string, number>();
  const list = items();
  for (let i = 0; i < list.length; i++) if (!first.has(keyOf(list[i]))) first.set(keyOf(list[i]), i);
  if (first.size === list.length) return first;
  return {
    get: (key) => {
      const at = items().findIndex((x) => keyOf(x) === key);
      return at < 0 ? undefined : at;
    },
    set: () => undefined,
    delete: () => undefined,
  };
}

/** A ListDraft over a standalone list (positions built on first use). */
export function standaloneDraft<T>(items: readonly T[], keyOf: (item: T) => string): ListDraft<T> {
  let draft: ListDraft<T> | null = null;
  let positions: Positions | null = null;
  const lazy: Positions = {
    get: (key) => (positions ??= positionsOf(() => (draft as ListDraft<T>).items, keyOf)).get(key),
    set: (key, at) => positions?.set(key, at),
    delete: (key) => positions?.delete(key),
  };
  draft = new ListDraft(items, keyOf, lazy);
  return draft;
}

/** Apply one write to its list: an `after` under another key than the change's renames (delete, then upsert). */
function applyTo<T>(draft: ListDraft<T>, key: string, after: T | null, keyOfItem: (item: T) => string): void {
  if (after === null || keyOfItem(after) !== key) draft.remove(key);
  if (after !== null) draft.upsert(keyOfItem(after), after);
}

/** The model with the changes applied (upsert by key; delete when after is null; deleting what is absent is a no-op). */
export function applyModelChanges(model: ClusterModel, changes: readonly ModelChange[]): ClusterModel {
  if (changes.length === 0) return model;
  let settings: ClusterSettings = model;
  const nodes = standaloneDraft(model.nodes, nameOf);
  const pods = standaloneDraft(model.pods, keyOf);
  const services = standaloneDraft(model.services, keyOf);
  const slices = standaloneDraft(model.endpointSlices, keyOf);
  for (const c of changes) {
    switch (c.kind) {
      case 'node':
        applyTo(nodes, c.name, c.after, nameOf);
        break;
      case 'pod':
        applyTo(pods, c.key, c.after, keyOf);
        break;
      case 'service':
        applyTo(services, c.key, c.after, keyOf);
        break;
      case 'endpointSlice':
        applyTo(slices, c.key, c.after, keyOf);
        break;
      case 'settings':
        settings = c.after;
        break;
      default: {
        const unreachable: never = c;
        return unreachable;
      }
    }
  }
  return withLists(settings, nodes.items, pods.items, services.items, slices.items);
}

/** A model of these settings and lists (lists win over any the settings object carries). */
export function withLists(
  settings: ClusterSettings,
  nodes: readonly NodeModel[],
  pods: readonly PodModel[],
  services: readonly ServiceModel[],
  endpointSlices: readonly EndpointSliceModel[],
): ClusterModel {
  return { ...settings, nodes, pods, services, endpointSlices };
}
