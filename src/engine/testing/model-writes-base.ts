// What the random model writes share (model-writes.ts and model-writes-more.ts): the kinds of
// write and the helpers that turn random numbers into choices.
import type { ClusterModel } from '../model';

export const POD_KINDS = [
  'pod-labels',
  'pod-ip',
  'pod-node',
  'pod-state',
  'pod-ports',
  'pod-host-network',
  'pod-add',
  'pod-delete',
  'pod-rename',
  'pod-redacted',
] as const;
export const OTHER_KINDS = [
  'service-update',
  'service-add',
  'service-delete',
  'slice-write',
  'slice-delete',
  'node-update',
  'node-add',
  'node-delete',
  'settings',
] as const;
export type WriteKind = (typeof POD_KINDS)[number] | (typeof OTHER_KINDS)[number];

/** `xs[n mod length]` of a list of choices (never empty). */
export function pick<T>(xs: readonly [T, ...T[]], n: number): T {
  return xs[n % xs.length];
}

/** `xs[n mod length]` of a model list, undefined when it is empty (writes delete nodes, pods and Services too). */
export function some<T>(xs: readonly T[], n: number): T | undefined {
  return xs.length === 0 ? undefined : xs[n % xs.length];
}

export const podKey = (p: { readonly namespace: string; readonly name: string }): string => `${p.namespace}/${p.name}`;

/** An address for a pod: another pod's (two pods, one IP), a new one in a node's pod CIDR, a node's, none, dual-stack, public, a stand-in's. */
export function podIps(m: ClusterModel, n: readonly number[]): readonly string[] {
  const fresh = `10.0.${n[2] % 8}.${100 + (n[3] % 120)}`;
  switch (n[1] % 7) {
    case 0:
      return [some(m.pods, n[2])?.ips[0] ?? fresh];
    case 1:
      return [fresh];
    case 2:
      return [];
    case 3:
      return [some(m.nodes, n[2])?.internalIps[0] ?? fresh];
    case 4:
      return [fresh, `fd10::${(n[3] % 4000).toString(16)}`];
    case 5:
      return [`203.0.113.${n[3] % 250}`];
    // The stand-ins reach/client.ts uses for outside clients that give no address (while nothing owns them).
    default:
      return [pick(['198.51.100.10', '172.31.255.254'], n[3])];
  }
}
