import { Inject, Injectable, Optional } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Where /metrics is served (SVCPATH_METRICS_TOKEN, SVCPATH_METRICS_PORT); neither set: nowhere (404). */
export interface MetricsOptions {
  /** When set, a scrape must send `Authorization: Bearer <token>` (on the API port, and on the metrics port too). */
  readonly token: string | null;
  /** When set, /metrics is served on a listener of its own on this port (0: any free port) and not on the API port. */
  readonly port: number | null;
  /** The address the metrics listener binds (default 0.0.0.0). */
  readonly host?: string;
}

export const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');
export const METRICS_DISABLED: MetricsOptions = { token: null, port: null };

/** Whether /metrics is served at all (else it is a 404 and no HTTP request is measured). */
export function metricsExposed(options: MetricsOptions): boolean {
  return options.token !== null || options.port !== null;
}

/** The route label of a request no route matched (never the raw URL: that would be unbounded). */
export const UNMATCHED_ROUTE = 'unmatched';
/** The path of the scrape itself; its requests are not counted. */
export const METRICS_PATH = '/metrics';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Seconds: 0.5 ms (a memoised answer) up to a minute (a whole-cluster matrix). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds: a small cluster's compile (ms) up to a 150,000-pod one (tens of seconds). */
const COMPILE_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** Seconds: a tiny dump up to the import transaction's bound (300 s). */
const IMPORT_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export type AnalysisKind = 'reachability' | 'trace' | 'matrix' | 'namespace_matrix' | 'what_if';
/** What a whole compile of a cluster model was for: a model loaded from the database, one a write handed over (adopt), or a what-if variant. */
export type CompileSource = 'load' | 'adopt' | 'what_if';

/** Process metrics (CPU, memory, event loop, GC, handles): one set per process, however many apps it builds (tests build several). */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

interface HttpSeries {
  readonly requests: { inc(value?: number): void };
  readonly duration: { observe(value: number): void };
}

/**
 * The app instance's metrics: one prom-client Registry per app (never the global default registry),
 * provided through DI. The services record into it; /metrics (MetricsController, or the listener
 * of MetricsServer) renders it together with the process metrics.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'svcpath_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status (the scrape itself is not counted).',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'svcpath_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to its response being sent, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly analysisDuration = new Histogram({
    name: 'svcpath_analysis_duration_seconds',
    help: 'Time an analysis took in the service layer (model lookup or compile included; answers served from the answer memo are not analyses), by kind.',
    labelNames: ['kind'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly cacheHits = new Counter({
    name: 'svcpath_model_cache_hits_total',
    help: 'Model lookups answered by a compiled model held in memory (fresh, or confirmed by its version).',
    registers: [this.registry],
  });
  readonly cacheMisses = new Counter({
    name: 'svcpath_model_cache_misses_total',
    help: 'Model lookups that needed a model compiled or patched (not held, or held at an older version).',
    registers: [this.registry],
  });
  readonly compiles = new Counter({
    name: 'svcpath_model_cache_compiles_total',
    help: 'Whole compiles of a cluster model, by what they were for.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  readonly compileDuration = new Histogram({
    name: 'svcpath_model_compile_duration_seconds',
    help: 'Time a whole compile of a cluster model took, by what it was for.',
    labelNames: ['source'] as const,
    buckets: COMPILE_BUCKETS,
    registers: [this.registry],
  });
  readonly importDuration = new Histogram({
    name: 'svcpath_import_duration_seconds',
    help: 'Time an import took from reading its body to its commit, by mode and outcome.',
    labelNames: ['mode', 'outcome'] as const,
    buckets: IMPORT_BUCKETS,
    registers: [this.registry],
  });
  readonly importObjects = new Counter({
    name: 'svcpath_import_objects_total',
    help: 'Objects committed imports carried, by kind and what the import did with them.',
    labelNames: ['kind', 'change'] as const,
    registers: [this.registry],
  });

  /** The labelled series of each (method, route, status) seen: one Map lookup per request. */
  private readonly http = new Map<string, HttpSeries>();

  constructor(@Optional() @Inject(METRICS_OPTIONS) readonly options: MetricsOptions = METRICS_DISABLED) {
    processMetrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of this app's metrics (those registered since too: the pool gauges) and the process's. */
  render(): Promise<string> {
    return Registry.merge([this.registry, processMetrics()]).metrics();
  }

  /** Measures `fn` as an analysis of `kind` (whether it answers or throws). */
  async analysis<T>(kind: AnalysisKind, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.analysisDuration.labels(kind).observe((performance.now() - started) / 1000);
    }
  }

  /** Compiles with `compile`, counted and timed as a compile for `source`. */
  compile<T>(source: CompileSource, compile: () => T): T {
    const started = performance.now();
    const out = compile();
    this.compileDuration.labels(source).observe((performance.now() - started) / 1000);
    this.compiles.labels(source).inc();
    return out;
  }

  /** A committed import: its duration and the objects it carried (`counts`: change → kind → number). */
  imported(mode: string, seconds: number, counts: Record<string, object>): void {
    this.importDuration.labels(mode, 'ok').observe(seconds);
    for (const [change, kinds] of Object.entries(counts)) {
      for (const [kind, n] of Object.entries(kinds) as [string, unknown][])
        if (typeof n === 'number' && n > 0) this.importObjects.labels(kind, change).inc(n);
    }
  }

  importFailed(mode: string, seconds: number): void {
    this.importDuration.labels(mode, 'error').observe(seconds);
  }

  /**
   * Measures every HTTP response (onResponse: the route template, never the raw URL; a request no
   * route matched is `unmatched`). Installed only when /metrics is served, so a server that
   * exposes no metrics pays nothing per request.
   */
  install(fastify: FastifyInstance): void {
    if (!metricsExposed(this.options)) return;
    fastify.addHook('onResponse', (request, reply, done) => {
      this.observeHttp(request, reply);
      done();
    });
  }

  private observeHttp(request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    if (route === METRICS_PATH) return;
    const method = METHODS.has(request.method) ? request.method : 'OTHER';
    const status = reply.statusCode;
    const key = `${method} ${status} ${route}`;
    let series = this.http.get(key);
    if (series === undefined) {
      const labels = [method, route, String(status)] as const;
      series = { requests: this.httpRequests.labels(...labels), duration: this.httpDuration.labels(...labels) };
      this.http.set(key, series);
    }
    series.requests.inc();
    series.duration.observe(reply.elapsedTime / 1000);
  }
}
