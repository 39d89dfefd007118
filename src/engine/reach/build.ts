// Building AddressResults from paths: single paths, node classes (evaluate one node per class,
// then expand to every member exactly), and load-balancer deliveries.
import { isPolicyNote } from '../policy/join';
import type { CompiledNode, CompiledServicePort } from '../compiled';
import type { ParsedIp } from '../ip';
import type {
  AddressResult,
  EndpointOutcome,
  Hop,
  MissingFact,
  SourceIp,
  Step,
  Suggestion,
  Via,
  ViaKind,
} from '../results';
import { RULES } from '../rules';
import type { Rule, RuleId } from '../rules';
import { addRule, sourceIpFate, uniqueRules } from '../packet';
import { lastHopRule, lastHopRules, lastHopSteps, leadingSteps } from './paths';
import type { Env, PathOutcome } from './types';

/** The rule that decided a result: the first failing connection's, else the last step's. */
export function decidingRule(path: readonly Step[], endpoints: readonly EndpointOutcome[]): RuleId | null {
  for (const e of endpoints) if (e.outcome === 'FAILS' && e.rule !== null) return e.rule;
  // A policy step that only notes why connections were let through decides nothing.
  for (let i = path.length - 1; i >= 0; i--) if (!isPolicyNote(path[i].rule)) return path[i].rule;
  return null;
}

export function rulesOf(steps: readonly Step[], notes: readonly RuleId[]): Rule[] {
  return uniqueRules(steps, notes).map((id) => RULES[id]);
}

/** The path's source-IP fate (packet.ts sourceIpFate, judged on the connections that complete) for a member at `node`, addressed at `dst`. */
function sourceIpOf(path: PathOutcome, node: CompiledNode, dst: ParsedIp): SourceIp {
  const last = path.hops[path.hops.length - 1];
  return sourceIpFate(last.decision, { src: last.ctx.src, node, dst }, path.outcomes.connects > 0, path.masquerade);
}

function hopsOf(path: PathOutcome, node: CompiledNode, hopExtra: Partial<Hop>): Hop[] {
  const lastIndex = path.hops.length - 1;
  return path.hops.map((h, i) =>
    i === lastIndex
      ? { node: node.name, verdict: h.decision.verdict, ...hopExtra }
      : { node: h.ctx.node.name, verdict: h.decision.verdict },
  );
}

/** A class of nodes sharing one evaluated path; members differ only in names and addresses. */
export interface NodeClass {
  readonly sp: CompiledServicePort;
  readonly kind: ViaKind;
  readonly path: PathOutcome;
  readonly lead: readonly Step[];
  readonly rules: readonly Rule[];
  readonly suggestions: readonly Suggestion[];
  /** lastHopRule(path), found once for every member. */
  readonly rule: RuleId | null;
  /** Same for all members unless a connection that completes is masqueraded to the member node's address. */
  readonly sharedSourceIp: SourceIp | null;
}

export interface Member {
  readonly sp: CompiledServicePort;
  readonly kind: ViaKind;
  readonly network: Via['network'];
  readonly node: CompiledNode;
  /** Destination as processed on the node (after EIP NAT). */
  readonly dst: ParsedIp;
  /** The EIP the client addressed, when a cloud NAT step precedes the node. */
  readonly eip: string | null;
}

export function eipStep(node: CompiledNode, eip: string, primary: string): Step {
  return {
    at: 'cloud/eip',
    rule: 'K8S-EIP-NAT',
    description: `EIP ${eip} is NATed to ${node.name}'s ${primary}`,
    before: { source: '*', destination: eip },
    after: { source: '*', destination: primary },
  };
}

function memberSteps(
  path: PathOutcome,
  lead: readonly Step[],
  node: CompiledNode,
  dst: ParsedIp,
  eip: string | null,
): Step[] {
  const last = path.hops[path.hops.length - 1];
  const steps = eip === null ? [...lead] : [eipStep(node, eip, dst.text), ...lead];
  for (const step of lastHopSteps(path, { ...last.ctx, node, dst })) steps.push(step);
  return steps;
}

/** The representative's source IP answer (only the masquerade address differs across members). */
export function classSourceIp(path: PathOutcome, rep: Member): SourceIp {
  return sourceIpOf(path, rep.node, rep.dst);
}

/** rulesOf(memberSteps(path, lead, ...)) of a member, without rendering its steps (the same for every member). */
/** Rule lists by the sequence of their ids: a trie over rule ids, each list made once (lists are never changed). */
interface RuleTrie {
  readonly next: Map<RuleId, RuleTrie>;
  list: readonly Rule[] | null;
}

const RULE_LISTS: RuleTrie = { next: new Map(), list: null };
/** The ids being listed (memberRules runs to completion, so one scratch array serves every call). */
const scratch: RuleId[] = [];

/** The shared Rule list of the ids in scratch. */
function scratchRules(): readonly Rule[] {
  let node = RULE_LISTS;
  for (let i = 0; i < scratch.length; i++) {
    let next = node.next.get(scratch[i]);
    if (next === undefined) node.next.set(scratch[i], (next = { next: new Map(), list: null }));
    node = next;
  }
  return (node.list ??= scratch.map((id) => RULES[id]));
}

