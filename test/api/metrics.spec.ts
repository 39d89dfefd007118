import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/app-config';
import { Metrics } from '../../src/modules/metrics/metrics';
import { MetricsServer } from '../../src/modules/metrics/metrics-server';
import { bearer, createTenant, startSecondInstance, startTestApp, TestApp, TestTenant } from '../support/test-app';

/**
 * GET /metrics on a real PostgreSQL: after a few requests (analyses, a 404, an import) the scrape
 * is valid Prometheus text — every line parsed by a strict parser below — and holds the HTTP,
 * analysis, model cache, import, database pool and process families with sensible values. The
 * token guards it (401 problem+json without it or with a wrong one); with neither token nor port
 * it is a 404; with a port of its own it is served there and not on the API port. Every metric
 * the Grafana dashboard in deploy/ queries is in the scrape.
 */
const TOKEN = 'metrics-token-0123456789abcdef';
const ROOT = join(__dirname, '..', '..');
const DASHBOARD = join(ROOT, 'deploy', 'grafana', 'svcpath-dashboard.json');
const IMPORT_FIXTURE = join(ROOT, 'test', 'import', 'fixtures', 'realistic-list.json');

// ---------------------------------------------------------------------------------------------
// A strict parser of the Prometheus text exposition format (0.0.4).

type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}
interface Family {
  readonly name: string;
  help?: string;
  type?: MetricType;
  readonly samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const VALUE = '(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|NaN|[+-]Inf)';
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(
  `^(${NAME})(?:\\{((?:${LABEL_NAME}=${LABEL_VALUE})(?:,${LABEL_NAME}=${LABEL_VALUE})*,?)?\\})? (${VALUE})(?: (-?\\d+))?$`,
);
const LABEL_PAIR = new RegExp(`(${LABEL_NAME})=(${LABEL_VALUE})`, 'g');

function numberOf(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function unescapeLabel(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

/** The family a sample named `name` belongs to, given its family's type. */
function belongs(sample: string, family: Family): boolean {
  if (sample === family.name) return family.type !== 'histogram';
  if (family.type === 'histogram')
    return [`${family.name}_bucket`, `${family.name}_sum`, `${family.name}_count`].includes(sample);
  if (family.type === 'summary') return [`${family.name}_sum`, `${family.name}_count`].includes(sample);
  return false;
}

/** Parses every line, throwing on the first that is not HELP, TYPE, a sample of the current family, or empty. */
function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition does not end with a newline');
  const families = new Map<string, Family>();
  let current: Family | undefined;
  const family = (name: string): Family => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, samples: [] };
      families.set(name, f);
    } else if (f !== current) {
      throw new Error(`family ${name} is declared twice (not contiguous)`);
    }
    current = f;
    return f;
  };
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, index) => {
      const where = `line ${index + 1}: ${JSON.stringify(line)}`;
      if (line === '') return;
      let m = HELP_LINE.exec(line);
      if (m) {
        const f = family(m[1]);
        if (f.help !== undefined) throw new Error(`${where}: a second HELP`);
        f.help = m[2];
        return;
      }
      m = TYPE_LINE.exec(line);
      if (m) {
        const f = family(m[1]);
        if (f.type !== undefined || f.samples.length > 0)
          throw new Error(`${where}: TYPE must come once, before the samples`);
        f.type = m[2] as MetricType;
        return;
      }
      if (line.startsWith('#')) throw new Error(`${where}: not a HELP or TYPE comment`);
      m = SAMPLE_LINE.exec(line);
      if (!m) throw new Error(`${where}: not a sample`);
      if (current === undefined || !belongs(m[1], current))
        throw new Error(`${where}: a sample outside its family (${current?.name})`);
      const labels: Record<string, string> = {};
      for (const pair of (m[2] ?? '').matchAll(LABEL_PAIR)) {
        if (pair[1] in labels) throw new Error(`${where}: label ${pair[1]} twice`);
        labels[pair[1]] = unescapeLabel(pair[2]);
      }
      const value = numberOf(m[3]);
      if (Number.isNaN(value) && m[3] !== 'NaN') throw new Error(`${where}: value is not a number`);
      current.samples.push({ name: m[1], labels, value });
    });
  for (const f of families.values()) {
    if (f.type === undefined || f.help === undefined) throw new Error(`family ${f.name} lacks its TYPE or HELP`);
  }
  return families;
}

