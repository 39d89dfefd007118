// One overall verdict, the source-IP fate and a sentence or two a person reads at a glance.
import { cellReason } from '../profiles/cce/table';
import type { ReachVerdict, SessionAffinityInfo, TraceResult, TraceVerdict, AddressKind } from '../results';
import type { Rule, RuleId } from '../rules';
import { RULES } from '../rules';

/** true / false when every way that connects agrees; MIXED when they differ; null when nothing connects. */
export type SourceIpFate = boolean | 'MIXED' | null;

export interface Summary {
  readonly verdict: ReachVerdict;
  readonly sourceIpPreserved: SourceIpFate;
  readonly text: string;
}

/** What a summary reads of a group of ways of addressing (an AddressGroup, a matrix row's cells). */
export interface Outcome {
  readonly kind: AddressKind;
  readonly networks: readonly ('PUBLIC' | 'PRIVATE')[];
  readonly count: number;
  readonly nodeCount: number;
  readonly addresses: readonly {
    readonly address: string;
    readonly node: string | null;
    readonly network: 'PUBLIC' | 'PRIVATE' | null;
  }[];
  readonly verdict: ReachVerdict;
  readonly sourceIp: { readonly preserved: boolean | null };
  readonly rule: RuleId | null;
}

/**
 * REACHABLE when every way succeeds for every connection, UNREACHABLE when none does, PARTIAL when
 * some do and some are known to fail, UNKNOWN when a needed fact is missing and that could change
 * which of these it is.
 */
export function overallVerdict(verdicts: Iterable<ReachVerdict>): ReachVerdict {
  let ok = false;
  let fail = false;
  let unknown = false;
  for (const v of verdicts) {
    if (v === 'REACHABLE' || v === 'PARTIAL') ok = true;
    if (v === 'UNREACHABLE' || v === 'PARTIAL') fail = true;
    if (v === 'UNKNOWN') unknown = true;
  }
  if (ok && fail) return 'PARTIAL';
  if (unknown) return 'UNKNOWN';
  return ok ? 'REACHABLE' : 'UNREACHABLE';
}

/** The fate of several ways together; a way already MIXED counts as kept and lost. */
export function sourceIpFate(values: Iterable<SourceIpFate>): SourceIpFate {
  let kept = false;
  let lost = false;
  for (const v of values) {
    if (v === true || v === 'MIXED') kept = true;
    if (v === false || v === 'MIXED') lost = true;
  }
  if (kept && lost) return 'MIXED';
  return kept ? true : lost ? false : null;
}

