import type {
  LabelSelectorDraft,
  NetworkPolicySpecDraft,
  PeerDraft,
  PortDraft,
} from '../../network-policies/network-policy-rules';
import { Field } from './field';
import { NamespaceRecord, NetworkPolicyRecord } from './types';

/**
 * Namespace (v1) and NetworkPolicy (networking.k8s.io/v1) objects. Only their shape is read here
 * (objects, lists, strings); every Kubernetes rule is network-policies/network-policy-rules.ts's,
 * run by the import as by the API, so a rule has one home.
 */

export function readNamespace(o: Field): NamespaceRecord {
  const meta = o.at('metadata');
  const name = meta.at('name').dnsLabel();
  const ns = meta.at('namespace');
  if (typeof ns.value === 'string' && ns.value !== '')
    o.ctx.warn(`metadata.namespace "${ns.value}" ignored: a Namespace is cluster-scoped`);
  return { name, labels: meta.at('labels').labels() };
}

function selector(f: Field): LabelSelectorDraft | null {
  if (!f.object()) return null;
  const labels = f.at('matchLabels');
  return {
    matchLabels: labels.object() ? Object.fromEntries(labels.keys().map((k) => [k, labels.at(k).value])) : {},
    matchExpressions: f
      .at('matchExpressions')
      .list()
      .map(
        (e) => (
          e.object(),
          {
            key: e.at('key').value,
            operator: e.at('operator').value,
            values: e
              .at('values')
              .list()
              .map((v) => v.value),
          }
        ),
      ),
  };
}

function peer(f: Field): PeerDraft {
  f.object();
  const block = f.at('ipBlock');
  return {
    podSelector: selector(f.at('podSelector')),
    namespaceSelector: selector(f.at('namespaceSelector')),
    ipBlock: block.object()
      ? {
          cidr: block.at('cidr').value ?? null,
          except: block
            .at('except')
            .list()
            .map((e) => e.value),
        }
      : null,
  };
}

function port(f: Field): PortDraft {
  f.object();
  return {
    protocol: f.at('protocol').value ?? null,
    port: f.at('port').value ?? null,
    endPort: f.at('endPort').value ?? null,
  };
}

export function readNetworkPolicy(o: Field, namespace: string): NetworkPolicyRecord {
  const name = o.get('metadata', 'name').dnsSubdomain();
  const spec = o.at('spec');
  spec.object();
  const draft: NetworkPolicySpecDraft = {
    podSelector: selector(spec.at('podSelector')),
    policyTypes: spec
      .at('policyTypes')
      .list()
      .map((t) => t.value),
    ingress: spec
      .at('ingress')
      .list()
      .map((r) => (r.object(), { from: r.at('from').list().map(peer), ports: r.at('ports').list().map(port) })),
    egress: spec
      .at('egress')
      .list()
      .map((r) => (r.object(), { to: r.at('to').list().map(peer), ports: r.at('ports').list().map(port) })),
  };
  return { namespace, name, spec: draft };
}
