// Random writes to a cluster model, for the patch property test (patch.spec.ts). A write is a
// kind and a few random numbers; writeFor() turns it into a ModelChange against the model as it
// is at that step, so fast-check generates (and shrinks) plain numbers and every failure replays.
import fc from 'fast-check';
import type { ClusterModel, ContainerPortModel, PodModel, PodPhase } from '../model';
import type { ModelChange } from '../patch';
import { nodeWrite, serviceWrite, settingsWrite, sliceWrite } from './model-writes-more';
import { OTHER_KINDS, pick, POD_KINDS, podIps, podKey, some, type WriteKind } from './model-writes-base';

export { pick, podIps, podKey, some, type WriteKind };

export interface WriteSeed {
  readonly kind: WriteKind;
  /** Random numbers the write picks its target and values with. */
  readonly n: readonly number[];
}

/**
 * One random write: pod writes twice as likely as the other kinds together (they are what
 * clusters mostly see), node updates more than their share (the only node write patched in place).
 */
export const writeSeed: fc.Arbitrary<WriteSeed> = fc.record({
  kind: fc.oneof(
    { arbitrary: fc.constantFrom(...POD_KINDS), weight: 6 },
    { arbitrary: fc.constantFrom(...OTHER_KINDS), weight: 3 },
    { arbitrary: fc.constant('node-update' as const), weight: 1 },
  ),
  n: fc.array(fc.nat(1_000_000), { minLength: 6, maxLength: 6 }),
});

/** Node updates mixed with pod writes: what caches keyed on the nodes array (or kept per Service port) must tell apart. */
export const nodeUpdateSeed: fc.Arbitrary<WriteSeed> = fc.record({
  kind: fc.oneof(
    { arbitrary: fc.constant('node-update' as const), weight: 2 },
    { arbitrary: fc.constantFrom(...POD_KINDS), weight: 1 },
  ),
  n: fc.array(fc.nat(1_000_000), { minLength: 6, maxLength: 6 }),
});

function podLabels(m: ClusterModel, p: PodModel, n: readonly number[]): Readonly<Record<string, string>> {
  switch (n[1] % 5) {
    case 0:
      return {};
    case 1:
      return some(m.services, n[2])?.selector ?? { app: 'none' };
    case 2:
      return { ...p.labels, tier: `t${n[2] % 2}` };
    case 3:
      return some(m.pods, n[2])?.labels ?? {};
    default:
      return { app: `app-${n[2] % 12}` };
  }
}

const PHASES: readonly [PodPhase, ...PodPhase[]] = [
  'Running',
  'Running',
  'Running',
  'Pending',
  'Succeeded',
  'Failed',
  'Unknown',
];
const PORT_SETS: readonly [readonly ContainerPortModel[], ...(readonly ContainerPortModel[])[]] = [
  [],
  [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
  [{ name: 'http', containerPort: 9090, protocol: 'TCP' }],
  [
    { name: 'http', containerPort: 8080, protocol: 'TCP' },
    { name: 'https', containerPort: 8443, protocol: 'TCP' },
  ],
  [{ name: 'https', containerPort: 8443, protocol: 'UDP' }],
];

/** The pod as the write changes it. */
function editedPod(m: ClusterModel, p: PodModel, kind: WriteKind, n: readonly number[]): PodModel {
  switch (kind) {
    case 'pod-labels':
      return { ...p, labels: podLabels(m, p, n) };
    case 'pod-ip':
      return { ...p, ips: podIps(m, n) };
    case 'pod-node':
      return { ...p, nodeName: pick([some(m.nodes, n[2])?.name ?? null, null, 'ghost-node'], n[1]) };
    case 'pod-state':
      return { ...p, phase: pick(PHASES, n[1]), ready: n[2] % 3 !== 0, terminating: n[3] % 4 === 0 };
    case 'pod-ports':
      return { ...p, containerPorts: pick(PORT_SETS, n[1]) };
    // An imported dump redacted its address (or, one time in three, gave it back): answers naming it go UNKNOWN.
    case 'pod-redacted':
      return n[1] % 3 === 0
        ? { ...p, ips: podIps(m, n), unknown: undefined }
        : { ...p, ips: [], unknown: n[2] % 2 === 0 ? ['ips'] : ['ips', 'labels'] };
    case 'pod-host-network': {
      const node = m.nodes.find((x) => x.name === p.nodeName);
      return p.hostNetwork
        ? { ...p, hostNetwork: false, ips: podIps(m, n) }
        : { ...p, hostNetwork: true, ips: node === undefined ? p.ips : node.internalIps.slice(0, 1) };
    }
    default:
      return p;
  }
}

/** A new pod in the namespace of some Service, often selected by it. */
function addedPod(m: ClusterModel, n: readonly number[]): PodModel {
  const svc = some(m.services, n[4]);
  return {
    namespace: svc?.namespace ?? 'ns-0',
    name: `added-${n[0] % 5}`,
    labels: n[5] % 4 === 0 ? { app: 'other' } : (svc?.selector ?? {}),
    nodeName: some(m.nodes, n[3])?.name ?? null,
    ips: podIps(m, n),
    hostNetwork: false,
    phase: n[5] % 7 === 0 ? 'Pending' : 'Running',
    ready: n[5] % 5 !== 0,
    terminating: n[5] % 9 === 0,
    containerPorts: pick(PORT_SETS, (n[5] % 4) + 1),
  };
}

/**
 * The pod a write targets: often one at an address a slice names (its owner feeds the slice's
 * endpoints) or one of the first few (so writes meet each other), else any.
 */
function targetPod(m: ClusterModel, n: readonly number[]): PodModel {
  if (n[5] % 3 === 0) {
    const named = new Set(m.endpointSlices.flatMap((s) => s.endpoints.map((e) => e.addresses[0])));
    const hits = m.pods.filter((p) => p.ips.some((ip) => named.has(ip)));
    if (hits.length > 0) return hits[n[0] % hits.length];
  }
  return m.pods[n[0] % (n[5] % 3 === 1 ? Math.min(m.pods.length, 10) : m.pods.length)];
}

function podWrite(m: ClusterModel, kind: WriteKind, n: readonly number[]): ModelChange {
  if (kind === 'pod-add' || m.pods.length === 0) {
    const p = addedPod(m, n);
    return { kind: 'pod', key: podKey(p), after: p };
  }
  const p = targetPod(m, n);
  if (kind === 'pod-delete') return { kind: 'pod', key: podKey(p), after: null };
  if (kind === 'pod-rename') return { kind: 'pod', key: podKey(p), after: { ...p, name: `${p.name}-r` } };
  return { kind: 'pod', key: podKey(p), after: editedPod(m, p, kind, n) };
}

/** The ModelChange a write seed makes against `m`. */
export function writeFor(m: ClusterModel, seed: WriteSeed): ModelChange {
  const { kind, n } = seed;
  if (kind.startsWith('pod-')) return podWrite(m, kind, n);
  if (kind.startsWith('service-')) return serviceWrite(m, kind, n);
  if (kind.startsWith('slice-')) return sliceWrite(m, kind, n);
  if (kind.startsWith('node-')) return nodeWrite(m, kind, n);
  return settingsWrite(m, n);
}