/**
 * rulesOf(memberSteps(path, lead, ...)) of a member, without rendering its steps (the same for
 * every member), as a list shared with every other class listing the same rules: every node
 * class of an answer has one, and most are equal.
 */
function memberRules(
  path: PathOutcome,
  lead: readonly Step[],
  eip: boolean,
  notes: readonly RuleId[],
): readonly Rule[] {
  scratch.length = 0;
  if (eip) scratch.push('K8S-EIP-NAT');
  for (let i = 0; i < lead.length; i++) addRule(scratch, lead[i].rule);
  lastHopRules(path, scratch);
  for (let i = 0; i < notes.length; i++) addRule(scratch, notes[i]);
  return scratchRules();
}

/** `sourceIp`: classSourceIp(path, rep), which the caller has already. */
export function makeClass(
  env: Env,
  path: PathOutcome,
  rep: Member,
  suggestions: readonly Suggestion[],
  sourceIp: SourceIp,
): NodeClass {
  const lead = leadingSteps(path);
  return {
    sp: rep.sp,
    kind: rep.kind,
    path,
    lead,
    suggestions,
    rules: memberRules(path, lead, rep.eip !== null, env.profile.notes),
    rule: lastHopRule(path),
    sharedSourceIp: path.masquerade ? null : sourceIp,
  };
}

/**
 * One member of a node class: the class's answer addressed through one node address. A
 * NodePort answer has one result per node address (10,000 in a 5,000-node cluster), so a
 * member is one small object holding the class and its own node and addresses; everything
 * else is read from the class, and its via, path, hops and (masqueraded) source address are
 * rendered on read. Reading or serialising (toJSON) gives the full, exact per-address result.
 */
class MemberResult implements AddressResult {
  readonly #cls: NodeClass;
  readonly #node: CompiledNode;
  readonly #dst: ParsedIp;
  readonly #eip: string | null;
  readonly #network: Via['network'];

