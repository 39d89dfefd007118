// Suggestions that keep their word: each one's `expected` is what the answer for the same way of
// addressing becomes once its change is made (what-if: the model changed, compiled, asked again),
// found by re-evaluating that address with the change applied — a policy override on the same
// path (whatIf), or the path on the cluster as the change compiles it (readyVariant) — plus what
// decides an answer before any path (an in-cluster client's EIP, see insideToEip). A change the
// write rules refuse is not offered (changeAccepted), nor one that does not better the answer.
// suggestions-keep-word.spec.ts checks the promises against compile() + reachability().
import { normaliseCceAnnotations } from '../profiles/cce/annotations';
import { checkCceServiceConstraints } from '../profiles/cce/constraints';
import type { CompiledCluster, CompiledEndpoint, CompiledServicePort } from '../compiled';
import { inferredHints } from '../topology';
import type { PolicyOverride } from '../dataplane/dataplane';
import { categorizeEndpoints } from '../endpoints';
import type { PodModel, ServiceModel } from '../model';
import { allowingFragment, policyVariant } from '../policy/suggest';
import { policyNeedsClientIp } from '../policy/join';
import { externalPolicyLocalOf } from '../predicates';
import type { ReachabilityClient } from './client';
import type { ReachVerdict, SourceIp, Suggestion, SuggestionCode } from '../results';
import type { RuleId } from '../rules';
import type { Answer, Env, PathOutcome, SuggestionInput } from './types';

const RANK: Record<ReachVerdict, number> = { UNKNOWN: 0, UNREACHABLE: 1, PARTIAL: 2, REACHABLE: 3 };

/**
 * The what-if overrides, one object each: re-evaluations are shared across node classes by
 * override identity (see reachability.ts), and a node class asks them again and again.
 */
export const WHAT_IF = {
  ITP_CLUSTER: { internalTrafficPolicy: 'Cluster' },
  ETP_CLUSTER: { externalTrafficPolicy: 'Cluster' },
  ETP_LOCAL: { externalTrafficPolicy: 'Local' },
  ALLOW_SOURCE: { allowSource: true },
  PASS_THROUGH: { passThrough: true },
} as const satisfies Record<string, PolicyOverride>;

function better(a: Answer, than: ReachVerdict): boolean {
  return RANK[a.verdict] > RANK[than];
}

/**
 * The answer of a path whose AddressResult reports `sourceIp` (the caller's classSourceIp, the
 * result's own): a promise then reads exactly like the answer it predicts.
 */
export function answerOf(path: PathOutcome, sourceIp: SourceIp): Answer {
  return { verdict: path.verdict, sourceIpPreserved: sourceIp.preserved };
}

/** What-if answers with no fact to go on: the answer the after-cluster gives where it is UNKNOWN. */
const UNKNOWN_ANSWER: Answer = Object.freeze({ verdict: 'UNKNOWN', sourceIpPreserved: null });

/**
 * Service port `sp` as the what-if `override` would compile it, as far as its policy flags go
 * (compile-services.ts sets them from the Service): for the answer-level questions a data plane
 * asks of a port (e.g. DataPlane.eipFromCluster), which take no override.
 */
function portUnder(q: SuggestionInput, override: PolicyOverride): CompiledServicePort {
  const { sp } = q;
  const type = q.env.cc.services[sp.serviceIndex].model.type;
  const external =
    override.externalTrafficPolicy === undefined
      ? sp.externalPolicyLocal
      : externalPolicyLocalOf(type, override.externalTrafficPolicy);
  const internal =
    override.internalTrafficPolicy === undefined ? sp.internalPolicyLocal : override.internalTrafficPolicy === 'Local';
  return external === sp.externalPolicyLocal && internal === sp.internalPolicyLocal
    ? sp
    : { ...sp, externalPolicyLocal: external, internalPolicyLocal: internal };
}

/**
 * The answer this address gets with the change `override` stands for, the way the answer after
 * the change is made: an in-cluster client's node EIP is answered only where the profile answers
 * EIPs like private IPs (node-ports.ts asks DataPlane.eipFromCluster of the port as compiled then),
 * else it is UNKNOWN whatever the path; every other answer is q.reevaluate's (the same path, re-run
 * with the override).
 */
