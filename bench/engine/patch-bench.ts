// Writes to the benchmark cluster: each one patched (patchCompiled) and followed at once by a
// reachability question on another Service, timed together; then replayed untimed and checked
// against compile() from scratch (the golden check of the speed trick: answers must not change).
import { createHash } from 'node:crypto';
import {
  applyModelChanges,
  compile,
  patchCompiled,
  reachability,
  type ClusterModel,
  type CompiledCluster,
  type ModelChange,
  type PodModel,
  type ReachabilityRequest,
  type ServiceModel,
} from '../../src/engine';

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const keyOf = (o: { readonly namespace: string; readonly name: string }): string => `${o.namespace}/${o.name}`;

export interface Write {
  readonly kind: string;
  readonly change: ModelChange;
  /** The question asked right after, on a Service the write does not touch. */
  readonly request: ReachabilityRequest;
}

const POD_KINDS = ['label', 'ip', 'add', 'delete', 'ready'] as const;

/** A new address in the cluster CIDR that the generator never uses (10.200+.x.y). */
const freshIp = (i: number): string => `10.${200 + ((i >> 16) & 31)}.${(i >> 8) & 255}.${i & 255}`;

function podChange(m: ClusterModel, kind: (typeof POD_KINDS)[number], i: number, rand: Rand): ModelChange {
  const p = pick(rand, m.pods);
  const key = keyOf(p);
  switch (kind) {
    case 'label':
      return { kind: 'pod', key, after: { ...p, labels: pick(rand, m.services).selector ?? {} } };
    case 'ip':
      return { kind: 'pod', key, after: { ...p, ips: [freshIp(i)] } };
    case 'add': {
      const s = pick(rand, m.services);
      const added: PodModel = {
        ...p,
        namespace: s.namespace,
        name: `bench-added-${i}`,
        labels: s.selector ?? {},
        nodeName: pick(rand, m.nodes).name,
        ips: [freshIp(i)],
      };
      return { kind: 'pod', key: keyOf(added), after: added };
    }
    case 'delete':
      return { kind: 'pod', key, after: null };
    default:
      return { kind: 'pod', key, after: { ...p, ready: !p.ready } };
  }
}

const SERVICE_KINDS = ['selector', 'policy', 'port', 'annotation', 'add', 'delete'] as const;

function serviceChange(m: ClusterModel, kind: (typeof SERVICE_KINDS)[number], i: number, rand: Rand): ModelChange {
  const s = pick(rand, m.services);
  const key = keyOf(s);
  const edit = (after: ServiceModel): ModelChange => ({ kind: 'service', key, after });
  switch (kind) {
    case 'selector':
      return edit({ ...s, selector: pick(rand, m.services).selector });
    case 'policy':
      return edit({ ...s, externalTrafficPolicy: s.externalTrafficPolicy === 'Local' ? 'Cluster' : 'Local' });
    case 'port':
      return edit({
        ...s,
        ports: [
          ...s.ports.slice(0, 1),
          { name: 'extra', protocol: 'TCP', port: 9000, targetPort: 8080, nodePort: null },
        ],
      });
    case 'annotation':
      return edit({ ...s, annotations: { 'bench/revision': String(i) } });
    case 'add': {
      const added: ServiceModel = {
        ...s,
        name: `bench-svc-${i}`,
        clusterIps: [`172.21.${(i >> 8) & 255}.${i & 255}`],
        ports: s.ports.map((p) => ({ ...p, nodePort: null })),
        type: 'ClusterIP',
      };
      return { kind: 'service', key: keyOf(added), after: added };
    }
    default:
      return { kind: 'service', key, after: null };
  }
}

/** Services whose endpoints a write may change (the pod's selectors before and after, or the Service itself). */
function touchedKeys(cc: CompiledCluster, change: ModelChange): Set<string> {
  if (change.kind === 'service') return new Set([change.key]);
  if (change.kind !== 'pod') return new Set();
  const at = cc.podByKey.get(change.key);
  const apps = new Set([at === undefined ? undefined : cc.model.pods[at].labels.app, change.after?.labels.app]);
  // The generator's pods and selectors have one label, `app` (generate.ts).
  return new Set(cc.services.filter((s) => apps.has(s.model.selector?.app)).map((s) => s.key));
}

/** A pod client other than the pod written (which a write may delete). */
function clientPod(cc: CompiledCluster, change: ModelChange, rand: Rand): string {
  for (;;) {
    const key = cc.pods.get(Math.floor(rand() * cc.pods.length)).key;
    if (change.kind !== 'pod' || key !== change.key) return key;
  }
}

