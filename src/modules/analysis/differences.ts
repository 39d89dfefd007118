import type {
  EndpointOutcome,
  ReachabilityResult,
  ReachVerdict,
  SourceIpReason,
  TraceVerdict,
  Via,
} from '../../engine';
import type { TraceAnswer } from './analysis.service';

/** The parts of an answer a difference compares, named by their field path. */
export type DifferenceField = 'present' | 'verdict' | 'sourceIp.preserved' | 'sourceIp.reason' | 'endpoints';

/** The fields in the order a difference lists them. */
export const DIFFERENCE_FIELDS: readonly DifferenceField[] = [
  'present',
  'verdict',
  'sourceIp.preserved',
  'sourceIp.reason',
  'endpoints',
];

/** One subject's answer on one side of a what-if. */
export interface Outcome {
  /** A reachability verdict for a way of addressing, a trace verdict for the trace. */
  readonly verdict: ReachVerdict | TraceVerdict;
  /** null where nothing is delivered (or, per the answer, no connection completes). */
  readonly sourceIpPreserved: boolean | null;
  readonly sourceIpReason: SourceIpReason;
  /** `ip:port` of the endpoints a connection completes to (a trace: its candidate endpoints), sorted. */
  readonly endpoints: readonly string[];
}

/**
 * What changed for one subject: a way of addressing the Service (reachability), or `trace`. Both
 * sides are typed values, never JSON text; a side is null where the subject is absent (then
 * `changed` is `['present']`).
 */
export interface Difference {
  /** `trace`, or the way of addressing, e.g. `NODE_PORT 192.168.0.10:30000/TCP PRIVATE`. */
  readonly subject: string;
  /** The way of addressing; null for a trace. */
  readonly via: Via | null;
  /** The fields whose values differ, in DIFFERENCE_FIELDS order. */
  readonly changed: readonly DifferenceField[];
  readonly before: Outcome | null;
  readonly after: Outcome | null;
}

type Endpoint = Pick<EndpointOutcome, 'ip' | 'port'> & { readonly outcome?: EndpointOutcome['outcome'] };

/**
 * Sorted `ip:port` of the endpoints that connect, cached per list: the results of one node class
 * share their endpoint list, and a NodePort answer has a result per node address.
 */
class EndpointTexts {
  readonly #made = new Map<readonly Endpoint[], readonly string[]>();

  of(eps: readonly Endpoint[]): readonly string[] {
    let out = this.#made.get(eps);
    if (out === undefined) {
      out = eps
        .filter((e) => e.outcome === undefined || e.outcome === 'CONNECTS')
        .map((e) => `${e.ip}:${e.port}`)
        .sort();
      this.#made.set(eps, out);
    }
    return out;
  }
}

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function changedFields(before: Outcome, after: Outcome): DifferenceField[] {
  const out: DifferenceField[] = [];
  if (before.verdict !== after.verdict) out.push('verdict');
  if (before.sourceIpPreserved !== after.sourceIpPreserved) out.push('sourceIp.preserved');
  if (before.sourceIpReason !== after.sourceIpReason) out.push('sourceIp.reason');
  if (!sameList(before.endpoints, after.endpoints)) out.push('endpoints');
  return out;
}

/** The difference for one subject, or null when its outcome is the same on both sides. */
function differenceOf(
  subject: string,
  via: Via | null,
  before: Outcome | null,
  after: Outcome | null,
): Difference | null {
  if (before === null || after === null)
    return before === after ? null : { subject, via, changed: ['present'], before, after };
  const changed = changedFields(before, after);
  return changed.length === 0 ? null : { subject, via, changed, before, after };
}

interface Answered {
  readonly verdict: ReachVerdict | TraceVerdict;
  readonly sourceIp: { readonly preserved: boolean | null; readonly reason: SourceIpReason };
  readonly endpoints: readonly Endpoint[];
}

function outcomeOf(r: Answered, texts: EndpointTexts): Outcome {
  return {
    verdict: r.verdict,
    sourceIpPreserved: r.sourceIp.preserved,
    sourceIpReason: r.sourceIp.reason,
    endpoints: texts.of(r.endpoints),
  };
}

export const viaSubject = (v: Via): string =>
  `${v.kind} ${v.address}:${v.port}/${v.protocol}${v.network ? ` ${v.network}` : ''}`;

/** What changed between two reachability answers, per way of addressing the Service (in answer order, those only after last). */
export function reachabilityDifferences(before: ReachabilityResult, after: ReachabilityResult): Difference[] {
  const texts = new EndpointTexts();
  const old = new Map<string, { via: Via; outcome: Outcome }>();
  for (const r of before.results) old.set(viaSubject(r.via), { via: r.via, outcome: outcomeOf(r, texts) });
  const now = new Map<string, { via: Via; outcome: Outcome }>();
  for (const r of after.results) now.set(viaSubject(r.via), { via: r.via, outcome: outcomeOf(r, texts) });
  const out: Difference[] = [];
  for (const subject of new Set([...old.keys(), ...now.keys()])) {
    const a = old.get(subject);
    const b = now.get(subject);
    const d = differenceOf(subject, (b ?? a)?.via ?? null, a?.outcome ?? null, b?.outcome ?? null);
    if (d !== null) out.push(d);
  }
  return out;
}

/** What changed between two traces of the same packet. */
export function traceDifferences(before: TraceAnswer, after: TraceAnswer): Difference[] {
  const texts = new EndpointTexts();
  const d = differenceOf('trace', null, outcomeOf(before, texts), outcomeOf(after, texts));
  return d === null ? [] : [d];
}
