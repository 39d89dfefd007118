import { Inject, Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import {
  applyModelChanges,
  ClusterModel,
  compile,
  CompiledCluster,
  ModelChange,
  patchCompiled,
  patchRecompiles,
} from '../../engine';
import { ChangeFeed, ObjectRef } from '../../prisma/change-feed';
import { ClusterChange, PrismaService } from '../../prisma/prisma.service';
import { DomainError } from '../../common/domain-error';
import { isDatabaseUnavailable } from '../../common/errors';
import { ClusterRow } from '../topology/cluster-store';
import { TopologyLoader } from './topology-loader';
import { Metrics } from '../metrics/metrics';

export interface CacheOptions {
  /** Total weight (nodes + pods + Services + endpoints) of the models kept in memory. */
  readonly budget: number;
  /** The most one tenant may hold, so one tenant cannot evict everyone else. */
  readonly perTenantBudget: number;
  /** How long a model is served without asking the database for its cluster's version. */
  readonly freshMs: number;
  /**
   * While the database cannot be reached, a model confirmed less than this long ago is served
   * without confirming it. No write commits while the database is down, so what such an answer
   * can miss is a change committed in the last staleOnOutageMs before this instance lost it (one
   * whose announcement did not reach it); after that, analyses answer 503 like everything else.
   */
  readonly staleOnOutageMs: number;
  /** Total size of the remembered analysis responses (AnswerMemo): characters of JSON plus bytes of their gzip forms; 0 = none. */
  readonly answerBytes: number;
}

export const CACHE_OPTIONS = Symbol('CACHE_OPTIONS');
export const DEFAULT_CACHE_OPTIONS: CacheOptions = {
  budget: 2_000_000,
  perTenantBudget: 1_000_000,
  freshMs: 500,
  staleOnOutageMs: 60_000,
  answerBytes: 64 * 2 ** 20,
};

export interface CompiledTopology {
  readonly cluster: ClusterRow;
  readonly model: ClusterModel;
  readonly compiled: CompiledCluster;
}

interface Entry extends CompiledTopology {
  readonly tenantId: string;
  readonly weight: number;
  checkedAt: number;
}

function weightOf(model: ClusterModel): number {
  const endpoints = model.endpointSlices.reduce((n, s) => n + s.endpoints.length, 0);
  return 1 + model.nodes.length + model.pods.length + model.services.length + endpoints;
}

/**
 * Compiled topologies per (tenant, cluster), never silently stale:
 * - a change committed on this instance patches the entry at once with the objects it wrote (or
 *   drops it, when the write did not say what it changed or the entry is not the version before);
 * - a change on another instance does the same when its NOTIFY arrives: the objects it names are
 *   read (one snapshot) and patched in, and requests meanwhile wait for that;
 * - and whatever happens to notifications, an entry older than `freshMs` is served only after its
 *   cluster's version has been read again (the guarantee; NOTIFY only makes it sooner).
 * The key holds the tenant and every load runs in that tenant's transaction (row-level security),
 * so no answer can come from another tenant's model. Bounded by weight, least recently used first.
 */
@Injectable()
export class ModelCache {
  /** Held models by key, each weighing its `weight`: least recently used go first past `budget` (and, in store, past `perTenantBudget`). */
  private readonly entries: LRUCache<string, Entry>;
  private readonly loading = new Map<string, Promise<Entry>>();
  /** Models a write has just stored whole (an import), being compiled from its own data (see adopt). */
  private readonly adopting = new Map<string, Promise<Entry | null>>();
  /** Counts invalidations: an adopted model compiled across one is confirmed by version before use. */
  private invalidations = 0;
  private readonly logger = new Logger('ModelCache');
  /** Models patched with a write's changes instead of reloaded, and the time it took (stats()). */
  private readonly patchStats = { count: 0, ms: 0 };

  constructor(
    private readonly prisma: PrismaService,
    private readonly loader: TopologyLoader,
    feed: ChangeFeed,
    @Inject(CACHE_OPTIONS) private readonly options: CacheOptions,
    private readonly metrics: Metrics,
  ) {
    this.entries = new LRUCache({ maxSize: options.budget, sizeCalculation: (entry) => entry.weight });
    feed.subscribe((change) => {
      if (change.kind === 'cluster') this.heard(change.tenantId, change.clusterId, change.version, change.objects);
    });
    prisma.onCommitted((c) => c.clusters.forEach((change) => this.committed(c.tenantId, change)));
  }

  async get(tenantId: string, clusterId: string): Promise<CompiledTopology> {
    const fresh = this.peek(tenantId, clusterId);
    if (fresh !== null) {
      this.metrics.cacheHits.inc();
      return fresh;
    }
    // A hit when the model held when asked is what answers (confirmed by its version), else a miss.
    const held = this.entries.peek(key(tenantId, clusterId))?.compiled;
    const got = await this.lookup(tenantId, clusterId);
    (got.compiled === held ? this.metrics.cacheHits : this.metrics.cacheMisses).inc();
    return got;
  }

  private async lookup(tenantId: string, clusterId: string): Promise<CompiledTopology> {
    const fresh = this.peek(tenantId, clusterId);
    if (fresh !== null) return fresh;
    const k = key(tenantId, clusterId);
    const adopting = this.adopting.get(k);
    if (adopting !== undefined) {
      const adopted = await adopting;
      if (adopted !== null && this.isFresh(adopted)) return adopted;
      return this.lookup(tenantId, clusterId); // confirmed by version (or loaded) as any entry
    }
    const entry = this.entries.peek(k);
    const pending = this.loading.get(k);
    if (pending) return pending;
    const load: Promise<Entry> = this.revalidate(tenantId, clusterId, entry).finally(() => {
      if (this.loading.get(k) === load) this.loading.delete(k);
    });
    this.loading.set(k, load);
    return load;
  }

  /**
   * The compiled topology if it is in memory and fresh (its version was confirmed less than
   * `freshMs` ago, or it was loaded since), else null; never touches the database. What it returns
   * is what get() would return now. Asking makes a held model the most recently used, even one not
   * fresh (one lookup on this hot path): get() then confirms or reloads it, which would anyway.
   */
  peek(tenantId: string, clusterId: string): CompiledTopology | null {
    const entry = this.entries.get(key(tenantId, clusterId));
    return entry !== undefined && this.isFresh(entry) ? entry : null;
  }

  /**
   * Takes the model a write has just committed whole (an import knows every object of the cluster
   * as it left it), so the next analysis does not read the cluster back: `build` runs and the model
   * is compiled right after the current request, and analyses asking meanwhile wait for it. Its
   * version was known at commit, so it counts as confirmed then: served without a version check
   * only until `freshMs` after the commit, and only if nothing invalidated the cluster meanwhile.
   */
  adopt(cluster: ClusterRow, build: () => ClusterModel): void {
    const k = key(cluster.tenantId, cluster.id);
    const committedAt = Date.now();
    const invalidations = this.invalidations;
    const work = new Promise<Entry | null>((resolve) =>
      setImmediate(() => {
        try {
          const held = this.entries.peek(k);
          if (held !== undefined && held.cluster.version >= cluster.version) return resolve(null); // a newer one was loaded meanwhile
          const model = build();
          const built = Date.now();
          const entry: Entry = {
            tenantId: cluster.tenantId,
            cluster,
            model,
            compiled: this.metrics.compile('adopt', () => compile(model)),
            weight: weightOf(model),
            checkedAt: this.invalidations === invalidations ? committedAt : -Infinity,
          };
          this.logger.log({
            message: 'compiled cluster model',
            clusterId: cluster.id,
            version: cluster.version,
            pods: model.pods.length,
            adoptedFromWrite: true,
            buildMs: built - committedAt,
            compileMs: Date.now() - built,
          });
          this.store(k, entry);
          resolve(entry);
        } catch (error) {
          this.logger.warn(
            `could not adopt the model of cluster ${cluster.id}: ${error instanceof Error ? error.message : String(error)}`,
          );
          resolve(null);
        }
      }),
    );
    this.adopting.set(k, work);
    void work.then(() => {
      if (this.adopting.get(k) === work) this.adopting.delete(k);
    });
  }

  /** Whether the model of this version of the cluster is held (a write need not hand over a whole model). */
  holds(tenantId: string, clusterId: string, version: number): boolean {
    return this.entries.peek(key(tenantId, clusterId))?.cluster.version === version;
  }

  /** A write of this instance committed: patch the model it changed, if held at the version before. */
  private committed(tenantId: string, change: ClusterChange): void {
    const k = key(tenantId, change.clusterId);
    const entry = this.entries.peek(k);
    const { version, changes, row } = change;
    if (entry !== undefined && version !== undefined && entry.cluster.version >= version) return; // its NOTIFY came first and patched it
    if (
      entry === undefined ||
      version === undefined ||
      changes === null ||
      row === undefined ||
      entry.cluster.version !== version - 1
    ) {
      this.invalidate(k);
      return;
    }
    this.invalidations += 1; // an adoption or load under way predates this change
    this.loading.delete(k);
    this.patch(k, entry, row, changes, Date.now());
  }

  /**
   * Another instance (or this one: NOTIFY reaches every listener) announced a change. Held at the
   * version before, with the objects named: read them and patch (requests wait for it); else drop.
   */
  private heard(
    tenantId: string,
    clusterId: string,
    version: number | undefined,
    objects: readonly ObjectRef[] | undefined,
  ): void {
    const k = key(tenantId, clusterId);
    const entry = this.entries.peek(k);
    if (version !== undefined && entry !== undefined && entry.cluster.version >= version) return; // already seen (our own write)
    if (
      version === undefined ||
      objects === undefined ||
      entry === undefined ||
      entry.cluster.version !== version - 1
    ) {
      this.invalidate(k, version);
      return;
    }
    this.invalidations += 1;
    entry.checkedAt = -Infinity; // not served until patched (or reloaded)
    const invalidations = this.invalidations;
    const readAt = Date.now();
    const load: Promise<Entry> = this.loader
      .changes(tenantId, clusterId, objects)
      .then(async (read) => {
        const current = this.entries.peek(k);
        if (current !== undefined && current !== entry && current.cluster.version >= version) return current; // this instance's commit patched it meanwhile
        if (
          read === null ||
          read.cluster.version !== version ||
          current !== entry ||
          this.invalidations !== invalidations
        ) {
          return this.revalidate(tenantId, clusterId, this.entries.peek(k)); // moved on meanwhile: load as usual
        }
        const next = this.patch(k, entry, read.cluster, read.changes, readAt);
        if (next !== null) return next;
        const adopted = await this.adopting.get(k); // a deferred whole compile
        return adopted ?? this.revalidate(tenantId, clusterId, undefined);
      })
      .finally(() => {
        if (this.loading.get(k) === load) this.loading.delete(k);
      });
    load.catch(() => undefined); // a request waiting for it gets the error
    this.loading.set(k, load);
  }

  /** Patches a held model with committed changes into the next version's entry; on any failure the entry is dropped (then loaded). */
  private patch(
    k: string,
    entry: Entry,
    cluster: ClusterRow,
    changes: readonly ModelChange[],
    checkedAt: number,
  ): Entry | null {
    if (patchRecompiles(entry.compiled, changes)) {
      // A whole compile (a node added or deleted, settings): after the current request, as an
      // import's model is adopted, not in the writer's response; analyses meanwhile wait for it.
      this.drop(k);
      this.adopt(cluster, () => applyModelChanges(entry.model, changes));
      return null;
    }
    try {
      const started = performance.now();
      const compiled = patchCompiled(entry.compiled, changes);
      const model = compiled.model;
      const next: Entry = { tenantId: entry.tenantId, cluster, model, compiled, weight: weightOf(model), checkedAt };
      this.patchStats.count += 1;
      this.patchStats.ms += performance.now() - started;
      this.store(k, next);
      return next;
    } catch (error) {
      this.logger.warn(
        `could not patch the model of cluster ${cluster.id}: ${error instanceof Error ? error.message : String(error)}`,
      );
      this.drop(k);
      return null;
    }
  }

  /** Applies a topology that never leaves memory (what-if): compiled fresh, not cached. */
  compileVariant(base: CompiledTopology, model: ClusterModel): CompiledTopology {
    return { cluster: base.cluster, model, compiled: this.metrics.compile('what_if', () => compile(model)) };
  }

  stats(): { entries: number; weight: number; patches: number; patchMs: number } {
    return {
      entries: this.entries.size,
      weight: this.entries.calculatedSize,
      patches: this.patchStats.count,
      patchMs: Math.round(this.patchStats.ms),
    };
  }

  /**
   * Confirms `entry` by the cluster's version, else loads the cluster. A result counts as checked
   * at the moment its read began, and only if nothing invalidated the cluster meanwhile (the read
   * may predate that change): otherwise it is served to the request that asked, not as fresh.
   */
  private async revalidate(tenantId: string, clusterId: string, entry: Entry | undefined): Promise<Entry> {
    const k = key(tenantId, clusterId);
    const startedAt = Date.now();
    const invalidations = this.invalidations;
    if (entry) {
      let current: { version: number } | null;
      try {
        current = await this.prisma.forTenant(tenantId, (tx) =>
          tx.cluster.findUnique({
            where: { tenantId_id: { tenantId, id: clusterId } },
            select: { version: true },
          }),
        );
      } catch (error) {
        // The database cannot be reached: the model held is served if it was confirmed within
        // staleOnOutageMs (see CacheOptions), so warm analyses keep answering through an outage.
        const held = this.entries.peek(k);
        if (
          held === entry &&
          isDatabaseUnavailable(error) &&
          Date.now() - entry.checkedAt < this.options.staleOnOutageMs
        )
          return entry;
        throw error;
      }
      // Held at the version read: the entry checked, or one this instance's commit patched in
      // meanwhile (the read raced the commit's callback). Never a dropped entry.
      const held = this.entries.peek(k);
      if (
        current !== null &&
        held !== undefined &&
        held.cluster.version === current.version &&
        (held !== entry || this.invalidations === invalidations)
      ) {
        if (held === entry) held.checkedAt = startedAt;
        this.entries.get(k); // now the most recently used
        return held;
      }
    }
    const snapshot = await this.loader.snapshot(tenantId, clusterId);
    if (!snapshot) {
      this.drop(k);
      throw DomainError.notFound(`cluster ${clusterId}`);
    }
    const loaded = Date.now();
    const fresh: Entry = {
      tenantId,
      ...snapshot,
      compiled: this.metrics.compile('load', () => compile(snapshot.model)),
      weight: weightOf(snapshot.model),
      checkedAt: this.invalidations === invalidations ? startedAt : -Infinity,
    };
    this.logger.log({
      message: 'compiled cluster model',
      clusterId,
      version: snapshot.cluster.version,
      pods: snapshot.model.pods.length,
      loadMs: loaded - startedAt,
      compileMs: Date.now() - loaded,
      held: entry?.cluster.version ?? null,
    });
    this.store(k, fresh);
    return fresh;
  }

  private isFresh(entry: Entry): boolean {
    return Date.now() - entry.checkedAt < this.options.freshMs;
  }

  /**
   * A cluster changed: its model is dropped, unless the announcement says which version the change
   * made and the model already is that version or newer (an instance hearing of its own write).
   */
  private invalidate(k: string, version?: number): void {
    const entry = this.entries.peek(k);
    if (version !== undefined && entry !== undefined && entry.cluster.version >= version) return;
    this.drop(k);
    this.loading.delete(k); // a load under way may predate the change: later requests start their own
    this.invalidations += 1;
  }

  private drop(k: string): void {
    this.entries.delete(k);
  }

  private store(k: string, entry: Entry): void {
    const held = this.entries.peek(k);
    if (held !== undefined && held.cluster.version > entry.cluster.version) return; // never replace a newer model
    this.drop(k);
    if (entry.weight > this.options.perTenantBudget) return; // too big to keep: served, not cached (LRUCache refuses one past `budget` likewise)
    this.evictTenant(entry.tenantId, this.options.perTenantBudget - entry.weight);
    this.entries.set(k, entry); // LRUCache drops least recently used entries (any tenant's) past `budget`
  }

  /**
   * Drops the tenant's least recently used entries until their total weight fits `room`. Kept by
   * hand: LRUCache bounds only the total, and this runs only when a model is stored (not per request).
   */
  private evictTenant(tenantId: string, room: number): void {
    const held: [string, Entry][] = [];
    let total = 0;
    // Least recently used first (typed loosely by lru-cache: each is a [key, value] pair).
    for (const [k, e] of this.entries.rentries() as Iterable<[string, Entry]>) {
      if (e.tenantId !== tenantId) continue;
      held.push([k, e]);
      total += e.weight;
    }
    for (const [k, e] of held) {
      if (total <= room) break;
      this.drop(k);
      total -= e.weight;
    }
  }
}

function key(tenantId: string, clusterId: string): string {
  return `${tenantId}/${clusterId}`;
}
