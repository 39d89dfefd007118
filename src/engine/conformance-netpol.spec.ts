// NetworkPolicy against the upstream e2e suite (test/e2e/network/netpol/network_policy.go,
// transcribed in testing/cases-netpol.ts): for every case, every step (the cluster state after the
// test's CreatePolicy / UpdatePolicy / relabel / delete calls) and every probe (ToPort, Protocol),
// the evaluator's verdict for each ordered pod pair of the 9 x 9 table must be the truth table's.
// As upstream (ignoreLoopback = true), a pod's connection to itself is judged but not compared.
import { describe, expect, it } from 'vitest';
import type { PodModel } from './model';
import { compilePolicies, judgeConnection } from './policy/index';
import {
  IGNORE_LOOPBACK,
  NETPOL_CASES,
  newPodString,
  newReachability,
  type NetpolCase,
  type NetpolProbe,
  type NetpolStep,
  type Reachability,
} from './testing/cases-netpol';

/** The pods of a step by PodString. */
function podsOf(step: NetpolStep): Map<string, PodModel> {
  return new Map(step.cluster.pods.map((p) => [newPodString(p.namespace, p.name), p]));
}

/** A fresh Reachability with the probe's expectations and the evaluator's answers as observations. */
function observe(c: NetpolCase, step: NetpolStep, probe: NetpolProbe): Reachability {
  const index = compilePolicies(step.cluster, { enforced: true });
  const pods = podsOf(step);
  const r = newReachability(c.pods, true);
  for (const from of c.pods) {
    for (const to of c.pods) {
      r.expect(from, to, probe.reachability.expected.get(from, to));
      const src = pods.get(from) as PodModel;
      const dst = pods.get(to) as PodModel;
      const verdict = judgeConnection(
        index,
        { ip: src.ips[0], pod: src },
        { ip: dst.ips[0], pod: dst },
        probe.toPort,
        probe.protocol,
      );
      r.observe(from, to, verdict.allowed);
    }
  }
  return r;
}

/** Wrong pairs of a probe (loopback ignored), as "from -> to: expected X, got Y" lines. */
function wrongPairs(c: NetpolCase, r: Reachability): string[] {
  const out: string[] = [];
  for (const from of c.pods) {
    for (const to of c.pods) {
      if (IGNORE_LOOPBACK && from === to) continue;
      const want = r.expected.get(from, to);
      const got = r.observed.get(from, to);
      if (want !== got)
        out.push(`${from} -> ${to}: expected ${want ? 'allowed' : 'blocked'}, got ${got ? 'allowed' : 'blocked'}`);
    }
  }
  return out;
}

describe('NetworkPolicy e2e conformance (test/e2e/network/netpol/network_policy.go)', () => {
  it('transcribes the upstream suite (48 tests, 9 pods each)', () => {
    expect(NETPOL_CASES.length).toBe(48);
    for (const c of NETPOL_CASES) {
      expect(c.pods).toHaveLength(9);
      expect(c.steps.length).toBeGreaterThan(0);
      for (const s of c.steps) for (const p of s.probes) expect(p.reachability.expected.isComplete()).toBe(true);
    }
  });

  for (const c of NETPOL_CASES) {
    it(`[${c.source.context}] ${c.source.case}`, () => {
      const failures: string[] = [];
      c.steps.forEach((step, si) => {
        for (const probe of step.probes) {
          const r = observe(c, step, probe);
          const { falseObs, ignoredObs } = r.summary(IGNORE_LOOPBACK);
          expect(ignoredObs).toBe(c.pods.length);
          if (falseObs === 0) continue;
          const where = `step ${si + 1}${step.changes.length > 0 ? ` (after ${step.changes.join('; ')})` : ''}, ${probe.protocol}/${probe.toPort}`;
          failures.push(
            `${where}: ${falseObs} wrong\n  ${wrongPairs(c, r).join('\n  ')}\n  expected:\n${r.expected.prettyPrint('    ')}\n  observed:\n${r.observed.prettyPrint('    ')}`,
          );
        }
      });
      expect(failures.join('\n')).toBe('');
    });
  }
});