/** NodePort/LoadBalancer Services, per services array (made once, not per write: the timed loop's GC is the engine's). */
const EXTERNAL = new WeakMap<CompiledCluster['services'], CompiledCluster['services']>();

/** A question like the benchmark's reachability ones, on a NodePort/LoadBalancer Service the write does not touch. */
function requestAvoiding(cc: CompiledCluster, change: ModelChange, i: number, rand: Rand): ReachabilityRequest {
  const touched = touchedKeys(cc, change);
  let external = EXTERNAL.get(cc.services);
  if (external === undefined)
    EXTERNAL.set(cc.services, (external = cc.services.filter((s) => s.model.type !== 'ClusterIP')));
  let svc = pick(rand, external);
  while (touched.has(svc.key)) svc = pick(rand, external);
  const client =
    i % 3 === 0
      ? { external: { network: 'PUBLIC' as const } }
      : i % 3 === 1
        ? { pod: clientPod(cc, change, rand) }
        : { external: { network: 'PRIVATE' as const } };
  return { client, service: svc.key, port: svc.model.ports[0].port };
}

/** Times `count` writes of the given kinds (round robin): patch + one answer each, in microseconds; the writes made, for the replay. */
export function timeWrites(
  start: CompiledCluster,
  count: number,
  rand: Rand,
  service: boolean,
): { us: number[]; patchUs: number[]; byKind: Map<string, number[]>; writes: Write[]; end: CompiledCluster } {
  const us: number[] = [];
  const patchUs: number[] = [];
  const byKind = new Map<string, number[]>();
  const writes: Write[] = [];
  let cc = start;
  for (let i = 0; i < count; i++) {
    const kind = service ? SERVICE_KINDS[i % SERVICE_KINDS.length] : POD_KINDS[i % POD_KINDS.length];
    const change = service
      ? serviceChange(cc.model, kind as (typeof SERVICE_KINDS)[number], i, rand)
      : podChange(cc.model, kind as (typeof POD_KINDS)[number], i, rand);
    const request = requestAvoiding(cc, change, i, rand);
    const t0 = process.hrtime.bigint();
    cc = patchCompiled(cc, [change]);
    const t1 = process.hrtime.bigint();
    reachability(cc, request);
    const took = Number(process.hrtime.bigint() - t0) / 1000;
    us.push(took);
    patchUs.push(Number(t1 - t0) / 1000);
    byKind.set(kind, [...(byKind.get(kind) ?? []), took]);
    writes.push({ kind, change, request });
  }
  return { us: us.sort((a, b) => a - b), patchUs: patchUs.sort((a, b) => a - b), byKind, writes, end: cc };
}

const digest = (answer: unknown): string => createHash('sha256').update(JSON.stringify(answer)).digest('hex');

/**
 * Replays the writes (untimed) and, every `every` writes, compiles the model from scratch and
 * compares answers byte for byte: the write's own question, and each touched Service from three
 * clients. Returns [answers compared, mismatches].
 */
export function goldenReplay(start: CompiledCluster, writes: readonly Write[], every: number): [number, number] {
  let cc = start;
  let model = start.model;
  let compared = 0;
  let mismatches = 0;
  writes.forEach((w, i) => {
    const touched = touchedKeys(cc, w.change);
    cc = patchCompiled(cc, [w.change]);
    model = applyModelChanges(model, [w.change]);
    if (i % every !== every - 1) return;
    const scratch = compile(model);
    const pod = cc.pods.get(0).key;
    const requests: ReachabilityRequest[] = [
      w.request,
      ...[...touched]
        .filter((k) => cc.serviceByKey.has(k))
        .flatMap((service) =>
          [{ external: { network: 'PUBLIC' as const } }, { pod }, { node: cc.nodes[0].name }].map((client) => ({
            client,
            service,
          })),
        ),
    ];
    for (const r of requests) {
      compared++;
      if (digest(reachability(cc, r)) !== digest(reachability(scratch, r))) mismatches++;
    }
  });
  return [compared, mismatches];
}

/** "kind p50 x ms" for each kind of write, in microsecond samples. */
export function kindMedians(byKind: ReadonlyMap<string, readonly number[]>): string {
  const p50 = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return [...byKind].map(([kind, us]) => `${kind} ${(p50(us) / 1000).toFixed(3)}`).join(', ');
}
