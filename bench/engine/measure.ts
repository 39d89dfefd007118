// The engine benchmark's core measure, shared by its variants (engine.bench.ts: the generated
// cluster; policy.bench.ts: the same cluster with namespaces and NetworkPolicies, issue 14):
// compile (cold, then warm), trace, reachability (first requests, then steady state), each
// measured the same way, in the same order, in a fresh process. See engine.bench.ts for what is
// timed and why.
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  compile,
  reachability,
  trace,
  type ClusterModel,
  type CompiledCluster,
  type TraceRequest,
} from '../../src/engine';
import type { ReachabilityRequest } from '../../src/engine';
import { rng } from './generate';

setFlagsFromString('--expose-gc');
export const gc = runInNewContext('gc') as () => void;

export const MODEL_SEED = 42;
export const INPUT_SEED = 7;
export const TRACES = 50_000;
export const TRACE_WARMUP = 5_000;
export const REACHES = 1_000;
export const REACH_WARMUP = 100;
export const REACH_STEADY_WARMUP = 3_000;
export const WARM_COMPILES = 3;

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export function timeEach<T>(inputs: readonly T[], run: (t: T) => unknown): number[] {
  const out: number[] = [];
  for (const input of inputs) {
    const t0 = process.hrtime.bigint();
    run(input);
    out.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return out.sort((a, b) => a - b);
}

/**
 * timeEach, but stops once the timed runs add up to budgetMs (the last one may exceed it): for a
 * variant whose engine path may be far slower than its target, so that the benchmark still ends
 * in reasonable time. Inputs are taken in the same order, so a run within budget is timeEach's.
 */
export function timeWithin<T>(inputs: readonly T[], run: (t: T) => unknown, budgetMs: number): number[] {
  const out: number[] = [];
  let spentUs = 0;
  for (const input of inputs) {
    if (spentUs >= budgetMs * 1000) break;
    const t0 = process.hrtime.bigint();
    run(input);
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    out.push(us);
    spentUs += us;
  }
  return out.sort((a, b) => a - b);
}

/** p50/p90/p99/max of sorted microsecond samples, in µs or ms. */
export function summary(sortedUs: readonly number[], unit: 'µs' | 'ms'): string {
  const f = (us: number): string => (unit === 'µs' ? us.toFixed(2) : (us / 1000).toFixed(3));
  const at = (p: number): string => f(percentile(sortedUs, p));
  return `p50 ${at(0.5)} ${unit}, p90 ${at(0.9)} ${unit}, p99 ${at(0.99)} ${unit}, max ${f(sortedUs[sortedUs.length - 1])} ${unit} over ${sortedUs.length}`;
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const heapMb = (): number => process.memoryUsage().heapUsed / 2 ** 20;
export const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export function traceInputs(cc: CompiledCluster, count: number, rand: () => number): TraceRequest[] {
  const out: TraceRequest[] = [];
  while (out.length < count) {
    const sp = cc.servicePorts[Math.floor(rand() * cc.servicePorts.length)];
    const pod = cc.pods.get(Math.floor(rand() * cc.pods.length));
    const node = cc.nodes[Math.floor(rand() * cc.nodes.length)];
    const u = rand();
    if (u < 0.5)
      out.push({ source: { pod: pod.key }, destination: { ip: sp.clusterIp, port: sp.port, protocol: sp.protocol } });
    else if (u < 0.8 && sp.nodePort !== null)
      out.push({
        source: { external: { ip: '198.51.100.7' } },
        destination: { ip: node.internalIps[0], port: sp.nodePort, protocol: sp.protocol },
      });
    else if (sp.loadBalancerVips.length > 0)
      out.push({
        source: { external: { ip: '198.51.100.7' } },
        destination: { ip: sp.loadBalancerVips[0], port: sp.port, protocol: sp.protocol },
        node: node.name,
      });
    else
      out.push({
        source: { node: node.name },
        destination: { ip: sp.clusterIp, port: sp.port, protocol: sp.protocol },
      });
  }
  return out;
}

export function reachInputs(cc: CompiledCluster, count: number, rand: () => number): ReachabilityRequest[] {
  // Worst case first: NodePort/LoadBalancer Services, where one answer per node address is due.
  const external = cc.services.filter((s) => s.model.type !== 'ClusterIP');
  return Array.from({ length: count }, (_, i) => {
    const svc = external[Math.floor(rand() * external.length)];
    const client =
      i % 3 === 0
        ? { external: { network: 'PUBLIC' as const } }
        : i % 3 === 1
          ? { pod: cc.pods.get(Math.floor(rand() * cc.pods.length)).key }
          : { external: { network: 'PRIVATE' as const } };
    return { client, service: svc.key, port: svc.model.ports[0].port };
  });
}

/** The figures another variant is compared with (passed to its process as JSON). */
export interface Baseline {
  readonly compileMs: number;
  readonly warmMs: number;
  readonly trace50: number;
  readonly trace99: number;
  readonly reach50: number;
  readonly reach99: number;
  readonly steady50: number;
  readonly steady99: number;
}

export interface CoreOptions {
  /** Put before every line printed. */
  readonly prefix: string;
  /** The line describing the cluster, printed after the first compile. */
  readonly describe: (cc: CompiledCluster) => string;
  /** Appended to the lines, after three spaces, e.g. '(targets 1500 ms, 400 MB)'; '' for none. */
  readonly targets: { readonly compile: string; readonly trace: string; readonly steady: string };
  /** When set, each line also says how its figures compare with these (same run, other variant). */
  readonly baseline: Baseline | null;
  /**
   * When set, each warm-up and timed loop stops after this many ms (timeWithin), and the lines say
   * when one did; null: every loop runs in full (the variant without policies).
   */
  readonly phaseBudgetMs?: number | null;
}

export interface Core {
  readonly cc: CompiledCluster;
  readonly compileMs: number;
  readonly heapDeltaMb: number;
  readonly warm: readonly number[];
  readonly traceUs: readonly number[];
  /** The first set of reachability requests (also used by later measures). */
  readonly reach: readonly ReachabilityRequest[];
  readonly reachUs: readonly number[];
  readonly steadyUs: readonly number[];
}

export function baselineOf(c: Core): Baseline {
  return {
    compileMs: c.compileMs,
    warmMs: median(c.warm),
    trace50: percentile(c.traceUs, 0.5),
    trace99: percentile(c.traceUs, 0.99),
    reach50: percentile(c.reachUs, 0.5),
    reach99: percentile(c.reachUs, 0.99),
    steady50: percentile(c.steadyUs, 0.5),
    steady99: percentile(c.steadyUs, 0.99),
  };
}

const ratio = (x: number, base: number): string => `${(x / base).toFixed(2)}x`;
const withTargets = (line: string, targets: string): string => (targets === '' ? line : `${line}   ${targets}`);

/** Compile, trace and reachability on `model`, printed as it goes. */
export function measureCore(model: ClusterModel, o: CoreOptions): Core {
  const b = o.baseline;
  const vs = (pairs: readonly (readonly [string, number, number])[]): string =>
    b === null
      ? ''
      : `; vs without policies: ${pairs.map(([name, x, base]) => `${name} ${ratio(x, base)}`).join(', ')}`;
  const log = (line: string): void => console.log(`${o.prefix}${line}`);
  gc();
  const heapBefore = heapMb();
  const t0 = process.hrtime.bigint();
  const cc = compile(model);
  const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
  gc();
  const heapDeltaMb = heapMb() - heapBefore;
  log(o.describe(cc));
  log(
    withTargets(
      `compile (first call, cold JIT): ${compileMs.toFixed(0)} ms, heap delta ${heapDeltaMb.toFixed(0)} MB${b === null ? '' : vs([['time', compileMs, b.compileMs]])}`,
      o.targets.compile,
    ),
  );

  const warm: number[] = [];
  for (let i = 0; i < WARM_COMPILES; i++) {
    gc();
    const t = process.hrtime.bigint();
    compile(model);
    warm.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  log(
    `compile (warm, ${WARM_COMPILES} more calls): median ${median(warm).toFixed(0)} ms, best ${Math.min(...warm).toFixed(0)} ms${b === null ? '' : vs([['median', median(warm), b.warmMs]])}`,
  );

  const budget = o.phaseBudgetMs ?? null;
  // Loops cut short by the budget, reported on the line of their phase.
  let cut: string[] = [];
  const timed = <T>(what: string, inputs: readonly T[], run: (t: T) => unknown): number[] => {
    if (budget === null) return timeEach(inputs, run);
    const us = timeWithin(inputs, run, budget);
    if (us.length < inputs.length) cut.push(`${us.length} of ${inputs.length} ${what}`);
    return us;
  };
  const cuts = (): string => {
    const text =
      cut.length === 0 ? '' : ` (stopped by the ${(budget ?? 0) / 1000} s budget per loop: ${cut.join(', ')})`;
    cut = [];
    return text;
  };

  const rand = rng(INPUT_SEED);
  const traces = traceInputs(cc, TRACES, rand);
  gc();
  timed('warm-up traces', traces.slice(0, TRACE_WARMUP), (r) => trace(cc, r));
  const traceUs = timed('timed traces', traces, (r) => trace(cc, r));
  log(
    withTargets(
      `trace: ${summary(traceUs, 'µs')}${cuts()}${
        b === null
          ? ''
          : vs([
              ['p50', percentile(traceUs, 0.5), b.trace50],
              ['p99', percentile(traceUs, 0.99), b.trace99],
            ])
      }`,
      o.targets.trace,
    ),
  );

  const reach = reachInputs(cc, REACHES, rand);
  gc();
  timed('warm-up requests', reach.slice(0, REACH_WARMUP), (r) => reachability(cc, r));
  let maxResults = 0;
  const reachUs = timed('timed requests', reach, (r) => {
    maxResults = Math.max(maxResults, reachability(cc, r).results.length);
  });
  log(
    `reachability, first ${REACHES} requests after ${REACH_WARMUP} warm-up ones (one client + Service, every way of addressing it; results per answer up to ${maxResults}): ${summary(reachUs, 'ms')}${cuts()}${
      b === null
        ? ''
        : vs([
            ['p50', percentile(reachUs, 0.5), b.reach50],
            ['p99', percentile(reachUs, 0.99), b.reach99],
          ])
    }`,
  );
  // The same measure once V8 has compiled the engine (as in a service that has been answering for
  // a while): on 2 cores, V8's background compiler threads, busy during the first pass, take CPU
  // from the main thread. REACH_STEADY_WARMUP more requests first, then another 1,000, each set
  // with its own seed, so the timed requests' lazily built parts are still built inside the timing.
  const steadyWarmup = reachInputs(cc, REACH_STEADY_WARMUP, rng(INPUT_SEED + 1));
  if (budget === null) for (const r of steadyWarmup) reachability(cc, r);
  else timed('warm-up requests', steadyWarmup, (r) => reachability(cc, r));
  // No forced gc() here: a full collection on demand makes V8 drop and later recompile code
  // (measured: p99 0.46 ms without it, 2.5 ms right after one), which a running service never does.
  const steady = reachInputs(cc, REACHES, rng(INPUT_SEED + 2));
  const steadyUs = timed('timed requests', steady, (r) => reachability(cc, r));
  log(
    withTargets(
      `reachability, steady state (${REACHES} new requests after ${REACH_STEADY_WARMUP} more warm-up ones): ${summary(steadyUs, 'ms')}${cuts()}${
        b === null
          ? ''
          : vs([
              ['p50', percentile(steadyUs, 0.5), b.steady50],
              ['p99', percentile(steadyUs, 0.99), b.steady99],
            ])
      }`,
      o.targets.steady,
    ),
  );
  return { cc, compileMs, heapDeltaMb, warm, traceUs, reach, reachUs, steadyUs };
}
