// What patch.spec.ts compares between a patched model and one compiled from scratch: every
// reachability answer (clients x Services) and a set of traces, as JSON (errors by code).
import type { CompiledCluster } from '../compiled';
import { EngineInputError } from '../errors';
import type { ClusterModel } from '../model';
import { reachability, type ReachabilityClient } from '../reachability';
import { trace, type TraceRequest } from '../trace';
import { podKey } from './model-writes';

/** Pods at both ends and in the middle, two nodes, outside clients (one at a pod's address, one at a node's EIP). */
export function clientsOf(m: ClusterModel): ReachabilityClient[] {
  const out: ReachabilityClient[] = [];
  const pods = m.pods.length === 0 ? [] : [m.pods[0], m.pods[m.pods.length >> 1], m.pods[m.pods.length - 1]];
  for (const p of pods) out.push({ pod: podKey(p) });
  for (const n of m.nodes.length === 0 ? [] : [m.nodes[0], m.nodes[m.nodes.length - 1]]) out.push({ node: n.name });
  out.push(
    { external: { network: 'PUBLIC' } },
    { external: { network: 'PRIVATE' } },
    { external: { network: 'PRIVATE', ip: '172.31.9.9' } },
  );
  const podIp = m.pods.find((p) => p.ips.length > 0 && p.ips[0].startsWith('10.'))?.ips[0];
  if (podIp !== undefined) out.push({ external: { network: 'PRIVATE', ip: podIp } });
  const eip = m.nodes.find((n) => n.externalIp !== null)?.externalIp;
  if (eip !== undefined && eip !== null) out.push({ external: { network: 'PUBLIC', ip: eip } });
  return out;
}

/** Packets to every Service port by each of its addresses, from a pod, a node and outside, and pod to pod. */
export function packetsOf(cc: CompiledCluster): TraceRequest[] {
  const out: TraceRequest[] = [];
  const m = cc.model;
  const pod = m.pods.length > 0 ? podKey(m.pods[m.pods.length >> 1]) : null;
  const node = cc.nodes[0];
  const outside = { external: { ip: '198.51.100.7' } };
  for (const sp of cc.servicePorts) {
    const to = (ip: string, port = sp.port) => ({ ip, port, protocol: sp.protocol });
    if (pod !== null) out.push({ source: { pod }, destination: to(sp.clusterIp) });
    if (node !== undefined) {
      out.push({ source: { node: node.name }, destination: to(sp.clusterIp) });
      if (sp.nodePort !== null)
        out.push({ source: outside, destination: to(node.internalIps[0] ?? '172.16.0.1', sp.nodePort) });
      if (sp.nodePort !== null && node.externalIp !== null)
        out.push({ source: outside, destination: to(node.externalIp, sp.nodePort) });
      for (const ip of [...sp.loadBalancerVips, ...sp.loadBalancerProxyIps, ...sp.externalIps])
        out.push({ source: outside, destination: to(ip), node: node.name });
    }
  }
  if (pod !== null)
    for (const p of m.pods.slice(0, 5))
      if (p.ips.length > 0) out.push({ source: { pod }, destination: { ip: p.ips[0], port: 8080, protocol: 'TCP' } });
  return out;
}

/** JSON of an answer, or the code of the input error it throws. */
function outcome(answer: () => unknown): string {
  try {
    return JSON.stringify(answer());
  } catch (e) {
    if (e instanceof EngineInputError) return `error ${e.code}`;
    throw e;
  }
}

/** Every answer compared: reachability for each client and Service, then each packet traced. */
export function answersOf(
  cc: CompiledCluster,
  clients: readonly ReachabilityClient[],
  packets: readonly TraceRequest[],
): string[] {
  const out: string[] = [];
  for (const s of cc.model.services) {
    const service = podKey(s);
    for (const client of clients)
      out.push(`${service} ${JSON.stringify(client)}: ${outcome(() => reachability(cc, { client, service }))}`);
  }
  for (const p of packets) out.push(`${JSON.stringify(p)}: ${outcome(() => trace(cc, p))}`);
  return out;
}

/** Where two answers first differ, with some context on each side. */
function around(a: string, b: string): string {
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  const from = Math.max(0, at - 400);
  return `at character ${at}:\n  patched: …${a.slice(from, at + 200)}\n  scratch: …${b.slice(from, at + 200)}`;
}

/** The first answer that differs (its index, the start of both and where they part), or null when all are equal. */
export function firstDifference(actual: readonly string[], expected: readonly string[]): string | null {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    const a = actual[i] ?? '(none)';
    const b = expected[i] ?? '(none)';
    if (a !== b) return `answer ${i} of ${expected.length} (${b.slice(0, 120)}) ${around(a, b)}`;
  }
  return null;
}
