import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { checkIfMatch, IfMatch } from '../../common/etag';
import { createOnce, Created, IdempotencyKey } from '../../common/idempotency';
import { cidrBase, cidrSize, ipText, parseCidr } from '../../common/net';
import { Service } from '../../generated/prisma/client';
import { PrismaService, TenantTx } from '../../prisma/prisma.service';
import { TopologyLoader } from '../analysis/topology-loader';
import { changesNothing, holdCluster } from '../clusters/cluster-writes';
import { ClusterRow, ClusterStore } from '../topology/cluster-store';
import { stillUnknown } from '../topology/canonical';
import { serviceChange } from '../topology/model-changes';
import { applyCceRules } from './cce-constraints';
import { NamespacedPageArgs, Page, namespacedPageQuery } from '../topology/paging';
import { CreateServiceInput, ServiceView, UpdateServiceInput } from './service.dto';
import { isHeadless, resolveSpec, serviceClaims, ServiceSpec } from './service-spec';

function specOf(row: Service): ServiceSpec {
  return {
    type: row.type,
    selector: row.selector as Record<string, string> | null,
    ports: row.ports as unknown as ServiceSpec['ports'],
    clusterIps: row.clusterIps,
    externalIps: row.externalIps,
    loadBalancerIngress: row.loadBalancerIngress as unknown as ServiceSpec['loadBalancerIngress'],
    loadBalancerSourceRanges: row.loadBalancerSourceRanges,
    loadBalancerHostnames: row.loadBalancerHostnames,
    loadBalancerTarget: row.loadBalancerTarget as ServiceSpec['loadBalancerTarget'],
    externalTrafficPolicy: row.externalTrafficPolicy,
    internalTrafficPolicy: row.internalTrafficPolicy,
    healthCheckNodePort: row.healthCheckNodePort,
    publishNotReadyAddresses: row.publishNotReadyAddresses,
    sessionAffinity: row.sessionAffinity,
    sessionAffinityTimeoutSeconds: row.sessionAffinityTimeoutSeconds,
    trafficDistribution: row.trafficDistribution,
    labels: row.labels as Record<string, string>,
    annotations: row.annotations as Record<string, string>,
  };
}

