import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { checkIfMatch, IfMatch } from '../../common/etag';
import { createOnce, Created, IdempotencyKey } from '../../common/idempotency';
import { Pod } from '../../generated/prisma/client';
import { PrismaService, TenantTx } from '../../prisma/prisma.service';
import { changesNothing, holdCluster } from '../clusters/cluster-writes';
import { ClusterRow, ClusterStore } from '../topology/cluster-store';
import { stillUnknown } from '../topology/canonical';
import { podChange } from '../topology/model-changes';
import { PodPhase } from '../topology/enums';
import { Page, PageArgs, namespacedPageQuery } from '../topology/paging';
import { ContainerPortView, CreatePodInput, PodView, UpdatePodInput } from './pod.dto';
import { FindingContext, Placement, placePod, podClaims, podPorts } from './pod-rules';

/** REST and GraphQL writes: every finding is an error. */
const STRICT: FindingContext = {};

export function toPodView(row: Pod): PodView {
  return {
    id: row.id,
    clusterId: row.clusterId,
    namespace: row.namespace,
    name: row.name,
    labels: row.labels as Record<string, string>,
    nodeName: row.nodeName,
    ips: row.ips,
    hostNetwork: row.hostNetwork,
    phase: row.phase as PodPhase,
    ready: row.ready,
    terminating: row.terminating,
    containerPorts: row.containerPorts as unknown as ContainerPortView[],
    unknownFields: row.unknownFields,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

@Injectable()
export class PodsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly store: ClusterStore,
  ) {}

  /** With an Idempotency-Key (REST), at most once per key: see common/idempotency. */
  async create(
    tenantId: string,
    clusterId: string,
    input: CreatePodInput,
    key: IdempotencyKey | null = null,
  ): Promise<Created<PodView>> {
    const ports = podPorts(input.containerPorts ?? [], STRICT);
    return createOnce(this.prisma, tenantId, key, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      const { namespace, name } = input;
      if (
        await tx.pod.findUnique({
          where: { tenantId_clusterId_namespace_name: { tenantId, clusterId, namespace, name } },
          select: { id: true },
        })
      ) {
        throw DomainError.conflict('name', `a pod ${namespace}/${name} already exists in this cluster`);
      }
      const id = randomUUID();
      const network = await this.place(tx, cluster, {
        nodeName: input.nodeName ?? null,
        hostNetwork: input.hostNetwork ?? false,
        ips: input.ips ?? [],
        ipsGiven: input.ips !== undefined,
      });
      const phase = input.phase ?? 'Running';
      await this.store.claim(
        tx,
        cluster,
        { kind: 'pod', id, name: `${namespace}/${name}` },
        podClaims({ ...network, phase }),
      );
      const row = await tx.pod.create({
        data: {
          tenantId,
          clusterId,
          id,
          namespace,
          name,
          labels: input.labels ?? {},
          ...network,
          phase,
          ready: input.ready ?? true,
          terminating: input.terminating ?? false,
          containerPorts: ports as unknown as object[],
        },
      });
      this.store.changed(tx, cluster, podChange(`${namespace}/${name}`, row));
      return toPodView(row);
    });
  }

  async get(tenantId: string, clusterId: string, id: string): Promise<PodView> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      await this.store.require(tx, tenantId, clusterId);
      return toPodView(await this.find(tx, tenantId, clusterId, id));
    });
  }

  async list(tenantId: string, clusterId: string, args: PageArgs & { namespace?: string }): Promise<Page<PodView>> {
    const q = namespacedPageQuery(args);
    return this.prisma.forTenant(tenantId, async (tx) => {
      await this.store.require(tx, tenantId, clusterId);
      const rows = await tx.pod.findMany({
        where: { tenantId, clusterId, ...q.where },
        orderBy: q.orderBy,
        take: q.take,
      });
      const page = q.pageOf(rows);
      return { items: page.items.map(toPodView), nextCursor: page.nextCursor };
    });
  }

  /** `ifMatch` (REST If-Match): the pod's version must be one it names. A PATCH that changes nothing bumps no version. */
  async update(
    tenantId: string,
    clusterId: string,
    id: string,
    input: UpdatePodInput,
    ifMatch: IfMatch | null = null,
  ): Promise<PodView> {
    const ports = input.containerPorts ? podPorts(input.containerPorts, STRICT) : undefined;
    return this.prisma.forTenant(tenantId, async (tx) => {
      const cluster = await holdCluster(tx, this.store, tenantId, clusterId);
      const current = await this.find(tx, tenantId, clusterId, id);
      checkIfMatch(ifMatch, current.version);
      const hostNetwork = input.hostNetwork ?? current.hostNetwork;
      // A hostNetwork pod's IPs follow its node unless given; other pods keep theirs unless given.
      const keptIps = hostNetwork || current.hostNetwork ? [] : current.ips;
      // Placed again only when the write moves the pod (node, network, addresses): a pod an import
      // kept as its cluster has it (pod-rules' tolerated findings) can still be relabelled.
      const moved = input.nodeName !== undefined || input.hostNetwork != null || input.ips !== undefined;
      const network = moved
        ? await this.place(tx, cluster, {
            nodeName: input.nodeName === undefined ? current.nodeName : input.nodeName,
            hostNetwork,
            ips: input.ips ?? keptIps,
            ipsGiven: input.ips !== undefined,
          })
        : { nodeName: current.nodeName, hostNetwork: current.hostNetwork, ips: current.ips };
      const data = {
        // null (allowed by the optional fields) means "not given", as for the other fields.
        labels: input.labels ?? undefined,
        ...network,
        phase: input.phase ?? undefined,
        ready: input.ready ?? undefined,
        terminating: input.terminating ?? undefined,
        containerPorts: ports as unknown as object[] | undefined,
        unknownFields: stillUnknown(current.unknownFields, input),
      };
      if (changesNothing(current, data)) return toPodView(current);
      await this.store.claim(
        tx,
        cluster,
        { kind: 'pod', id, name: `${current.namespace}/${current.name}` },
        podClaims({ ...network, phase: input.phase ?? current.phase }),
      );
      const locked = await this.store.lock(tx, tenantId, clusterId);
      const row = await tx.pod.update({
        where: { tenantId_id: { tenantId, id } },
        data: { ...data, version: { increment: 1 } },
      });
      this.store.changed(tx, locked, podChange(`${row.namespace}/${row.name}`, row));
      return toPodView(row);
    });
  }

  async remove(tenantId: string, clusterId: string, id: string, ifMatch: IfMatch | null = null): Promise<void> {
    await this.prisma.forTenant(tenantId, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      const pod = await this.find(tx, tenantId, clusterId, id);
      checkIfMatch(ifMatch, pod.version); // a 412 rolls the transaction back, the cluster's version with it
      await this.store.release(tx, cluster, id);
      await tx.pod.delete({ where: { tenantId_id: { tenantId, id } } });
      this.store.changed(tx, cluster, podChange(`${pod.namespace}/${pod.name}`, null));
    });
  }

  /** The pod's placement (pod-rules), with its node's addresses read in this transaction. */
  private async place(tx: TenantTx, cluster: ClusterRow, wanted: Parameters<typeof placePod>[0]): Promise<Placement> {
    const node = wanted.nodeName
      ? await tx.node.findUnique({
          where: {
            tenantId_clusterId_name: { tenantId: cluster.tenantId, clusterId: cluster.id, name: wanted.nodeName },
          },
          select: { internalIps: true },
        })
      : null;
    return placePod(wanted, {
      nodeIps: (name) => (node && name === wanted.nodeName ? node.internalIps : undefined),
      serviceCidrs: cluster.serviceCidrs,
    });
  }

  private async find(tx: TenantTx, tenantId: string, clusterId: string, id: string): Promise<Pod> {
    const row = await tx.pod.findUnique({ where: { tenantId_id: { tenantId, id } } });
    if (!row || row.clusterId !== clusterId) throw DomainError.notFound(`pod ${id}`);
    return row;
  }
}
