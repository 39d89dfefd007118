// The answer a person reads: reachability() results grouped by outcome, each rule listed once
// and referenced by id, with a summary on top (summary.ts). Complete detail on request.
import type { Protocol } from '../model';
import type {
  AddressResult,
  Delivery,
  EndpointOutcome,
  Hop,
  MissingFact,
  ReachabilityResult,
  ReachVerdict,
  ServiceAffinity,
  SessionAffinityInfo,
  SourceIp,
  Step,
  Suggestion,
  TraceVerdict,
  Via,
  AddressKind,
} from '../results';
import type { Rule, RuleId } from '../rules';
import { RULES } from '../rules';
import { fold } from '../reach/result-list';
import { reachabilitySummary, type Summary } from './summary';

export type Detail = 'COMPACT' | 'FULL';

/** How many addresses, endpoints and deliveries a group shows (the counts say how many there are). */
export const SHOWN = {
  addresses: 20,
  endpoints: 20,
  deliveries: 5,
  deliveryNodes: 20,
  deliveryEndpoints: 5,
  targets: 5,
} as const;

export interface GroupAddress {
  readonly address: string;
  readonly node: string | null;
  readonly network: 'PUBLIC' | 'PRIVATE' | null;
}

export interface EndpointCount {
  readonly total: number;
  readonly connects: number;
  readonly fails: number;
}

/** Load-balancer deliveries of a group's first address: the first 20 nodes and 5 endpoints of each. */
export interface CompactDelivery {
  readonly nodes: readonly string[];
  readonly nodeCount: number;
  readonly verdict: TraceVerdict;
  readonly endpointCount: EndpointCount;
  readonly endpoints: readonly EndpointOutcome[];
}

/** Ways of addressing the Service that share one outcome. */
export interface AddressGroup {
  readonly id: string;
  readonly kind: AddressKind;
  /** The networks of its addresses (none for a ClusterIP). */
  readonly networks: readonly ('PUBLIC' | 'PRIVATE')[];
  /** The port the client uses (the NodePort for NODE_PORT). */
  readonly port: number;
  readonly protocol: Protocol;
  readonly portName: string | null;
  readonly count: number;
  /** How many nodes its addresses belong to (NodePorts; 0 for other kinds). */
  readonly nodeCount: number;
  /** The first SHOWN.addresses addresses, in answer order. */
  readonly addresses: readonly GroupAddress[];
  readonly verdict: ReachVerdict;
  readonly missingFact: MissingFact | null;
  readonly sourceIp: SourceIp;
  /** The rule that decided the outcome: the first failing connection's, else the last step's. */
  readonly rule: RuleId | null;
  /** Every rule any of its addresses cites. */
  readonly rules: readonly RuleId[];
  readonly endpointCount: EndpointCount;
  /** The first address's endpoint outcomes, failing first, at most SHOWN.endpoints. */
  readonly endpoints: readonly EndpointOutcome[];
  /** The first address's path (a DNAT names its first 5 targets and counts the rest) and hops. */
  readonly path: readonly Step[];
  readonly hops: readonly Hop[];
  readonly deliveries: readonly CompactDelivery[] | null;
  readonly deliveryCount: number;
  readonly suggestions: readonly Suggestion[];
}

/** A per-address result whose rules are ids into the answer's rule table. */
export type AddressResultRef = Omit<AddressResult, 'rules'> & { readonly rules: readonly RuleId[] };

export type AffinityRef = Omit<ServiceAffinity, 'rules'> & { readonly rules: readonly RuleId[] };

export interface ReachabilityAnswer {
  readonly service: string;
  readonly detail: Detail;
  readonly summary: Summary;
  readonly groups: readonly AddressGroup[];
  /** FULL only: every per-address result (a page of them when a limit is given). */
  readonly results: readonly AddressResultRef[] | null;
  /** FULL with a limit: the offset of the next page, null on the last. */
  readonly nextOffset: number | null;
  /** Every rule the answer cites, once. */
  readonly rules: readonly Rule[];
  readonly ignoredBy: RuleId | null;
  readonly affinity?: AffinityRef;
  /** The Service's session affinity (ClientIP: each client keeps its endpoint, see the paths' K8S-SESSION-AFFINITY-CLIENTIP step). */
  readonly sessionAffinity: SessionAffinityInfo;
  /** Set when options.group names no group of the answer (no results then). */
  readonly unknownGroup?: true;
}