/** Checks each histogram's series: cumulative buckets ending in +Inf, whose count equals _count. */
function checkHistograms(families: Map<string, Family>): void {
  for (const f of families.values()) {
    if (f.type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const s of f.samples) {
      const { le: _le, ...rest } = s.labels;
      const k = JSON.stringify(Object.entries(rest).sort());
      series.set(k, [...(series.get(k) ?? []), s]);
    }
    for (const samples of series.values()) {
      const buckets = samples.filter((s) => s.name.endsWith('_bucket'));
      const count = samples.find((s) => s.name === `${f.name}_count`);
      const sum = samples.find((s) => s.name === `${f.name}_sum`);
      expect(count, f.name).toBeDefined();
      expect(sum, f.name).toBeDefined();
      expect(buckets.at(-1)?.labels.le, f.name).toBe('+Inf');
      expect(buckets.at(-1)?.value, f.name).toBe(count!.value);
      for (let i = 1; i < buckets.length; i++) {
        expect(numberOf(buckets[i].labels.le)).toBeGreaterThan(numberOf(buckets[i - 1].labels.le));
        expect(buckets[i].value).toBeGreaterThanOrEqual(buckets[i - 1].value);
      }
      expect(sum!.value).toBeGreaterThanOrEqual(0);
    }
  }
}

function sample(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): Sample | undefined {
  const family = families.get(name.replace(/_(bucket|sum|count)$/, '')) ?? families.get(name);
  return family?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const found = sample(families, name, labels);
  if (found === undefined) throw new Error(`no sample ${name} ${JSON.stringify(labels)}`);
  return found.value;
}

/** The metric names a PromQL expression selects (label names, functions and keywords are not followed by `{`, `[` or a space before `)` ...: filtered by prefix). */
function metricNamesIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...withoutStrings.matchAll(/\b(?:svcpath|process|nodejs)_[a-zA-Z0-9_:]*/g)].map((m) => m[0]);
}

function exprsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => exprsOf(n, out));
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'expr' && typeof v === 'string') out.push(v);
      else exprsOf(v, out);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

let t: TestApp;
let tenant: TestTenant;
let clusterId: string;
let scraped: Map<string, Family>;
let text: string;

const post = (path: string, body: object) =>
  t.http.post(`/v1/clusters/${clusterId}${path}`).set(bearer(tenant.apiKey)).send(body);

beforeAll(async () => {
  t = await startTestApp({ metrics: { token: TOKEN, port: null } });
  tenant = await createTenant(t);
  clusterId = (
    await t.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .send({ name: 'c', clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] })
      .expect(201)
  ).body.id;
  await post('/nodes', { name: 'n1', internalIps: ['192.168.0.1'] }).expect(201);
  await post('/pods', {
    namespace: 'default',
    name: 'a',
    nodeName: 'n1',
    ips: ['10.244.0.1'],
    labels: { app: 'x' },
  }).expect(201);
  await post('/pods', {
    namespace: 'default',
    name: 'b',
    nodeName: 'n1',
    ips: ['10.244.0.2'],
    labels: { app: 'y' },
  }).expect(201);
  await post('/services', {
    namespace: 'default',
    name: 'x',
    selector: { app: 'x' },
    clusterIps: ['10.96.0.10'],
    ports: [{ port: 80 }],
  }).expect(201);
  // Two analyses of the one model (a compile, then a hit), a trace, a matrix, a what-if.
  await post('/reachability', { client: { pod: 'default/b' }, service: 'default/x' }).expect(200);
  await post('/reachability', { client: { pod: 'default/a' }, service: 'default/x' }).expect(200);
  await post('/trace', { source: { pod: 'default/b' }, destination: { ip: '10.96.0.10', port: 80 } }).expect(200);
  await t.http.get(`/v1/clusters/${clusterId}/services/default/x/matrix`).set(bearer(tenant.apiKey)).expect(200);
  await post('/what-if', {
    change: { pods: [{ pod: 'default/a', set: { ready: false } }] },
    reachability: { client: { pod: 'default/b' }, service: 'default/x' },
  }).expect(200);
  // An unknown route and an unknown cluster (a 404 of a matched route).
  await t.http.get('/v1/no-such-route/123').set(bearer(tenant.apiKey)).expect(404);
  await t.http
    .get(`/v1/clusters/${clusterId.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`)
    .set(bearer(tenant.apiKey))
    .expect(404);
  // An import into a cluster of its own.
  const imported = (
    await t.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .send({ name: 'imported', clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] })
      .expect(201)
  ).body.id as string;
  await t.http
    .post(`/v1/clusters/${imported}/import`)
    .set(bearer(tenant.apiKey))
    .set('content-type', 'application/json')
    .send(readFileSync(IMPORT_FIXTURE, 'utf8'))
    .expect(200);
  // Garbage for the collector to collect: the GC histogram then has samples too.
  const junk: unknown[] = [];
  for (let i = 0; i < 200_000; i++) junk.push({ i, s: `x${i}` });
  junk.length = 0;
  await new Promise((r) => setTimeout(r, 50));

  const res = await t.http.get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(200);
  expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  text = res.text;
  scraped = parseExposition(text);
}, 60_000);
afterAll(async () => t?.close());

