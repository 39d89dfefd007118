// Runner for packetFlowTest rows transcribed from kube-proxy's tests: the packet is processed
// on the test node; an IP of the test node is the node itself, anything else an outside IP
// (the local-traffic detector then decides whether it is a pod).
import { expect } from 'vitest';
import type { CompiledCluster } from '../compiled';
import { canonicalIp, hostPort } from '../ip';
import type { Protocol } from '../model';
import { trace, type TraceSource } from '../trace';
import { TEST_NODE } from './upstream';

export interface PacketFlowRow {
  /** Upstream test function, e.g. `TestLoadBalancer`. */
  readonly test: string;
  /** Upstream case name (packetFlowTest.name), with the sub-test if any. */
  readonly name: string;
  readonly sourceIP: string;
  readonly destIP: string;
  readonly destPort: number;
  readonly protocol?: Protocol;
  /** "ip:port, ip:port" | "REJECT" | "DROP" | "ACCEPT" | "" (not intercepted). */
  readonly output: string;
  readonly masq?: boolean;
}

function sourceFor(cc: CompiledCluster, ip: string): TraceSource {
  const canonical = canonicalIp(ip) ?? ip;
  const node = cc.nodes[cc.nodeByName.get(TEST_NODE) ?? 0];
  return node.localAddresses.has(canonical) || ip.startsWith('127.') ? { node: TEST_NODE, ip } : { external: { ip } };
}

/** What trace() says, in the upstream test's output format. */
export function observe(cc: CompiledCluster, row: PacketFlowRow): { output: string; masq: boolean } {
  const result = trace(cc, {
    source: sourceFor(cc, row.sourceIP),
    destination: { ip: row.destIP, port: row.destPort, protocol: row.protocol ?? 'TCP' },
    node: TEST_NODE,
  });
  switch (result.verdict) {
    case 'FORWARD':
      return {
        output: result.endpoints
          .map((e) => hostPort(e.ip, e.port))
          .sort()
          .join(', '),
        masq: result.masquerade === true,
      };
    case 'REJECT':
    case 'DROP':
      return { output: result.verdict, masq: false };
    case 'ACCEPT_LOCAL':
      return { output: 'ACCEPT', masq: false };
    case 'NOT_INTERCEPTED':
      return { output: '', masq: false };
    default: {
      const unreachable: never = result.verdict;
      return unreachable;
    }
  }
}

function normalise(output: string): string {
  if (output === '' || output === 'REJECT' || output === 'DROP' || output === 'ACCEPT') return output;
  return output
    .split(',')
    .map((s) => s.trim())
    .map((hp) => {
      const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(hp);
      return m === null ? hp : hostPort(canonicalIp(m[1]) ?? m[1], Number(m[2]));
    })
    .sort()
    .join(', ');
}

export function expectRow(cc: CompiledCluster, row: PacketFlowRow): void {
  const got = observe(cc, row);
  expect({ output: got.output, masq: got.masq }).toEqual({ output: normalise(row.output), masq: row.masq ?? false });
}