  constructor(cls: NodeClass, node: CompiledNode, dst: ParsedIp, eip: string | null, network: Via['network']) {
    this.#cls = cls;
    this.#node = node;
    this.#dst = dst;
    this.#eip = eip;
    this.#network = network;
  }
  get via(): Via {
    const { sp, kind } = this.#cls;
    return viaFor(sp, kind, this.#eip ?? this.#dst.text, {
      node: kind === 'NODE_PORT' ? this.#node.name : undefined,
      network: this.#network,
    });
  }
  get verdict(): AddressResult['verdict'] {
    return this.#cls.path.verdict;
  }
  get missingFact(): null {
    return null;
  }
  get sourceIp(): SourceIp {
    return this.#cls.sharedSourceIp ?? sourceIpOf(this.#cls.path, this.#node, this.#dst);
  }
  get endpoints(): AddressResult['endpoints'] {
    return this.#cls.path.endpoints;
  }
  get path(): readonly Step[] {
    return memberSteps(this.#cls.path, this.#cls.lead, this.#node, this.#dst, this.#eip);
  }
  get hops(): readonly Hop[] {
    return hopsOf(this.#cls.path, this.#node, {});
  }
  get deliveries(): null {
    return null;
  }
  get rules(): AddressResult['rules'] {
    return this.#cls.rules;
  }
  get rule(): AddressResult['rule'] {
    return this.#cls.rule ?? (this.#eip !== null ? 'K8S-EIP-NAT' : null);
  }
  get suggestions(): AddressResult['suggestions'] {
    return this.#cls.suggestions;
  }
  toJSON(): AddressResult {
    const { via, verdict, missingFact, sourceIp, endpoints, path, hops, deliveries, rules, rule, suggestions } = this;
    return { via, verdict, missingFact, sourceIp, endpoints, path, hops, deliveries, rules, rule, suggestions };
  }
}

/** The class's answer for one member (node address); `network` is the member's (its via's). */
export function memberResult(
  cls: NodeClass,
  node: CompiledNode,
  dst: ParsedIp,
  eip: string | null,
  network: Via['network'],
): AddressResult {
  return new MemberResult(cls, node, dst, eip, network);
}

export function expand(cls: NodeClass, m: Member): AddressResult {
  return new MemberResult(cls, m.node, m.dst, m.eip, m.network);
}

/**
 * An answer that is the same for many node addresses except for its via (e.g. UNKNOWN for
 * every node EIP seen from inside the cluster): the shared answer plus this address's via,
 * rendered on read.
 */
class SharedAnswerResult implements AddressResult {
  readonly #shared: AddressResult;
  readonly #sp: CompiledServicePort;
  readonly #node: CompiledNode;
  readonly #address: string;

  constructor(shared: AddressResult, sp: CompiledServicePort, node: CompiledNode, address: string) {
    this.#shared = shared;
    this.#sp = sp;
    this.#node = node;
    this.#address = address;
  }
  get via(): Via {
    return viaFor(this.#sp, 'NODE_PORT', this.#address, { node: this.#node.name, network: 'PUBLIC' });
  }
  get verdict(): AddressResult['verdict'] {
    return this.#shared.verdict;
  }
  get missingFact(): AddressResult['missingFact'] {
    return this.#shared.missingFact;
  }
  get sourceIp(): SourceIp {
    return this.#shared.sourceIp;
  }
  get endpoints(): AddressResult['endpoints'] {
    return this.#shared.endpoints;
  }
  get path(): readonly Step[] {
    return this.#shared.path;
  }
  get hops(): readonly Hop[] {
    return this.#shared.hops;
  }
  get deliveries(): AddressResult['deliveries'] {
    return this.#shared.deliveries;
  }
  get rules(): AddressResult['rules'] {
    return this.#shared.rules;
  }
  get rule(): AddressResult['rule'] {
    return this.#shared.rule;
  }
  get suggestions(): AddressResult['suggestions'] {
    return this.#shared.suggestions;
  }
  toJSON(): AddressResult {
    const { via, verdict, missingFact, sourceIp, endpoints, path, hops, deliveries, rules, rule, suggestions } = this;
    return { via, verdict, missingFact, sourceIp, endpoints, path, hops, deliveries, rules, rule, suggestions };
  }
}

/** `shared` addressed as NodePort on `address` (a node EIP, public network) of `node`. */
export function atNodeEip(
  shared: AddressResult,
  sp: CompiledServicePort,
  node: CompiledNode,
  address: string,
): AddressResult {
  return new SharedAnswerResult(shared, sp, node, address);
}

const UNKNOWN_SOURCE: SourceIp = { preserved: null, seenAs: null, seenAsKind: null, reason: 'NOT_DELIVERED' };

const MISSING: Record<MissingFact, { rule: RuleId; text: string }> = {
  CLUSTER_INTERNET_EGRESS: {
    rule: 'K8S-INTERNET-EGRESS',
    text: 'the packet leaves the VPC for a public address; whether and how the cluster reaches the internet is not modelled',
  },
  EXTERNAL_IP_ROUTING: {
    rule: 'K8S-EXTERNAL-IP-ROUTING',
    text: 'which node the network routes this externalIP to is not modelled',
  },
  CLIENT_IP: { rule: 'K8S-LB-SOURCE-RANGES-ALLOW', text: 'loadBalancerSourceRanges apply: the client IP is needed' },
  POLICY_CLIENT_IP: {
    rule: 'K8S-NETPOL-ALLOWED',
    text: 'NetworkPolicy ipBlocks decide whether the backends let this outside client in: its address is needed',
  },
  POLICY_LB_SOURCE: {
    rule: 'K8S-LB-POD-TARGETS',
    text: "the load balancer delivers straight to pods isolated by NetworkPolicy whose rules on this port name peers: whether they see the client's address or the load balancer's (its client-IP preservation setting) decides, and it is not known",
  },
  LB_NODE_PORT: {
    rule: 'K8S-LB-PROXY-DELIVERY',
    text: 'a Proxy-mode load balancer needs a NodePort to reach the nodes; this port has none',
  },
  REDACTED_VALUE: { rule: 'IMPORT-REDACTED-VALUE', text: 'the imported dump redacted a value this answer needs' },
  LB_TARGET: {
    rule: 'K8S-LB-TARGET-UNKNOWN',
    text: 'this port has no NodePort and the Service does not say where its load balancer delivers (to the nodes, or straight to the pods): set loadBalancerTarget',
  },
  LB_HOSTNAME_ADDRESS: {
    rule: 'K8S-LB-HOSTNAME',
    text: 'the load balancer is known only by its hostname: the address it resolves to, and whether it is reachable from inside the cluster, are not known',
  },
  CLOUD_SOURCE_RANGES: {
    rule: 'K8S-LB-CLOUD-SOURCE-RANGES',
    text: 'the service.beta.kubernetes.io/load-balancer-source-ranges annotation may make the cloud load balancer refuse this client (kube-proxy ignores it; whether this provider enforces it is not known)',
  },
};

export function unknownResult(env: Env, via: Via, fact: MissingFact): AddressResult {
  const m = MISSING[fact];
  const path: Step[] = [{ at: 'client', rule: m.rule, description: m.text }];
  return {
    via,
    verdict: 'UNKNOWN',
    missingFact: fact,
    sourceIp: UNKNOWN_SOURCE,
    endpoints: [],
    path,
    hops: [],
    deliveries: null,
    rules: rulesOf(path, env.profile.notes),
    rule: m.rule,
    suggestions: [],
  };
}

export function viaFor<K extends ViaKind>(
  sp: CompiledServicePort,
  kind: K,
  address: string,
  extra: { readonly node?: string; readonly network?: 'PUBLIC' | 'PRIVATE' } = {},
): Via & { readonly kind: K } {
  const port = kind === 'NODE_PORT' ? (sp.nodePort ?? sp.port) : sp.port;
  return {
    kind,
    address,
    port,
    protocol: sp.protocol,
    portName: sp.portName,
    node: extra.node,
    network: extra.network,
  };
}