export function whatIf(q: SuggestionInput, override: PolicyOverride): Answer {
  if (insideToEip(q) && !eipAnswered(q, q.env.cc, portUnder(q, override))) return UNKNOWN_ANSWER;
  return q.reevaluate(override);
}

/** An in-cluster client addressing a node's EIP: answered only where the profile says so (else UNKNOWN, CLUSTER_INTERNET_EGRESS). */
const insideToEip = (q: SuggestionInput): boolean => q.eip === true && q.env.client.kind !== 'EXTERNAL';

/** Whether this address is answered on `cc` with Service port `sp` as compiled there (see insideToEip). */
function eipAnswered(q: SuggestionInput, cc: CompiledCluster, sp: CompiledServicePort): boolean {
  return !insideToEip(q) || q.env.profile.dataPlane.eipFromCluster?.(cc, sp) === true;
}

function acted(path: PathOutcome, rule: RuleId): boolean {
  for (let h = 0; h < path.hops.length; h++) {
    const acts = path.hops[h].decision.acts;
    for (let i = 0; i < acts.length; i++) if (acts[i].rule === rule) return true;
  }
  return false;
}

/** Suggestions whose expected answer is a what-if answer, by answer and code: one object each (see verified()). */
const VERIFIED = new WeakMap<Answer, Map<SuggestionCode, Suggestion>>();

/**
 * The suggestion `code` with its (fixed) message, expecting what-if answer `a`: one object per
 * answer and code. What-if answers are shared by the node classes of an answer where they can
 * be, so then are their suggestions (suggestions are never changed once made).
 */
function verified(code: SuggestionCode, message: string, a: Answer): Suggestion {
  let byCode = VERIFIED.get(a);
  if (byCode === undefined) VERIFIED.set(a, (byCode = new Map()));
  let made = byCode.get(code);
  if (made === undefined) byCode.set(code, (made = { code, message, expected: a }));
  return made;
}

const USE_CLUSTER_IP_TEXT = 'inside the cluster, use the ClusterIP or the Service DNS name';

const serviceKeyOf = (s: ServiceModel): string => `${s.namespace}/${s.name}`;

/** Per compiled cluster: whether the change of one suggestion code on one Service is accepted (see changeAccepted). */
const ACCEPTED = new WeakMap<CompiledCluster, Map<string, boolean>>();

/**
 * Whether what-if accepts a change writing the Services `changed()` gives (each as it will read
 * once written), the way a write does: CCE annotations normalised, the profile's write rules
 * held by each (checkCceServiceConstraints; none on KUBERNETES). A refused change gives no
 * answer, so its suggestion is not offered. `key` names the change within the cluster (asked
 * by every node class of every answer: found once).
 */
export function changeAccepted(cc: CompiledCluster, key: string, changed: () => readonly ServiceModel[]): boolean {
  if (cc.model.profile === 'KUBERNETES') return true;
  let known = ACCEPTED.get(cc);
  if (known === undefined) ACCEPTED.set(cc, (known = new Map()));
  let ok = known.get(key);
  if (ok === undefined) {
    const after = changed().map((svc) => normaliseCceAnnotations(svc));
    const keys = new Set(after.map(serviceKeyOf));
    const services = [...cc.model.services.filter((x) => !keys.has(serviceKeyOf(x))), ...after];
    ok = after.every(
      (svc) =>
        checkCceServiceConstraints({ ...cc.model, services: services.filter((x) => x !== svc) }, svc).length === 0,
    );
    known.set(key, ok);
  }
  return ok;
}

/** changeAccepted() for suggestion `code`, setting `set` on the answer's Service. */
function serviceChangeAccepted(q: SuggestionInput, code: SuggestionCode, set: Partial<ServiceModel>): boolean {
  const svc = q.env.cc.services[q.sp.serviceIndex].model;
  return changeAccepted(q.env.cc, `${q.sp.serviceIndex} ${code}`, () => [{ ...svc, ...set }]);
}

/**
 * The pods ADD_READY_ENDPOINTS makes ready: the backends of Service port `sp` (its endpoints
 * derive from the pods its selector picks that run with an address) that are on a node and not
 * ready, each once. Read from the port's endpoints, not from every pod of the cluster.
 */
