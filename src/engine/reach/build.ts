// Building AddressResults from paths: single paths, node classes (evaluate one node per class,
// then expand to every member exactly), and load-balancer deliveries.
import type { CompiledNode, CompiledServicePort } from '../compiled';
import type { ParsedIp } from '../ip';
import type { AddressResult, Hop, MissingFact, SourceIp, Step, Suggestion, Via } from '../results';
import { RULES, type Rule, type RuleId } from '../rules';
import { traceSourceIp, uniqueRules } from '../trace';
import { lastHopSteps, leadingSteps, type Env, type PathOutcome } from './paths';

export function rulesOf(steps: readonly Step[], notes: readonly RuleId[]): Rule[] {
  return uniqueRules(steps, notes).map((id) => RULES[id]);
}

function sourceIpOf(path: PathOutcome, node: CompiledNode, dst: ParsedIp): SourceIp {
  const last = path.hops[path.hops.length - 1];
  return traceSourceIp(last.decision, { ...last.ctx, node, dst }, path.endpoints);
}

function hopsOf(path: PathOutcome, node: CompiledNode, hopExtra: Partial<Hop>): Hop[] {
  const lastIndex = path.hops.length - 1;
  return path.hops.map((h, i) => (i === lastIndex ? { node: node.name, verdict: h.decision.verdict, ...hopExtra } : { node: h.ctx.node.name, verdict: h.decision.verdict }));
}

/** A class of nodes sharing one evaluated path; members differ only in names and addresses. */
export interface NodeClass {
  readonly path: PathOutcome;
  readonly lead: readonly Step[];
  readonly rules: readonly Rule[];
  readonly suggestions: readonly Suggestion[];
  /** Same for all members unless the source is masqueraded to the member node's address. */
  readonly sharedSourceIp: SourceIp | null;
}

export interface Member {
  readonly sp: CompiledServicePort;
  readonly kind: Via['kind'];
  readonly network: Via['network'];
  readonly node: CompiledNode;
  /** Destination as processed on the node (after EIP NAT). */
  readonly dst: ParsedIp;
  /** The EIP the client addressed, when a cloud NAT step precedes the node. */
  readonly eip: string | null;
}

export function memberVia(m: Member): Via {
  return viaFor(m.sp, m.kind, m.eip ?? m.dst.text, { node: m.kind === 'NODE_PORT' ? m.node.name : undefined, network: m.network });
}

export function eipStep(node: CompiledNode, eip: string, primary: string): Step {
  return { at: 'cloud/eip', rule: 'K8S-EIP-NAT', description: `EIP ${eip} is NATed to ${node.name}'s ${primary}`, before: { source: '*', destination: eip }, after: { source: '*', destination: primary } };
}

function memberSteps(cls: NodeClass, m: Member): Step[] {
  const last = cls.path.hops[cls.path.hops.length - 1];
  const steps = m.eip === null ? [...cls.lead] : [eipStep(m.node, m.eip, m.dst.text), ...cls.lead];
  for (const step of lastHopSteps(cls.path, { ...last.ctx, node: m.node, dst: m.dst })) steps.push(step);
  return steps;
}

/** The representative's source IP answer (only the masquerade address differs across members). */
export function classSourceIp(path: PathOutcome, rep: Member): SourceIp {
  return sourceIpOf(path, rep.node, rep.dst);
}

export function makeClass(env: Env, path: PathOutcome, rep: Member, suggestions: readonly Suggestion[]): NodeClass {
  const lead = leadingSteps(path);
  const draft: NodeClass = { path, lead, rules: [], suggestions, sharedSourceIp: null };
  const masq = path.endpoints.some((e) => e.masquerade);
  return { ...draft, rules: rulesOf(memberSteps(draft, rep), env.dp.notes), sharedSourceIp: masq ? null : sourceIpOf(path, rep.node, rep.dst) };
}

/**
 * One member of a node class. Verdict, endpoints, rules and suggestions are the class's;
 * the member's own path, hops and (masqueraded) source address are rendered on first read,
 * so expanding thousands of node addresses stays cheap and every answer stays exact.
 */
class ExpandedResult implements AddressResult {
  readonly verdict: AddressResult['verdict'];
  readonly missingFact = null;
  readonly endpoints: AddressResult['endpoints'];
  readonly deliveries = null;
  readonly rules: AddressResult['rules'];
  readonly suggestions: AddressResult['suggestions'];
  readonly #cls: NodeClass;
  readonly #m: Member;
  #via: Via | null = null;
  #path: readonly Step[] | null = null;
  #hops: readonly Hop[] | null = null;

  constructor(cls: NodeClass, m: Member) {
    this.#cls = cls;
    this.#m = m;
    this.verdict = cls.path.verdict;
    this.endpoints = cls.path.endpoints;
    this.rules = cls.rules;
    this.suggestions = cls.suggestions;
  }
  get via(): Via {
    return (this.#via ??= memberVia(this.#m));
  }
  get sourceIp(): SourceIp {
    return this.#cls.sharedSourceIp ?? sourceIpOf(this.#cls.path, this.#m.node, this.#m.dst);
  }
  get path(): readonly Step[] {
    return (this.#path ??= memberSteps(this.#cls, this.#m));
  }
  get hops(): readonly Hop[] {
    return (this.#hops ??= hopsOf(this.#cls.path, this.#m.node, {}));
  }
  toJSON(): AddressResult {
    const { via, verdict, missingFact, sourceIp, endpoints, path, hops, deliveries, rules, suggestions } = this;
    return { via, verdict, missingFact, sourceIp, endpoints, path, hops, deliveries, rules, suggestions };
  }
}

export function expand(cls: NodeClass, m: Member): AddressResult {
  return new ExpandedResult(cls, m);
}

const UNKNOWN_SOURCE: SourceIp = { preserved: null, seenAs: null, seenAsKind: null, reason: 'NOT_DELIVERED' };

const MISSING: Record<MissingFact, { rule: RuleId; text: string }> = {
  CLUSTER_INTERNET_EGRESS: { rule: 'K8S-INTERNET-EGRESS', text: 'the packet leaves the VPC for a public address; whether and how the cluster reaches the internet is not modelled' },
  EXTERNAL_IP_ROUTING: { rule: 'K8S-EXTERNAL-IP-ROUTING', text: 'which node the network routes this externalIP to is not modelled' },
  CLIENT_IP: { rule: 'K8S-LB-SOURCE-RANGES-ALLOW', text: 'loadBalancerSourceRanges apply: the client IP is needed' },
  LB_NODE_PORT: { rule: 'K8S-LB-PROXY-DELIVERY', text: 'a Proxy-mode load balancer needs a NodePort to reach the nodes; this port has none' },
};

export function unknownResult(env: Env, via: Via, fact: MissingFact): AddressResult {
  const m = MISSING[fact];
  const path: Step[] = [{ at: 'client', rule: m.rule, description: m.text }];
  return {
    via, verdict: 'UNKNOWN', missingFact: fact, sourceIp: UNKNOWN_SOURCE, endpoints: [], path, hops: [], deliveries: null,
    rules: rulesOf(path, env.dp.notes), suggestions: [],
  };
}

export function viaFor(sp: CompiledServicePort, kind: Via['kind'], address: string, extra: { readonly node?: string; readonly network?: 'PUBLIC' | 'PRIVATE' } = {}): Via {
  const port = kind === 'NODE_PORT' ? sp.nodePort ?? sp.port : sp.port;
  return { kind, address, port, protocol: sp.protocol, portName: sp.portName, node: extra.node, network: extra.network };
}
