import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { LabelSelectorModel, NetworkPolicyPeerModel, NetworkPolicyRuleModel } from '../../engine';
import { DomainError } from '../../common/domain-error';
import { checkIfMatch, IfMatch } from '../../common/etag';
import { createOnce, Created, IdempotencyKey } from '../../common/idempotency';
import { NetworkPolicy } from '../../generated/prisma/client';
import { PrismaService, TenantTx } from '../../prisma/prisma.service';
import { policyObjectsIn } from '../analysis/topology-loader';
import { changesNothing, holdCluster } from '../clusters/cluster-writes';
import { ClusterRow, ClusterStore } from '../topology/cluster-store';
import { settingsChange } from '../topology/model-changes';
import { namespacedPageQuery, Page, PageArgs } from '../topology/paging';
import {
  CreateNetworkPolicyInput,
  LabelSelectorView,
  NetworkPolicyPeerView,
  NetworkPolicyPortView,
  NetworkPolicyView,
  UpdateNetworkPolicyInput,
} from './network-policy.dto';
import { NetworkPolicySpec, networkPolicySpec } from './network-policy-rules';

const selectorView = (s: LabelSelectorModel): LabelSelectorView => ({
  matchLabels: { ...s.matchLabels },
  matchExpressions: s.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, values: [...e.values] })),
});
const peerView = (p: NetworkPolicyPeerModel): NetworkPolicyPeerView => ({
  podSelector: p.podSelector && selectorView(p.podSelector),
  namespaceSelector: p.namespaceSelector && selectorView(p.namespaceSelector),
  ipBlock: p.ipBlock && { cidr: p.ipBlock.cidr, except: [...p.ipBlock.except] },
});
const portsView = (r: NetworkPolicyRuleModel): NetworkPolicyPortView[] =>
  r.ports.map((p) => ({ protocol: p.protocol, port: p.port, endPort: p.endPort }));