export function unreadyBackends(cc: CompiledCluster, sp: CompiledServicePort): PodModel[] {
  const out: PodModel[] = [];
  const seen = new Set<string>();
  for (const ep of sp.endpoints) {
    if (ep.podKey === null || seen.has(ep.podKey)) continue;
    seen.add(ep.podKey);
    const i = cc.podByKey.get(ep.podKey);
    const pod = i === undefined ? undefined : cc.model.pods[i];
    if (pod !== undefined && pod.nodeName !== null && pod.phase === 'Running' && pod.ips.length > 0 && !pod.ready)
      out.push(pod);
  }
  return out;
}

/** Per compiled cluster and Service port: readyVariant()'s answer, found on the first ask (every node class of every answer asks). */
const READY_VARIANTS = new WeakMap<CompiledCluster, Map<number, CompiledCluster | null>>();

/**
 * `cc` with Service port `sp`'s unready backends (unreadyBackends) ready: what compile() makes
 * of the model with `ready: true` on each of those pods (the what-if of ADD_READY_ENDPOINTS).
 * A pod's readiness reaches the compiled cluster only through the endpoints the Service derives
 * from its selector (endpoints.ts fromSelector: serving = ready, ready = serving and not
 * terminating), so only this port is rebuilt; endpoints from EndpointSlices do not follow pods.
 * Null when no pod is to be made ready, or when that still gives the port no usable endpoint.
 */
function readyVariant(cc: CompiledCluster, sp: CompiledServicePort): CompiledCluster | null {
  let byPort = READY_VARIANTS.get(cc);
  if (byPort === undefined) READY_VARIANTS.set(cc, (byPort = new Map()));
  let variant = byPort.get(sp.index);
  if (variant !== undefined) return variant;
  variant = null;
  const svc = cc.services[sp.serviceIndex].model;
  const sliced = cc.model.endpointSlices.some((x) => x.namespace === svc.namespace && x.serviceName === svc.name);
  const pods = sliced ? [] : unreadyBackends(cc, sp);
  if (pods.length > 0) {
    const keys = new Set(pods.map((p) => `${p.namespace}/${p.name}`));
    // As the EndpointSlice controller would write them once ready: hints too (topology.ts inferredHints).
    const made = (ep: CompiledEndpoint): CompiledEndpoint => {
      const ready = !ep.terminating;
      const hints = ready ? inferredHints(cc.model.kubernetesVersion, svc, ep.zone, ep.nodeName) : null;
      return hints === null
        ? { ...ep, serving: true, ready }
        : {
            ...ep,
            serving: true,
            ready,
            zoneHints: hints.zones.length > 0 ? hints.zones : null,
            nodeHints: hints.nodes.length > 0 ? hints.nodes : null,
            hintsInferred: true,
          };
    };
    const endpoints = sp.endpoints.map((ep) => (ep.podKey !== null && keys.has(ep.podKey) ? made(ep) : ep));
    const categories = categorizeEndpoints(endpoints, sp.categories.policy);
    if (categories.hasAnyEndpoints) {
      const servicePorts = cc.servicePorts.slice();
      servicePorts[sp.index] = { ...sp, endpoints, categories };
      variant = Object.freeze({ ...cc, servicePorts });
    }
  }
  byPort.set(sp.index, variant);
  return variant;
}

/** The request that asks this client's question again (an outside client without an address keeps its stand-in). */
function requestClient(c: Env['client']): ReachabilityClient {
  if (c.kind !== 'EXTERNAL') return c.source(4) as ReachabilityClient;
  const ip = c.ipKnown ? (c.ips[4] ?? c.ips[6])?.text : undefined;
  const network = c.network ?? 'PUBLIC';
  return { external: ip === undefined ? { network } : { network, ip } };
}

const sameAnswer = (a: Answer, b: Answer): boolean =>
  a.verdict === b.verdict && a.sourceIpPreserved === b.sourceIpPreserved;

/**
 * A load balancer's answer (reach/lb.ts gives no reevaluateOn) on `variant`: the question asked
 * again there, and the answers of this port's addresses of the same kind, which must agree (the
 * address itself is not known here). They come after the port's NodePort rows, which are not
 * read (up to one per node address). Null when none, or when they differ.
 */