export interface AnswerOptions {
  readonly detail?: Detail;
  /** FULL: the first result of the page. */
  readonly offset?: number;
  /** FULL: at most this many results. */
  readonly limit?: number;
  /** FULL: only the results of this group (its id in the same answer), paged the same way. */
  readonly group?: string;
}

const ids = new WeakMap<readonly Rule[], readonly RuleId[]>();
const keys = new WeakMap<readonly object[], string>();

/** Rule ids of a result's rule list; results of one node class share the list, so it is mapped once. */
function ruleIds(rules: readonly Rule[]): readonly RuleId[] {
  let out = ids.get(rules);
  if (out === undefined) {
    out = rules.map((r) => r.id);
    ids.set(rules, out);
  }
  return out;
}

function listKey(list: readonly object[], text: () => string): string {
  let key = keys.get(list);
  if (key === undefined) {
    key = text();
    keys.set(list, key);
  }
  return key;
}

/**
 * What makes two results one group: the kind of address and Service port, and the outcome
 * (verdict, missing fact, source-IP fate, deciding rule, suggestions). Not the network, nor the
 * other rules cited on the way (an EIP's NAT step): a reader asks what happens, not how.
 */
interface Outcome {
  readonly kind: AddressKind;
  readonly port: number;
  readonly protocol: Protocol;
  readonly portName: string | null;
  readonly verdict: ReachVerdict;
  readonly missingFact: MissingFact | null;
  readonly preserved: boolean | null;
  readonly reason: SourceIp['reason'];
  readonly seenAsKind: SourceIp['seenAsKind'];
  readonly rule: RuleId | null;
  readonly suggestions: string;
}

function outcomeOf(r: AddressResult, v: Via, s: SourceIp): Outcome {
  const list = r.suggestions;
  const suggestions = listKey(list, () =>
    list.map((x) => `${x.code}:${x.expected.verdict}:${x.expected.sourceIpPreserved}`).join(' '),
  );
  return {
    kind: v.kind,
    port: v.port,
    protocol: v.protocol,
    portName: v.portName,
    verdict: r.verdict,
    missingFact: r.missingFact,
    preserved: s.preserved,
    reason: s.reason,
    seenAsKind: s.seenAsKind,
    rule: r.rule,
    suggestions,
  };
}

const keyOf = (o: Outcome): string =>
  `${o.kind}|${o.port}|${o.protocol}|${o.portName ?? ''}|${o.verdict}|${o.missingFact ?? ''}|${o.preserved}|${o.reason}|${o.seenAsKind ?? ''}|${o.rule ?? ''}|${o.suggestions}`;

function countOf(endpoints: readonly EndpointOutcome[]): EndpointCount {
  let connects = 0;
  for (const e of endpoints) if (e.outcome === 'CONNECTS') connects++;
  return { total: endpoints.length, connects, fails: endpoints.length - connects };
}

/** Failing endpoints first (they are what a reader looks for), at most SHOWN.endpoints. */
function shownEndpoints(endpoints: readonly EndpointOutcome[], max: number = SHOWN.endpoints): EndpointOutcome[] {
  const out: EndpointOutcome[] = [];
  for (const e of endpoints) if (e.outcome === 'FAILS' && out.length < max) out.push(e);
  for (const e of endpoints) if (e.outcome === 'CONNECTS' && out.length < max) out.push(e);
  return out;
}

function compactDelivery(d: Delivery): CompactDelivery {
  return {
    nodes: d.nodes.slice(0, SHOWN.deliveryNodes),
    nodeCount: d.nodes.length,
    verdict: d.verdict,
    endpointCount: countOf(d.endpoints),
    endpoints: shownEndpoints(d.endpoints, SHOWN.deliveryEndpoints),
  };
}

