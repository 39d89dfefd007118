// Engine benchmark: compile, trace and reachability on a generated cluster.
// Run: npm run bench engine   (compiled, see scripts/bench.cjs; fixed seeds; prints its numbers and the machine load)
//
// What is timed is what a caller gets: compile() returning the CompiledCluster, trace()
// returning its result, reachability() returning the answer, ready to serialise. Parts built
// later on purpose are timed on their own lines, and say so:
//  - per-node endpoint buckets (LocalChoice maps) are built on a Service port's first use;
//  - a NodePort answer's per-node-address results are decided (every node's class evaluated)
//    inside reachability(), but each result object, and its via/path/hops, is built when
//    read; so serialising whole answers (JSON.stringify) is timed on its own line.
// gc() runs between phases only, never inside a timed loop: GC caused by a phase is in its numbers
// (and not before the steady-state reachability, see there).
// After its own run, it starts the policy variant (policy.bench.ts, issue 14: the same cluster
// with 200 namespaces and 2,000 NetworkPolicies) in a fresh process, so that variant's figures
// are measured as these are (cold JIT first) and these are not disturbed; it prints its figures
// with ratios to these. BENCH_POLICIES=off skips it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { reachability, reachabilityAnswer, serviceMatrix, type CompiledCluster } from '../../src/engine';
import type { ReachabilityRequest } from '../../src/engine';
import { generateCluster, rng } from './generate';
import {
  baselineOf,
  gc,
  heapMb,
  INPUT_SEED,
  load,
  measureCore,
  median,
  MODEL_SEED,
  percentile,
  summary,
  timeEach,
  WARM_COMPILES,
  type Baseline,
} from './measure';
import { goldenReplay, kindMedians, timeWrites } from './patch-bench';

const SERIALISED = 20;
const POD_WRITES = 250;
/** Writes made (untimed) before the timed ones, so that V8 has compiled the patch code, as in a service that has been running. */
const WRITE_WARMUP = 100;
const SERVICE_WRITES = 120;
/** The golden replay compiles from scratch every this many writes. */
const GOLDEN_EVERY = 10;

/** Build every Service port's lazily-built per-node endpoint buckets; returns [ms, MB]. */
function buildLazyParts(cc: CompiledCluster): [number, number] {
  gc();
  const before = heapMb();
  const t0 = process.hrtime.bigint();
  let buckets = 0;
  for (const sp of cc.servicePorts) buckets += sp.categories.localByNode.size;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  gc();
  if (buckets < 0) throw new Error('unreachable');
  return [ms, heapMb() - before];
}

