import type {
  LabelSelectorModel,
  LabelSelectorOperator,
  NetworkPolicyPeerModel,
  NetworkPolicyPortModel,
  NetworkPolicyRuleModel,
  PolicyType,
  Protocol,
} from '../../engine';
import { DomainError, FieldIssue } from '../../common/domain-error';
import { cidrNetwork, parseMaskedCidr, type Cidr } from '../../common/net';
import { isDns1123Label } from '../../common/validators';
import { isPortName, isQualifiedName } from '../import/parse/field';

/**
 * The rules every write of a Namespace or a NetworkPolicy obeys, whichever way it comes (REST,
 * GraphQL, the import): kube-apiserver's validation and defaulting, each named after its upstream
 * function. Fields are named as the REST input names them (`ingress[0].from[1].ipBlock.except[0]`);
 * the import puts `spec.` in front (it reads the Kubernetes object). Every finding is collected, as
 * the API server collects them, and the write refused with all of them (400); nothing is stored.
 */

// ------------------------------------------------------------------------------- input shapes

export interface LabelSelectorRequirementDraft {
  readonly key?: unknown;
  readonly operator?: unknown;
  readonly values?: readonly unknown[] | null;
}
export interface LabelSelectorDraft {
  readonly matchLabels?: Readonly<Record<string, unknown>> | null;
  readonly matchExpressions?: readonly LabelSelectorRequirementDraft[] | null;
}
export interface IpBlockDraft {
  readonly cidr?: unknown;
  readonly except?: readonly unknown[] | null;
}
export interface PeerDraft {
  readonly podSelector?: LabelSelectorDraft | null;
  readonly namespaceSelector?: LabelSelectorDraft | null;
  readonly ipBlock?: IpBlockDraft | null;
}
export interface PortDraft {
  readonly protocol?: unknown;
  readonly port?: unknown;
  readonly endPort?: unknown;
}
export interface IngressRuleDraft {
  readonly from?: readonly PeerDraft[] | null;
  readonly ports?: readonly PortDraft[] | null;
}
export interface EgressRuleDraft {
  readonly to?: readonly PeerDraft[] | null;
  readonly ports?: readonly PortDraft[] | null;
}

/** A NetworkPolicy's spec as given (REST/GraphQL input, or an imported object's spec). */
export interface NetworkPolicySpecDraft {
  readonly podSelector?: LabelSelectorDraft | null;
  readonly policyTypes?: readonly unknown[] | null;
  readonly ingress?: readonly IngressRuleDraft[] | null;
  readonly egress?: readonly EgressRuleDraft[] | null;
}

/** The spec as stored and as the engine reads it: defaulted, CIDRs masked, from[]/to[] as peers. */
export interface NetworkPolicySpec {
  readonly podSelector: LabelSelectorModel;
  readonly policyTypes: PolicyType[];
  readonly ingress: NetworkPolicyRuleModel[];
  readonly egress: NetworkPolicyRuleModel[];
}

export interface Checked<T> {
  readonly value: T;
  readonly warnings: string[];
}

// ------------------------------------------------------------------------------- namespaces

/** The label kube-apiserver sets on every namespace (LabelMetadataName, KEP-2161). */
export const METADATA_NAME = 'kubernetes.io/metadata.name';

/**
 * A namespace's labels as the API server stores them: its name under kubernetes.io/metadata.name
 * (the namespace strategy's PrepareForCreate/Update set it). A different value given is refused.
 */
export function namespaceLabels(
  name: string,
  labels: Readonly<Record<string, string>> | null | undefined,
  prefix = '',
): Record<string, string> {
  const given = labels?.[METADATA_NAME];
  if (given !== undefined && given !== name) {
    const field = `${prefix}labels["${METADATA_NAME}"]`;
    throw DomainError.invalid(field, `must be the namespace's name "${name}" (the API server sets it), got "${given}"`);
  }
  return { ...(labels ?? {}), [METADATA_NAME]: name };
}

/** Namespaces are DNS-1123 labels (ValidateNamespaceName = NameIsDNSLabel). */
export function checkNamespaceName(field: string, name: string): void {
  if (!isDns1123Label(name))
    throw DomainError.invalid(
      field,
      `must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters), got "${name}"`,
    );
}

// ------------------------------------------------------------------------------- NetworkPolicy

const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
const OPERATORS: readonly LabelSelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const POLICY_TYPES: readonly PolicyType[] = ['Ingress', 'Egress'];
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const isLabelValue = (v: unknown): v is string => typeof v === 'string' && v.length <= 63 && LABEL_VALUE.test(v);
const show = (v: unknown) => JSON.stringify(v) ?? 'nothing';