describe('GET /metrics with the token', () => {
  it('is Prometheus text: every line parses, every family has a TYPE, HELP and samples, histograms are well formed', () => {
    expect(scraped.size).toBeGreaterThan(20);
    // nodejs_active_requests is labelled by the kind of each libuv request pending at the scrape: there may be none.
    for (const f of scraped.values())
      if (f.name !== 'nodejs_active_requests') expect(f.samples.length, `samples of ${f.name}`).toBeGreaterThan(0);
    checkHistograms(scraped);
  });

  it('counts requests by route template and status, never by raw URL, and not the scrape itself', () => {
    const reachability = { method: 'POST', route: '/v1/clusters/:clusterId/reachability', status: '200' };
    expect(valueOf(scraped, 'svcpath_http_requests_total', reachability)).toBe(2);
    expect(valueOf(scraped, 'svcpath_http_request_duration_seconds_count', reachability)).toBe(2);
    expect(valueOf(scraped, 'svcpath_http_request_duration_seconds_sum', reachability)).toBeGreaterThan(0);
    expect(
      valueOf(scraped, 'svcpath_http_requests_total', { method: 'POST', route: '/v1/tenants', status: '201' }),
    ).toBe(1);
    expect(valueOf(scraped, 'svcpath_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(
      1,
    );
    expect(
      valueOf(scraped, 'svcpath_http_requests_total', {
        method: 'GET',
        route: '/v1/clusters/:clusterId',
        status: '404',
      }),
    ).toBe(1);
    expect(
      valueOf(scraped, 'svcpath_http_requests_total', {
        method: 'POST',
        route: '/v1/clusters/:clusterId/import',
        status: '200',
      }),
    ).toBe(1);
    const routes = new Set(scraped.get('svcpath_http_requests_total')!.samples.map((s) => s.labels.route));
    expect(routes.has('/metrics')).toBe(false);
    for (const route of routes) expect(route === 'unmatched' || /^\/[a-z0-9/:_-]*$/i.test(route), route).toBe(true);
    expect(text).not.toContain(clusterId);
    expect(text).not.toContain('no-such-route');
  });

  it('times the analyses by kind and counts the model cache', () => {
    expect(valueOf(scraped, 'svcpath_analysis_duration_seconds_count', { kind: 'reachability' })).toBe(2);
    expect(valueOf(scraped, 'svcpath_analysis_duration_seconds_count', { kind: 'trace' })).toBe(1);
    expect(valueOf(scraped, 'svcpath_analysis_duration_seconds_count', { kind: 'matrix' })).toBe(1);
    expect(valueOf(scraped, 'svcpath_analysis_duration_seconds_count', { kind: 'what_if' })).toBe(1);
    expect(valueOf(scraped, 'svcpath_analysis_duration_seconds_sum', { kind: 'reachability' })).toBeGreaterThan(0);
    expect(valueOf(scraped, 'svcpath_model_cache_misses_total')).toBeGreaterThanOrEqual(1);
    expect(valueOf(scraped, 'svcpath_model_cache_hits_total')).toBeGreaterThanOrEqual(3);
    expect(valueOf(scraped, 'svcpath_model_cache_compiles_total', { source: 'load' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(scraped, 'svcpath_model_cache_compiles_total', { source: 'what_if' })).toBe(1);
    expect(valueOf(scraped, 'svcpath_model_compile_duration_seconds_count', { source: 'load' })).toBe(
      valueOf(scraped, 'svcpath_model_cache_compiles_total', { source: 'load' }),
    );
  });

  it('times imports and counts the objects they carried', () => {
    expect(valueOf(scraped, 'svcpath_import_duration_seconds_count', { mode: 'merge', outcome: 'ok' })).toBe(1);
    expect(valueOf(scraped, 'svcpath_import_objects_total', { kind: 'pods', change: 'created' })).toBeGreaterThan(0);
    expect(valueOf(scraped, 'svcpath_import_objects_total', { kind: 'nodes', change: 'created' })).toBeGreaterThan(0);
  });

  it('reads the database pools and has the process metrics', () => {
    for (const pool of ['prisma', 'loader']) {
      expect(valueOf(scraped, 'svcpath_db_pool_connections', { pool, state: 'in_use' })).toBeGreaterThanOrEqual(0);
      expect(valueOf(scraped, 'svcpath_db_pool_connections', { pool, state: 'idle' })).toBeGreaterThanOrEqual(0);
      expect(valueOf(scraped, 'svcpath_db_pool_waiting_requests', { pool })).toBe(0);
    }
    expect(valueOf(scraped, 'svcpath_db_pool_max_connections', { pool: 'prisma' })).toBe(20);
    expect(valueOf(scraped, 'svcpath_db_pool_connections', { pool: 'prisma', state: 'idle' })).toBeGreaterThan(0); // it served the requests above
    expect(valueOf(scraped, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(scraped, 'process_start_time_seconds')).toBeGreaterThan(1_600_000_000);
    expect(valueOf(scraped, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('has every metric the Grafana dashboard queries', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      schemaVersion: number;
      panels: { id: number; datasource?: { uid: string } }[];
      __inputs: { name: string }[];
    };
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.__inputs.map((i) => i.name)).toContain('DS_PROMETHEUS');
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    const exprs = exprsOf(dashboard);
    expect(exprs.length).toBeGreaterThan(10);
    const used = new Set(exprs.flatMap(metricNamesIn));
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) {
      const family = name.replace(/_(bucket|sum|count)$/, '');
      expect(scraped.has(family) || scraped.has(name), `dashboard metric ${name}`).toBe(true);
    }
    for (const p of dashboard.panels) if (p.datasource) expect(p.datasource.uid).toBe('${DS_PROMETHEUS}');
  });
});

describe('configuration', () => {
  it('reads SVCPATH_METRICS_TOKEN and SVCPATH_METRICS_PORT (unset: neither, so /metrics is off)', () => {
    expect(loadConfig({}).metrics).toEqual({ token: null, port: null, host: '0.0.0.0' });
    expect(
      loadConfig({ SVCPATH_METRICS_TOKEN: TOKEN, SVCPATH_METRICS_PORT: '9464', HOST: '127.0.0.1' }).metrics,
    ).toEqual({ token: TOKEN, port: 9464, host: '127.0.0.1' });
    expect(loadConfig({ SVCPATH_METRICS_TOKEN: '', SVCPATH_METRICS_PORT: '' }).metrics).toEqual({
      token: null,
      port: null,
      host: '0.0.0.0',
    });
    for (const env of [
      { SVCPATH_METRICS_TOKEN: 'short' },
      { SVCPATH_METRICS_TOKEN: 'has a space in it 0123456789' },
      { SVCPATH_METRICS_PORT: 'x' },
      { SVCPATH_METRICS_PORT: '70000' },
      { SVCPATH_METRICS_PORT: '3000' },
      { SVCPATH_METRICS_PORT: '8080', PORT: '8080' },
    ]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
    }
  });
});

describe('the exposition parser of this test', () => {
  it('refuses what is not Prometheus text', () => {
    const ok = '# HELP a_total A.\n# TYPE a_total counter\na_total{x="1",y="a\\"b"} 3\n';
    expect(parseExposition(ok).get('a_total')?.samples).toEqual([
      { name: 'a_total', labels: { x: '1', y: 'a"b' }, value: 3 },
    ]);
    for (const bad of [
      'a_total 1\n', // no TYPE
      '# HELP a_total A.\n# TYPE a_total counter\na_total one\n',
      '# HELP a_total A.\n# TYPE a_total counter\na_total{x=1} 1\n',
      '# HELP a_total A.\n# TYPE a_total counter\nb_total 1\n',
      '# HELP a A.\n# TYPE a histogram\na 1\n',
      '# HELP a_total A.\n# TYPE a_total counter\n# note\na_total 1\n',
      '# HELP a_total A.\n# TYPE a_total counter\na_total 1',
    ])
      expect(() => parseExposition(bad), bad).toThrow();
  });
});

describe('GET /metrics without the token', () => {
  it('is a 401 problem+json without a token, with a wrong one, or with another scheme', async () => {
    for (const authorization of [
      undefined,
      `Bearer ${TOKEN}x`,
      'Bearer wrong',
      `Basic ${TOKEN}`,
      `Bearer ${tenant.apiKey}`,
    ]) {
      const req = t.http.get('/metrics');
      const res = await (authorization === undefined ? req : req.set('authorization', authorization)).expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      expect(res.text).not.toContain('svcpath_');
    }
  });
});

describe('where /metrics is served', () => {
  it('is a 404 with neither a token nor a port, and then requests are not measured', async () => {
    const off = await startSecondInstance(t);
    try {
      const res = await off.http.get('/metrics').expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      await off.http.get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(404);
      expect(off.app.get(MetricsServer).address()).toBeNull();
      await off.http.get('/health/live').expect(200);
      const families = parseExposition(await off.app.get(Metrics).render());
      expect(families.get('svcpath_http_requests_total')?.samples).toEqual([]);
    } finally {
      await off.close();
    }
  });

  it('with a port of its own: served there (each app its own registry), a 404 on the API port; a token is then required there too', async () => {
    const open = await startSecondInstance(t, { metrics: { token: null, port: 0, host: '127.0.0.1' } });
    const guarded = await startSecondInstance(t, { metrics: { token: TOKEN, port: 0, host: '127.0.0.1' } });
    const port = open.app.get(MetricsServer).address()!.port;
    try {
      await open.http.get('/health/live').expect(200);
      await open.http.get('/metrics').expect(404);
      const metricsPort = request(`http://127.0.0.1:${port}`);
      const res = await metricsPort.get('/metrics').expect(200);
      const families = parseExposition(res.text);
      checkHistograms(families);
      expect(
        valueOf(families, 'svcpath_http_requests_total', { method: 'GET', route: '/health/live', status: '200' }),
      ).toBe(1);
      expect(
        sample(families, 'svcpath_http_requests_total', { route: '/v1/clusters/:clusterId/reachability' }),
      ).toBeUndefined(); // the first app's
      expect(sample(families, 'svcpath_http_requests_total', { route: '/metrics' })).toBeUndefined();
      expect(valueOf(families, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      await metricsPort.get('/').expect(404);
      await metricsPort.post('/metrics').expect(405);

      const guardedPort = request(`http://127.0.0.1:${guarded.app.get(MetricsServer).address()!.port}`);
      const refused = await guardedPort.get('/metrics').expect(401);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      await guardedPort.get('/metrics').set('authorization', 'Bearer wrong').expect(401);
      await guardedPort.get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(200);
      await guarded.http.get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(404);
    } finally {
      await open.close();
      await guarded.close();
    }
    // Closed with the app.
    expect(open.app.get(MetricsServer).address()).toBeNull();
    await expect(request(`http://127.0.0.1:${port}`).get('/metrics')).rejects.toThrow(/ECONNREFUSED/);
  });
});
