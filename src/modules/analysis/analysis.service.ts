import { Injectable } from '@nestjs/common';
import {
  CompiledCluster,
  ReachabilityAnswer,
  ReachabilityClient,
  ReachabilityResult,
  RULES,
  Rule,
  RuleId,
  Summary,
  trace,
  TraceResult,
  TraceSource,
  reachability,
  reachabilityAnswer,
  reachabilityToTarget,
  traceSummary,
} from '../../engine';
import { DomainError } from '../../common/domain-error';
import { CompiledTopology, ModelCache } from './model-cache';
import { engineCall } from './engine-errors';
import { ClientInput, ReachabilityInput, TraceInput } from './analysis.dto';
import { IpOwners, ipOwners } from './ip-owners';
import { Matrix, serviceMatrix } from './matrix';
import { applyChange } from './what-if';
import { WhatIfInput } from './what-if.dto';
import { Difference, reachabilityDifferences, traceDifferences } from './differences';
import { decodeCursor, encodeCursor } from '../topology/paging';
import { AnswerArgs } from './answer.args';
import { Metrics } from '../metrics/metrics';

/** A group as sent: with a cursor for the rest of its addresses when it shows only some. */
export type GroupReply = ReachabilityAnswer['groups'][number] & { cursor: string | null };

/** A reachability answer as sent: offsets become opaque cursors. */
export type ReachabilityReply = Omit<ReachabilityAnswer, 'nextOffset' | 'unknownGroup' | 'groups'> & {
  groups: GroupReply[];
  nextCursor: string | null;
};

export interface Answer {
  reachability?: ReachabilityReply;
  trace?: TraceAnswer;
}
export interface WhatIf {
  before: Answer;
  after: Answer;
  differences: Difference[];
}

export type TraceAnswer = Omit<TraceResult, 'rules'> & { rules: Rule[]; summary: Summary };

const MAX_LIMIT = 10_000;

/** A page of FULL results: of one group (its id) or of all (''), from an offset. */
const cursorOf = (group: string, offset: number): string => encodeCursor([group, String(offset)]);

function pageOf(args: AnswerArgs): { group: string | undefined; offset: number } {
  if (args.cursor === undefined) return { group: args.group, offset: 0 };
  const [group, text] = decodeCursor(args.cursor, 2) as string[];
  const offset = Number(text);
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw DomainError.invalid('cursor', 'is not a cursor this API returned');
  if (args.group !== undefined && args.group !== group)
    throw DomainError.invalid('group', `the cursor pages group ${group || '(all results)'}, not ${args.group}`);
  return { group: group === '' ? undefined : group, offset };
}

/**
 * The reply for a reachability result: compact by default; FULL pages every result, or one
 * group's (group, or a group's cursor), with limit and cursor.
 */
export function replyOf(result: ReachabilityResult, args: AnswerArgs = {}): ReachabilityReply {
  if (args.limit !== undefined && (args.limit < 1 || args.limit > MAX_LIMIT))
    throw DomainError.invalid('limit', `must be between 1 and ${MAX_LIMIT}`);
  const { group, offset } = pageOf(args);
  // A group's addresses are paged in FULL detail, whatever detail says.
  const detail = group !== undefined ? 'FULL' : (args.detail ?? 'COMPACT');
  const answer = reachabilityAnswer(result, { detail, offset, limit: args.limit, group });
  if (answer.unknownGroup)
    throw new DomainError('UNPROCESSABLE', `group: ${group} is not a group of this answer`, [
      { field: 'group', message: `${group} is not a group of this answer (ids are g1, g2, …)` },
    ]);
  // The answer's fields in its own order, without the paging ones, then groups and nextCursor:
  // written out rather than copied with a rest pattern, which is slow on every computed answer.
  const { service, summary, sessionAffinity, results, rules, ignoredBy, affinity, groups, nextOffset } = answer;
  const reply: Omit<ReachabilityReply, 'groups' | 'nextCursor'> =
    affinity === undefined
      ? { service, detail: answer.detail, summary, sessionAffinity, results, rules, ignoredBy }
      : { service, detail: answer.detail, summary, sessionAffinity, results, rules, ignoredBy, affinity };
  return {
    ...reply,
    groups: groups.map((g) => ({
      ...g,
      cursor: g.count > g.addresses.length ? cursorOf(g.id, g.addresses.length) : null,
    })),
    nextCursor: nextOffset === null ? null : cursorOf(group ?? '', nextOffset),
  };
}

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
  if ([pod, node].filter(Boolean).length > 1 || (pod && ip))
    throw DomainError.invalid('source', 'give a pod, a node (optionally with ip), or an ip');
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
  /** The compiled topology each answer came from (AnswerMemo files answers under its version). */
  private readonly sources = new WeakMap<object, CompiledTopology>();

  constructor(
    private readonly cache: ModelCache,
    private readonly metrics: Metrics,
  ) {}

  /** The topology `answer` (a result of this service) was computed from, if it is one. */
  topologyOf(answer: object): CompiledTopology | undefined {
    return this.sources.get(answer);
  }

  private from<T extends object>(topology: CompiledTopology, answer: T): T {
    this.sources.set(answer, topology);
    return answer;
  }

  // Each analysis is timed here, the one place REST and GraphQL share (svcpath_analysis_duration_seconds).
  reachability(
    tenantId: string,
    clusterId: string,
    input: ReachabilityInput,
    args: AnswerArgs = {},
  ): Promise<ReachabilityReply> {
    return this.metrics.analysis('reachability', async () => {
      const topology = await this.cache.get(tenantId, clusterId);
      return this.from(topology, replyOf(await runReachability(topology.compiled, input), args));
    });
  }

  trace(tenantId: string, clusterId: string, input: TraceInput): Promise<TraceAnswer> {
    return this.metrics.analysis('trace', async () => {
      const topology = await this.cache.get(tenantId, clusterId);
      return this.from(topology, await runTrace(topology.compiled, input, ipOwners(topology.compiled)));
    });
  }

  matrix(tenantId: string, clusterId: string, namespace: string, name: string): Promise<Matrix> {
    return this.metrics.analysis('matrix', async () => {
      const topology = await this.cache.get(tenantId, clusterId);
      const service = `${namespace}/${name}`;
      if (!topology.compiled.serviceByKey.has(service)) throw DomainError.notFound(`Service ${service}`);
      return this.from(topology, serviceMatrix(topology.compiled, service));
    });
  }

  namespaceMatrix(
    tenantId: string,
    clusterId: string,
    namespace: string,
  ): Promise<{ namespace: string; services: Matrix[] }> {
    return this.metrics.analysis('namespace_matrix', async () => {
      const topology = await this.cache.get(tenantId, clusterId);
      const names = topology.model.services
        .filter((s) => s.namespace === namespace)
        .map((s) => s.name)
        .sort();
      return this.from(topology, {
        namespace,
        services: names.map((name) => serviceMatrix(topology.compiled, `${namespace}/${name}`)),
      });
    });
  }

  /** The same question against the cluster with the change applied in memory; nothing is written. */
  whatIf(tenantId: string, clusterId: string, input: WhatIfInput): Promise<WhatIf> {
    return this.metrics.analysis('what_if', () => this.whatIfUntimed(tenantId, clusterId, input));
  }

  private async whatIfUntimed(tenantId: string, clusterId: string, input: WhatIfInput): Promise<WhatIf> {
    if ((input.reachability ? 1 : 0) + (input.trace ? 1 : 0) !== 1)
      throw DomainError.invalid('reachability', 'ask exactly one question: reachability or trace');
    const base = await this.cache.get(tenantId, clusterId);
    const variant = this.cache.compileVariant(base, applyChange(base.model, base.cluster, input.change));
    if (input.reachability) {
      const before = await runReachability(base.compiled, input.reachability);
      const after = await runReachability(variant.compiled, input.reachability);
      return {
        before: { reachability: replyOf(before) },
        after: { reachability: replyOf(after) },
        differences: reachabilityDifferences(before, after),
      };
    }
    const before = await runTrace(base.compiled, input.trace!, ipOwners(base.compiled));
    const after = await runTrace(variant.compiled, input.trace!, ipOwners(variant.compiled));
    return { before: { trace: before }, after: { trace: after }, differences: traceDifferences(before, after) };
  }
}