function askedAgain(q: SuggestionInput, variant: CompiledCluster): Answer | null {
  const { sp } = q;
  const results = q.env.ask(variant, {
    client: requestClient(q.env.client),
    service: sp.serviceKey,
    port: sp.port,
  }).results;
  let found: Answer | null = null;
  for (let i = results.length - 1; i >= 0; i--) {
    const r = results[i];
    if (r.via.kind === 'NODE_PORT' || r.via.kind === 'CLUSTER_IP') break;
    const family = r.via.address.includes(':') ? 6 : 4;
    if (
      r.via.kind !== q.via ||
      r.via.protocol !== sp.protocol ||
      r.via.portName !== sp.portName ||
      family !== sp.family ||
      r.missingFact !== null
    )
      continue;
    const a: Answer = { verdict: r.verdict, sourceIpPreserved: r.sourceIp.preserved };
    if (found !== null && !sameAnswer(found, a)) return null;
    found = a;
  }
  return found;
}

/**
 * What this address answers with the Service's backends ready: its path taken on the ready
 * variant. A NodePort class may stand for many node addresses; the nodes that would host
 * endpoints once they are ready are classes of their own (sharing/node-classes.ts wouldHost),
 * so the other members answer the variant alike and the promise holds for each.
 */
function readyAnswer(q: SuggestionInput, variant: CompiledCluster): Answer | null {
  const { sp } = q;
  if (q.reevaluateOn === undefined) return askedAgain(q, variant);
  if (!eipAnswered(q, variant, variant.servicePorts[sp.index])) return UNKNOWN_ANSWER;
  return q.reevaluateOn(variant);
}

/** ADD_READY_ENDPOINTS where making the Service's selected pods ready gives this address a better answer. */
function readyEndpoints(q: SuggestionInput, out: Suggestion[]): void {
  const variant = readyVariant(q.env.cc, q.sp);
  const a = variant === null ? null : readyAnswer(q, variant);
  if (a === null || !better(a, q.verdict)) return;
  const names = unreadyBackends(q.env.cc, q.sp).map((p) => `${p.namespace}/${p.name}`);
  const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
  out.push(
    verified(
      'ADD_READY_ENDPOINTS',
      `${q.sp.serviceKey} has no ready endpoint: make its selected pods ready (${shown})`,
      a,
    ),
  );
}

/** The client's pod, when it is one. */
function clientPod(q: SuggestionInput): PodModel | null {
  const c = q.env.client;
  if (c.kind !== 'POD') return null;
  const i = q.env.cc.podByKey.get((c.source(4) as { pod: string }).pod);
  return i === undefined ? null : q.env.cc.model.pods[i];
}

/**
 * ADD_NETWORK_POLICY where a policy drops connections: the smallest policy that lets the first
 * one through (policy/suggest.ts), verified on the cluster with it added.
 */
function allowByPolicy(q: SuggestionInput, out: Suggestion[]): void {
  const { path } = q;
  const cc = q.env.cc;
  // An outside client without an address: a rule for its stand-in would allow nobody real.
  if (
    path === null ||
    cc.policies === null ||
    !cc.policies.enforced ||
    (q.env.client.kind === 'EXTERNAL' && !q.env.client.ipKnown)
  )
    return;
  const fragment = allowingFragment(cc, path.endpoints, clientPod(q), q.sp.protocol);
  if (fragment === null) return;
  const a = readyAnswer(q, policyVariant(cc, fragment));
  if (a === null || !better(a, q.verdict)) return;
  const rule = fragment.ingress.length > 0 ? 'an ingress rule' : 'an egress rule';
  out.push({
    code: 'ADD_NETWORK_POLICY',
    message: `add NetworkPolicy ${fragment.namespace}/${fragment.name}: ${rule} allowing this connection on port ${fragment.ingress[0]?.ports[0].port ?? fragment.egress[0]?.ports[0].port}`,
    expected: a,
    networkPolicy: fragment,
  });
}

