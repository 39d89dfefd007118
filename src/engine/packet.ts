// One packet at one node, as trace and reachability both take it: the packet resolved from a
// question, the connections its decision starts and whether they complete, the source-IP fate,
// and the steps that render it. The entry points (trace.ts, reachability.ts) pick the profile.
import type { CompiledCluster, CompiledEndpoint, CompiledNode } from './compiled';
import type { ConnectionContext, DataPlane, Decision, PacketContext, PolicyOverride } from './dataplane/dataplane';
import { EngineInputError } from './errors';
import { hostPort, parseIp, type IpFamily, type ParsedIp } from './ip';
import type { Protocol } from './model';
import { cellReason } from './profiles/cce/table';
import { policedConnection, policySteps, type PolicedOutcome } from './policy/join';
import { OutcomeList } from './reach/outcome-list';
import type { EndpointOutcome, SourceIp, Step, TraceEndpoint, TraceResult } from './results';
import type { RuleId } from './rules';

export type TraceSource =
  | { readonly pod: string }
  | { readonly node: string; readonly ip?: string }
  | { readonly external: { readonly ip: string } };

export interface TraceDestination {
  readonly ip: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface TraceRequest {
  readonly source: TraceSource;
  readonly destination: TraceDestination;
  /** Node where the packet is processed; defaults to the source's node, or the node owning the destination. */
  readonly node?: string;
}

/** A packet ready for a data plane, plus what rendering needs. */
export interface ResolvedPacket {
  readonly ctx: PacketContext;
  /** Node of the client, -1 outside the cluster. */
  readonly clientNode: number;
  readonly preSteps: readonly Step[];
  /** Destination as the client addressed it (before any EIP NAT). */
  readonly addressed: string;
}

function mustParse(ip: string, what: string): ParsedIp {
  const parsed = parseIp(ip);
  if (parsed === null) throw new EngineInputError('INVALID_IP', `${what} ${JSON.stringify(ip)} is not an IP address`);
  return parsed;
}

function nodeIndex(cc: CompiledCluster, name: string): number {
  const i = cc.nodeByName.get(name);
  if (i === undefined) throw new EngineInputError('UNKNOWN_NODE', `node ${name} is not in cluster ${cc.model.name}`);
  return i;
}

function pickFamily(ips: readonly string[], family: IpFamily, who: string): string {
  for (const ip of ips) if ((ip.includes(':') ? 6 : 4) === family) return ip;
  throw new EngineInputError('NO_SOURCE_ADDRESS', `${who} has no IPv${family} address`);
}

interface SourceInfo {
  readonly ip: ParsedIp;
  readonly node: number;
}

function resolveSource(cc: CompiledCluster, source: TraceSource, family: IpFamily): SourceInfo {
  if ('pod' in source) {
    const i = cc.podByKey.get(source.pod);
    if (i === undefined)
      throw new EngineInputError('UNKNOWN_POD', `pod ${source.pod} is not in cluster ${cc.model.name}`);
    const pod = cc.pods.get(i);
    return { ip: mustParse(pickFamily(pod.ips, family, `pod ${pod.key}`), 'pod IP'), node: pod.nodeIndex };
  }
  if ('node' in source) {
    const n = nodeIndex(cc, source.node);
    const ip = source.ip ?? pickFamily(cc.nodes[n].internalIps, family, `node ${source.node}`);
    return { ip: mustParse(ip, 'source IP'), node: n };
  }
  return { ip: mustParse(source.external.ip, 'external source IP'), node: -1 };
}

function defaultNode(cc: CompiledCluster, src: SourceInfo, source: TraceSource, dst: ParsedIp): number {
  if (src.node >= 0) return src.node;
  if ('pod' in source) throw new EngineInputError('POD_NOT_SCHEDULED', `pod ${source.pod} is not on a node`);
  const owner = cc.ipOwner.get(dst.text);
  if (owner?.kind === 'NODE') return owner.index;
  if (owner?.kind === 'POD' && cc.pods.get(owner.index).nodeIndex >= 0) return cc.pods.get(owner.index).nodeIndex;
  throw new EngineInputError(
    'PROCESSING_NODE_REQUIRED',
    `say which node processes traffic to ${dst.text} (e.g. the node the load balancer delivers to)`,
  );
}

/** Resolve names and addresses; a node EIP is translated to the node's primary IP first. */
export function resolvePacket(cc: CompiledCluster, req: TraceRequest, override?: PolicyOverride): ResolvedPacket {
  let dst = mustParse(req.destination.ip, 'destination IP');
  const preSteps: Step[] = [];
  const eipNode = cc.eipOwner.get(dst.text);
  if (eipNode !== undefined) {
    const primary = cc.nodes[eipNode].primaryIp[dst.family];
    if (primary !== null) {
      preSteps.push({
        at: 'cloud/eip',
        rule: 'K8S-EIP-NAT',
        description: `EIP ${dst.text} is NATed to ${cc.nodes[eipNode].name}'s ${primary}`,
        before: { source: '*', destination: dst.text },
        after: { source: '*', destination: primary },
      });
      dst = mustParse(primary, 'node IP');
    }
  }
  const src = resolveSource(cc, req.source, dst.family);
  const n = req.node !== undefined ? nodeIndex(cc, req.node) : (eipNode ?? defaultNode(cc, src, req.source, dst));
  const ctx: PacketContext = {
    cc,
    node: cc.nodes[n],
    src: src.ip,
    dst,
    port: req.destination.port,
    protocol: req.destination.protocol,
    override,
  };
  return { ctx, clientNode: src.node, preSteps, addressed: req.destination.ip };
}

/** The address a masqueraded packet leaves the node with. */
export function masqueradeAddress(node: CompiledNode, family: IpFamily): string {
  return node.primaryIp[family] ?? node.internalIps[0] ?? node.name;
}

export function endpointMasquerade(decision: Decision, src: ParsedIp, ep: CompiledEndpoint): boolean {
  return decision.masquerade || ep.ip === src.text;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The context DataPlane.connection() is asked with for packet `ctx`, processed with `decision`
 * (clientNode: the client's node, -1 outside the cluster): trace and reachability both ask it
 * so, so they cannot disagree. One per packet, re-pointed at each endpoint (endpoint,
 * masquerade): data planes read it synchronously.
 */
export function connectionContext(
  ctx: PacketContext,
  decision: Decision,
  clientNode: number,
): Mutable<ConnectionContext> {
  return {
    cc: ctx.cc,
    processingNode: ctx.node.index,
    clientNode,
    endpoint: decision.endpoints[0],
    masquerade: false,
    packet: ctx,
    decision,
  };
}

/** One candidate's outcome, as trace and reachability both report it (one object shape for all). */
export function endpointOutcome(ep: CompiledEndpoint, masquerade: boolean, c: PolicedOutcome): EndpointOutcome {
  return {
    ip: ep.ip,
    port: ep.port,
    pod: ep.podKey,
    node: ep.nodeName,
    masquerade,
    outcome: c.connects ? 'CONNECTS' : 'FAILS',
    rule: c.rule,
    policy: c.policy,
  };
}

/** Every candidate's outcome: whether its connection completes, asked of the data plane per endpoint. */
function connectionOutcomes(
  dp: DataPlane,
  ctx: PacketContext,
  decision: Decision,
  clientNode: number,
): EndpointOutcome[] {
  const eps = decision.endpoints;
  if (eps.length === 0) return [];
  const q = connectionContext(ctx, decision, clientNode);
  const out: EndpointOutcome[] = [];
  for (let i = 0; i < eps.length; i++) {
    q.endpoint = eps[i];
    q.masquerade = endpointMasquerade(decision, ctx.src, eps[i]);
    out.push(endpointOutcome(eps[i], q.masquerade, policedConnection(q, dp.connection(q))));
  }
  return out;
}

/**
 * Why, in a step's words: the failure-table cell as the CCE page names it. Other rules are named
 * by the step's rule id alone: their statement is in the answer's rule table, sent once.
 */
function failureWhy(rule: RuleId): string {
  const cell = cellReason(rule);
  return cell === null ? '' : ` (${cell})`;
}

/**
 * Why some connections fail: the rule of the first failing one, and a description naming the
 * first five (`first`) of `count`. The description is written when first read (a step is
 * rendered): a NodePort answer has a path per node class, and most are never rendered.
 */
export class FailureSummary {
  readonly rule: RuleId;
  readonly #first: readonly EndpointOutcome[];
  readonly #count: number;
  #description: string | null = null;

  constructor(first: readonly EndpointOutcome[], count: number) {
    this.rule = first[0].rule as RuleId;
    this.#first = first;
    this.#count = count;
  }

  get description(): string {
    if (this.#description === null) {
      const shown = this.#first.map((e) => e.ip).join(', ');
      const more = this.#count > 5 ? ` and ${this.#count - 5} more` : '';
      this.#description =
        this.rule === 'K8S-ASYMMETRIC-RETURN'
          ? `replies from ${shown}${more} do not pass back through this node: those connections fail`
          : `connections to ${shown}${more} fail${failureWhy(this.rule)}`;
    }
    return this.#description;
  }
}

/** Why some of `list`'s connections fail: the first five failing with a rule and how many do; null when none does. */
export function failureOf(list: OutcomeList): FailureSummary | null {
  return list.failing === 0 ? null : new FailureSummary(list.firstFailing(5), list.failing);
}

/**
 * Whether any connection of `list` (the outcomes of `candidates` for a packet from `src`) that
 * completes is masqueraded, without a pass over the list: none completes, none is masqueraded,
 * or all are; otherwise (a Service that does not masquerade) only the hairpins are, and only
 * they are looked at.
 */
export function completesMasqueraded(
  list: OutcomeList,
  candidates: readonly CompiledEndpoint[],
  src: ParsedIp,
): boolean {
  if (list.connects === 0 || list.masqueraded === 0) return false;
  if (list.masqueraded === list.length) return true;
  const at = hairpins(candidates, src);
  for (let k = 0; k < at.length; k++) {
    const e = list.at(at[k]);
    if (e.masquerade && e.outcome === 'CONNECTS') return true;
  }
  return false;
}

/** A connection's fate from its counts: COMPLETES when all `total` complete, PARTIAL when some (`connects`) do. */
export function connectionFate(connects: number, total: number): 'COMPLETES' | 'PARTIAL' | 'FAILS' {
  return total === 0 || connects === 0 ? 'FAILS' : connects === total ? 'COMPLETES' : 'PARTIAL';
}

// Shared (never changed once made), in the shape of every other SourceIp.
const NOT_DELIVERED: SourceIp = { preserved: null, seenAs: null, seenAsKind: null, reason: 'NOT_DELIVERED' };
const NO_CONNECTION: SourceIp = { preserved: null, seenAs: null, seenAsKind: null, reason: 'NO_CONNECTION' };

/**
 * The source-IP fate of a packet processed at ctx.node with `decision`, judged on the
 * connections that complete (the one place trace and reachability both take it from; load
 * balancers adapt it to their deliveries, see reach/lb.ts): nothing when the packet is not
 * forwarded (NOT_DELIVERED) or no connection completes (NO_CONNECTION); else kept unless a
 * connection that completes is masqueraded (`masqueraded`; a hairpin that fails loses nothing).
 */
export function sourceIpFate(
  decision: Decision,
  ctx: Pick<PacketContext, 'src' | 'node' | 'dst'>,
  completes: boolean,
  masqueraded: boolean,
): SourceIp {
  if (decision.verdict !== 'FORWARD') return NOT_DELIVERED;
  if (!completes) return NO_CONNECTION;
  if (!masqueraded)
    return { preserved: true, seenAs: ctx.src.text, seenAsKind: 'CLIENT', reason: decision.masqueradeReason };
  const reason = decision.masquerade ? decision.masqueradeReason : 'HAIRPIN_MASQUERADE';
  return { preserved: false, seenAs: masqueradeAddress(ctx.node, ctx.dst.family), seenAsKind: 'NODE', reason };
}

/** sourceIpFate() when nothing completes for want of a forwarded packet or of a connection (`forwarded`). */
export function noSourceIp(forwarded: boolean): SourceIp {
  return forwarded ? NO_CONNECTION : NOT_DELIVERED;
}

export function endpointTargets(endpoints: readonly { readonly ip: string; readonly port: number }[]): string {
  return endpoints.map((e) => hostPort(e.ip, e.port)).join(', ');
}

const TARGETS = new WeakMap<readonly CompiledEndpoint[], string>();

/**
 * endpointTargets of a decision's candidates (only ip and port count), cached per compiled
 * candidate list: up to 250 `ip:port` strings joined, otherwise rebuilt on every trace and
 * every node class of the same Service port. Strings are immutable, so sharing is safe.
 */
export function candidateTargets(candidates: readonly CompiledEndpoint[]): string {
  let text = TARGETS.get(candidates);
  if (text === undefined) {
    text = endpointTargets(candidates);
    // Candidate lists are compiled (and long-lived) unless empty; no point caching those.
    if (candidates.length > 0) TARGETS.set(candidates, text);
  }
  return text;
}

/** Steps for a decision taken at ctx.node; `targets` is endpointTargets(endpoints), precomputed by callers that reuse it. */
export function decisionSteps(
  decision: Decision,
  ctx: PacketContext,
  endpoints: readonly TraceEndpoint[],
  targets = endpointTargets(endpoints),
): Step[] {
  const at = ctx.node.at;
  const steps: Step[] = decision.acts.map((a) => ({ at, rule: a.rule, description: a.note }));
  if (decision.verdict !== 'FORWARD' || decision.masqueradeRule === null) return steps;
  const before = { source: ctx.src.text, destination: hostPort(ctx.dst.text, ctx.port) };
  const masqAddr = masqueradeAddress(ctx.node, ctx.dst.family);
  steps.push({
    at,
    rule: decision.masqueradeRule,
    description: decision.masquerade
      ? `DNAT to one of ${targets}; source masqueraded to ${masqAddr}`
      : `DNAT to one of ${targets}; source kept`,
    before,
    after: { source: decision.masquerade ? masqAddr : ctx.src.text, destination: targets },
  });
  for (const e of endpoints) {
    if (e.ip === ctx.src.text)
      steps.push({
        at,
        rule: 'K8S-HAIRPIN-MASQUERADE',
        description: `${e.ip} reaches itself: masqueraded to ${masqAddr}`,
        before,
        after: { source: masqAddr, destination: hostPort(e.ip, e.port) },
      });
  }
  return steps;
}

/**
 * The rules of decisionSteps(decision, ctx, endpoints), in order, without rendering the steps
 * (their descriptions list every candidate: reachability needs the rules of every node class,
 * but the steps only of the results read), appended to `out` unless there already, as
 * uniqueRules() lists them. `hairpin`: whether an endpoint is ctx.src itself.
 */
export function decisionStepRules(decision: Decision, hairpin: boolean, out: RuleId[]): void {
  const acts = decision.acts;
  for (let i = 0; i < acts.length; i++) addRule(out, acts[i].rule);
  if (decision.verdict !== 'FORWARD' || decision.masqueradeRule === null) return;
  addRule(out, decision.masqueradeRule);
  if (hairpin) addRule(out, 'K8S-HAIRPIN-MASQUERADE');
}

/** Append `rule` to `out` unless it is there already. */
export function addRule(out: RuleId[], rule: RuleId): void {
  if (!out.includes(rule)) out.push(rule);
}

const HAIRPINS = new WeakMap<readonly CompiledEndpoint[], { readonly src: string; readonly at: readonly number[] }>();
const NO_HAIRPIN: readonly number[] = Object.freeze([]);

/**
 * The indices of the candidate endpoints that are `src` itself (hairpins), remembered per
 * compiled candidate list for the latest source: every node class of an answer asks it of one list.
 */
export function hairpins(candidates: readonly CompiledEndpoint[], src: ParsedIp): readonly number[] {
  const known = HAIRPINS.get(candidates);
  if (known !== undefined && known.src === src.text) return known.at;
  let at: number[] | null = null;
  for (let i = 0; i < candidates.length; i++) if (candidates[i].ip === src.text) (at ??= []).push(i);
  const found = at ?? NO_HAIRPIN;
  if (candidates.length > 0) HAIRPINS.set(candidates, { src: src.text, at: found });
  return found;
}

/** Whether `src` is one of the candidate endpoints (a hairpin). */
export function reachesItself(candidates: readonly CompiledEndpoint[], src: ParsedIp): boolean {
  return hairpins(candidates, src).length > 0;
}

export function uniqueRules(steps: readonly Step[], notes: readonly RuleId[]): RuleId[] {
  const out: RuleId[] = [];
  for (const s of steps) if (!out.includes(s.rule)) out.push(s.rule);
  for (const n of notes) if (!out.includes(n)) out.push(n);
  return out;
}

/**
 * The steps of a forwarded packet's decision at ctx.node, then the step naming why some
 * connections fail (`failure`), if any: what trace and reachability's last hop both render.
 */
export function connectionSteps(
  decision: Decision,
  ctx: PacketContext,
  endpoints: readonly TraceEndpoint[],
  targets: string,
  failure: FailureSummary | null,
): Step[] {
  const steps = decisionSteps(decision, ctx, endpoints, targets);
  if (ctx.cc.policies !== null) steps.push(...policySteps(endpoints, ctx.cc.policyEnforcement, ctx.node.at));
  if (failure !== null) steps.push({ at: ctx.node.at, rule: failure.rule, description: failure.description });
  return steps;
}

/** The trace answer for a resolved packet and the decision `dp` took; `notes`: the profile's rules added to every answer. */
export function renderTrace(
  resolved: ResolvedPacket,
  decision: Decision,
  dp: DataPlane,
  notes: readonly RuleId[],
): TraceResult {
  const { ctx } = resolved;
  const forwarded = decision.verdict === 'FORWARD';
  const endpoints = forwarded ? connectionOutcomes(dp, ctx, decision, resolved.clientNode) : [];
  // Counted and summarised as reachability does its paths' outcomes (reach/paths.ts outcomesOf).
  const list = OutcomeList.of(endpoints);
  const steps = [
    ...resolved.preSteps,
    ...connectionSteps(decision, ctx, endpoints, candidateTargets(decision.endpoints), failureOf(list)),
  ];
  const sp = decision.servicePort;
  return {
    verdict: decision.verdict,
    node: ctx.node.name,
    service:
      sp === null || decision.via === null
        ? null
        : {
            service: sp.serviceKey,
            portName: sp.portName,
            port: sp.port,
            protocol: sp.protocol,
            via: decision.via,
            sessionAffinity: sp.sessionAffinity,
          },
    endpoints,
    masquerade: forwarded ? endpoints.some((e) => e.masquerade) : null,
    connection: forwarded ? connectionFate(list.connects, list.length) : null,
    sourceIp: sourceIpFate(decision, ctx, list.connects > 0, completesMasqueraded(list, decision.endpoints, ctx.src)),
    steps,
    rules: uniqueRules(steps, notes),
  };
}
