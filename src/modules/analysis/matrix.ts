import { CompiledCluster, ClusterModel, ReachabilityClient, reachability, AddressResult, Via } from '../../engine';

export interface MatrixClient { readonly kind: 'NODE' | 'POD' | 'EXTERNAL'; readonly name: string; readonly node: string | null }
export interface MatrixCell { readonly verdict: string; readonly sourceIpPreserved: boolean | null }
export interface MatrixRow { readonly client: MatrixClient; readonly cells: readonly MatrixCell[] }

const NOT_APPLICABLE: MatrixCell = { verdict: 'NOT_APPLICABLE', sourceIpPreserved: null };
export interface Matrix { readonly service: string; readonly addresses: readonly Via[]; readonly rows: readonly MatrixRow[]; readonly ignoredBy: string | null }

/** Above this many cells a matrix is refused: ask reachability for the clients you care about. */
export const MAX_CELLS = 200_000;

/**
 * The client locations of a cluster: each node's host network, one pod on each node (the first by
 * namespace/name that has an IP and is not hostNetwork), and an outside client on the internet and
 * on the VPC network.
 */
export function clientLocations(model: ClusterModel): { client: MatrixClient; request: ReachabilityClient }[] {
  const out: { client: MatrixClient; request: ReachabilityClient }[] = [];
  const pods = [...model.pods].filter((p) => !p.hostNetwork && p.nodeName && p.ips.length > 0 && p.phase === 'Running')
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  for (const node of [...model.nodes].sort((a, b) => a.name.localeCompare(b.name))) {
    out.push({ client: { kind: 'NODE', name: node.name, node: node.name }, request: { node: node.name } });
    const pod = pods.find((p) => p.nodeName === node.name);
    if (pod) {
      const name = `${pod.namespace}/${pod.name}`;
      out.push({ client: { kind: 'POD', name, node: node.name }, request: { pod: name } });
    }
  }
  for (const network of ['PUBLIC', 'PRIVATE'] as const) {
    out.push({ client: { kind: 'EXTERNAL', name: network, node: null }, request: { external: { network } } });
  }
  return out;
}

const viaKey = (v: Via) => `${v.kind} ${v.address}:${v.port}/${v.protocol} ${v.node ?? ''} ${v.network ?? ''}`;

const memo = new WeakMap<CompiledCluster, Map<string, Matrix>>();

/** Every client location × every way of addressing one Service; memoised per compiled model. */
export function serviceMatrix(compiled: CompiledCluster, model: ClusterModel, service: string): Matrix {
  let perModel = memo.get(compiled);
  if (!perModel) memo.set(compiled, (perModel = new Map()));
  const known = perModel.get(service);
  if (known) return known;
  const answers = clientLocations(model).map(({ client, request }) => ({ client, answer: reachability(compiled, { client: request, service }) }));
  const addresses = new Map<string, Via>();
  for (const { answer } of answers) for (const r of answer.results) if (!addresses.has(viaKey(r.via))) addresses.set(viaKey(r.via), r.via);
  if (answers.length * addresses.size > MAX_CELLS) throw new RangeError(`${answers.length} clients × ${addresses.size} addresses`);
  const keys = [...addresses.keys()];
  const rows = answers.map(({ client, answer }) => {
    const byKey = new Map<string, AddressResult>(answer.results.map((r) => [viaKey(r.via), r]));
    return { client, cells: keys.map((k) => { const r = byKey.get(k); return r ? { verdict: r.verdict, sourceIpPreserved: r.sourceIp.preserved } : NOT_APPLICABLE; }) };
  });
  const matrix = { service, addresses: [...addresses.values()], rows, ignoredBy: answers[0]?.answer.ignoredBy?.id ?? null };
  perModel.set(service, matrix);
  return matrix;
}
