import type { AddressResult, ReachabilityResult } from '../../engine';
import type { TraceAnswer } from './analysis.service';

export interface Difference { subject: string; field: string; before: string | null; after: string | null }

const endpointsOf = (eps: readonly { ip: string; port: number; outcome?: string }[]) =>
  eps.filter((e) => e.outcome === undefined || e.outcome === 'CONNECTS').map((e) => `${e.ip}:${e.port}`).sort();

function compare(subject: string, pairs: [field: string, before: unknown, after: unknown][]): Difference[] {
  return pairs
    .map(([field, before, after]) => ({ subject, field, before: before === undefined ? null : JSON.stringify(before), after: after === undefined ? null : JSON.stringify(after) }))
    .filter((d) => d.before !== d.after);
}

const viaKey = (r: AddressResult) => `${r.via.kind} ${r.via.address}:${r.via.port}/${r.via.protocol}${r.via.network ? ` ${r.via.network}` : ''}`;

/** What changed between two reachability answers, per way of addressing the Service. */
export function reachabilityDifferences(before: ReachabilityResult, after: ReachabilityResult): Difference[] {
  const old = new Map(before.results.map((r) => [viaKey(r), r]));
  const now = new Map(after.results.map((r) => [viaKey(r), r]));
  const out: Difference[] = [];
  for (const key of new Set([...old.keys(), ...now.keys()])) {
    const a = old.get(key);
    const b = now.get(key);
    if (!a || !b) {
      out.push({ subject: key, field: 'present', before: JSON.stringify(!!a), after: JSON.stringify(!!b) });
      continue;
    }
    out.push(...compare(key, [
      ['verdict', a.verdict, b.verdict],
      ['sourceIp.preserved', a.sourceIp.preserved, b.sourceIp.preserved],
      ['sourceIp.reason', a.sourceIp.reason, b.sourceIp.reason],
      ['endpoints', endpointsOf(a.endpoints), endpointsOf(b.endpoints)],
    ]));
  }
  return out;
}

export function traceDifferences(before: TraceAnswer, after: TraceAnswer): Difference[] {
  return compare('trace', [
    ['verdict', before.verdict, after.verdict],
    ['masquerade', before.masquerade, after.masquerade],
    ['sourceIp.reason', before.sourceIp.reason, after.sourceIp.reason],
    ['endpoints', endpointsOf(before.endpoints), endpointsOf(after.endpoints)],
  ]);
}
