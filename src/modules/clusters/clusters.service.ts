import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { checkIfMatch, IfMatch } from '../../common/etag';
import { createOnce, Created, IdempotencyKey } from '../../common/idempotency';
import { parseCidr } from '../../common/net';
import { PrismaService, TenantTx } from '../../prisma/prisma.service';
import { Page, PageArgs, decodeCursor, pageOf } from '../topology/paging';
import { settingsChange } from '../topology/model-changes';
import { policyObjectsIn } from '../analysis/topology-loader';
import { rangeWarnings } from '../topology/address-ranges';
import { proxyModeWarnings } from '../topology/proxy-mode-warnings';
import {
  checkKubeProxyCidrs,
  detectorWarnings,
  kubeProxyCidrsOf,
  storedKubeProxyCidrs,
} from '../topology/kube-proxy-cidrs';
import { ClusterRow, ClusterStore } from '../topology/cluster-store';
import { ClusterView, CreateClusterInput, UpdateClusterInput } from './cluster.dto';
import { changesNothing, holdCluster } from './cluster-writes';

export type Settings = Omit<ClusterRow, 'tenantId' | 'id' | 'version' | 'createdAt' | 'updatedAt'>;

const DEFAULT_SERVICE_CIDR = { KUBERNETES: '10.96.0.0/12', CCE: '10.247.0.0/16', CCE_TURBO: '10.247.0.0/16' } as const;

export function toClusterView(row: ClusterRow): ClusterView {
  return {
    id: row.id,
    name: row.name,
    profile: row.profile,
    kubernetesVersion: row.kubernetesVersion,
    networkModel: row.networkModel,
    proxyMode: row.proxyMode,
    clusterCidrs: row.clusterCidrs,
    serviceCidrs: row.serviceCidrs,
    nodePortRange: { min: row.nodePortMin, max: row.nodePortMax },
    kubeProxy: {
      masqueradeAll: row.masqueradeAll,
      localDetector: row.localDetector,
      nodePortAddresses: row.nodePortAddresses,
      localhostNodePorts: row.localhostNodePorts,
      clusterCidrs: kubeProxyCidrsOf(row),
    },
    networkPolicyEnforced: row.networkPolicyEnforced ?? null,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    warnings: [...rangeWarnings(row), ...detectorWarnings(row), ...proxyModeWarnings(row)],
  };
}

function canonicalCidrs(field: string, cidrs: string[]): string[] {
  const parsed = cidrs.map((text, i) => {
    const cidr = parseCidr(text);
    if (!cidr) throw DomainError.invalid(`${field}[${i}]`, `"${text}" is not a CIDR`);
    return cidr;
  });
  return parsed.map((c) => c.text);
}

function checkDualStack(field: 'clusterCidrs' | 'serviceCidrs', cidrs: string[]): void {
  const families = cidrs.map((c) => parseCidr(c)!.family);
  if (families.length > 2 || new Set(families).size !== families.length) {
    throw DomainError.invalid(field, 'holds at most one CIDR per IP family (dual-stack: one IPv4 and one IPv6)');
  }
}

/**
 * Cross-field rules of a cluster's settings (the per-field ones are on the DTO); shared by cluster
 * writes and by imports that set kube-proxy options. A Service CIDR overlapping a pod CIDR is no
 * error: Kubernetes accepts it (node IPAM leaves the Service range out of pod CIDRs), and the
 * cluster's `warnings` say what it means (topology/address-ranges.ts); so is a kube-proxy
 * clusterCIDR apart from the pod ranges (topology/kube-proxy-cidrs.ts).
 */