function main(): void {
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average at start ${load()}`);
  // Zones and hints as real multi-zone clusters have them (every Service PreferClose, nodes in three
  // zones, every ready endpoint hinted for its zone) and a quarter of the Services with session affinity.
  const model = generateCluster({ seed: MODEL_SEED, topology: true });
  const core = measureCore(model, {
    prefix: '',
    describe: (cc) =>
      `cluster (seed ${MODEL_SEED}, topology-aware routing on every Service, ${model.services.filter((x) => x.sessionAffinity === 'ClientIP').length} with session affinity): ${model.nodes.length} nodes, ${model.pods.length} pods, ${model.services.length} services, ${cc.servicePorts.length} service ports, max endpoints/port ${Math.max(...cc.servicePorts.map((s) => s.endpoints.length))}`,
    targets: {
      compile: '(targets 1500 ms, 400 MB)',
      trace: '(targets p50 10 µs, p99 100 µs)',
      steady: '(target p99 1 ms)',
    },
    baseline: null,
  });
  const { cc, reach, steadyUs, warm } = core;

  gc();
  let bytes = 0;
  const jsonUs = timeEach(reach.slice(0, SERIALISED), (r) => {
    bytes = Math.max(bytes, JSON.stringify(reachability(cc, r)).length);
  });
  console.log(
    `reachability + JSON.stringify of the answer (every per-address result rendered in full; up to ${(bytes / 2 ** 20).toFixed(1)} MB): ${summary(jsonUs, 'ms')}`,
  );

  const answerLines = answerBench(cc, reach);

  const patchLines = writeBench(cc, percentile(steadyUs, 0.5));

  const [lazyMs, lazyMb] = buildLazyParts(cc);
  console.log(
    `lazily built per-node endpoint buckets, all ${cc.servicePorts.length} ports at once (normally on first use, within the trace/reachability numbers above): ${lazyMs.toFixed(0)} ms, heap +${lazyMb.toFixed(0)} MB`,
  );
  console.log(`load average at end ${load()}`);
  const policyLines = process.env.BENCH_POLICIES === 'off' ? [] : policyVariant(baselineOf(core));
  console.log(
    `\nsummary (this run, ${model.pods.length} pods):\n  full compile: p50 ${median(warm).toFixed(0)} ms (${WARM_COMPILES} warm calls)`,
  );
  console.log(
    `  warm reachability on a Service (steady state): p50 ${(percentile(steadyUs, 0.5) / 1000).toFixed(3)} ms, p99 ${(percentile(steadyUs, 0.99) / 1000).toFixed(3)} ms`,
  );
  for (const line of [...answerLines, ...patchLines, ...policyLines]) console.log(`  ${line}`);
}

/** Runs policy.bench.ts (compiled next to this file) in its own process; returns its summary lines. */
function policyVariant(baseline: Baseline): string[] {
  console.log('\npolicy variant (issue 14), in a fresh process:');
  const summaryFile = join(tmpdir(), `svcpath-bench-policies-${process.pid}.json`);
  const { status } = spawnSync(process.execPath, ['--expose-gc', join(__dirname, 'policy.bench.js')], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_BASELINE: JSON.stringify(baseline), BENCH_SUMMARY: summaryFile },
  });
  if (status !== 0) {
    console.log(`policy variant failed (exit status ${String(status)})`);
    process.exitCode = 1;
  }
  if (!existsSync(summaryFile)) return ['policy variant: no figures (see above)'];
  const lines = JSON.parse(readFileSync(summaryFile, 'utf8')) as string[];
  rmSync(summaryFile, { force: true });
  return lines;
}

const COMPACT_ANSWERS = 200;
const MATRICES = 50;

/**
 * The answers as sent (issue 12): reachability() grouped into the compact answer and serialised,
 * on the NodePort/LoadBalancer questions (the largest); and the matrix of NodePort/LoadBalancer
 * Services, each built afresh (the API memoises it per model version; this is the first ask).
 */
function answerBench(cc: CompiledCluster, reach: readonly ReachabilityRequest[]): string[] {
  gc();
  const questions = reach.slice(0, COMPACT_ANSWERS);
  timeEach(questions.slice(0, 20), (r) => JSON.stringify(reachabilityAnswer(reachability(cc, r))));
  let bytes = 0;
  const compactUs = timeEach(questions, (r) => {
    bytes = Math.max(bytes, JSON.stringify(reachabilityAnswer(reachability(cc, r))).length);
  });
  const computed = questions.map((r) => reachability(cc, r));
  const groupUs = timeEach(computed, (result) => JSON.stringify(reachabilityAnswer(result)));
  const compactLine = `compact answer (reachability + grouping + JSON.stringify, ${COMPACT_ANSWERS} NodePort/LB questions): ${summary(compactUs, 'ms')}, up to ${(bytes / 1024).toFixed(1)} KB; grouping + JSON.stringify alone: ${summary(groupUs, 'ms')}   (targets <= 64 KB, serialised p50 <= 10 ms)`;
  console.log(compactLine);
  gc();
  const services = cc.services
    .filter((s) => s.model.type !== 'ClusterIP')
    .slice(0, MATRICES)
    .map((s) => s.key);
  for (const s of services.slice(0, 5)) serviceMatrix(cc, s);
  let matrixBytes = 0;
  let rows = 0;
  const matrixUs = timeEach(services, (s) => {
    const m = serviceMatrix(cc, s);
    rows = Math.max(rows, m.rows.length);
    matrixBytes = Math.max(matrixBytes, JSON.stringify(m).length);
  });
  const matrixLine = `Service matrix, built afresh (${MATRICES} NodePort/LB Services, up to ${rows} rows, JSON.stringify included): ${summary(matrixUs, 'ms')}, up to ${(matrixBytes / 1024).toFixed(1)} KB   (targets warm <= 50 ms, <= 64 KB)`;
  console.log(matrixLine);
  return [compactLine, matrixLine];
}

/**
 * Writes, each patched (patchCompiled) and followed at once by a question on another Service
 * (timed together), then replayed and checked against compile() from scratch. Returns the
 * summary lines; `warmP50Us` is the steady-state reachability p50 the pod writes are compared to.
 */
function writeBench(cc: CompiledCluster, warmP50Us: number): string[] {
  const warmup = timeWrites(cc, WRITE_WARMUP, rng(INPUT_SEED + 5), false);
  gc();
  const pods = timeWrites(warmup.end, POD_WRITES, rng(INPUT_SEED + 3), false);
  const podP50 = percentile(pods.us, 0.5);
  const podLine = `pod write -> patchCompiled -> reachability on another Service (after ${WRITE_WARMUP} untimed writes): ${summary(pods.us, 'ms')}; p50 ${(podP50 / warmP50Us).toFixed(1)}x the warm p50   (targets p50 <= 3x warm, p99 100 ms); p50 by kind (ms): ${kindMedians(pods.byKind)}; patchCompiled alone: p50 ${(percentile(pods.patchUs, 0.5) / 1000).toFixed(3)} ms, p99 ${(percentile(pods.patchUs, 0.99) / 1000).toFixed(3)} ms`;
  console.log(podLine);
  gc();
  const services = timeWrites(pods.end, SERVICE_WRITES, rng(INPUT_SEED + 4), true);
  const serviceLine = `Service write -> patchCompiled -> reachability on another Service: ${summary(services.us, 'ms')}; p50 by kind (ms): ${kindMedians(services.byKind)}`;
  console.log(serviceLine);
  const writes = [...warmup.writes, ...pods.writes, ...services.writes];
  const [compared, mismatches] = goldenReplay(cc, writes, GOLDEN_EVERY);
  const goldenLine = `golden: patched vs compile() from scratch after every ${GOLDEN_EVERY}th of those ${writes.length} writes (warm-up included): ${compared} answers compared, ${mismatches} mismatches`;
  console.log(goldenLine);
  if (mismatches > 0) process.exitCode = 1;
  return [podLine, serviceLine, goldenLine];
}

main();