/** Collects findings with their field paths; `fail()` throws them as one 400. */
class Findings {
  readonly issues: FieldIssue[] = [];
  readonly warnings: string[] = [];

  constructor(readonly prefix: string) {}

  add(field: string, message: string): void {
    this.issues.push({ field: `${this.prefix}${field}`, message });
  }

  warn(field: string, message: string): void {
    this.warnings.push(`${this.prefix}${field}: ${message}`);
  }

  fail(): void {
    if (this.issues.length === 0) return;
    throw new DomainError(
      'VALIDATION_FAILED',
      this.issues.map((i) => `${i.field}: ${i.message}`).join('; '),
      this.issues,
    );
  }
}

/**
 * metav1 ValidateLabelSelector (staging/.../apimachinery/pkg/apis/meta/v1/validation): each
 * matchExpressions entry by ValidateLabelSelectorRequirement (In/NotIn need values, Exists/
 * DoesNotExist forbid them, any other operator is invalid; the key is a qualified name; values are
 * label values, as AllowInvalidLabelValueInSelector is false on create), matchLabels by ValidateLabels.
 */
function labelSelector(draft: LabelSelectorDraft | null | undefined, at: string, f: Findings): LabelSelectorModel {
  const matchLabels: Record<string, string> = {};
  for (const [key, value] of Object.entries(draft?.matchLabels ?? {})) {
    if (!isQualifiedName(key))
      f.add(
        `${at}.matchLabels`,
        `${show(key)} is not a valid label key (a qualified name: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.')`,
      );
    else if (!isLabelValue(value))
      f.add(
        `${at}.matchLabels`,
        `${show(value)} is not a valid label value for ${key} (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)`,
      );
    else matchLabels[key] = value;
  }
  const matchExpressions = (draft?.matchExpressions ?? []).map((r, i) => {
    const path = `${at}.matchExpressions[${i}]`;
    const values = r.values ?? [];
    const operator = r.operator as LabelSelectorOperator;
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) f.add(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'");
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0)
        f.add(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    } else {
      f.add(`${path}.operator`, `${show(r.operator)} is not a valid selector operator (${OPERATORS.join(', ')})`);
    }
    if (typeof r.key !== 'string' || !isQualifiedName(r.key))
      f.add(`${path}.key`, `${show(r.key)} is not a valid label key (a qualified name)`);
    values.forEach((v, j) => {
      if (!isLabelValue(v)) f.add(`${path}.values[${j}]`, `${show(v)} is not a valid label value`);
    });
    return { key: String(r.key), operator, values: values.map(String) };
  });
  return { matchLabels, matchExpressions };
}

/**
 * A CIDR as IsValidCIDRForLegacyField takes it: parsed sloppily, so a CIDR with host bits set
 * (10.244.1.10/4) is accepted, and stored as its masked network with a warning (the API server
 * warns of non-canonical CIDRs: GetWarningsForCIDR). Null when it is no CIDR at all.
 */
function legacyCidr(text: unknown, at: string, f: Findings): Cidr | null {
  const cidr = typeof text === 'string' ? parseMaskedCidr(text) : null;
  if (cidr === null) {
    f.add(at, `${show(text)} is not a valid CIDR (such as 10.0.0.0/16 or fd00::/64)`);
    return null;
  }
  if (cidr.text !== text) f.warn(at, `"${String(text)}" is not in canonical form; stored as its network ${cidr.text}`);
  return cidr;
}

/**
 * ValidateIPBlock: cidr is required and a CIDR; each except entry a CIDR that is a strict subset of
 * cidr (cidr contains its network and its prefix is longer).
 */
function ipBlock(draft: IpBlockDraft, at: string, f: Findings): { cidr: string; except: string[] } {
  if (draft.cidr === undefined || draft.cidr === null || draft.cidr === '') {
    f.add(`${at}.cidr`, 'is required');
    return { cidr: '', except: [] };
  }
  const cidr = legacyCidr(draft.cidr, `${at}.cidr`, f);
  const except = (draft.except ?? []).map((text, i) => {
    const path = `${at}.except[${i}]`;
    const inner = legacyCidr(text, path, f);
    if (inner === null || cidr === null) return String(text);
    if (!cidr.contains(cidrNetwork(inner)) || cidr.bits >= inner.bits)
      f.add(path, `${show(text)} must be a strict subset of \`cidr\` ${cidr.text}`);
    return inner.text;
  });
  return { cidr: cidr?.text ?? String(draft.cidr), except };
}

/**
 * ValidateNetworkPolicyPeer: at least one of podSelector, namespaceSelector, ipBlock ("must specify
 * a peer"); ipBlock with either selector is forbidden. Both selectors together mean both must hold.
 */
