import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ClusterModel, normaliseCceAnnotations } from '../../engine';
import { EndpointSlice, Node, Pod, Service } from '../../generated/prisma/client';
import { PrismaService, TenantTx } from '../../prisma/prisma.service';
import { ModelCache } from '../analysis/model-cache';
import { policyObjectsIn, TopologyLoader } from '../analysis/topology-loader';
import { cceServiceRules, toServiceModel } from '../services/cce-constraints';
import { resolveSpec, serviceClaims, ServiceSpec } from '../services/service-spec';
import { ClusterRow, ClusterStore } from '../topology/cluster-store';
import { ImportKind, ImportMode, ImportReportView, zeroCounts } from './import.dto';
import { DomainError } from '../../common/domain-error';
import { checkImportable, ImportInput, readInput } from './import-input';
import {
  DocumentIndex,
  forItem,
  forItemSync,
  ItemFailure,
  parseOrFail,
  NODE_FIELDS,
  POD_FIELDS,
  SERVICE_FIELDS,
} from './import-errors';
import { placePod, podClaims, PodRuleContext, podPorts } from '../pods/pod-rules';
import { checkPodCidrs, nodeAddresses, nodeClaims } from '../nodes/node-rules';
import { changesCluster, KubeProxyData, kubeProxySettings } from './import-kube-proxy';
import {
  checkLabels,
  LAST_APPLIED,
  NodeData,
  nodeRowData,
  PodData,
  podRowData,
  same,
  serviceAnnotations,
  ServiceData,
  serviceInput,
  serviceRowSpec,
  SliceData,
  sliceData,
  sliceRowData,
} from './import-records';
import {
  Change,
  claimAll,
  deleteAll,
  Deletions,
  explainFailedClaims,
  noDeletions,
  WriteBatch,
  writeAll,
} from './import-writes';
import { planDeletions } from './import-replace';
import { ExistingRows, importChanges, modelAfterImport, readExisting } from './import-model';
import { settingsChange } from '../topology/model-changes';
import { planChanges, planPolicies, readExistingPolicies, writePolicies } from './import-policies';
import type { ParsedImport } from './parse';
import { Metrics } from '../metrics/metrics';

/** Up to this many changed objects, the analyses patch their model with the import's changes; beyond, they take the whole model (adopt). */
const PATCH_LIMIT = 10_000;

/** An import writes up to hundreds of thousands of rows in one transaction: more time than a request's 60 s default, yet bounded. */
const IMPORT_TIMEOUT_MS = 300_000;

/**
 * Import of a kubectl dump into a cluster: parse (./parse), then one transaction that upserts every
 * object by its natural key through the same rules and claims as the REST write path, all or
 * nothing. The cluster's version changes only when the import changed something.
 */
@Injectable()
export class ImportService {
  private readonly logger = new Logger('ImportService');

  constructor(
    private readonly prisma: PrismaService,
    private readonly store: ClusterStore,
    private readonly loader: TopologyLoader,
    private readonly cache: ModelCache,
    private readonly metrics: Metrics,
  ) {}

  /** An import, timed (svcpath_import_duration_seconds) and, once committed, its objects counted (svcpath_import_objects_total). */
  async importDocument(
    tenantId: string,
    clusterId: string,
    input: ImportInput,
    mode: ImportMode = 'merge',
    kinds: readonly ImportKind[] = [],
  ): Promise<ImportReportView> {
    const started = performance.now();
    try {
      const report = await this.importUntimed(tenantId, clusterId, input, mode, kinds);
      const { created, updated, unchanged, deleted } = report;
      this.metrics.imported(mode, (performance.now() - started) / 1000, { created, updated, unchanged, deleted });
      return report;
    } catch (error) {
      this.metrics.importFailed(mode, (performance.now() - started) / 1000);
      throw error;
    }
  }

