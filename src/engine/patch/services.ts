// Service writes for patchCompiled(), and the Service side of a patched version: Service ports
// whose endpoints a patch cannot change are reused (the objects themselves, with every cache kept
// on them, when their index did not move); the frontend tables are rebuilt only on Service writes.
import { byKey } from '../compile';
import {
  appendPorts,
  buildFrontends,
  canonicalList,
  compileServicePorts,
  ignoredIps,
  ignoredReason,
  portSlots,
  slotEndpoints,
  type PortSlot,
} from '../compile-services';
import type { CompiledCluster, CompiledEndpoint, CompiledService, CompiledServicePort } from '../compiled';
import { categorizeEndpoints, type EndpointSources } from '../endpoints';
import type { ClusterModel, ServiceModel } from '../model';
import { MapDraft } from './layered-map';
import { keyOf, ListDraft } from './model-changes';
import { carrySelectors } from './affected';
import { positionsOf, rememberPositions } from './state';

export type ServiceTables = Pick<
  CompiledCluster,
  | 'services'
  | 'serviceByKey'
  | 'servicePorts'
  | 'frontends'
  | 'proxyIngress'
  | 'proxyIngressIps'
  | 'nodePorts'
  | 'healthCheckNodePorts'
  | 'allocatedClusterIps'
  | 'boundServiceIps'
  | 'ignoredServiceIps'
  | 'warnings'
>;

export class ServiceDraft {
  readonly positions: MapDraft<string, number>;
  readonly models: ListDraft<ServiceModel>;
  /** Keys of the Services written (changed, added or deleted). */
  readonly written = new Set<string>();

  constructor(model: ClusterModel) {
    this.positions = new MapDraft(positionsOf(model.services));
    this.models = new ListDraft(model.services, keyOf, this.positions);
  }

  /** Apply one write (an `after` under another key renames: delete, then upsert). */
  write(key: string, after: ServiceModel | null): void {
    if (after === null || keyOf(after) !== key) {
      this.models.remove(key);
      this.written.add(key);
    }
    if (after !== null) {
      this.models.upsert(keyOf(after), after);
      this.written.add(keyOf(after));
    }
  }

  /** The Service `key` as written, undefined when deleted. */
  modelOf(key: string): ServiceModel | undefined {
    const at = this.positions.get(key);
    return at === undefined ? undefined : this.models.items[at];
  }

  /** Remember the new list's positions for the next patch. */
  finish(): void {
    if (this.written.size > 0) rememberPositions(this.models.items, this.positions.finish());
  }
}

/** Equal endpoint lists (field by field): then the Service port is kept as it was. */
function sameEndpoints(a: readonly CompiledEndpoint[], b: readonly CompiledEndpoint[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (
      x.ip !== y.ip ||
      x.port !== y.port ||
      x.nodeIndex !== y.nodeIndex ||
      x.nodeName !== y.nodeName ||
      x.podKey !== y.podKey ||
      x.ready !== y.ready ||
      x.serving !== y.serving ||
      x.terminating !== y.terminating ||
      x.zone !== y.zone ||
      x.hintsInferred !== y.hintsInferred ||
      !sameHints(x.zoneHints, y.zoneHints) ||
      !sameHints(x.nodeHints, y.nodeHints)
    )
      return false;
  }
  return true;
}

function sameHints(a: readonly string[] | null, b: readonly string[] | null): boolean {
  return a === b || (a !== null && b !== null && sameStrings(a, b));
}

/** `sp` with its endpoints derived again (the same object when they come out equal). */
function rederive(
  sp: CompiledServicePort,
  svc: ServiceModel,
  src: EndpointSources,
  slot: PortSlot,
): CompiledServicePort {
  const endpoints = slotEndpoints(src, svc, sp.serviceKey, slot);
  return sameEndpoints(sp.endpoints, endpoints)
    ? sp
    : { ...sp, endpoints, categories: categorizeEndpoints(endpoints, sp.categories.policy) };
}

