// The smallest NetworkPolicy change that lets a denied connection through: one new policy, next
// to the policies that isolate the pod (policies are additive, so nothing stored is edited),
// selecting the pods the first isolating policy selects, with one rule that allows exactly this
// peer on this port. Written as the API takes it (POST /networkpolicies, what-if upsert); the
// caller verifies it by asking again on the cluster with the policy added (policyVariant).
import type { CompiledCluster } from '../compiled';
import type {
  LabelSelectorModel,
  NetworkPolicyModel,
  NetworkPolicyPeerModel,
  NetworkPolicyPortModel,
  PodModel,
  Protocol,
} from '../model';
import type { EndpointOutcome, NetworkPolicyFragment } from '../results';
import { compilePolicies, withPolicy } from './compile';

const NAME_LABEL = 'kubernetes.io/metadata.name';

function podOf(cc: CompiledCluster, key: string | null): PodModel | null {
  if (key === null) return null;
  const i = cc.podByKey.get(key);
  return i === undefined ? null : cc.model.pods[i];
}

/** A pod as a peer seen from `namespace`: its labels, and its namespace by name when another. */
function podPeer(pod: PodModel, namespace: string): NetworkPolicyPeerModel {
  return {
    podSelector: { matchLabels: { ...pod.labels }, matchExpressions: [] },
    namespaceSelector:
      pod.namespace === namespace ? null : { matchLabels: { [NAME_LABEL]: pod.namespace }, matchExpressions: [] },
    ipBlock: null,
  };
}

const hostBlock = (ip: string): NetworkPolicyPeerModel => ({
  podSelector: null,
  namespaceSelector: null,
  ipBlock: { cidr: `${ip}/${ip.includes(':') ? 128 : 32}`, except: [] },
});

/** A DNS-1123 name for the new policy: svcpath-allow-<what>. */
function policyName(what: string): string {
  const cleaned = what
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `svcpath-allow-${cleaned}`.slice(0, 63).replace(/-+$/, '');
}

const BY_KEY = new WeakMap<readonly NetworkPolicyModel[], ReadonlyMap<string, NetworkPolicyModel>>();

function selectorOf(cc: CompiledCluster, key: string): LabelSelectorModel | null {
  const list = cc.model.networkPolicies ?? [];
  let byKey = BY_KEY.get(list);
  if (byKey === undefined) BY_KEY.set(list, (byKey = new Map(list.map((p) => [`${p.namespace}/${p.name}`, p]))));
  return byKey.get(key)?.podSelector ?? null;
}

/**
 * The fragment that allows the first connection `endpoints` lose to a policy, from `client` (a
 * pod, or null for a node or an outside client); null when none is denied, or when the source
 * the backend sees is a masquerading node (an ipBlock for node addresses would let every client
 * behind them in: keeping the client's address, externalTrafficPolicy Local, is the change to
 * suggest then).
 */
export function allowingFragment(
  cc: CompiledCluster,
  endpoints: readonly EndpointOutcome[],
  client: PodModel | null,
  protocol: Protocol,
): NetworkPolicyFragment | null {
  const e = endpoints.find((x) => x.policy !== undefined && (!x.policy.egress.allowed || !x.policy.ingress.allowed));
  if (e === undefined || e.policy === undefined) return null;
  const target = podOf(cc, e.pod);
  const ports: NetworkPolicyPortModel[] = [{ protocol, port: e.port, endPort: null }];
  if (!e.policy.egress.allowed) {
    if (client === null) return null;
    const selector = selectorOf(cc, e.policy.egress.policies[0]);
    // A hostNetwork pod is never selected: its node's address is.
    const to = target === null || target.hostNetwork ? hostBlock(e.ip) : podPeer(target, client.namespace);
    return selector === null
      ? null
      : {
          namespace: client.namespace,
          name: policyName(`${client.name}-to-${target?.name ?? e.ip}`),
          podSelector: selector,
          policyTypes: ['Egress'],
          ingress: [],
          egress: [{ to: [to], ports }],
        };
  }
  const seenAs = e.policy.seenAs;
  if (target === null || seenAs === null) return null;
  const selector = selectorOf(cc, e.policy.ingress.policies[0]);
  const seenPod = client !== null && client.ips.includes(seenAs) && !client.hostNetwork ? client : null;
  const from = seenPod === null ? hostBlock(seenAs) : podPeer(seenPod, target.namespace);
  return selector === null
    ? null
    : {
        namespace: target.namespace,
        name: policyName(`${seenPod?.name ?? seenAs}-to-${target.name}`),
        podSelector: selector,
        policyTypes: ['Ingress'],
        ingress: [{ from: [from], ports }],
        egress: [],
      };
}

/** The fragment as the engine models a policy. */
export function policyModelOf(f: NetworkPolicyFragment): NetworkPolicyModel {
  return {
    namespace: f.namespace,
    name: f.name,
    podSelector: f.podSelector,
    policyTypes: [...f.policyTypes],
    ingress: f.ingress.map((r) => ({ peers: r.from, ports: r.ports })),
    egress: f.egress.map((r) => ({ peers: r.to, ports: r.ports })),
  };
}

const VARIANTS = new WeakMap<CompiledCluster, Map<string, CompiledCluster>>();
const VARIANTS_KEPT = 16;

/** `cc` with the fragment's policy added (a policy of that name replaced): only the policies are compiled again. */
export function policyVariant(cc: CompiledCluster, f: NetworkPolicyFragment): CompiledCluster {
  let byKey = VARIANTS.get(cc);
  if (byKey === undefined) VARIANTS.set(cc, (byKey = new Map()));
  const key = JSON.stringify(f);
  let variant = byKey.get(key);
  if (variant === undefined) {
    const model = {
      ...cc.model,
      networkPolicies: [
        ...(cc.model.networkPolicies ?? []).filter((p) => p.namespace !== f.namespace || p.name !== f.name),
        policyModelOf(f),
      ],
    };
    const added = policyModelOf(f);
    const policies =
      cc.policies === null
        ? compilePolicies(model, { enforced: cc.policyEnforcement.enforced })
        : withPolicy(cc.policies, added);
    variant = Object.freeze({ ...cc, model, policies });
    // The few latest only: every denied client may bring a fragment of its own.
    if (byKey.size >= VARIANTS_KEPT) byKey.delete(byKey.keys().next().value as string);
    byKey.set(key, variant);
  }
  return variant;
}