  private async importUntimed(
    tenantId: string,
    clusterId: string,
    input: ImportInput,
    mode: ImportMode,
    kinds: readonly ImportKind[],
  ): Promise<ImportReportView> {
    if (kinds.length > 0 && mode !== 'replace')
      throw DomainError.invalid('kinds', 'declares the kinds a replace import carries: use it with mode=replace');
    const phases = new Phases();
    const { sources, archive, bytes } = await readInput(input);
    const parsed = parseOrFail(sources);
    // A replace that declares its kinds may be an empty snapshot: the cluster emptied them.
    if (kinds.length === 0) checkImportable(parsed);
    phases.end('parse');
    const doc = new DocumentIndex(sources);
    try {
      const { report, after } = await this.prisma.forTenant(
        tenantId,
        (tx) => this.apply(tx, tenantId, clusterId, parsed, doc, phases, mode, kinds),
        { timeoutMs: IMPORT_TIMEOUT_MS },
      );
      report.archive = archive;
      phases.end('commit');
      // Committed: a cached model was patched with the import's changes (a small diff); if none
      // was held at the version before, the analyses take the whole model from memory instead of reading it back.
      if (after !== null && !this.cache.holds(tenantId, clusterId, after.cluster.version))
        this.cache.adopt(after.cluster, after.model);
      this.logger.log({
        message: 'imported',
        clusterId,
        mode,
        bytes,
        layout: archive?.layout,
        created: report.created,
        updated: report.updated,
        deleted: report.deleted,
        ms: phases.ms,
      });
      return report;
    } catch (error) {
      if (error instanceof ItemFailure) throw error.toDomainError(doc);
      throw error;
    }
  }

  private async apply(
    tx: TenantTx,
    tenantId: string,
    clusterId: string,
    parsed: ParsedImport,
    doc: DocumentIndex,
    phases: Phases,
    mode: ImportMode,
    kinds: readonly ImportKind[],
  ): Promise<{ report: ImportReportView; after: { cluster: ClusterRow; model: () => ClusterModel } | null }> {
    // Lock the cluster row (writes to a cluster are serialised) without bumping its version yet.
    await tx.$queryRaw`SELECT 1 FROM clusters WHERE tenant_id = ${tenantId}::uuid AND id = ${clusterId}::uuid FOR UPDATE`;
    let cluster = await this.store.require(tx, tenantId, clusterId);
    const report: ImportReportView = {
      created: zeroCounts(),
      updated: zeroCounts(),
      unchanged: zeroCounts(),
      deleted: zeroCounts(),
      skipped: parsed.skipped.map((s) => ({ ...s })),
      warnings: parsed.warnings.map((w) => ({ ...w })),
      kubeProxy: null,
      clusterVersion: cluster.version,
    };
    const warn = (kind: string, name: string, message: string) =>
      report.warnings.push({ ...doc.locate(kind, name), kind, name, message });

    const kubeProxy = parsed.kubeProxy ? kubeProxySettings(cluster, parsed.kubeProxy) : null;
    for (const message of kubeProxy?.warnings ?? [])
      report.warnings.push({
        ...doc.locate('KubeProxyConfiguration', '*'),
        kind: 'KubeProxyConfiguration',
        name: null,
        message,
      });
    const existing = await readExisting(tx, cluster);
    phases.end('read');
    const deletions = mode === 'replace' ? planDeletions(parsed, existing, kinds) : noDeletions();
    const policies = planPolicies(parsed, await readExistingPolicies(tx, cluster), mode === 'replace', kinds, warn);
    const policiesChanged = planChanges(policies);
    const changes = [
      ...this.planNodes(parsed, existing, cluster, warn),
      ...this.planPods(parsed, existing, cluster, deletions, warn),
      ...(await this.planServices(parsed, existing, cluster, warn)),
      ...this.planSlices(parsed, existing),
    ];
    const pending = changes.filter((c) => {
      if (!c.row || !same(this.rowData(c), c.data)) return true;
      report.unchanged[c.kind] += 1;
      return false;
    });
    const clusterChanged = kubeProxy !== null && changesCluster(cluster, kubeProxy.data);
    report.kubeProxy = kubeProxy?.applied ?? null;
    report.warnings.sort((a, b) => (a.source ?? '').localeCompare(b.source ?? '') || a.index - b.index);
    phases.end('plan');
    for (const kind of Object.keys(deletions) as (keyof Deletions)[]) report.deleted[kind] = deletions[kind].length;
    report.unchanged.namespaces = policies.unchanged.namespaces;
    report.unchanged.networkPolicies = policies.unchanged.networkPolicies;
    report.deleted.namespaces = policies.deleted.namespaces.length;
    report.deleted.networkPolicies = policies.deleted.networkPolicies.length;
    const deleting = Object.values(deletions).some((d) => d.length > 0);
    if (pending.length === 0 && !deleting && !clusterChanged && !policiesChanged) return { report, after: null };

    if (clusterChanged)
      cluster = await tx.cluster.update({
        where: { tenantId_id: { tenantId, id: clusterId } },
        data: kubeProxy!.data as KubeProxyData,
      });
    // Claims, then the rows: sent back to back, awaited together. A taken address fails the claims
    // (and with them the rest); it is then explained as a 409.
    // Deleted objects give their addresses back before anything is claimed (a new pod may take a deleted pod's IP).
    await deleteAll(tx, cluster, deletions);
    const batch = new WriteBatch(tx);
    await claimAll(tx, batch, cluster, pending);
    phases.end('claims');
    await writeAll(batch, cluster, pending);
    phases.end('send');
    try {
      await batch.drain();
    } catch (error) {
      await explainFailedClaims(tx, cluster, pending); // a 409 if an address was taken
      throw error;
    }
    phases.end('write');
    for (const change of pending) report[change.row ? 'updated' : 'created'][change.kind] += 1;
    await writePolicies(tx, cluster, policies);
    for (const n of policies.namespaces) report[n.row ? 'updated' : 'created'].namespaces += 1;
    for (const p of policies.policies) report[p.row ? 'updated' : 'created'].networkPolicies += 1;
    await this.checkCce(tx, cluster, changes.filter((c) => c.kind === 'services') as Change<Service, ServiceSpec>[]);
    phases.end('check');
    const locked = await this.store.lock(tx, tenantId, clusterId);
    report.clusterVersion = locked.version;
    const diff = pending.length + Object.values(deletions).reduce((n, d) => n + d.length, 0);
    // Namespaces and NetworkPolicies are few and part of the settings: read back as the import leaves them.
    const policy = await policyObjectsIn(tx, locked);
    if (diff <= PATCH_LIMIT)
      this.store.changed(
        tx,
        locked,
        ...importChanges(pending, deletions),
        ...(clusterChanged || policiesChanged ? [settingsChange(locked, policy)] : []),
      );
    return {
      report,
      after: { cluster: locked, model: () => modelAfterImport(locked, existing, changes, deletions, policy) },
    };
  }