/** No Service written: only the affected Services' ports are derived again, in place in a copy of servicePorts. */
function rederived(prev: CompiledCluster, src: EndpointSources, affected: ReadonlySet<string>): Partial<ServiceTables> {
  let ports: CompiledServicePort[] | null = null;
  for (const key of affected) {
    const i = prev.serviceByKey.get(key);
    const svc = i === undefined ? undefined : prev.services[i];
    if (svc === undefined || svc.ports.length === 0) continue;
    const slots = portSlots(svc.model);
    svc.ports.forEach((spIndex, k) => {
      const sp = rederive(prev.servicePorts[spIndex], svc.model, src, slots[k]);
      if (sp !== prev.servicePorts[spIndex]) (ports ??= prev.servicePorts.slice())[spIndex] = sp;
    });
  }
  return ports === null ? {} : { servicePorts: ports };
}

interface Entry {
  readonly key: string;
  readonly model: ServiceModel;
  /** The previous version's compiled Service, for a Service not written. */
  readonly old: CompiledService | null;
}

/** Every Service of the new version in key order: the previous ones not written, merged with the written ones still present. */
function mergedEntries(prev: readonly CompiledService[], draft: ServiceDraft): Entry[] {
  const written: Entry[] = [];
  for (const key of [...draft.written].sort(byKey)) {
    const model = draft.modelOf(key);
    if (model !== undefined) written.push({ key, model, old: null });
  }
  const out: Entry[] = [];
  let w = 0;
  for (const s of prev) {
    if (draft.written.has(s.key)) continue;
    while (w < written.length && written[w].key < s.key) out.push(written[w++]);
    out.push({ key: s.key, model: s.model, old: s });
  }
  while (w < written.length) out.push(written[w++]);
  return out;
}

/** A Service not written, now at `index`: its ports appended to `out`, re-indexed when they moved, re-derived when affected. */
function carried(
  prev: CompiledCluster,
  old: CompiledService,
  index: number,
  src: EndpointSources,
  affected: boolean,
  out: CompiledServicePort[],
): CompiledService {
  const moved = old.index !== index || (old.ports.length > 0 && old.ports[0] !== out.length);
  const slots = affected && old.ports.length > 0 ? portSlots(old.model) : null;
  const ports = old.ports.map((i, k) => {
    let sp = prev.servicePorts[i];
    if (slots !== null) sp = rederive(sp, old.model, src, slots[k]);
    if (moved) sp = { ...sp, index: out.length, serviceIndex: index };
    out.push(sp);
    return sp.index;
  });
  return moved ? { index, key: old.key, model: old.model, ignored: old.ignored, ports } : old;
}

/** Services written: every Service in key order again, written ones compiled afresh, the rest carried over; frontend tables rebuilt. */
function rebuilt(
  prev: CompiledCluster,
  draft: ServiceDraft,
  src: EndpointSources,
  affected: ReadonlySet<string>,
): ServiceTables {
  const services: CompiledService[] = [];
  const servicePorts: CompiledServicePort[] = [];
  mergedEntries(prev.services, draft).forEach((e, index) => {
    if (e.old !== null) {
      services.push(carried(prev, e.old, index, src, affected.has(e.key), servicePorts));
      return;
    }
    const ignored = ignoredReason(e.model);
    const ports =
      ignored === null
        ? appendPorts(
            servicePorts,
            compileServicePorts(
              e.model,
              e.key,
              index,
              servicePorts.length,
              (slot) => slotEndpoints(src, e.model, e.key, slot),
              prev.model.kubernetesVersion,
            ),
          )
        : [];
    services.push({ index, key: e.key, model: e.model, ignored, ports });
  });
  const warnings: string[] = [];
  const tables = buildFrontends(servicePorts, warnings);
  const sameKeys =
    services.length === prev.services.length && [...draft.written].every((k) => prev.serviceByKey.has(k));
  const serviceByKey = sameKeys ? prev.serviceByKey : new Map(services.map((s) => [s.key, s.index]));
  return { services, serviceByKey, servicePorts, ...tables, ignoredServiceIps: ignoredIps(services), warnings };
}

/** Equal lists of strings. */
function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Whether two ports at one index claim the same frontends (all buildFrontends reads): then the frontend tables stay. */
function sameFrontends(a: CompiledServicePort, b: CompiledServicePort): boolean {
  return (
    a.index === b.index &&
    a.serviceKey === b.serviceKey &&
    a.clusterIp === b.clusterIp &&
    a.port === b.port &&
    a.protocol === b.protocol &&
    a.family === b.family &&
    a.nodePort === b.nodePort &&
    a.healthCheckNodePort === b.healthCheckNodePort &&
    sameStrings(a.externalIps, b.externalIps) &&
    sameStrings(a.loadBalancerVips, b.loadBalancerVips) &&
    sameStrings(a.loadBalancerProxyIps, b.loadBalancerProxyIps)
  );
}

