import { ItemContext } from './field';
import type { KubeProxyRead } from './kubeproxy';
import type { LegacyEndpoints } from './objects';
import {
  EndpointSliceRecord,
  ImportWarning,
  NamespaceRecord,
  NetworkPolicyRecord,
  NodeRecord,
  PodRecord,
  ServiceRecord,
  SkippedItem,
} from './types';

/**
 * What the parser gathers from every source before it resolves references (resolve.ts), so that the
 * files of one import are read as one document: a pod keeps its node whichever file holds the node.
 */

/** Where an object is: its file (absent for a single unnamed document), that file's rank in reading order, and its index there. */
export interface At {
  source?: string;
  rank: number;
  index: number;
}

/** `item 3`, or `item 3 of file "a.json"` when `at` is in another file than `here`. */
export function itemAt(at: At, here: At): string {
  return at.source === here.source ? `item ${at.index}` : `item ${at.index} of file ${JSON.stringify(at.source)}`;
}

/** `{ source }` when the object has one: reports carry the key only for named sources. */
export function sourceOf(at: At): { source?: string } {
  return at.source === undefined ? {} : { source: at.source };
}

export interface KubeadmHint {
  at: At;
  yaml: boolean;
  kind: string;
  name: string | null;
  podSubnet: string | null;
  serviceSubnet: string | null;
}

export class Collected {
  readonly warnings: ImportWarning[] = [];
  readonly skipped: SkippedItem[] = [];
  readonly nodes: { at: At; rec: NodeRecord }[] = [];
  readonly pods: { at: At; rec: PodRecord }[] = [];
  readonly services: { at: At; rec: ServiceRecord }[] = [];
  readonly slices: { at: At; rec: EndpointSliceRecord }[] = [];
  readonly namespaces: { at: At; rec: NamespaceRecord }[] = [];
  readonly networkPolicies: { at: At; rec: NetworkPolicyRecord }[] = [];
  readonly legacy: { at: At; ctx: ItemContext; ep: LegacyEndpoints }[] = [];
  readonly hints: KubeadmHint[] = [];
  kubeProxy: { at: At; ctx: ItemContext; read: KubeProxyRead } | null = null;
  /** `Kind namespace/name` → where it was first seen. */
  readonly seen = new Map<string, At>();
  /** Source name → rank, to order reports by file, then by index. */
  readonly ranks = new Map<string | undefined, number>();

  warn(at: At, kind: string, name: string | null, message: string): void {
    this.warnings.push({ index: at.index, kind, name, message, ...sourceOf(at) });
  }

  skip(at: At, kind: string, apiVersion: string, name: string | null, reason: string): void {
    this.skipped.push({ index: at.index, kind, apiVersion, name, reason, ...sourceOf(at) });
  }

  /** Reports in file order, then in document order within a file (a stable sort keeps the order of one object's own). */
  ordered<T extends { source?: string; index: number }>(list: T[]): T[] {
    const rank = (r: T) => this.ranks.get(r.source) ?? 0;
    return list.sort((a, b) => rank(a) - rank(b) || a.index - b.index);
  }
}