/** Whether a policy drops connections because their source was masqueraded to a node's address. */
function maskedDenial(path: PathOutcome | null): boolean {
  return (
    path !== null && path.endpoints.some((e) => e.masquerade && e.policy !== undefined && !e.policy.ingress.allowed)
  );
}

function whenUnreachable(q: SuggestionInput, out: Suggestion[]): void {
  const { sp, via, path } = q;
  allowByPolicy(q, out);
  if (path !== null && acted(path, 'K8S-NO-ENDPOINTS-REJECT')) {
    readyEndpoints(q, out);
    return;
  }
  if (via === 'CLUSTER_IP' && sp.internalPolicyLocal) {
    const a = whatIf(q, WHAT_IF.ITP_CLUSTER);
    if (better(a, q.verdict) && serviceChangeAccepted(q, 'SET_ITP_CLUSTER', WHAT_IF.ITP_CLUSTER))
      out.push(
        verified(
          'SET_ITP_CLUSTER',
          'set internalTrafficPolicy: Cluster so ClusterIP traffic may use endpoints on other nodes',
          a,
        ),
      );
  }
  if (via !== 'CLUSTER_IP' && sp.externalPolicyLocal) {
    const a = whatIf(q, WHAT_IF.ETP_CLUSTER);
    if (better(a, q.verdict) && serviceChangeAccepted(q, 'SET_ETP_CLUSTER', WHAT_IF.ETP_CLUSTER))
      out.push(
        verified(
          'SET_ETP_CLUSTER',
          'set externalTrafficPolicy: Cluster; note that the client source IP is then not preserved',
          a,
        ),
      );
  }
  if (path !== null && acted(path, 'K8S-LB-SOURCE-RANGES-DROP')) {
    const a = whatIf(q, WHAT_IF.ALLOW_SOURCE);
    // The rules read no source range: the Service as it is must pass them.
    if (better(a, q.verdict) && serviceChangeAccepted(q, 'ADD_SOURCE_RANGE', {}))
      out.push(verified('ADD_SOURCE_RANGE', "add the client's address to loadBalancerSourceRanges", a));
  }
  const cip = q.clusterIp ?? null;
  if (q.env.client.kind !== 'EXTERNAL' && via !== 'CLUSTER_IP' && cip !== null && cip.verdict === 'REACHABLE') {
    out.push(verified('USE_CLUSTER_IP', USE_CLUSTER_IP_TEXT, cip));
  }
}

/** Suggestions that would change this answer (verdict, or a lost source IP for outside clients). */
export function suggestionsFor(q: SuggestionInput): Suggestion[] {
  const out: Suggestion[] = [];
  // An outside client without an address, where ipBlocks read it: no promise can be kept for it.
  if (q.verdict === 'UNKNOWN' || !q.env.suggest || policyNeedsClientIp(q.env)) return out;
  if (q.verdict !== 'REACHABLE') whenUnreachable(q, out);
  const svcType = q.env.cc.services[q.sp.serviceIndex].model.type;
  const canBeLocal = svcType === 'NodePort' || svcType === 'LoadBalancer';
  const masked = maskedDenial(q.path);
  if (
    q.env.client.kind === 'EXTERNAL' &&
    q.via !== 'CLUSTER_IP' &&
    canBeLocal &&
    !q.sp.externalPolicyLocal &&
    (q.sourceIp.preserved === false || masked)
  ) {
    const a = whatIf(q, WHAT_IF.ETP_LOCAL);
    // Where a policy dropped the masqueraded connections, keeping the address must also better the verdict.
    const worth = masked && q.sourceIp.preserved !== false ? better(a, q.verdict) : RANK[a.verdict] >= RANK[q.verdict];
    if (a.sourceIpPreserved === true && worth && serviceChangeAccepted(q, 'SET_ETP_LOCAL', WHAT_IF.ETP_LOCAL)) {
      out.push(
        verified(
          'SET_ETP_LOCAL',
          masked
            ? "set externalTrafficPolicy: Local so the backends' NetworkPolicies see the client's own address, not a node's (only nodes with local endpoints then serve it)"
            : 'set externalTrafficPolicy: Local to preserve the client source IP (only nodes with local endpoints then serve it)',
          a,
        ),
      );
    }
  }
  return q.env.profile.refineSuggestions?.(q, out) ?? out;
}
