import { DomainError, ErrorCode } from '../../common/domain-error';
import { ImportError, KubectlSource, parseKubectl, parseKubectlSources, ParsedImport } from './parse';
import { readDocument } from './parse/documents';
import { isObject } from './parse/field';

export type ParserFormat = 'application/json' | 'application/yaml';

/** Kinds stored by name alone (the rest by namespace/name). */
const CLUSTER_SCOPED = new Set(['Node', 'KubeProxyConfiguration', 'Namespace']);

/**
 * `items[3].spec.ports[0].port`: the object's position in the document, then the path inside it;
 * with a source (one file of a multi-file import), `files["ns1/pods.json"].items[3].status.podIP`.
 */
export function itemField(index: number | null, field: string, source?: string): string {
  const join = (base: string, rest: string) =>
    !rest ? base : !base ? rest : rest.startsWith('[') ? `${base}${rest}` : `${base}.${rest}`;
  const file = source === undefined ? '' : `files[${JSON.stringify(source)}]`;
  if (index === null || index < 0) return join(file, field) || 'document';
  return join(join(file, `items[${index}]`), field);
}

function describe(at: Position, kind: string, name: string | null): string {
  const what = `${kind}${name && name !== '*' ? ` ${name}` : ''}`;
  const item = at.index < 0 ? what : `item ${at.index} (${what})`;
  return at.source === undefined ? item : `file ${JSON.stringify(at.source)}, ${item}`;
}

/** The parser's verdict on the sources (one document, or the files of a dump) as a 400 naming the file, item and field. */
export function parseOrFail(sources: readonly KubectlSource[]): ParsedImport {
  try {
    // One document without a name (a plain upload) is read as such: its errors name `items[N]`, not a file.
    return sources.length === 1 && !sources[0].name
      ? parseKubectl(sources[0].text, sources[0].format)
      : parseKubectlSources(sources);
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    throw new DomainError('VALIDATION_FAILED', error.message, [
      { field: itemField(error.item, error.field, error.source), message: error.detail },
    ]);
  }
}

/** Where an object sits: its position among the objects of its document (-1: not found), and the document's file in a dump. */
export interface Position {
  index: number;
  source?: string;
}

/**
 * Where each object sits in the documents. The parser's records carry no position, so it is found
 * again (lazily, once: only an error or a warning of the import itself needs it) by kind and name.
 */
export class DocumentIndex {
  private positions: Map<string, Position> | null = null;

  constructor(private readonly sources: readonly KubectlSource[]) {}

  locate(kind: string, name: string | null): Position {
    if (name === null) return { index: -1 };
    this.positions ??= this.read();
    return this.positions.get(`${kind} ${name}`) ?? { index: -1 };
  }

  private read(): Map<string, Position> {
    const out = new Map<string, Position>();
    for (const source of this.sources) this.readOne(source, out);
    return out;
  }

  private readOne(source: KubectlSource, out: Map<string, Position>): void {
    const at = (index: number): Position => (source.name ? { index, source: source.name } : { index });
    for (const obj of readDocument(source.text, source.format).objects) {
      if (!isObject(obj.value)) continue;
      const meta = isObject(obj.value.metadata) ? obj.value.metadata : {};
      const name = typeof meta.name === 'string' ? meta.name : '';
      const ns = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';
      if (
        obj.kind === 'KubeProxyConfiguration' ||
        (obj.kind === 'ConfigMap' && ns === 'kube-system' && name === 'kube-proxy')
      ) {
        out.set('KubeProxyConfiguration *', at(obj.index)); // the last one wins, as in the parser
      }
      if (!name) continue;
      const key = `${obj.kind} ${CLUSTER_SCOPED.has(obj.kind) ? name : `${ns}/${name}`}`;
      if (!out.has(key)) out.set(key, at(obj.index));
    }
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
    let at = doc.locate(this.kind, this.itemName);
    if (at.index < 0 && this.fallback) at = doc.locate(this.fallback.kind, this.fallback.name);
    const where = describe(at, this.kind, this.itemName);
    const message = `${where}: ${this.field ? `${this.field}: ` : ''}${this.detail}`;
    return new DomainError(
      this.code,
      message,
      [{ field: itemField(at.index, this.field, at.source), message: this.detail }],
      this.rule,
    );
  }
}

/**
 * Runs one object's write; a DomainError of the shared write path (which names DTO fields such as
 * `ports[0].nodePort`) becomes an ItemFailure naming the object and its Kubernetes field.
 */
export async function forItem<T>(
  kind: string,
  name: string,
  mapField: (field: string) => string,
  fn: () => Promise<T> | T,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw asItemFailure(error, kind, name, mapField);
  }
}

/** forItem for a synchronous write rule. */
export function forItemSync<T>(kind: string, name: string, mapField: (field: string) => string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw asItemFailure(error, kind, name, mapField);
  }
}

function asItemFailure(error: unknown, kind: string, name: string, mapField: (field: string) => string): unknown {
  if (!(error instanceof DomainError)) return error;
  const issue = error.issues[0];
  const field = issue ? mapField(issue.field) : '';
  return new ItemFailure(error.code, kind, name, field, issue ? issue.message : error.message, error.rule);
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
  type: 'spec.type',
  selector: 'spec.selector',
  ports: 'spec.ports',
  clusterIps: 'spec.clusterIPs',
  externalIps: 'spec.externalIPs',
  loadBalancerIngress: 'status.loadBalancer.ingress',
  loadBalancerSourceRanges: 'spec.loadBalancerSourceRanges',
  loadBalancerHostnames: 'status.loadBalancer.ingress[].hostname',
  loadBalancerTarget: 'spec.loadBalancerTarget',
  externalTrafficPolicy: 'spec.externalTrafficPolicy',
  internalTrafficPolicy: 'spec.internalTrafficPolicy',
  healthCheckNodePort: 'spec.healthCheckNodePort',
  sessionAffinity: 'spec.sessionAffinity',
  sessionAffinityTimeoutSeconds: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
  trafficDistribution: 'spec.trafficDistribution',
  labels: 'metadata.labels',
  annotations: 'metadata.annotations',
});
export const NODE_FIELDS = fieldMapper({
  internalIps: 'status.addresses!',
  externalIp: 'status.addresses!',
  podCidrs: 'spec.podCIDRs',
  labels: 'metadata.labels',
});
export const POD_FIELDS = fieldMapper({
  ips: 'status.podIPs',
  nodeName: 'spec.nodeName',
  containerPorts: 'spec.containers!',
  labels: 'metadata.labels',
});