/** A stored policy as the Kubernetes object shows it (peers as from[]/to[]); `warnings` are the write's. */
export function toNetworkPolicyView(row: NetworkPolicy, warnings: string[] = []): NetworkPolicyView {
  const spec = specOf(row);
  return {
    id: row.id,
    clusterId: row.clusterId,
    namespace: row.namespace,
    name: row.name,
    podSelector: selectorView(spec.podSelector),
    policyTypes: [...spec.policyTypes],
    ingress: spec.ingress.map((r) => ({ from: r.peers.map(peerView), ports: portsView(r) })),
    egress: spec.egress.map((r) => ({ to: r.peers.map(peerView), ports: portsView(r) })),
    warnings,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function specOf(
  row: Pick<NetworkPolicy, 'podSelector' | 'policyTypes' | 'ingress' | 'egress'>,
): NetworkPolicySpec {
  return {
    podSelector: row.podSelector as unknown as LabelSelectorModel,
    policyTypes: row.policyTypes as NetworkPolicySpec['policyTypes'],
    ingress: row.ingress as unknown as NetworkPolicyRuleModel[],
    egress: row.egress as unknown as NetworkPolicyRuleModel[],
  };
}

/** The columns of a spec. */
export const specColumns = (spec: NetworkPolicySpec) => ({
  podSelector: spec.podSelector as unknown as object,
  policyTypes: spec.policyTypes,
  ingress: spec.ingress as unknown as object[],
  egress: spec.egress as unknown as object[],
});

@Injectable()
export class NetworkPoliciesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly store: ClusterStore,
  ) {}

  /** With an Idempotency-Key (REST), at most once per key: see common/idempotency. */
  async create(
    tenantId: string,
    clusterId: string,
    input: CreateNetworkPolicyInput,
    key: IdempotencyKey | null = null,
  ): Promise<Created<NetworkPolicyView>> {
    const { value: spec, warnings } = networkPolicySpec(input);
    return createOnce(this.prisma, tenantId, key, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      const { namespace, name } = input;
      if (
        await tx.networkPolicy.findUnique({
          where: { tenantId_clusterId_namespace_name: { tenantId, clusterId, namespace, name } },
          select: { id: true },
        })
      ) {
        throw DomainError.conflict('name', `a NetworkPolicy ${namespace}/${name} already exists in this cluster`);
      }
      const row = await tx.networkPolicy.create({
        data: { tenantId, clusterId, id: randomUUID(), namespace, name, ...specColumns(spec) },
      });
      await this.changed(tx, cluster);
      return toNetworkPolicyView(row, warnings);
    });
  }

  async get(tenantId: string, clusterId: string, id: string): Promise<NetworkPolicyView> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      await this.store.require(tx, tenantId, clusterId);
      return toNetworkPolicyView(await this.find(tx, tenantId, clusterId, id));
    });
  }

  async list(
    tenantId: string,
    clusterId: string,
    args: PageArgs & { namespace?: string },
  ): Promise<Page<NetworkPolicyView>> {
    const q = namespacedPageQuery(args);
    return this.prisma.forTenant(tenantId, async (tx) => {
      await this.store.require(tx, tenantId, clusterId);
      const rows = await tx.networkPolicy.findMany({
        where: { tenantId, clusterId, ...q.where },
        orderBy: q.orderBy,
        take: q.take,
      });
      const page = q.pageOf(rows);
      return { items: page.items.map((row) => toNetworkPolicyView(row)), nextCursor: page.nextCursor };
    });
  }

  /**
   * A PATCH replaces the spec fields it gives and keeps the others (policyTypes too, as stored: a
   * PATCH that adds egress rules to an Ingress-only policy does not make it an Egress policy, as in
   * Kubernetes); the whole spec is validated again. `ifMatch` (REST If-Match): the policy's version
   * must be one it names. A PATCH that changes nothing bumps no version.
   */
  async update(
    tenantId: string,
    clusterId: string,
    id: string,
    input: UpdateNetworkPolicyInput,
    ifMatch: IfMatch | null = null,
  ): Promise<NetworkPolicyView> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      await holdCluster(tx, this.store, tenantId, clusterId);
      const stored = await this.find(tx, tenantId, clusterId, id);
      checkIfMatch(ifMatch, stored.version);
      const current = specOf(stored);
      const asDraft = (rules: readonly NetworkPolicyRuleModel[], key: 'from' | 'to') =>
        rules.map((r) => ({ [key]: r.peers, ports: r.ports }));
      const { value: spec, warnings } = networkPolicySpec({
        podSelector: input.podSelector === undefined ? current.podSelector : input.podSelector,
        policyTypes: input.policyTypes === undefined ? current.policyTypes : input.policyTypes,
        ingress: input.ingress === undefined ? asDraft(current.ingress, 'from') : input.ingress,
        egress: input.egress === undefined ? asDraft(current.egress, 'to') : input.egress,
      });
      if (changesNothing(stored, specColumns(spec))) return toNetworkPolicyView(stored, warnings);
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      const row = await tx.networkPolicy.update({
        where: { tenantId_id: { tenantId, id } },
        data: { ...specColumns(spec), version: { increment: 1 } },
      });
      await this.changed(tx, cluster);
      return toNetworkPolicyView(row, warnings);
    });
  }

  async remove(tenantId: string, clusterId: string, id: string, ifMatch: IfMatch | null = null): Promise<void> {
    await this.prisma.forTenant(tenantId, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      checkIfMatch(ifMatch, (await this.find(tx, tenantId, clusterId, id)).version); // a 412 rolls the cluster's version back
      await tx.networkPolicy.delete({ where: { tenantId_id: { tenantId, id } } });
      await this.changed(tx, cluster);
    });
  }

  /** NetworkPolicies are among the model's settings: the change carries them all, as this write leaves them. */
  private async changed(tx: TenantTx, cluster: ClusterRow): Promise<void> {
    this.store.changed(tx, cluster, settingsChange(cluster, await policyObjectsIn(tx, cluster)));
  }

  private async find(tx: TenantTx, tenantId: string, clusterId: string, id: string): Promise<NetworkPolicy> {
    const row = await tx.networkPolicy.findUnique({ where: { tenantId_id: { tenantId, id } } });
    if (!row || row.clusterId !== clusterId) throw DomainError.notFound(`NetworkPolicy ${id}`);
    return row;
  }
}