/** 4997 → "4,997" (toLocaleString costs tens of µs a call: ICU). */
export const number = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** "a, b and c", or "a, b, c and 7 more" past `max` items. */
export function listOf(items: readonly string[], total = items.length, max = 3): string {
  const shown = items.slice(0, max);
  const more = total - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${number(more)} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** Why, in a few words: the CCE table cell as the page names it, else the rule's own statement. */
export function reasonOf(rule: RuleId | null): string {
  if (rule === null) return 'no rule recorded';
  return cellReason(rule) ?? RULES[rule].statement.replace(/\.$/, '');
}

/** How a person names some ways of addressing of one kind: "its ClusterIP", "node-3's NodePort", … */
export function subjectOf(outcomes: readonly Outcome[]): string {
  const kind = outcomes[0].kind;
  const networks = new Set(outcomes.flatMap((o) => o.networks));
  const network =
    networks.size !== 1 ? '' : networks.has('PUBLIC') ? ' (public IP)' : networks.has('PRIVATE') ? ' (private IP)' : '';
  if (kind === 'CLUSTER_IP') return 'its ClusterIP';
  if (kind === 'NODE_PORT') {
    const nodes: string[] = [];
    for (const o of outcomes)
      for (const a of o.addresses) if (a.node !== null && !nodes.includes(a.node)) nodes.push(a.node);
    // Groups of one bucket hold distinct addresses, but one node may appear in two (its private IP and its EIP).
    const total = Math.max(nodes.length, ...outcomes.map((o) => o.nodeCount));
    if (total === 1) return `${nodes[0]}'s NodePort${network}`;
    return `the NodePort on ${number(total)} nodes${network} (${listOf(nodes, total)})`;
  }
  const addresses = outcomes.flatMap((o) => o.addresses.map((a) => a.address));
  const total = outcomes.reduce((n, o) => n + o.count, 0);
  const what = kind === 'LOAD_BALANCER' ? 'the load balancer' : 'the externalIP';
  return `${what}${total > 1 ? 's' : ''} ${listOf(addresses, total)}`;
}

/** Outcomes bucketed by kind of address, then by what decided them, in first-seen order. */
function buckets<T extends Outcome>(outcomes: readonly T[], key: (o: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const o of outcomes) {
    const k = `${o.kind}|${key(o)}`;
    const list = map.get(k);
    if (list === undefined) map.set(k, [o]);
    else list.push(o);
  }
  return [...map.values()];
}

function reachingSentence(service: string, reaching: readonly Outcome[]): string | null {
  if (reaching.length === 0) return null;
  const parts = buckets(reaching, (o) => String(o.sourceIp.preserved)).map((b) => {
    const kept = b[0].sourceIp.preserved;
    return `through ${subjectOf(b)}${kept === true ? ' with its source IP kept' : kept === false ? ' with its source IP replaced (the backend sees another address)' : ''}`;
  });
  return `Reaches ${service} ${parts.join('; ')}.`;
}

const FAILING: Readonly<Record<ReachVerdict, string>> = {
  UNREACHABLE: 'every connection fails',
  PARTIAL: 'some connections fail',
  UNKNOWN: 'the answer is unknown',
  REACHABLE: '',
};

function failingSentence(failing: readonly Outcome[]): string | null {
  if (failing.length === 0) return null;
  const parts = buckets(failing, (o) => `${o.verdict}|${o.rule}`).map(
    (b) => `${subjectOf(b)} ${FAILING[b[0].verdict]} (${reasonOf(b[0].rule)})`,
  );
  const text = `Through ${parts.join('; through ')}.`;
  return text;
}

/** The summary of a reachability answer, from its groups. */
/** What ClientIP session affinity means for connections that partly fail: a client keeps its endpoint, so it keeps its fate. */
function pinnedSentence(affinity: SessionAffinityInfo): string {
  return `With ClientIP session affinity each client address keeps the endpoint it first reached for ${number(affinity.timeoutSeconds ?? 0)} s, so a client whose connection fails keeps failing until then, and one that succeeds keeps succeeding.`;
}

export function reachabilitySummary(
  service: string,
  outcomes: readonly Outcome[],
  ignoredBy: Rule | null,
  affinity: SessionAffinityInfo | null = null,
): Summary {
  const name = service.includes('/') ? service.slice(service.indexOf('/') + 1) : service;
  if (ignoredBy !== null)
    return {
      verdict: 'UNREACHABLE',
      sourceIpPreserved: null,
      text: `kube-proxy ignores ${name}: ${ignoredBy.statement}`,
    };
  if (outcomes.length === 0)
    return {
      verdict: 'UNREACHABLE',
      sourceIpPreserved: null,
      text: `No way of addressing ${name} applies to this client.`,
    };
  const verdict = overallVerdict(outcomes.map((o) => o.verdict));
  const fate = sourceIpFate(
    outcomes.filter((o) => o.verdict === 'REACHABLE' || o.verdict === 'PARTIAL').map((o) => o.sourceIp.preserved),
  );
  const reaching = reachingSentence(
    name,
    outcomes.filter((o) => o.verdict === 'REACHABLE'),
  );
  const failing = failingSentence(outcomes.filter((o) => o.verdict !== 'REACHABLE'));
  const none = outcomes.every((o) => o.verdict === 'UNREACHABLE')
    ? `Does not reach ${name} by any way of addressing it.`
    : null;
  const pinned =
    affinity?.type === 'ClientIP' && outcomes.some((o) => o.verdict === 'PARTIAL') ? pinnedSentence(affinity) : null;
  const text = [reaching ?? none, failing, pinned].filter((s) => s !== null).join(' ');
  return { verdict, sourceIpPreserved: fate, text };
}

const TRACE_VERB: Readonly<Record<TraceVerdict, string>> = {
  FORWARD: 'forwards it',
  REJECT: 'rejects it',
  DROP: 'drops it silently',
  NOT_INTERCEPTED: 'has no Service rule for it: it travels on unmodified',
  ACCEPT_LOCAL: 'accepts it locally',
};

/** The summary of a trace: the packet's verdict and the connection's fate, in a sentence or two. */
export function traceSummary(t: TraceResult): Summary {
  const last = t.steps.length === 0 ? null : t.steps[t.steps.length - 1].rule;
  const via =
    t.service === null
      ? ''
      : ` (${t.service.service} port ${t.service.port}/${t.service.protocol} by ${VIA_WORDS[t.service.via]})`;
  const head = `${t.node} ${TRACE_VERB[t.verdict]}${via}`;
  if (t.verdict !== 'FORWARD') {
    const verdict: ReachVerdict =
      t.verdict === 'ACCEPT_LOCAL' ? 'REACHABLE' : t.verdict === 'NOT_INTERCEPTED' ? 'UNKNOWN' : 'UNREACHABLE';
    const why = t.verdict === 'REJECT' || t.verdict === 'DROP' ? ` (${reasonOf(last)})` : '';
    return { verdict, sourceIpPreserved: t.sourceIp.preserved, text: `${head}${why}.` };
  }
  const n = t.endpoints.length;
  const failing = t.endpoints.filter((e) => e.outcome === 'FAILS');
  const to = `${head} to ${n === 1 ? '1 endpoint' : `${number(n)} endpoints`}`;
  const kept =
    t.sourceIp.preserved === true
      ? 'with its source IP kept'
      : `with its source IP replaced by ${t.sourceIp.seenAs ?? 'another address'}`;
  if (failing.length === 0)
    return {
      verdict: 'REACHABLE',
      sourceIpPreserved: t.sourceIp.preserved,
      text: `${to}; every connection completes ${kept}.`,
    };
  const why = reasonOf(failing[0].rule);
  if (failing.length === n)
    return { verdict: 'UNREACHABLE', sourceIpPreserved: null, text: `${to}, but every connection fails (${why}).` };
  const pinned = t.service?.sessionAffinity.type === 'ClientIP' ? ` ${pinnedSentence(t.service.sessionAffinity)}` : '';
  return {
    verdict: 'PARTIAL',
    sourceIpPreserved: t.sourceIp.preserved,
    text: `${to}; connections to ${number(failing.length)} of them fail (${why}), the others complete ${kept}.${pinned}`,
  };
}

const VIA_WORDS: Readonly<Record<AddressKind, string>> = {
  CLUSTER_IP: 'its ClusterIP',
  NODE_PORT: 'its NodePort',
  LOAD_BALANCER: 'its load-balancer IP',
  EXTERNAL_IP: 'its externalIP',
  POD_IP: 'its pod IP',
  IP: 'its address',
};