/**
 * A step as a group shows it: a DNAT to many endpoints names the first few and counts the rest
 * (the group's endpoints list them; detail=full gives every one).
 */
function compactStep(step: Step): Step {
  const after = step.after;
  if (after === undefined) return step;
  const targets = after.destination.split(', ');
  if (targets.length <= SHOWN.targets) return step;
  const short = `${targets.slice(0, SHOWN.targets).join(', ')} and ${targets.length - SHOWN.targets} more`;
  return {
    ...step,
    description: step.description.replace(after.destination, short),
    after: { source: after.source, destination: short },
  };
}

class GroupBuilder {
  readonly addresses: GroupAddress[] = [];
  readonly networks: ('PUBLIC' | 'PRIVATE')[] = [];
  /** The members' rule lists (most members share one), by identity. */
  readonly ruleLists = new Set<readonly Rule[]>();
  readonly nodes = new Set<string>();
  /** The members' indices in the results, when the caller pages through this group. */
  indices: number[] | null = null;
  count = 0;

  constructor(
    readonly results: readonly AddressResult[],
    readonly firstIndex: number,
    readonly outcome: Outcome,
  ) {}

  get first(): AddressResult {
    return this.results[this.firstIndex];
  }

  /** A member: `o` has its outcome; its own via is read (by index) only for the addresses shown. */
  add(o: AddressResult, node: string | undefined, network: Via['network'], index: number): void {
    if (this.addresses.length < SHOWN.addresses)
      this.addresses.push({ address: this.results[index].via.address, node: node ?? null, network: network ?? null });
    if (network !== undefined && !this.networks.includes(network)) this.networks.push(network);
    this.ruleLists.add(o.rules);
    if (node !== undefined) this.nodes.add(node);
    this.indices?.push(index);
    this.count++;
  }

  rules(): RuleId[] {
    const out = new Set<RuleId>();
    for (const list of this.ruleLists) for (const id of ruleIds(list)) out.add(id);
    return [...out];
  }

  build(id: string): AddressGroup {
    const r = this.first;
    const v = r.via;
    const deliveries = r.deliveries;
    return {
      id,
      kind: v.kind,
      networks: this.networks,
      port: v.port,
      protocol: v.protocol,
      portName: v.portName,
      count: this.count,
      nodeCount: this.nodes.size,
      addresses: this.addresses,
      verdict: r.verdict,
      missingFact: r.missingFact,
      sourceIp: r.sourceIp,
      rule: this.outcome.rule,
      rules: this.rules(),
      endpointCount: countOf(r.endpoints),
      endpoints: shownEndpoints(r.endpoints),
      path: r.path.map(compactStep),
      hops: r.hops,
      deliveries: deliveries === null ? null : deliveries.slice(0, SHOWN.deliveries).map(compactDelivery),
      deliveryCount: deliveries?.length ?? 0,
      suggestions: r.suggestions,
    };
  }
}

/** Results with the same outcome, in the order their first member appears. */
export function groupResults(results: readonly AddressResult[]): AddressGroup[] {
  return collectGroups(results).map((g, i) => g.build(`g${i + 1}`));
}

/** The groups in the order of their first member; with indices kept for all (`keepIndices`), for paging one. */
function collectGroups(results: readonly AddressResult[], keepIndices = false): GroupBuilder[] {
  const groups = new Map<string, GroupBuilder>();
  // A NodePort run hands out one outcome object per node class: its group is found once.
  const byOutcome = new Map<AddressResult, GroupBuilder>();
  fold(results, (o, node, network, index) => {
    let g = byOutcome.get(o);
    if (g === undefined) {
      const outcome = outcomeOf(o, o.via, o.sourceIp);
      const key = keyOf(outcome);
      g = groups.get(key);
      if (g === undefined) {
        groups.set(key, (g = new GroupBuilder(results, index, outcome)));
        if (keepIndices) g.indices = [];
      }
      byOutcome.set(o, g);
    }
    g.add(o, node, network, index);
  });
  return [...groups.values()];
}

/** The rule table: every rule cited by a step, endpoint, group or the answer, once, in first-cited order. */
class RuleTable {
  readonly #seen = new Set<RuleId>();