  private planNodes(
    parsed: ParsedImport,
    existing: ExistingRows,
    cluster: ClusterRow,
    warn: (kind: string, name: string, message: string) => void,
  ): Change<Node, NodeData>[] {
    return parsed.nodes.map((rec) => {
      checkLabels('Node', rec.name, rec.labels);
      const addresses = forItemSync('Node', rec.name, NODE_FIELDS, () => nodeAddresses(rec));
      // A live cluster's node is kept as the cluster has it; a pod CIDR the API would refuse is a warning (node-rules).
      checkPodCidrs(addresses.podCidrs, cluster.serviceCidrs, (field, message) =>
        warn('Node', rec.name, `${NODE_FIELDS(field)} ${message}`),
      );
      const data: NodeData = { ...addresses, labels: rec.labels, unknownFields: rec.unknown ?? [] };
      const row = existing.nodes.get(rec.name);
      return { kind: 'nodes', key: rec.name, id: row?.id ?? randomUUID(), row, data, claims: nodeClaims(data) };
    });
  }

  private planPods(
    parsed: ParsedImport,
    existing: ExistingRows,
    cluster: ClusterRow,
    deletions: Deletions,
    warn: (kind: string, name: string, message: string) => void,
  ): Change<Pod, PodData>[] {
    // The cluster's nodes after this import: the stored ones the import keeps, as the document leaves or changes them.
    const deletedNodes = new Set(deletions.nodes.map((d) => d.key));
    const nodeIps = new Map(
      [...existing.nodes.values()].filter((n) => !deletedNodes.has(n.name)).map((n) => [n.name, n.internalIps]),
    );
    for (const n of parsed.nodes) nodeIps.set(n.name, n.internalIps);
    return parsed.pods.map((rec) => {
      const key = `${rec.namespace}/${rec.name}`;
      checkLabels('Pod', key, rec.labels);
      // A live cluster's pod is kept as the cluster has it; what the API would refuse is a warning (pod-rules).
      const ctx: PodRuleContext = {
        nodeIps: (name) => nodeIps.get(name),
        serviceCidrs: cluster.serviceCidrs,
        tolerate: (field, message) => warn('Pod', key, `${POD_FIELDS(field)} ${message}`),
      };
      const data: PodData = forItemSync('Pod', key, POD_FIELDS, () => ({
        labels: rec.labels,
        ...placePod(
          { nodeName: rec.nodeName, hostNetwork: rec.hostNetwork, ips: rec.ips, ipsGiven: rec.ips.length > 0 },
          ctx,
        ),
        phase: rec.phase,
        ready: rec.ready,
        terminating: rec.terminating,
        containerPorts: podPorts(rec.containerPorts, ctx),
        unknownFields: rec.unknown ?? [],
      }));
      const row = existing.pods.get(key);
      return { kind: 'pods', key, id: row?.id ?? randomUUID(), row, data, claims: podClaims(data) };
    });
  }

