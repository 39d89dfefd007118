import { DomainError, ErrorCode } from '../../common/domain-error';
import { ImportError, parseKubectl, ParsedImport } from './parse';
import { readDocument } from './parse/documents';
import { isObject } from './parse/field';

export type ParserFormat = 'application/json' | 'application/yaml';

/** Kinds stored by name alone (the rest by namespace/name). */
const CLUSTER_SCOPED = new Set(['Node', 'KubeProxyConfiguration']);

/** `items[3].spec.ports[0].port`: the object's position in the document, then the path inside it. */
export function itemField(index: number | null, field: string): string {
  if (index === null || index < 0) return field || 'document';
  if (!field) return `items[${index}]`;
  return field.startsWith('[') ? `items[${index}]${field}` : `items[${index}].${field}`;
}

function describe(index: number | null, kind: string, name: string | null): string {
  const what = `${kind}${name && name !== '*' ? ` ${name}` : ''}`;
  return index === null || index < 0 ? what : `item ${index} (${what})`;
}

/** The parser's verdict on the document as a 400 naming the item and field. */
export function parseOrFail(text: string, format: ParserFormat): ParsedImport {
  try {
    return parseKubectl(text, format);
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    return failImport(error);
  }
}

function failImport(error: ImportError): never {
  throw new DomainError('VALIDATION_FAILED', error.message, [{ field: itemField(error.item, error.field), message: error.detail }]);
}

/**
 * Where each object sits in the document. The parser's records carry no position, so it is found
 * again (lazily, once: only an error or a warning of the import itself needs it) by kind and name.
 */
export class DocumentIndex {
  private positions: Map<string, number> | null = null;

  constructor(private readonly text: string, private readonly format: ParserFormat) {}

  indexOf(kind: string, name: string | null): number {
    if (name === null) return -1;
    this.positions ??= this.read();
    return this.positions.get(`${kind} ${name}`) ?? -1;
  }

  private read(): Map<string, number> {
    const out = new Map<string, number>();
    for (const obj of readDocument(this.text, this.format).objects) {
      if (!isObject(obj.value)) continue;
      const meta = isObject(obj.value.metadata) ? obj.value.metadata : {};
      const name = typeof meta.name === 'string' ? meta.name : '';
      const ns = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';
      if (obj.kind === 'KubeProxyConfiguration' || (obj.kind === 'ConfigMap' && ns === 'kube-system' && name === 'kube-proxy')) {
        out.set('KubeProxyConfiguration *', obj.index); // the last one wins, as in the parser
      }
      if (!name) continue;
      const key = `${obj.kind} ${CLUSTER_SCOPED.has(obj.kind) ? name : `${ns}/${name}`}`;
      if (!out.has(key)) out.set(key, obj.index);
    }
    return out;
  }
}

/**
 * A stored object the document describes cannot be written: thrown inside the transaction (which
 * rolls back), turned into a DomainError naming the item once outside it.
 */
export class ItemFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly kind: string,
    readonly itemName: string | null,
    /** The path inside the object, Kubernetes-style (`spec.ports[0].nodePort`). */
    readonly field: string,
    readonly detail: string,
    readonly rule?: string,
    /** For objects derived from another one (EndpointSlices converted from Endpoints): where to look instead. */
    readonly fallback?: { kind: string; name: string },
  ) {
    super(detail);
  }

  toDomainError(doc: DocumentIndex): DomainError {
    let index = doc.indexOf(this.kind, this.itemName);
    if (index < 0 && this.fallback) index = doc.indexOf(this.fallback.kind, this.fallback.name);
    const where = describe(index, this.kind, this.itemName);
    const message = `${where}: ${this.field ? `${this.field}: ` : ''}${this.detail}`;
    return new DomainError(this.code, message, [{ field: itemField(index, this.field), message: this.detail }], this.rule);
  }
}

/**
 * Runs one object's write; a DomainError of the shared write path (which names DTO fields such as
 * `ports[0].nodePort`) becomes an ItemFailure naming the object and its Kubernetes field.
 */
export async function forItem<T>(kind: string, name: string, mapField: (field: string) => string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const issue = error.issues[0];
    const field = issue ? mapField(issue.field) : '';
    throw new ItemFailure(error.code, kind, name, field, issue ? issue.message : error.message, error.rule);
  }
}

/** `ports[0].nodePort` → `spec.ports[0].nodePort`, by the leading name. */
export function fieldMapper(map: Record<string, string>): (field: string) => string {
  return (field) => {
    const match = /^([A-Za-z]+)(.*)$/.exec(field);
    if (!match || !(match[1] in map)) return field;
    const target = map[match[1]];
    // A target ending in '!' drops the rest (the DTO's positions do not match the object's).
    return target.endsWith('!') ? target.slice(0, -1) : `${target}${match[2]}`;
  };
}

export const SERVICE_FIELDS = fieldMapper({
  type: 'spec.type', selector: 'spec.selector', ports: 'spec.ports', clusterIps: 'spec.clusterIPs', externalIps: 'spec.externalIPs',
  loadBalancerIngress: 'status.loadBalancer.ingress', loadBalancerSourceRanges: 'spec.loadBalancerSourceRanges',
  externalTrafficPolicy: 'spec.externalTrafficPolicy', internalTrafficPolicy: 'spec.internalTrafficPolicy',
  healthCheckNodePort: 'spec.healthCheckNodePort', labels: 'metadata.labels', annotations: 'metadata.annotations',
});
export const NODE_FIELDS = fieldMapper({ internalIps: 'status.addresses!', externalIp: 'status.addresses!', podCidrs: 'spec.podCIDRs', labels: 'metadata.labels' });
export const POD_FIELDS = fieldMapper({ ips: 'status.podIPs', nodeName: 'spec.nodeName', containerPorts: 'spec.containers!', labels: 'metadata.labels' });