export function toServiceView(row: Service): ServiceView {
  const spec = specOf(row);
  return {
    id: row.id,
    clusterId: row.clusterId,
    namespace: row.namespace,
    name: row.name,
    ...spec,
    headless: isHeadless(spec),
    clusterIps: isHeadless(spec) ? [] : spec.clusterIps,
    unknownFields: row.unknownFields,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function columns(spec: ServiceSpec) {
  return {
    ...spec,
    selector: spec.selector ?? undefined,
    ports: spec.ports as unknown as object[],
    loadBalancerIngress: spec.loadBalancerIngress as unknown as object[],
  };
}

@Injectable()
export class ServicesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly store: ClusterStore,
    private readonly loader: TopologyLoader,
  ) {}

  /** With an Idempotency-Key (REST), at most once per key: see common/idempotency. */
  async create(
    tenantId: string,
    clusterId: string,
    input: CreateServiceInput,
    key: IdempotencyKey | null = null,
  ): Promise<Created<ServiceView>> {
    return createOnce(this.prisma, tenantId, key, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      const { namespace, name } = input;
      if (
        await tx.service.findUnique({
          where: { tenantId_clusterId_namespace_name: { tenantId, clusterId, namespace, name } },
          select: { id: true },
        })
      ) {
        throw DomainError.conflict('name', `a Service ${namespace}/${name} already exists in this cluster`);
      }
      const spec = await applyCceRules(
        tx,
        this.loader,
        cluster,
        namespace,
        name,
        await this.allocate(tx, cluster, resolveSpec(input, null, cluster)),
      );
      const id = randomUUID();
      await this.store.claim(tx, cluster, { kind: 'service', id, name: `${namespace}/${name}` }, serviceClaims(spec));
      const row = await tx.service.create({
        data: { tenantId, clusterId, id, namespace, name, ...columns(spec), selector: spec.selector ?? undefined },
      });
      this.store.changed(tx, cluster, serviceChange(`${namespace}/${name}`, row));
      return toServiceView(row);
    });
  }

  async get(tenantId: string, clusterId: string, id: string): Promise<ServiceView> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      await this.store.require(tx, tenantId, clusterId);
      return toServiceView(await this.find(tx, tenantId, clusterId, id));
    });
  }

  async list(tenantId: string, clusterId: string, args: NamespacedPageArgs): Promise<Page<ServiceView>> {
    const q = namespacedPageQuery(args);
    return this.prisma.forTenant(tenantId, async (tx) => {
      await this.store.require(tx, tenantId, clusterId);
      const rows = await tx.service.findMany({
        where: { tenantId, clusterId, ...q.where },
        orderBy: q.orderBy,
        take: q.take,
      });
      const page = q.pageOf(rows);
      return { items: page.items.map(toServiceView), nextCursor: page.nextCursor };
    });
  }

  /** `ifMatch` (REST If-Match): the Service's version must be one it names. A PATCH that changes nothing bumps no version. */
  async update(
    tenantId: string,
    clusterId: string,
    id: string,
    input: UpdateServiceInput,
    ifMatch: IfMatch | null = null,
  ): Promise<ServiceView> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      const cluster = await holdCluster(tx, this.store, tenantId, clusterId);
      const current = await this.find(tx, tenantId, clusterId, id);
      checkIfMatch(ifMatch, current.version);
      const before = specOf(current);
      const resolved = resolveSpec(input, before, cluster);
      if (input.clusterIps === undefined && isHeadless(before) !== isHeadless(resolved)) resolved.clusterIps = [];
      const spec = await applyCceRules(
        tx,
        this.loader,
        cluster,
        current.namespace,
        current.name,
        await this.allocate(tx, cluster, resolved, stillUnknown(current.unknownFields, input)),
      );
      const data = {
        ...columns(spec),
        selector: spec.selector ?? (null as never),
        unknownFields: stillUnknown(current.unknownFields, input),
      };
      if (changesNothing(current, data)) return toServiceView(current);
      await this.store.claim(
        tx,
        cluster,
        { kind: 'service', id, name: `${current.namespace}/${current.name}` },
        serviceClaims(spec),
      );
      const locked = await this.store.lock(tx, tenantId, clusterId);
      const row = await tx.service.update({
        where: { tenantId_id: { tenantId, id } },
        data: { ...data, version: { increment: 1 } },
      });
      this.store.changed(tx, locked, serviceChange(`${row.namespace}/${row.name}`, row));
      return toServiceView(row);
    });
  }

  async remove(tenantId: string, clusterId: string, id: string, ifMatch: IfMatch | null = null): Promise<void> {
    await this.prisma.forTenant(tenantId, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      const service = await this.find(tx, tenantId, clusterId, id);
      checkIfMatch(ifMatch, service.version); // a 412 rolls the transaction back, the cluster's version with it
      await this.store.release(tx, cluster, id);
      await tx.service.delete({ where: { tenantId_id: { tenantId, id } } });
      this.store.changed(tx, cluster, serviceChange(`${service.namespace}/${service.name}`, null));
    });
  }

  /**
   * Fills in what was left out: a ClusterIP from the first Service CIDR, NodePorts from the range;
   * never a ClusterIP an imported dump redacted (`unknown`): it has one, only not known here.
   */
  private async allocate(
    tx: TenantTx,
    cluster: ClusterRow,
    spec: ServiceSpec,
    unknown: readonly string[] = [],
  ): Promise<ServiceSpec> {
    const needsIp = spec.clusterIps.length === 0 && !unknown.includes('clusterIps');
    const needsPorts =
      spec.ports.some((p) => p.nodePort === null && spec.type !== 'ClusterIP') ||
      (spec.healthCheckNodePort === null && spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local');
    if (!needsIp && !needsPorts) return spec;
    const taken = needsPorts ? await this.store.claimedKeys(tx, cluster, 'nodeport/') : new Set<string>();
    for (const claim of serviceClaims({ ...spec, clusterIps: ['None'] })) taken.add(claim.key);
    if (needsIp) {
      // Any address held in the cluster (a pod's or a node's too), not only other ClusterIPs.
      for (const key of await this.store.claimedKeys(tx, cluster, 'ip/')) taken.add(key);
      const services = await tx.service.findMany({
        where: { tenantId: cluster.tenantId, clusterId: cluster.id },
        select: { clusterIps: true },
      });
      for (const ip of services.flatMap((svc) => svc.clusterIps)) taken.add(`ip/${ip}`);
    }
    const nextPort = (): number => {
      for (let port = cluster.nodePortMin; port <= cluster.nodePortMax; port++) {
        if (!taken.has(`nodeport/${port}`)) {
          taken.add(`nodeport/${port}`);
          return port;
        }
      }
      throw DomainError.conflict('ports', `no free NodePort left in ${cluster.nodePortMin}-${cluster.nodePortMax}`);
    };
    const ports = spec.ports.map((p) =>
      p.nodePort === null && spec.type !== 'ClusterIP' ? { ...p, nodePort: nextPort() } : p,
    );
    const wantsHealthCheck = spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
    return {
      ...spec,
      ports,
      clusterIps: needsIp ? [this.freeIp(cluster, taken)] : spec.clusterIps,
      healthCheckNodePort: wantsHealthCheck ? (spec.healthCheckNodePort ?? nextPort()) : null,
    };
  }

  private freeIp(cluster: ClusterRow, taken: Set<string>): string {
    const cidr = parseCidr(cluster.serviceCidrs[0])!;
    const size = cidrSize(cidr);
    // Skip the network address (and the IPv4 broadcast address), as kube-apiserver does.
    const last = cidr.family === 4 ? size - 2n : size - 1n;
    const base = cidrBase(cidr);
    for (let offset = 1n; offset <= last; offset++) {
      const ip = ipText(base + offset, cidr.family);
      if (!taken.has(`ip/${ip}`)) return ip;
    }
    throw DomainError.conflict('clusterIps', `the Service CIDR ${cidr.text} has no free address left`);
  }

  private async find(tx: TenantTx, tenantId: string, clusterId: string, id: string): Promise<Service> {
    const row = await tx.service.findUnique({ where: { tenantId_id: { tenantId, id } } });
    if (!row || row.clusterId !== clusterId) throw DomainError.notFound(`Service ${id}`);
    return row;
  }
}
