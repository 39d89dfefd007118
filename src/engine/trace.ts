// trace(): one packet through one node.
import type { CompiledCluster, CompiledEndpoint, CompiledNode } from './compiled';
import type { Decision, PacketContext, PolicyOverride } from './dataplane/dataplane';
import * as select from './dataplane/select';
import { EngineInputError } from './errors';
import * as ip from './ip';
import type { IpFamily, ParsedIp } from './ip';
import type { Protocol } from './model';
import type { SourceIp, Step, TraceEndpoint, TraceResult } from './results';
import type { RuleId } from './rules';

// Imported functions bound once, at load: under tsx (the benchmark's loader), which compiles
// modules to CommonJS, every read of an imported name is a getter call, and these run per packet.
const { dataPlaneFor } = select;
const { hostPort, parseIp } = ip;

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

interface SourceInfo { readonly ip: ParsedIp; readonly node: number }

function resolveSource(cc: CompiledCluster, source: TraceSource, family: IpFamily): SourceInfo {
  if ('pod' in source) {
    const i = cc.podByKey.get(source.pod);
    if (i === undefined) throw new EngineInputError('UNKNOWN_POD', `pod ${source.pod} is not in cluster ${cc.model.name}`);
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
  throw new EngineInputError('PROCESSING_NODE_REQUIRED', `say which node processes traffic to ${dst.text} (e.g. the node the load balancer delivers to)`);
}

/** Resolve names and addresses; a node EIP is translated to the node's primary IP first. */
export function resolvePacket(cc: CompiledCluster, req: TraceRequest, override?: PolicyOverride): ResolvedPacket {
  let dst = mustParse(req.destination.ip, 'destination IP');
  const preSteps: Step[] = [];
  const eipNode = cc.eipOwner.get(dst.text);
  if (eipNode !== undefined) {
    const primary = cc.nodes[eipNode].primaryIp[dst.family];
    if (primary !== null) {
      preSteps.push({ at: 'cloud/eip', rule: 'K8S-EIP-NAT', description: `EIP ${dst.text} is NATed to ${cc.nodes[eipNode].name}'s ${primary}`,
        before: { source: '*', destination: dst.text }, after: { source: '*', destination: primary } });
      dst = mustParse(primary, 'node IP');
    }
  }
  const src = resolveSource(cc, req.source, dst.family);
  const n = req.node !== undefined ? nodeIndex(cc, req.node) : eipNode ?? defaultNode(cc, src, req.source, dst);
  const ctx: PacketContext = { cc, node: cc.nodes[n], src: src.ip, dst, port: req.destination.port, protocol: req.destination.protocol, override };
  return { ctx, clientNode: src.node, preSteps, addressed: req.destination.ip };
}

/** The address a masqueraded packet leaves the node with. */
export function masqueradeAddress(node: CompiledNode, family: IpFamily): string {
  return node.primaryIp[family] ?? node.internalIps[0] ?? node.name;
}

export function endpointMasquerade(decision: Decision, src: ParsedIp, ep: CompiledEndpoint): boolean {
  return decision.masquerade || ep.ip === src.text;
}

function traceEndpoints(decision: Decision, src: ParsedIp): TraceEndpoint[] {
  return decision.endpoints.map((ep) => ({ ip: ep.ip, port: ep.port, pod: ep.podKey, node: ep.nodeName, masquerade: endpointMasquerade(decision, src, ep) }));
}

const NOT_DELIVERED: SourceIp = { preserved: null, seenAs: null, seenAsKind: null, reason: 'NOT_DELIVERED' };

export function traceSourceIp(decision: Decision, ctx: PacketContext, endpoints: readonly TraceEndpoint[]): SourceIp {
  return sourceIpOfDecision(decision, ctx, endpoints.some((e) => e.masquerade));
}

/** traceSourceIp(), given whether any of the endpoints is masqueraded (callers that know it already). */
export function sourceIpOfDecision(decision: Decision, ctx: Pick<PacketContext, 'src' | 'node' | 'dst'>, anyMasq: boolean): SourceIp {
  if (decision.verdict !== 'FORWARD') return NOT_DELIVERED;
  if (!anyMasq) return { preserved: true, seenAs: ctx.src.text, seenAsKind: 'CLIENT', reason: decision.masqueradeReason };
  const reason = decision.masquerade ? decision.masqueradeReason : 'HAIRPIN_MASQUERADE';
  return { preserved: false, seenAs: masqueradeAddress(ctx.node, ctx.dst.family), seenAsKind: 'NODE', reason };
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
export function decisionSteps(decision: Decision, ctx: PacketContext, endpoints: readonly TraceEndpoint[], targets = endpointTargets(endpoints)): Step[] {
  const at = ctx.node.at;
  const steps: Step[] = decision.acts.map((a) => ({ at, rule: a.rule, description: a.note }));
  if (decision.verdict !== 'FORWARD' || decision.masqueradeRule === null) return steps;
  const before = { source: ctx.src.text, destination: hostPort(ctx.dst.text, ctx.port) };
  const masqAddr = masqueradeAddress(ctx.node, ctx.dst.family);
  steps.push({ at, rule: decision.masqueradeRule, description: decision.masquerade ? `DNAT to one of ${targets}; source masqueraded to ${masqAddr}` : `DNAT to one of ${targets}; source kept`,
    before, after: { source: decision.masquerade ? masqAddr : ctx.src.text, destination: targets } });
  for (const e of endpoints) {
    if (e.ip === ctx.src.text) steps.push({ at, rule: 'K8S-HAIRPIN-MASQUERADE', description: `${e.ip} reaches itself: masqueraded to ${masqAddr}`, before, after: { source: masqAddr, destination: hostPort(e.ip, e.port) } });
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

const REACHES_ITSELF = new WeakMap<readonly CompiledEndpoint[], { readonly src: string; readonly hit: boolean }>();

/**
 * Whether `src` is one of the candidate endpoints (a hairpin), remembered per compiled
 * candidate list for the latest source: every node class of an answer asks it of one list.
 */
export function reachesItself(candidates: readonly CompiledEndpoint[], src: ParsedIp): boolean {
  const known = REACHES_ITSELF.get(candidates);
  if (known !== undefined && known.src === src.text) return known.hit;
  let hit = false;
  for (let i = 0; i < candidates.length && !hit; i++) hit = candidates[i].ip === src.text;
  if (candidates.length > 0) REACHES_ITSELF.set(candidates, { src: src.text, hit });
  return hit;
}

export function uniqueRules(steps: readonly Step[], notes: readonly RuleId[]): RuleId[] {
  const out: RuleId[] = [];
  for (const s of steps) if (!out.includes(s.rule)) out.push(s.rule);
  for (const n of notes) if (!out.includes(n)) out.push(n);
  return out;
}

export function renderTrace(resolved: ResolvedPacket, decision: Decision, notes: readonly RuleId[]): TraceResult {
  const { ctx } = resolved;
  const endpoints = traceEndpoints(decision, ctx.src);
  const steps = [...resolved.preSteps, ...decisionSteps(decision, ctx, endpoints, candidateTargets(decision.endpoints))];
  const sp = decision.servicePort;
  return {
    verdict: decision.verdict,
    node: ctx.node.name,
    service: sp === null || decision.via === null ? null : { service: sp.serviceKey, portName: sp.portName, port: sp.port, protocol: sp.protocol, via: decision.via },
    endpoints,
    masquerade: decision.verdict === 'FORWARD' ? endpoints.some((e) => e.masquerade) : null,
    sourceIp: traceSourceIp(decision, ctx, endpoints),
    steps,
    rules: uniqueRules(steps, notes),
  };
}

/** Trace one packet: what the node's data plane does with it, and why. */
export function trace(cc: CompiledCluster, req: TraceRequest): TraceResult {
  const dp = dataPlaneFor(cc.model.profile);
  const resolved = resolvePacket(cc, req);
  return renderTrace(resolved, dp.decide(resolved.ctx), dp.notes);
}
