import { Injectable } from '@nestjs/common';
import {
  CompiledCluster, ReachabilityClient, ReachabilityResult, RULES, Rule, RuleId, trace, TraceResult, TraceSource, reachability,
} from '../../engine';
import { DomainError } from '../../common/domain-error';
import { ModelCache } from './model-cache';
import { engineCall } from './engine-errors';
import { ClientInput, ReachabilityInput, TraceInput } from './analysis.dto';
import { IpOwners, ipOwners } from './ip-owners';

export type TraceAnswer = Omit<TraceResult, 'rules'> & { rules: Rule[] };

function clientOf(input: ClientInput, field = 'client'): ReachabilityClient {
  const given = [input.pod, input.node, input.external].filter((v) => v !== undefined && v !== null);
  if (given.length !== 1) throw DomainError.invalid(field, 'give exactly one of pod, node, external');
  if (input.pod) return { pod: input.pod };
  if (input.node) return { node: input.node };
  return { external: { network: input.external!.network, ...(input.external!.ip ? { ip: input.external!.ip } : {}) } };
}

/** A bare source IP is the pod or node that owns it, else an outside client. */
function traceSourceOf(input: TraceInput, owners: IpOwners): TraceSource {
  const { pod, node, ip } = input.source;
  if ([pod, node].filter(Boolean).length > 1 || (pod && ip)) throw DomainError.invalid('source', 'give a pod, a node (optionally with ip), or an ip');
  if (pod) return { pod };
  if (node) return ip ? { node, ip } : { node };
  if (!ip) throw DomainError.invalid('source', 'give a pod, a node (optionally with ip), or an ip');
  const owner = owners.get(ip);
  if (owner?.kind === 'pod') return { pod: owner.name };
  if (owner?.kind === 'node') return { node: owner.name, ip };
  return { external: { ip } };
}

export function ruleOf(id: RuleId): Rule {
  return RULES[id];
}

/** The analyses on stored topologies: one compiled model per cluster (ModelCache), pure engine calls. */
@Injectable()
export class AnalysisService {
  constructor(private readonly cache: ModelCache) {}

  async reachability(tenantId: string, clusterId: string, input: ReachabilityInput): Promise<ReachabilityResult> {
    const { compiled } = await this.cache.get(tenantId, clusterId);
    return runReachability(compiled, input);
  }

  async trace(tenantId: string, clusterId: string, input: TraceInput): Promise<TraceAnswer> {
    const topology = await this.cache.get(tenantId, clusterId);
    return runTrace(topology.compiled, input, ipOwners(topology.model));
  }
}

export function runReachability(compiled: CompiledCluster, input: ReachabilityInput): Promise<ReachabilityResult> {
  const client = clientOf(input.client);
  return engineCall({ UNKNOWN_POD: 'client.pod', POD_NOT_SCHEDULED: 'client.pod', UNKNOWN_NODE: 'client.node', INVALID_IP: 'client.external.ip', UNKNOWN_SERVICE: 'service', NO_SOURCE_ADDRESS: 'client' },
    () => reachability(compiled, { client, service: input.service, ...(input.port ? { port: input.port } : {}) }));
}

export async function runTrace(compiled: CompiledCluster, input: TraceInput, owners: IpOwners): Promise<TraceAnswer> {
  const source = traceSourceOf(input, owners);
  const result = await engineCall({
    UNKNOWN_POD: 'source.pod', POD_NOT_SCHEDULED: 'source.pod', UNKNOWN_NODE: input.node ? 'node' : 'source.node',
    NO_SOURCE_ADDRESS: 'source', INVALID_IP: 'destination.ip', PROCESSING_NODE_REQUIRED: 'node',
  }, () => trace(compiled, {
    source, destination: { ip: input.destination.ip, port: input.destination.port, protocol: input.destination.protocol ?? 'TCP' },
    ...(input.node ? { node: input.node } : {}),
  }));
  return { ...result, rules: result.rules.map(ruleOf) };
}
