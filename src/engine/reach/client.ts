// Who is asking: a pod, a node's host network, or an outside client on the public internet or
// the private VPC network.
import type { CompiledCluster } from '../compiled';
import { EngineInputError } from '../errors';
import { isPrivateIp, parseIp, type IpFamily, type ParsedIp } from '../ip';
import type { TraceSource } from '../packet';

export type ReachabilityClient =
  | { readonly pod: string }
  | { readonly node: string }
  | { readonly external: { readonly network: 'PUBLIC' | 'PRIVATE'; readonly ip?: string } };

export interface ClientInfo {
  readonly kind: 'POD' | 'NODE' | 'EXTERNAL';
  /** Node the client runs on, -1 outside the cluster. */
  readonly node: number;
  readonly network: 'PUBLIC' | 'PRIVATE' | null;
  /** False when an outside client gave no IP and a representative address stands in. */
  readonly ipKnown: boolean;
  readonly ips: { readonly 4: ParsedIp | null; readonly 6: ParsedIp | null };
  /** The trace() source that replays this client's packets. */
  source(family: IpFamily): TraceSource;
  /** This client as seen by nodes a load balancer delivers its traffic to: on no node (kept). */
  outside(): ClientInfo;
}

type Ips = { readonly 4: ParsedIp | null; readonly 6: ParsedIp | null };

/** A client; a class, so that its methods are not made per request. */
class Client implements ClientInfo {
  readonly kind: ClientInfo['kind'];
  readonly node: number;
  readonly network: ClientInfo['network'];
  readonly ipKnown: boolean;
  readonly ips: Ips;
  /** The pod key or node name of an in-cluster client. */
  readonly #name: string;
  #outside: Client | null = null;

  constructor(
    kind: ClientInfo['kind'],
    node: number,
    network: ClientInfo['network'],
    ipKnown: boolean,
    ips: Ips,
    name: string,
  ) {
    this.kind = kind;
    this.node = node;
    this.network = network;
    this.ipKnown = ipKnown;
    this.ips = ips;
    this.#name = name;
  }

  source(family: IpFamily): TraceSource {
    if (this.kind === 'POD') return { pod: this.#name };
    if (this.kind === 'NODE') return { node: this.#name };
    return { external: { ip: this.ips[family]?.text ?? '' } };
  }

  outside(): ClientInfo {
    if (this.node < 0) return this;
    return (this.#outside ??= new Client(this.kind, -1, this.network, this.ipKnown, this.ips, this.#name));
  }
}

function byFamily(ips: readonly string[]): { 4: ParsedIp | null; 6: ParsedIp | null } {
  const out: { 4: ParsedIp | null; 6: ParsedIp | null } = { 4: null, 6: null };
  for (const raw of ips) {
    const ip = parseIp(raw);
    if (ip !== null && out[ip.family] === null) out[ip.family] = ip;
  }
  return out;
}

/** A stand-in address on the client's network that nothing in the cluster owns or classifies as a pod. */
function representative(cc: CompiledCluster, network: 'PUBLIC' | 'PRIVATE', family: IpFamily): ParsedIp | null {
  const candidates =
    network === 'PUBLIC'
      ? family === 4
        ? ['198.51.100.10', '203.0.113.250']
        : ['2001:db8:ffff::10', '2001:db8:fffe::10']
      : family === 4
        ? ['172.31.255.254', '192.168.255.254', '100.64.255.254', '10.255.255.254']
        : ['fd99:ffff::1', 'fd98:ffff::1'];
  for (const c of candidates) {
    const ip = parseIp(c);
    if (ip !== null && !cc.clusterCidrs.contains(ip) && !cc.serviceCidrs.contains(ip) && !cc.ipOwner.has(ip.text))
      return ip;
  }
  return null;
}

/**
 * Outside clients that gave no IP, per cluster and network: the same for every answer (and
 * immutable). Per CompiledCluster, not per nodes array: the stand-in must be an address no pod
 * owns (ipOwner), and pod writes change that; it costs a few parses to find again.
 */
const STAND_INS = new WeakMap<CompiledCluster, { PUBLIC?: Client; PRIVATE?: Client }>();

function externalClient(cc: CompiledCluster, network: 'PUBLIC' | 'PRIVATE', ip: string | undefined): ClientInfo {
  if (ip === undefined) {
    let byNetwork = STAND_INS.get(cc);
    if (byNetwork === undefined) STAND_INS.set(cc, (byNetwork = {}));
    return (byNetwork[network] ??= new Client(
      'EXTERNAL',
      -1,
      network,
      false,
      { 4: representative(cc, network, 4), 6: representative(cc, network, 6) },
      '',
    ));
  }
  const given = parseIp(ip);
  if (given === null) throw new EngineInputError('INVALID_IP', `client IP ${JSON.stringify(ip)} is not an IP address`);
  if (isPrivateIp(given) !== (network === 'PRIVATE')) {
    throw new EngineInputError('INVALID_IP', `client IP ${given.text} is not on the ${network} network`);
  }
  return new Client(
    'EXTERNAL',
    -1,
    network,
    true,
    { 4: given.family === 4 ? given : null, 6: given.family === 6 ? given : null },
    '',
  );
}

export function resolveClient(cc: CompiledCluster, client: ReachabilityClient): ClientInfo {
  if ('pod' in client) {
    const i = cc.podByKey.get(client.pod);
    if (i === undefined)
      throw new EngineInputError('UNKNOWN_POD', `pod ${client.pod} is not in cluster ${cc.model.name}`);
    const pod = cc.pods.get(i);
    if (pod.nodeIndex < 0) throw new EngineInputError('POD_NOT_SCHEDULED', `pod ${pod.key} is not on a node`);
    return new Client('POD', pod.nodeIndex, null, true, byFamily(pod.ips), pod.key);
  }
  if ('node' in client) {
    const n = cc.nodeByName.get(client.node);
    if (n === undefined)
      throw new EngineInputError('UNKNOWN_NODE', `node ${client.node} is not in cluster ${cc.model.name}`);
    const node = cc.nodes[n];
    return new Client('NODE', n, null, true, byFamily(node.internalIps), node.name);
  }
  return externalClient(cc, client.external.network, client.external.ip);
}
