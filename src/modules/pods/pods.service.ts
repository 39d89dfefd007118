import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { ipFamily } from '../../common/net';
import { Pod } from '../../generated/prisma/client';
import { PrismaService, TenantTx } from '../../prisma/prisma.service';
import { canonicalIps, ipClaims } from '../topology/canonical';
import { ClusterRow, ClusterStore } from '../topology/cluster-store';
import { PodPhase, Protocol } from '../topology/enums';
import { Page, PageArgs, namespacedPageQuery } from '../topology/paging';
import { ContainerPort } from '../topology/port.dto';
import { ContainerPortView, CreatePodInput, PodView, UpdatePodInput } from './pod.dto';

export function toPodView(row: Pod): PodView {
  return {
    id: row.id, clusterId: row.clusterId, namespace: row.namespace, name: row.name, labels: row.labels as Record<string, string>,
    nodeName: row.nodeName, ips: row.ips, hostNetwork: row.hostNetwork, phase: row.phase as PodPhase, ready: row.ready,
    terminating: row.terminating, containerPorts: row.containerPorts as unknown as ContainerPortView[],
    createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

function containerPorts(ports: ContainerPort[]): ContainerPortView[] {
  const out = ports.map((p) => ({ name: p.name ?? null, containerPort: p.containerPort, protocol: (p.protocol ?? 'TCP') as Protocol }));
  const seen = new Set<string>();
  out.forEach((p, i) => {
    for (const key of [`${p.containerPort}/${p.protocol}`, ...(p.name ? [`name:${p.name}`] : [])]) {
      if (seen.has(key)) throw DomainError.invalid(`containerPorts[${i}]`, `repeats ${key.startsWith('name:') ? `the port name ${p.name}` : key}`);
      seen.add(key);
    }
  });
  return out;
}

interface Network { nodeName: string | null; hostNetwork: boolean; ips: string[] }

@Injectable()
export class PodsService {
  constructor(private readonly prisma: PrismaService, private readonly store: ClusterStore) {}

  async create(tenantId: string, clusterId: string, input: CreatePodInput): Promise<PodView> {
    const ports = containerPorts(input.containerPorts ?? []);
    return this.prisma.forTenant(tenantId, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      const { namespace, name } = input;
      if (await tx.pod.findUnique({ where: { tenantId_clusterId_namespace_name: { tenantId, clusterId, namespace, name } }, select: { id: true } })) {
        throw DomainError.conflict('name', `a pod ${namespace}/${name} already exists in this cluster`);
      }
      const id = randomUUID();
      const network = await this.network(tx, cluster, { nodeName: input.nodeName ?? null, hostNetwork: input.hostNetwork ?? false, ips: input.ips ?? [] }, input.ips !== undefined);
      await this.store.claim(tx, cluster, { kind: 'pod', id, name: `${namespace}/${name}` }, network.hostNetwork ? [] : ipClaims('ips', network.ips));
      const row = await tx.pod.create({
        data: {
          tenantId, clusterId, id, namespace, name, labels: input.labels ?? {}, ...network, phase: input.phase ?? 'Running',
          ready: input.ready ?? true, terminating: input.terminating ?? false, containerPorts: ports as unknown as object[],
        },
      });
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
      const rows = await tx.pod.findMany({ where: { tenantId, clusterId, ...q.where }, orderBy: q.orderBy, take: q.take });
      const page = q.pageOf(rows);
      return { items: page.items.map(toPodView), nextCursor: page.nextCursor };
    });
  }

  async update(tenantId: string, clusterId: string, id: string, input: UpdatePodInput): Promise<PodView> {
    const ports = input.containerPorts ? containerPorts(input.containerPorts) : undefined;
    return this.prisma.forTenant(tenantId, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      const current = await this.find(tx, tenantId, clusterId, id);
      const hostNetwork = input.hostNetwork ?? current.hostNetwork;
      // A hostNetwork pod's IPs follow its node unless given; other pods keep theirs unless given.
      const keptIps = hostNetwork || current.hostNetwork ? [] : current.ips;
      const network = await this.network(tx, cluster, {
        nodeName: input.nodeName === undefined ? current.nodeName : input.nodeName, hostNetwork, ips: input.ips ?? keptIps,
      }, input.ips !== undefined);
      await this.store.claim(tx, cluster, { kind: 'pod', id, name: `${current.namespace}/${current.name}` }, network.hostNetwork ? [] : ipClaims('ips', network.ips));
      const row = await tx.pod.update({
        where: { tenantId_id: { tenantId, id } },
        data: {
          // null (allowed by the optional fields) means "not given", as for the other fields.
          labels: input.labels ?? undefined, ...network, phase: input.phase ?? undefined, ready: input.ready ?? undefined, terminating: input.terminating ?? undefined,
          containerPorts: ports as unknown as object[] | undefined,
        },
      });
      return toPodView(row);
    });
  }

  async remove(tenantId: string, clusterId: string, id: string): Promise<void> {
    await this.prisma.forTenant(tenantId, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      await this.find(tx, tenantId, clusterId, id);
      await this.store.release(tx, cluster, id);
      await tx.pod.delete({ where: { tenantId_id: { tenantId, id } } });
    });
  }

  /**
   * Where the pod sits: its node must exist; a hostNetwork pod has its node's IPs (by default all
   * of them, one per family; given ones must belong to the node); other pods' IPs are their own.
   */
  private async network(tx: TenantTx, cluster: ClusterRow, wanted: Network, ipsExplicit: boolean): Promise<Network> {
    const node = wanted.nodeName
      ? await tx.node.findUnique({ where: { tenantId_clusterId_name: { tenantId: cluster.tenantId, clusterId: cluster.id, name: wanted.nodeName } }, select: { internalIps: true } })
      : null;
    if (wanted.nodeName && !node) throw new DomainError('UNPROCESSABLE', `nodeName: no node named "${wanted.nodeName}" in this cluster`, [{ field: 'nodeName', message: `no node named "${wanted.nodeName}" in this cluster` }]);
    const ips = canonicalIps('ips', wanted.ips, { dualStack: true });
    if (!wanted.hostNetwork) return { ...wanted, ips };
    if (!node) throw DomainError.invalid('nodeName', 'a hostNetwork pod must name the node it runs on');
    if (!ipsExplicit || ips.length === 0) {
      const perFamily = [4, 6].map((f) => node.internalIps.find((ip) => ipFamily(ip) === f)).filter((ip): ip is string => !!ip);
      return { ...wanted, ips: perFamily };
    }
    const foreign = ips.findIndex((ip) => !node.internalIps.includes(ip));
    if (foreign >= 0) throw DomainError.invalid(`ips[${foreign}]`, `a hostNetwork pod has its node's IPs; ${ips[foreign]} is not an IP of node ${wanted.nodeName}`);
    return { ...wanted, ips };
  }

  private async find(tx: TenantTx, tenantId: string, clusterId: string, id: string): Promise<Pod> {
    const row = await tx.pod.findUnique({ where: { tenantId_id: { tenantId, id } } });
    if (!row || row.clusterId !== clusterId) throw DomainError.notFound(`pod ${id}`);
    return row;
  }
}