  add(id: RuleId | null): void {
    if (id !== null) this.#seen.add(id);
  }

  addAll(list: readonly RuleId[]): void {
    for (const id of list) this.#seen.add(id);
  }

  addSteps(steps: readonly Step[]): void {
    for (const s of steps) this.#seen.add(s.rule);
  }

  addEndpoints(endpoints: readonly EndpointOutcome[]): void {
    for (const e of endpoints) this.add(e.rule);
  }

  rules(): Rule[] {
    return [...this.#seen].map((id) => RULES[id]);
  }
}

function refOf(r: AddressResult): AddressResultRef {
  return {
    via: r.via,
    verdict: r.verdict,
    missingFact: r.missingFact,
    sourceIp: r.sourceIp,
    endpoints: r.endpoints,
    path: r.path,
    hops: r.hops,
    deliveries: r.deliveries,
    rules: ruleIds(r.rules),
    rule: r.rule,
    suggestions: r.suggestions,
  };
}

/** The answer to send: grouped (and complete when asked for), summarised, each rule once. */
export function reachabilityAnswer(result: ReachabilityResult, options: AnswerOptions = {}): ReachabilityAnswer {
  const detail = options.detail ?? 'COMPACT';
  const builders = collectGroups(result.results, options.group !== undefined);
  const groups = builders.map((g, i) => g.build(`g${i + 1}`));
  const table = new RuleTable();
  for (const g of groups) {
    table.addAll(g.rules);
    table.add(g.rule);
    table.addSteps(g.path);
    table.addEndpoints(g.endpoints);
    for (const d of g.deliveries ?? []) table.addEndpoints(d.endpoints);
  }
  let results: AddressResultRef[] | null = null;
  let nextOffset: number | null = null;
  let unknownGroup = false;
  if (detail === 'FULL') {
    // Which results: all of them, or one group's (by their indices).
    const chosen =
      options.group === undefined ? null : (builders[groups.findIndex((g) => g.id === options.group)]?.indices ?? null);
    unknownGroup = options.group !== undefined && chosen === null;
    const total = chosen?.length ?? (unknownGroup ? 0 : result.results.length);
    const start = Math.min(options.offset ?? 0, total);
    const end = options.limit === undefined ? total : Math.min(start + options.limit, total);
    results = [];
    for (let k = start; k < end; k++) {
      const r = result.results[chosen === null ? k : chosen[k]];
      const ref = refOf(r);
      table.addAll(ref.rules);
      table.add(ref.rule);
      table.addSteps(r.path);
      table.addEndpoints(r.endpoints);
      for (const d of r.deliveries ?? []) table.addEndpoints(d.endpoints);
      results.push(ref);
    }
    nextOffset = end < total ? end : null;
  }
  const ignoredBy = result.ignoredBy?.id ?? null;
  table.add(ignoredBy);
  const summary = reachabilitySummary(result.service, groups, result.ignoredBy, result.sessionAffinity);
  const { service, sessionAffinity } = result;
  // Written out field by field (same order as ever) rather than spread: this runs on every computed answer.
  if (result.affinity === undefined) {
    return unknownGroup
      ? {
          service,
          detail,
          summary,
          sessionAffinity,
          groups,
          results,
          nextOffset,
          unknownGroup: true,
          rules: table.rules(),
          ignoredBy,
        }
      : { service, detail, summary, sessionAffinity, groups, results, nextOffset, rules: table.rules(), ignoredBy };
  }
  const affinity: AffinityRef = { ...result.affinity, rules: result.affinity.rules.map((r) => r.id) };
  table.addAll(affinity.rules);
  return unknownGroup
    ? {
        service,
        detail,
        summary,
        sessionAffinity,
        groups,
        results,
        nextOffset,
        unknownGroup: true,
        rules: table.rules(),
        ignoredBy,
        affinity,
      }
    : {
        service,
        detail,
        summary,
        sessionAffinity,
        groups,
        results,
        nextOffset,
        rules: table.rules(),
        ignoredBy,
        affinity,
      };
}
