// Engine benchmark: compile, trace and reachability on a generated cluster.
// Run: npx tsx bench/engine/engine.bench.ts   (fixed seed; prints its numbers)
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compile, reachability, trace, type CompiledCluster, type TraceRequest } from '../../src/engine';
import type { ReachabilityRequest } from '../../src/engine';
import { generateCluster, rng } from './generate';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function timeEach<T>(inputs: readonly T[], run: (t: T) => unknown): number[] {
  const out: number[] = [];
  for (const input of inputs) {
    const t0 = process.hrtime.bigint();
    run(input);
    out.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return out.sort((a, b) => a - b);
}

function traceInputs(cc: CompiledCluster, count: number, rand: () => number): TraceRequest[] {
  const out: TraceRequest[] = [];
  while (out.length < count) {
    const sp = cc.servicePorts[Math.floor(rand() * cc.servicePorts.length)];
    const pod = cc.pods[Math.floor(rand() * cc.pods.length)];
    const node = cc.nodes[Math.floor(rand() * cc.nodes.length)];
    const u = rand();
    if (u < 0.5) out.push({ source: { pod: pod.key }, destination: { ip: sp.clusterIp, port: sp.port, protocol: sp.protocol } });
    else if (u < 0.8 && sp.nodePort !== null) out.push({ source: { external: { ip: '198.51.100.7' } }, destination: { ip: node.internalIps[0], port: sp.nodePort, protocol: sp.protocol } });
    else if (sp.loadBalancerVips.length > 0) out.push({ source: { external: { ip: '198.51.100.7' } }, destination: { ip: sp.loadBalancerVips[0], port: sp.port, protocol: sp.protocol }, node: node.name });
    else out.push({ source: { node: node.name }, destination: { ip: sp.clusterIp, port: sp.port, protocol: sp.protocol } });
  }
  return out;
}

function reachInputs(cc: CompiledCluster, count: number, rand: () => number): ReachabilityRequest[] {
  // Worst case first: NodePort/LoadBalancer Services, where one answer per node address is due.
  const external = cc.services.filter((s) => s.model.type !== 'ClusterIP');
  return Array.from({ length: count }, (_, i) => {
    const svc = external[Math.floor(rand() * external.length)];
    const client = i % 3 === 0 ? { external: { network: 'PUBLIC' as const } } : i % 3 === 1 ? { pod: cc.pods[Math.floor(rand() * cc.pods.length)].key } : { external: { network: 'PRIVATE' as const } };
    return { client, service: svc.key, port: svc.model.ports[0].port };
  });
}

function main(): void {
  const model = generateCluster({ seed: 42 });
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  const cc = compile(model);
  const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
  gc();
  const heapDeltaMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const rand = rng(7);
  const traces = traceInputs(cc, 20000, rand);
  timeEach(traces.slice(0, 2000), (r) => trace(cc, r)); // warm-up
  const traceUs = timeEach(traces, (r) => trace(cc, r));
  const reach = reachInputs(cc, 300, rand);
  timeEach(reach.slice(0, 30), (r) => reachability(cc, r)); // warm-up
  const reachUs = timeEach(reach, (r) => reachability(cc, r));
  const sizes = reach.slice(0, 30).map((r) => reachability(cc, r).results.length);
  // Every member's own path and hops are rendered on first read; this measures reading them all.
  const eagerUs = timeEach(reach, (r) => {
    for (const a of reachability(cc, r).results) void (a.path.length + a.hops.length);
  });
  console.log(`cluster: ${model.nodes.length} nodes, ${model.pods.length} pods, ${model.services.length} services, ${cc.servicePorts.length} service ports, max endpoints/port ${Math.max(...cc.servicePorts.map((s) => s.endpoints.length))}`);
  console.log(`compile: ${compileMs.toFixed(0)} ms, heap delta ${heapDeltaMb.toFixed(0)} MB   (targets 1500 ms, 400 MB)`);
  console.log(`trace: p50 ${percentile(traceUs, 0.5).toFixed(2)} µs, p99 ${percentile(traceUs, 0.99).toFixed(2)} µs over ${traceUs.length}   (targets 10 µs, 100 µs)`);
  console.log(`reachability: p50 ${(percentile(reachUs, 0.5) / 1000).toFixed(3)} ms, p99 ${(percentile(reachUs, 0.99) / 1000).toFixed(3)} ms over ${reachUs.length} (results per answer up to ${Math.max(...sizes)})   (target p99 1 ms)`);
  console.log(`reachability + reading every result's path and hops: p50 ${(percentile(eagerUs, 0.5) / 1000).toFixed(3)} ms, p99 ${(percentile(eagerUs, 0.99) / 1000).toFixed(3)} ms`);
}

main();