export function checkSettings(s: Settings): void {
  checkDualStack('clusterCidrs', s.clusterCidrs);
  checkDualStack('serviceCidrs', s.serviceCidrs);
  const allowed: Record<Settings['profile'], { models: string[]; modes: string[] }> = {
    KUBERNETES: { models: ['TUNNEL', 'VPC'], modes: ['IPTABLES', 'IPVS', 'NFTABLES'] },
    CCE: { models: ['TUNNEL', 'VPC'], modes: ['IPTABLES', 'IPVS'] },
    CCE_TURBO: { models: ['CLOUD_NATIVE_2'], modes: ['IPTABLES', 'IPVS'] },
  };
  const rule = allowed[s.profile];
  if (!rule.models.includes(s.networkModel)) {
    throw DomainError.invalid(
      'networkModel',
      `a ${s.profile} cluster uses ${rule.models.join(' or ')}, not ${s.networkModel}`,
    );
  }
  if (!rule.modes.includes(s.proxyMode)) {
    throw DomainError.invalid(
      'proxyMode',
      `a ${s.profile} cluster uses ${rule.modes.join(' or ')}, not ${s.proxyMode}`,
    );
  }
  if (s.serviceCidrs.length === 0) throw DomainError.invalid('serviceCidrs', 'at least one Service CIDR is required');
  for (const [i, text] of s.serviceCidrs.entries()) {
    const cidr = parseCidr(text)!;
    if ((cidr.family === 4 && cidr.bits < 12) || (cidr.family === 6 && cidr.bits < 108)) {
      throw DomainError.invalid(
        `serviceCidrs[${i}]`,
        'is too large (at most /12 for IPv4, /108 for IPv6, as kube-apiserver allows)',
      );
    }
  }
  if (s.nodePortMin > s.nodePortMax) throw DomainError.invalid('nodePortRange', 'min must not exceed max');
  for (const [i, address] of s.nodePortAddresses.entries()) {
    if (address === 'primary' ? s.nodePortAddresses.length > 1 : !parseCidr(address)) {
      throw DomainError.invalid(`kubeProxy.nodePortAddresses[${i}]`, 'must be CIDRs, or "primary" alone');
    }
  }
  checkKubeProxyCidrs(kubeProxyCidrsOf(s) ?? []);
}

/** kube-proxy's clusterCIDR column: left out = as it was (null on create), null = the same as clusterCidrs. */
function kubeProxyCidrsFrom(given: string[] | null | undefined, base: Settings | null): string | null {
  if (given === undefined) return base?.kubeProxyClusterCidr ?? null;
  return storedKubeProxyCidrs(given === null ? null : checkKubeProxyCidrs(given));
}

function settingsFrom(input: CreateClusterInput | UpdateClusterInput, base: Settings | null): Settings {
  const profile = input.profile ?? base?.profile ?? 'KUBERNETES';
  const clusterCidrs = input.clusterCidrs
    ? canonicalCidrs('clusterCidrs', input.clusterCidrs)
    : (base?.clusterCidrs ?? []);
  return {
    name: input.name ?? base!.name,
    profile,
    kubernetesVersion: (input.kubernetesVersion ?? base?.kubernetesVersion ?? '1.31').replace(/^v/, ''),
    networkModel: input.networkModel ?? base?.networkModel ?? (profile === 'CCE_TURBO' ? 'CLOUD_NATIVE_2' : 'TUNNEL'),
    proxyMode: input.proxyMode ?? base?.proxyMode ?? 'IPTABLES',
    clusterCidrs,
    serviceCidrs: input.serviceCidrs
      ? canonicalCidrs('serviceCidrs', input.serviceCidrs)
      : (base?.serviceCidrs ?? [DEFAULT_SERVICE_CIDR[profile]]),
    nodePortMin: input.nodePortRange?.min ?? base?.nodePortMin ?? 30000,
    nodePortMax: input.nodePortRange?.max ?? base?.nodePortMax ?? 32767,
    masqueradeAll: input.kubeProxy?.masqueradeAll ?? base?.masqueradeAll ?? false,
    localDetector:
      input.kubeProxy?.localDetector ?? base?.localDetector ?? (clusterCidrs.length ? 'CLUSTER_CIDR' : 'NONE'),
    nodePortAddresses: input.kubeProxy?.nodePortAddresses ?? base?.nodePortAddresses ?? [],
    localhostNodePorts: input.kubeProxy?.localhostNodePorts ?? base?.localhostNodePorts ?? true,
    kubeProxyClusterCidr: kubeProxyCidrsFrom(input.kubeProxy?.clusterCidrs, base),
    // Left out = as it was (null on create); null = the profile's default.
    networkPolicyEnforced:
      input.networkPolicyEnforced === undefined ? (base?.networkPolicyEnforced ?? null) : input.networkPolicyEnforced,
  };
}