function peer(draft: PeerDraft, at: string, f: Findings): NetworkPolicyPeerModel {
  const present = [draft.podSelector, draft.namespaceSelector, draft.ipBlock].filter(
    (x) => x !== undefined && x !== null,
  ).length;
  if (present === 0) f.add(at, 'must specify a peer (podSelector, namespaceSelector or ipBlock)');
  else if (present > 1 && draft.ipBlock) f.add(at, 'may not specify both ipBlock and another peer');
  return {
    podSelector: draft.podSelector ? labelSelector(draft.podSelector, `${at}.podSelector`, f) : null,
    namespaceSelector: draft.namespaceSelector
      ? labelSelector(draft.namespaceSelector, `${at}.namespaceSelector`, f)
      : null,
    ipBlock: draft.ipBlock ? ipBlock(draft.ipBlock, `${at}.ipBlock`, f) : null,
  };
}

const isPortNumber = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;

/**
 * ValidateNetworkPolicyPort, with SetDefaults_NetworkPolicy's protocol default (TCP): protocol TCP,
 * UDP or SCTP; a numeric port 1-65535, a named port an IANA_SVC_NAME; endPort only with a numeric
 * port, at least port and itself a port number.
 */
function port(draft: PortDraft, at: string, f: Findings): NetworkPolicyPortModel {
  const protocol = (draft.protocol ?? 'TCP') as Protocol;
  if (!PROTOCOLS.includes(protocol))
    f.add(`${at}.protocol`, `${show(draft.protocol)} is not supported (${PROTOCOLS.join(', ')})`);
  const value = draft.port ?? null;
  const endPort = draft.endPort ?? null;
  if (typeof value === 'number') {
    if (!isPortNumber(value)) f.add(`${at}.port`, `${value} must be between 1 and 65535, inclusive`);
    if (endPort !== null) {
      if (typeof endPort === 'number' && endPort < value)
        f.add(`${at}.endPort`, `${endPort} must be greater than or equal to \`port\` (${value})`);
      if (!isPortNumber(endPort)) f.add(`${at}.endPort`, `${show(endPort)} must be between 1 and 65535, inclusive`);
    }
  } else if (value !== null) {
    if (endPort !== null) f.add(`${at}.endPort`, 'may not be specified when `port` is non-numeric');
    if (typeof value !== 'string' || !isPortName(value))
      f.add(
        `${at}.port`,
        `${show(value)} must be a port number or a port name (IANA_SVC_NAME: at most 15 lower-case letters, digits and '-', with a letter, no '--')`,
      );
  } else if (endPort !== null) {
    f.add(`${at}.endPort`, 'may not be specified when `port` is not specified');
  }
  return { protocol, port: value as number | string | null, endPort: endPort as number | null };
}

/**
 * ValidateNetworkPolicySpec and SetDefaults_NetworkPolicy (pkg/apis/networking/validation,
 * pkg/apis/networking/v1/defaults.go): the spec as stored, and its warnings (non-canonical CIDRs).
 * policyTypes: at most two, each Ingress or Egress; when none is given, Ingress, plus Egress when
 * there are egress rules ("any policy that does not specify policyTypes implies at least Ingress").
 */
export function networkPolicySpec(draft: NetworkPolicySpecDraft, prefix = ''): Checked<NetworkPolicySpec> {
  const f = new Findings(prefix);
  const podSelector = labelSelector(draft.podSelector, 'podSelector', f);
  const ingress = (draft.ingress ?? []).map((r, i) => ({
    peers: (r.from ?? []).map((p, j) => peer(p, `ingress[${i}].from[${j}]`, f)),
    ports: (r.ports ?? []).map((p, j) => port(p, `ingress[${i}].ports[${j}]`, f)),
  }));
  const egress = (draft.egress ?? []).map((r, i) => ({
    peers: (r.to ?? []).map((p, j) => peer(p, `egress[${i}].to[${j}]`, f)),
    ports: (r.ports ?? []).map((p, j) => port(p, `egress[${i}].ports[${j}]`, f)),
  }));
  const given = draft.policyTypes ?? [];
  if (given.length > POLICY_TYPES.length) f.add('policyTypes', 'may not specify more than two policyTypes');
  else
    given.forEach((t, i) => {
      if (!POLICY_TYPES.includes(t as PolicyType))
        f.add(`policyTypes[${i}]`, `${show(t)} is not supported (Ingress, Egress)`);
    });
  f.fail();
  const policyTypes: PolicyType[] =
    given.length > 0 ? ([...given] as PolicyType[]) : egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  return { value: { podSelector, policyTypes, ingress, egress }, warnings: f.warnings };
}