/** `fresh`, or `old` itself (and every cache kept on it) when the two are equal in every field. */
function keptIfSame(old: CompiledServicePort, fresh: CompiledServicePort): CompiledServicePort {
  const ranges = (sp: CompiledServicePort): string[] => sp.sourceRanges?.cidrs.map((c) => c.text) ?? ['none'];
  const same =
    sameFrontends(old, fresh) &&
    old.serviceIndex === fresh.serviceIndex &&
    old.portName === fresh.portName &&
    old.externalPolicyLocal === fresh.externalPolicyLocal &&
    old.internalPolicyLocal === fresh.internalPolicyLocal &&
    old.externallyAccessible === fresh.externallyAccessible &&
    sameStrings(ranges(old), ranges(fresh)) &&
    sameEndpoints(old.endpoints, fresh.endpoints) &&
    old.categories.policy?.nodes === fresh.categories.policy?.nodes &&
    old.sessionAffinity.type === fresh.sessionAffinity.type &&
    old.sessionAffinity.timeoutSeconds === fresh.sessionAffinity.timeoutSeconds;
  return same ? old : fresh;
}

/**
 * A written Service compiled at its previous place, or null when it cannot stay there with the
 * frontend tables unchanged (added, deleted, another port layout, other frontends or ignored IPs).
 */
function inPlace(
  prev: CompiledCluster,
  key: string,
  model: ServiceModel | undefined,
  src: EndpointSources,
): { service: CompiledService; ports: CompiledServicePort[] } | null {
  const i = prev.serviceByKey.get(key);
  if (i === undefined || model === undefined) return null;
  const old = prev.services[i];
  const ignored = ignoredReason(model);
  if (ignored !== old.ignored) return null;
  if (ignored !== null)
    return sameStrings(canonicalList(model.clusterIps), canonicalList(old.model.clusterIps))
      ? { service: { ...old, model }, ports: [] }
      : null;
  const ports = compileServicePorts(
    model,
    key,
    i,
    old.ports[0] ?? 0,
    (slot) => slotEndpoints(src, model, key, slot),
    prev.model.kubernetesVersion,
  );
  if (ports.length !== old.ports.length || ports.some((sp, k) => !sameFrontends(sp, prev.servicePorts[old.ports[k]])))
    return null;
  return {
    service: { index: i, key, model, ignored, ports: old.ports },
    ports: ports.map((sp, k) => keptIfSame(prev.servicePorts[old.ports[k]], sp)),
  };
}

/** Services written in place (see inPlace): both arrays copied with those Services replaced, the other affected ports derived again; null when any cannot be. */
function writtenInPlace(
  prev: CompiledCluster,
  draft: ServiceDraft,
  src: EndpointSources,
  affected: ReadonlySet<string>,
): Partial<ServiceTables> | null {
  const services = prev.services.slice();
  const servicePorts = prev.servicePorts.slice();
  for (const key of draft.written) {
    const placed = inPlace(prev, key, draft.modelOf(key), src);
    if (placed === null) return null;
    services[placed.service.index] = placed.service;
    for (const sp of placed.ports) servicePorts[sp.index] = sp;
  }
  const others = [...affected].filter((k) => !draft.written.has(k));
  const rest = rederived({ ...prev, servicePorts }, src, new Set(others));
  return { services, servicePorts: rest.servicePorts ?? servicePorts };
}

/** The Service side of the patched version (only the fields that changed); `draft` null when no Service was written. */
export function patchedServices(
  prev: CompiledCluster,
  draft: ServiceDraft | null,
  src: EndpointSources,
  affected: ReadonlySet<string>,
): Partial<ServiceTables> {
  draft?.finish();
  if (draft === null || draft.written.size === 0) return rederived(prev, src, affected);
  const tables = writtenInPlace(prev, draft, src, affected) ?? rebuilt(prev, draft, src, affected);
  const before = (key: string): ServiceModel | undefined => {
    const i = prev.serviceByKey.get(key);
    return i === undefined ? undefined : prev.services[i].model;
  };
  carrySelectors(prev.services, tables.services ?? prev.services, draft.written, before, (key) => draft.modelOf(key));
  return tables;
}