  private async planServices(
    parsed: ParsedImport,
    existing: ExistingRows,
    cluster: ClusterRow,
    warn: (kind: string, name: string, message: string) => void,
  ): Promise<Change<Service, ServiceData>[]> {
    const out: Change<Service, ServiceData>[] = [];
    for (const rec of parsed.services) {
      const key = `${rec.namespace}/${rec.name}`;
      checkLabels('Service', key, rec.labels);
      if (rec.selector) checkLabels('Service', key, rec.selector, 'spec.selector');
      const annotations = serviceAnnotations(rec, () =>
        warn(
          'Service',
          key,
          `metadata.annotations["${LAST_APPLIED}"] dropped (kubectl's copy of the manifest; not used by the analyses)`,
        ),
      );
      // A live cluster's Service is kept as the cluster has it; what the API would refuse is a warning (service-spec).
      const tolerate = (field: string, message: string) => warn('Service', key, `${SERVICE_FIELDS(field)} ${message}`);
      let spec = await forItem('Service', key, SERVICE_FIELDS, () =>
        resolveSpec(serviceInput(rec, annotations), null, cluster, { tolerate }),
      );
      // As applyCceRules: with externalTrafficPolicy Local, pass-through "true" is stored as "onlyLocal".
      if (cluster.profile !== 'KUBERNETES')
        spec = {
          ...spec,
          annotations: { ...normaliseCceAnnotations(toServiceModel(rec.namespace, rec.name, spec)).annotations },
        };
      const claims = await forItem('Service', key, SERVICE_FIELDS, () => serviceClaims(spec));
      const row = existing.services.get(key);
      out.push({
        kind: 'services',
        key,
        id: row?.id ?? randomUUID(),
        row,
        data: { ...spec, unknownFields: rec.unknown ?? [] },
        claims,
      });
    }
    return out;
  }

  private planSlices(parsed: ParsedImport, existing: ExistingRows): Change<EndpointSlice, SliceData>[] {
    return parsed.endpointSlices.map((rec) => {
      const key = `${rec.namespace}/${rec.name}`;
      const row = existing.slices.get(key);
      return { kind: 'endpointSlices', key, id: row?.id ?? randomUUID(), row, data: sliceData(rec), claims: [] };
    });
  }

  private rowData(change: Change): unknown {
    switch (change.kind) {
      case 'nodes':
        return nodeRowData(change.row as Node);
      case 'pods':
        return podRowData(change.row as Pod);
      case 'services':
        return serviceRowSpec(change.row as Service);
      case 'endpointSlices':
        return sliceRowData(change.row as EndpointSlice);
    }
  }

  /** The CCE page's rules (cceServiceRules) on every Service of the document, against the cluster as the import leaves it. */
  private async checkCce(tx: TenantTx, cluster: ClusterRow, services: Change<Service, ServiceSpec>[]): Promise<void> {
    if (cluster.profile === 'KUBERNETES' || services.length === 0) return;
    const model = await this.loader.load(tx, cluster);
    for (const change of services) {
      const [namespace, name] = change.key.split('/');
      forItemSync('Service', change.key, SERVICE_FIELDS, () => cceServiceRules(model, namespace, name, change.data));
    }
  }
}

/** Milliseconds spent in each phase of an import, for its log line. */
class Phases {
  readonly ms: Record<string, number> = {};
  private last = performance.now();

  end(phase: string): void {
    const now = performance.now();
    this.ms[phase] = Math.round(now - this.last);
    this.last = now;
  }
}