@Injectable()
export class ClustersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly store: ClusterStore,
  ) {}

  /** With an Idempotency-Key (REST), at most once per key: see common/idempotency. */
  async create(
    tenantId: string,
    input: CreateClusterInput,
    key: IdempotencyKey | null = null,
  ): Promise<Created<ClusterView>> {
    const settings = settingsFrom(input, null);
    checkSettings(settings);
    return createOnce(this.prisma, tenantId, key, async (tx) => {
      await this.ensureNameFree(tx, settings.name, null);
      const row = await tx.cluster.create({ data: { tenantId, id: randomUUID(), ...settings } });
      return toClusterView(row);
    });
  }

  async get(tenantId: string, id: string): Promise<ClusterView> {
    return this.prisma.forTenant(tenantId, async (tx) => toClusterView(await this.store.require(tx, tenantId, id)));
  }

  async list(tenantId: string, args: PageArgs): Promise<Page<ClusterView>> {
    const limit = args.limit ?? 50;
    const after = decodeCursor(args.cursor, 1);
    return this.prisma.forTenant(tenantId, async (tx) => {
      const rows = await tx.cluster.findMany({
        where: after ? { name: { gt: after[0] } } : {},
        orderBy: { name: 'asc' },
        take: limit + 1,
      });
      const page = pageOf(rows, limit, (row) => [row.name]);
      return { items: page.items.map(toClusterView), nextCursor: page.nextCursor };
    });
  }

  /** `ifMatch` (REST If-Match): the cluster's version must be one it names. A PATCH that changes nothing bumps no version. */
  async update(
    tenantId: string,
    id: string,
    input: UpdateClusterInput,
    ifMatch: IfMatch | null = null,
  ): Promise<ClusterView> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      const current = await holdCluster(tx, this.store, tenantId, id);
      checkIfMatch(ifMatch, current.version);
      const settings = settingsFrom(input, current);
      checkSettings(settings);
      if (changesNothing(current, settings)) return toClusterView(current);
      if (settings.name !== current.name) await this.ensureNameFree(tx, settings.name, id);
      await this.store.checkContentsFit(tx, current, settings);
      await this.store.lock(tx, tenantId, id);
      const row = await tx.cluster.update({ where: { tenantId_id: { tenantId, id } }, data: settings });
      this.store.changed(tx, row, settingsChange(row, await policyObjectsIn(tx, row)));
      return toClusterView(row);
    });
  }

  async remove(tenantId: string, id: string, ifMatch: IfMatch | null = null): Promise<void> {
    await this.prisma.forTenant(tenantId, async (tx) => {
      checkIfMatch(ifMatch, (await holdCluster(tx, this.store, tenantId, id)).version);
      await this.store.lock(tx, tenantId, id);
      await tx.cluster.delete({ where: { tenantId_id: { tenantId, id } } });
    });
  }

  private async ensureNameFree(tx: TenantTx, name: string, exceptId: string | null): Promise<void> {
    const other = await tx.cluster.findFirst({
      where: { name, ...(exceptId ? { id: { not: exceptId } } : {}) },
      select: { id: true },
    });
    if (other) throw DomainError.conflict('name', `a cluster named "${name}" already exists`);
  }
}