/** The question's target: a Service, or a pod or an address (with port); the request's checks beyond its fields' own. */
function targetOf(
  input: ReachabilityInput,
): { service: string } | { pod: string; port: number } | { ip: string; port: number } {
  const given = (['service', 'pod', 'ip'] as const).filter((k) => input[k] !== undefined && input[k] !== null);
  if (given.length !== 1)
    throw DomainError.invalid(
      given[1] ?? 'service',
      given.length === 0 ? 'give the target: service, pod or ip' : `give one target: ${given.join(' and ')} were given`,
    );
  if (input.service !== undefined && input.service !== null) {
    if (input.protocol !== undefined && input.protocol !== null)
      throw DomainError.invalid('protocol', "protocol is for pod and ip targets (a Service's ports carry their own)");
    return { service: input.service };
  }
  if (input.port === undefined || input.port === null)
    throw DomainError.invalid('port', `port is required with ${given[0]}`);
  return input.pod !== undefined && input.pod !== null
    ? { pod: input.pod, port: input.port }
    : { ip: input.ip as string, port: input.port };
}

export function runReachability(compiled: CompiledCluster, input: ReachabilityInput): Promise<ReachabilityResult> {
  const client = clientOf(input.client);
  const target = targetOf(input);
  const fields = {
    UNKNOWN_POD: 'client.pod',
    POD_NOT_SCHEDULED: 'client.pod',
    UNKNOWN_NODE: 'client.node',
    INVALID_IP: 'client.external.ip',
    UNKNOWN_SERVICE: 'service',
    NO_SOURCE_ADDRESS: 'client',
    UNKNOWN_TARGET_POD: 'pod',
    TARGET_NOT_ADDRESSABLE: 'pod' in target ? 'pod' : 'ip',
  } as const;
  if ('service' in target)
    return engineCall(fields, () =>
      reachability(compiled, { client, service: target.service, ...(input.port ? { port: input.port } : {}) }),
    );
  return engineCall(fields, () =>
    reachabilityToTarget(compiled, { client, ...target, protocol: input.protocol ?? 'TCP' }),
  );
}

export async function runTrace(compiled: CompiledCluster, input: TraceInput, owners: IpOwners): Promise<TraceAnswer> {
  const source = traceSourceOf(input, owners);
  const result = await engineCall(
    {
      UNKNOWN_POD: 'source.pod',
      POD_NOT_SCHEDULED: 'source.pod',
      UNKNOWN_NODE: input.node ? 'node' : 'source.node',
      NO_SOURCE_ADDRESS: 'source',
      INVALID_IP: 'destination.ip',
      PROCESSING_NODE_REQUIRED: 'node',
    },
    () =>
      trace(compiled, {
        source,
        destination: {
          ip: input.destination.ip,
          port: input.destination.port,
          protocol: input.destination.protocol ?? 'TCP',
        },
        ...(input.node ? { node: input.node } : {}),
      }),
  );
  return { ...result, rules: result.rules.map(ruleOf), summary: traceSummary(result) };
}
