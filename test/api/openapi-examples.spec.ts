import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, ErrorCode, STATUS_OF } from '../../src/common/domain-error';
import { problemOf } from '../../src/common/errors';
import { DemoInfo, seedDemo } from '../../src/demo/seed';
import { ADMIN_TOKEN, bearer, startSecondInstance, startTestApp, TestApp } from '../support/test-app';

/**
 * The OpenAPI document tells the truth: read as the app serves it, every request example is sent
 * exactly as documented (only the path placeholders below are replaced by real ids) against the
 * demo cluster, and gets the documented success status; every error example is the problem+json
 * the exception filter renders for its status, and the generic ones (401, 403, 404 and 400 for a
 * bad id, 413, 415) are what the app really answers.
 */

interface Example {
  summary?: string;
  value: unknown;
}
interface Media {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, Example>;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  example?: unknown;
  schema?: { example?: unknown };
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { description?: string; content?: Record<string, Media> }>;
  security?: Record<string, unknown>[];
  summary?: string;
}
interface Doc {
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
}
interface Op {
  key: string;
  method: string;
  path: string;
  op: Operation;
}

/**
 * Media types of a documented body that have no runnable example, and why. Nothing else may lack one.
 * (@nestjs/swagger puts a body's examples under each of its media types; these show the JSON one.)
 */
const NO_RUNNABLE_EXAMPLE: Record<string, string> = {
  'POST /v1/clusters/{clusterId}/import application/gzip':
    'a dump archive is binary: upload a .tar.gz (test/api/import-dump.spec.ts covers it)',
  'POST /v1/clusters/{clusterId}/import application/x-gzip': 'as application/gzip',
  'POST /v1/clusters/{clusterId}/import application/x-tar': 'as application/gzip (a plain tar)',
  'POST /v1/clusters/{clusterId}/import application/x-gtar': 'as application/gzip',
};

/**
 * Descriptions known to hold a bare `<…>` (Swagger UI drops it as HTML), with who fixes it. Keep
 * this empty: the fix is a `code span` (backticks) or `&lt;`.
 */
const PENDING_BARE_TAGS: Record<string, string> = {};

/** The route that takes the operator token, not an API key. */
const OPERATOR_ROUTES = new Set(['POST /v1/tenants']);

/** The placeholders the document's path examples use, and the object each stands for. */
const PLACEHOLDERS: Record<
  string,
  { kind: 'cluster' | 'node' | 'pod' | 'service' | 'key' | 'namespace' | 'networkpolicy'; name: string }
> = {
  '00000000-0000-4000-a000-000000000001': { kind: 'cluster', name: 'cce-demo' },
  '00000000-0000-4000-a000-000000000002': { kind: 'cluster', name: 'cce-staging' },
  '00000000-0000-4000-a000-000000000011': { kind: 'node', name: 'node-1' },
  '00000000-0000-4000-a000-000000000014': { kind: 'node', name: 'node-4' },
  '00000000-0000-4000-a000-000000000021': { kind: 'pod', name: 'default/backend-1' },
  '00000000-0000-4000-a000-000000000023': { kind: 'pod', name: 'default/backend-3' },
  '00000000-0000-4000-a000-000000000024': { kind: 'pod', name: 'default/backend-4' },
  '00000000-0000-4000-a000-000000000031': { kind: 'service', name: 'default/backend-nodeport' },
  '00000000-0000-4000-a000-000000000032': { kind: 'service', name: 'default/frontend' },
  '00000000-0000-4000-a000-000000000041': { kind: 'key', name: 'ci-sync' },
  '00000000-0000-4000-a000-000000000051': { kind: 'namespace', name: 'shop' },
  '00000000-0000-4000-a000-000000000061': { kind: 'networkpolicy', name: 'default/allow-frontend' },
};
/** The list route of each kind of object, under the demo cluster. */
const LIST_OF: Record<string, string> = { networkpolicy: 'networkpolicies' };

/** Creations first, then reads and analyses, then updates, then deletions (what a deletion removes was created above). */
const PHASES = ['create', 'read', 'update', 'delete'] as const;
const DELETE_ORDER = [
  '/v1/api-keys/',
  '/pods/',
  '/services/',
  '/nodes/',
  '/networkpolicies/',
  '/namespaces/',
  '/v1/clusters/{clusterId}',
];

function phaseOf(o: Op): (typeof PHASES)[number] {
  if (o.method === 'delete') return 'delete';
  if (o.method === 'patch') return 'update';
  return o.method === 'post' && successStatuses(o.op).includes(201) ? 'create' : 'read';
}

const successStatuses = (op: Operation): number[] =>
  Object.keys(op.responses)
    .map(Number)
    .filter((s) => s >= 200 && s < 300);
const errorStatuses = (op: Operation): number[] =>
  Object.keys(op.responses)
    .map(Number)
    .filter((s) => s >= 400);
const paramExample = (p: Parameter): unknown => p.example ?? p.schema?.example;

let t: TestApp;
let demo: DemoInfo;
let dataDir: string;
let readKey: string;
let doc: Doc;
let ops: Op[];

beforeAll(async () => {
  t = await startTestApp();
  dataDir = mkdtempSync(join(tmpdir(), 'svcpath-openapi-'));
  demo = await seedDemo(t.app, dataDir);
  readKey = (
    await t.http.post('/v1/api-keys').set(bearer(demo.apiKey)).send({ name: 'test-reader', scope: 'read' }).expect(201)
  ).body.apiKey;
  const served = await t.http.get('/docs/openapi.json').expect(200);
  doc = served.body as Doc;
  ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method, path, op })),
  );
});
afterAll(async () => {
  await t?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const get = async (path: string) => (await t.http.get(path).set(bearer(demo.apiKey)).expect(200)).body;

/** The real id of the object a placeholder stands for, looked up by name through the API (lenient: the placeholder itself once the object is gone). */
async function realId(placeholder: string, lenient = false): Promise<string> {
  const target = PLACEHOLDERS[placeholder];
  if (!target) throw new Error(`${placeholder} is not a placeholder this test knows`);
  const named = (items: { id: string; name: string; namespace?: string }[]) => {
    const found = items.find((i) => (i.namespace ? `${i.namespace}/${i.name}` : i.name) === target.name);
    if (!found && lenient) return placeholder;
    if (!found) throw new Error(`no ${target.kind} ${target.name} for placeholder ${placeholder}`);
    return found.id;
  };
  if (target.kind === 'key') return named(await get('/v1/api-keys'));
  if (target.kind === 'cluster') return named((await get('/v1/clusters?limit=500')).items);
  return named(
    (await get(`/v1/clusters/${demo.clusterId}/${LIST_OF[target.kind] ?? `${target.kind}s`}?limit=500`)).items,
  );
}

/** The operation's URL: path examples (placeholders resolved, or `override`), and every query example. */
async function urlOf(o: Op, override: Record<string, string> = {}, lenient = false): Promise<string> {
  let url = o.path;
  const query = new URLSearchParams();
  for (const p of o.op.parameters ?? []) {
    const example = paramExample(p);
    if (p.in === 'path') {
      expect(example, `${o.key}: path parameter ${p.name} has no example`).toBeDefined();
      const uuidLike = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(String(example));
      expect(
        !uuidLike || String(example) in PLACEHOLDERS,
        `${o.key}: ${p.name} example ${String(example)} is an id this test does not know (add it to PLACEHOLDERS)`,
      ).toBe(true);
      const value =
        override[p.name] ??
        (String(example) in PLACEHOLDERS ? await realId(String(example), lenient) : String(example));
      url = url.replace(`{${p.name}}`, encodeURIComponent(value));
    } else if (p.in === 'query' && example !== undefined) {
      query.set(p.name, String(example));
    } else if (p.in === 'query') {
      expect(p.required, `${o.key}: required query parameter ${p.name} has no example`).not.toBe(true);
    }
  }
  const q = query.toString();
  return q ? `${url}?${q}` : url;
}

function tokenOf(o: Op): string | null {
  if (!o.op.security?.length) return null;
  return OPERATOR_ROUTES.has(o.key) ? ADMIN_TOKEN : demo.apiKey;
}

type Sent = { status: number; body: unknown; headers: Record<string, string> };

async function send(
  o: Op,
  url: string,
  token: string | null,
  body?: { type: string; value: unknown },
  app = t,
): Promise<Sent> {
  let req = app.http[o.method as 'get'](url);
  if (token !== null) req = req.set('authorization', `Bearer ${token}`);
  if (body)
    req = req
      .set('content-type', body.type)
      .send(typeof body.value === 'string' ? body.value : JSON.stringify(body.value));
  const res = await req;
  return { status: res.status, body: res.body as unknown, headers: res.headers as Record<string, string> };
}

/** Each documented request example (media type, name, value), or one bodiless request. */
function requestsOf(o: Op): { type: string; name: string; value: unknown }[] {
  const content = o.op.requestBody?.content;
  if (!content) return [];
  return Object.entries(content).flatMap(([type, media]) => {
    if (`${o.key} ${type}` in NO_RUNNABLE_EXAMPLE) return [];
    const named = Object.entries(media.examples ?? {}).map(([name, e]) => ({ type, name, value: e.value }));
    return media.example !== undefined ? [{ type, name: 'example', value: media.example }, ...named] : named;
  });
}

const withoutRequestId = (problem: unknown) => {
  const { requestId: _r, ...rest } = problem as Record<string, unknown>;
  return rest;
};

function documentedProblems(o: Op, status: number): Record<string, unknown>[] {
  const examples = o.op.responses[String(status)]?.content?.['application/problem+json']?.examples ?? {};
  return Object.values(examples).map((e) => withoutRequestId(e.value));
}

/** Error examples (`METHOD path status name`) the app was seen to answer exactly. */
const verified = new Set<string>();

/** The answer is problem+json, filed under its status in the document, as one of that status's examples. */
function expectDocumented(o: Op, res: Sent, status: number): void {
  expect(res.status, `${o.key}: ${JSON.stringify(res.body)}`).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const answered = withoutRequestId(res.body);
  expect(documentedProblems(o, status), `${o.key}: the ${status} it answers is not among its examples`).toContainEqual(
    answered,
  );
  const examples = o.op.responses[String(status)].content!['application/problem+json'].examples!;
  for (const [name, e] of Object.entries(examples))
    if (JSON.stringify(withoutRequestId(e.value)) === JSON.stringify(answered))
      verified.add(`${o.key} ${status} ${name}`);
}

const firstBody = (o: Op) => {
  const [first] = requestsOf(o);
  return first ? { type: first.type, value: first.value } : undefined;
};

describe('the served OpenAPI document', () => {
  it('has an Authorization hint that Markdown renders as text, and no raw angle brackets in any description', () => {
    expect(doc.info.description).toContain('`Authorization: Bearer <API key>`');
    const bare: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${at}[${i}]`));
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          // Outside `code spans`, Markdown (Swagger UI) reads <…> as HTML and drops it.
          if (
            (k === 'description' || k === 'summary') &&
            typeof v === 'string' &&
            /<[A-Za-z/!?]/.test(v.replace(/`[^`]*`/g, ''))
          )
            bare.push(`${at}.${k}`);
          else walk(v, `${at}.${k}`);
        }
      }
    };
    walk(doc, '#');
    expect(bare.filter((at) => !(at in PENDING_BARE_TAGS))).toEqual([]);
    // An entry here is removed once it is fixed (then this fails, to keep the list honest).
    for (const at of Object.keys(PENDING_BARE_TAGS))
      expect(bare, `${at} is fixed: take it off PENDING_BARE_TAGS`).toContain(at);
  });

  it('gives every path parameter an example, and every request body examples under each media type (bar the allow-list)', () => {
    const missing: string[] = [];
    for (const o of ops) {
      for (const p of o.op.parameters ?? [])
        if (p.in === 'path' && paramExample(p) === undefined) missing.push(`${o.key} ${p.name}`);
      for (const [type, media] of Object.entries(o.op.requestBody?.content ?? {})) {
        if (`${o.key} ${type}` in NO_RUNNABLE_EXAMPLE) continue;
        if (media.example === undefined && Object.keys(media.examples ?? {}).length === 0)
          missing.push(`${o.key} ${type}`);
      }
    }
    expect(missing).toEqual([]);
    // The allow-list names nothing the document lacks.
    for (const entry of Object.keys(NO_RUNNABLE_EXAMPLE)) {
      const [method, path, type] = entry.split(' ');
      expect(doc.paths[path]?.[method.toLowerCase()]?.requestBody?.content[type], entry).toBeDefined();
    }
  });

  it('documents one success status per operation', () => {
    for (const o of ops) expect(successStatuses(o.op), o.key).toHaveLength(1);
  });
});

describe('every request example runs as shown against the demo cluster', () => {
  it('and gets the documented success status (creations, reads and analyses, updates, then deletions of what was created)', async () => {
    const rank = (o: Op) =>
      PHASES.indexOf(phaseOf(o)) * 100 +
      (phaseOf(o) === 'delete' ? DELETE_ORDER.findIndex((p) => o.path.includes(p)) : 0);
    const ordered = [...ops].sort((a, b) => rank(a) - rank(b));
    expect(
      ordered.filter((o) => phaseOf(o) === 'delete' && DELETE_ORDER.findIndex((p) => o.path.includes(p)) < 0),
    ).toEqual([]);
    const ran: string[] = [];
    for (const o of ordered) {
      const [status] = successStatuses(o.op);
      const bodies = requestsOf(o);
      if (o.op.requestBody) expect(bodies.length, `${o.key} has no runnable request example`).toBeGreaterThan(0);
      for (const body of o.op.requestBody ? bodies : [undefined]) {
        const url = await urlOf(o);
        const res = await send(o, url, tokenOf(o), body);
        const what = `${o.key}${body ? ` (${body.type}, example "${body.name}")` : ''} as ${url}`;
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
        const documented = Object.keys(o.op.responses[String(status)].content ?? {});
        if (documented.length > 0)
          expect(
            documented.some((type) => res.headers['content-type']?.startsWith(type)),
            what,
          ).toBe(true);
        ran.push(what);
      }
    }
    // What the deletions removed is gone; the demo cluster is still there.
    expect((await get('/v1/clusters')).items.map((c: { name: string }) => c.name)).not.toContain('cce-staging');
    expect((await get(`/v1/clusters/${demo.clusterId}/nodes`)).items.map((n: { name: string }) => n.name)).toEqual([
      'node-1',
      'node-2',
      'node-3',
    ]);
    expect(ran.length).toBeGreaterThanOrEqual(ops.length);
  });
});

describe('every error example', () => {
  it('is the problem+json the exception filter renders, filed under its own status', () => {
    let checked = 0;
    for (const o of ops) {
      for (const status of errorStatuses(o.op)) {
        const content = o.op.responses[String(status)].content ?? {};
        if (o.key === 'GET /health/ready') continue; // not an error of the API: a 503 { status: 'unavailable' } for probes
        expect(Object.keys(content), `${o.key} ${status}`).toEqual(['application/problem+json']);
        const examples = Object.values(content['application/problem+json'].examples ?? {});
        expect(examples.length, `${o.key} ${status} has no example`).toBeGreaterThan(0);
        for (const { value } of examples) {
          const p = value as {
            type: string;
            status: number;
            code: string;
            detail: string;
            errors?: { field: string; message: string }[];
            rule?: string;
            requestId: string;
          };
          expect(p.status, `${o.key}: an example filed under ${status}`).toBe(status);
          expect(typeof p.detail === 'string' && p.detail.length > 0).toBe(true);
          expect(typeof p.requestId === 'string' && p.requestId.length > 0).toBe(true);
          for (const issue of p.errors ?? []) expect(Object.keys(issue).sort()).toEqual(['field', 'message']);
          // Exactly what the filter makes of that error: type, title, code, key order and all.
          const rendered =
            status === 500
              ? problemOf(new Error('boom'), p.requestId)
              : problemOf(new DomainError(p.code as ErrorCode, p.detail, p.errors ?? [], p.rule), p.requestId);
          if (status !== 500)
            expect(STATUS_OF[p.code as ErrorCode], `${o.key}: code ${p.code} under ${status}`).toBe(status);
          expect(JSON.stringify(value), `${o.key} ${status}`).toBe(JSON.stringify(rendered));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('401: a missing or unknown key gets one of the documented answers on every authenticated route', async () => {
    for (const o of ops.filter((x) => x.op.security?.length)) {
      const url = await urlOf(o, {}, true);
      expectDocumented(o, await send(o, url, null, firstBody(o)), 401);
      expectDocumented(o, await send(o, url, 'svc_nope_not-a-key', firstBody(o)), 401);
    }
  });

  it('403: a read-scoped key gets the documented answer exactly where one is documented, and only there', async () => {
    for (const o of ops.filter((x) => x.op.security?.length && !OPERATOR_ROUTES.has(x.key))) {
      const res = await send(o, await urlOf(o, {}, true), readKey, firstBody(o));
      if ('403' in o.op.responses) expectDocumented(o, res, 403);
      else expect(res.status, `${o.key} refuses a read key but documents no 403`).not.toBe(403);
    }
    // The operator route: a server with no operator token configured.
    const second = await startSecondInstance(t, { adminToken: null });
    try {
      for (const o of ops.filter((x) => OPERATOR_ROUTES.has(x.key)))
        expectDocumented(o, await send(o, await urlOf(o, {}, true), 'anything', firstBody(o), second), 403);
    } finally {
      await second.close();
    }
  });

  it('404 and 400 for a path parameter: a missing id, a malformed id or name gets the documented answer', async () => {
    const PARAM_OF: Record<string, string> = {
      cluster: 'clusterId',
      node: 'nodeId',
      pod: 'podId',
      Service: 'serviceId',
      'API key': 'keyId',
      namespace: 'namespaceId',
      NetworkPolicy: 'networkPolicyId',
    };
    let checked = 0;
    for (const o of ops) {
      const examples = [...documentedProblems(o, 404), ...documentedProblems(o, 400)];
      for (const p of examples as { detail: string }[]) {
        const missing = /^(cluster|node|pod|Service|API key|namespace|NetworkPolicy) ([0-9a-f-]{36}) not found$/.exec(
          p.detail,
        );
        const malformed = /^(\w+): must be a (?:UUID|DNS-1123 name), got "(.+)"$/.exec(p.detail);
        const override = missing
          ? { [PARAM_OF[missing[1]]]: missing[2] }
          : malformed
            ? { [malformed[1]]: malformed[2] }
            : null;
        if (!override) continue;
        const [name] = Object.keys(override);
        expect(
          o.op.parameters?.some((x) => x.in === 'path' && x.name === name),
          `${o.key}: example about path parameter ${name}, which it lacks`,
        ).toBe(true);
        const res = await send(o, await urlOf(o, override, true), tokenOf(o), firstBody(o));
        expectDocumented(o, res, missing ? 404 : 400);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('413 and 415: a JSON body over 8 MiB, or of another type, gets the documented answer on every route with a JSON body', async () => {
    for (const o of ops.filter((x) => x.op.requestBody)) {
      const url = await urlOf(o, {}, true);
      expect('413' in o.op.responses && '415' in o.op.responses, `${o.key} takes a body but documents no 413/415`).toBe(
        true,
      );
      // XML, which no route reads, and each type an example says it refuses.
      const named = (documentedProblems(o, 415) as { detail: string }[]).map(
        (p) => /, not ([\w.+-]+\/[\w.+-]+)$/.exec(p.detail)?.[1],
      );
      for (const type of ['application/xml', ...named.filter((n): n is string => n !== undefined)]) {
        expectDocumented(o, await send(o, url, tokenOf(o), { type, value: '<cluster/>' }), 415);
      }
      if (o.path.endsWith('/import')) continue; // its 413 is an archive over 512 MiB unpacked (import-dump.spec.ts)
      const big = JSON.stringify({ name: 'x'.repeat(9 * 1024 * 1024 - 11) });
      expect(Buffer.byteLength(big)).toBe(9 * 1024 * 1024);
      expectDocumented(o, await send(o, url, tokenOf(o), { type: 'application/json', value: big }), 413);
    }
  });
});

/**
 * Error examples no generic check provokes: how to make the app give each one. Run after the
 * request examples above (they created node-exporter-node-3, cce-turbo and kind-local).
 */
function provocations(): Record<string, () => Promise<Sent>> {
  const demoPath = () => `/v1/clusters/${demo.clusterId}`;
  const idIn = async (clusterId: string, kind: string, name: string): Promise<string> => {
    const items = (await get(`/v1/clusters/${clusterId}/${kind}?limit=500`)).items as {
      id: string;
      name: string;
      namespace?: string;
    }[];
    return items.find((i) => (i.namespace ? `${i.namespace}/${i.name}` : i.name) === name)!.id;
  };
  const clusterNamed = async (name: string) =>
    ((await get('/v1/clusters?limit=500')).items as { id: string; name: string }[]).find((c) => c.name === name)!.id;
  const call = async (method: string, path: string, body?: unknown, token = demo.apiKey): Promise<Sent> => {
    let req = t.http[method as 'get'](path).set(bearer(token));
    if (body !== undefined) req = req.send(body as object);
    const res = await req;
    return { status: res.status, body: res.body as unknown, headers: res.headers as Record<string, string> };
  };
  const pod = (name: string, podIP: string) => ({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { namespace: 'default', name },
        spec: { nodeName: 'node-3', containers: [{ name: 'web' }] },
        status: { phase: 'Running', podIP },
      },
    ],
  });
  const asking = { reachability: { client: { node: 'node-1' }, service: 'default/backend-nodeport' } };
  const elb = (name: string, passThrough: boolean) => ({
    namespace: 'default',
    name,
    type: 'LoadBalancer',
    ports: [{ port: 80 }],
    annotations: {
      'kubernetes.io/elb.id': 'elb-shared',
      ...(passThrough ? { 'kubernetes.io/elb.pass-through': 'true' } : {}),
    },
  });
  return {
    'POST /v1/tenants 400 invalid-name': () => call('post', '/v1/tenants', { name: '-acme' }, ADMIN_TOKEN),
    'POST /v1/api-keys 400 invalid-scope': () => call('post', '/v1/api-keys', { scope: 'admin' }),
    'POST /v1/clusters 400 invalid-name': () => call('post', '/v1/clusters', { name: 'Prod_EU' }),
    'POST /v1/clusters 400 invalid-servicecidrs-0': () =>
      call('post', '/v1/clusters', { name: 'x', serviceCidrs: ['10.0.0.0/8'] }),
    'POST /v1/clusters 409 name-clashes': () => call('post', '/v1/clusters', { name: 'cce-demo' }),
    'GET /v1/clusters 400 invalid-limit': () => call('get', '/v1/clusters?limit=501'),
    'GET /v1/clusters 400 invalid-cursor': () => call('get', '/v1/clusters?cursor=abc'),
    'PATCH /v1/clusters/{clusterId} 400 invalid-kubernetesversion': () =>
      call('patch', demoPath(), { kubernetesVersion: 'latest' }),
    'PATCH /v1/clusters/{clusterId} 409 name-clashes': () => call('patch', demoPath(), { name: 'kind-local' }),
    'PATCH /v1/clusters/{clusterId} 409 the-change-strands-a-service': async () => {
      // A cluster of its own, so that exactly one Service is stranded.
      const id = (
        await call('post', '/v1/clusters', { name: 'strand', profile: 'CCE', clusterCidrs: ['172.16.0.0/16'] })
      ).body as { id: string };
      await call('post', `/v1/clusters/${id.id}/services`, {
        namespace: 'default',
        name: 'backend-elb',
        clusterIps: ['10.247.0.2'],
        ports: [{ port: 80 }],
      });
      return call('patch', `/v1/clusters/${id.id}`, { serviceCidrs: ['10.248.0.0/16'] });
    },
    'PATCH /v1/clusters/{clusterId} 409 the-change-takes-in-a-pod': async () => {
      // A cluster of its own, without Services: its one pod would fall inside a Service CIDR carved from
      // its pod CIDR (an overlap that is accepted as such: clusters.spec.ts).
      const id = (
        await call('post', '/v1/clusters', { name: 'take-in', profile: 'CCE', clusterCidrs: ['172.16.0.0/16'] })
      ).body as { id: string };
      await call('post', `/v1/clusters/${id.id}/pods`, {
        namespace: 'default',
        name: 'backend-1',
        ips: ['172.16.0.11'],
      });
      return call('patch', `/v1/clusters/${id.id}`, { serviceCidrs: ['172.16.0.0/20'] });
    },
    'POST /v1/clusters/{clusterId}/nodes 400 invalid-internalips': () =>
      call('post', `${demoPath()}/nodes`, { name: 'node-9', internalIps: ['192.168.0.300'] }),
    'POST /v1/clusters/{clusterId}/nodes 400 invalid-podcidrs-0': () =>
      call('post', `${demoPath()}/nodes`, {
        name: 'node-9',
        internalIps: ['192.168.0.99'],
        podCidrs: ['10.247.1.0/24'],
      }),
    'POST /v1/clusters/{clusterId}/nodes 409 name-clashes': () =>
      call('post', `${demoPath()}/nodes`, { name: 'node-1', internalIps: ['192.168.0.99'] }),
    'POST /v1/clusters/{clusterId}/nodes 409 address-in-use': () =>
      call('post', `${demoPath()}/nodes`, { name: 'node-9', internalIps: ['192.168.0.10'] }),
    'GET /v1/clusters/{clusterId}/nodes 400 invalid-limit': () => call('get', `${demoPath()}/nodes?limit=501`),
    'PATCH /v1/clusters/{clusterId}/nodes/{nodeId} 400 invalid-externalip': async () =>
      call('patch', `${demoPath()}/nodes/${await idIn(demo.clusterId, 'nodes', 'node-1')}`, { externalIp: 'eip-1' }),
    'PATCH /v1/clusters/{clusterId}/nodes/{nodeId} 409 address-in-use': async () =>
      call('patch', `${demoPath()}/nodes/${await idIn(demo.clusterId, 'nodes', 'node-1')}`, {
        externalIp: '203.0.113.11',
      }),
    'PATCH /v1/clusters/{clusterId}/nodes/{nodeId} 409 a-hostnetwork-pod-would-lose-its-ip': async () =>
      call('patch', `${demoPath()}/nodes/${await idIn(demo.clusterId, 'nodes', 'node-3')}`, {
        internalIps: ['192.168.0.99'],
      }),
    'DELETE /v1/clusters/{clusterId}/nodes/{nodeId} 409 pods-still-run-on-it': async () =>
      call('delete', `${demoPath()}/nodes/${await idIn(demo.clusterId, 'nodes', 'node-1')}`),
    'POST /v1/clusters/{clusterId}/pods 400 invalid-name': () =>
      call('post', `${demoPath()}/pods`, { namespace: 'default', name: 'Backend_4' }),
    'POST /v1/clusters/{clusterId}/pods 400 invalid-nodename': () =>
      call('post', `${demoPath()}/pods`, { namespace: 'default', name: 'hn', hostNetwork: true }),
    'POST /v1/clusters/{clusterId}/pods 400 invalid-ips-0': () =>
      call('post', `${demoPath()}/pods`, {
        namespace: 'default',
        name: 'backend-9',
        nodeName: 'node-1',
        ips: ['10.247.0.50'],
      }),
    'POST /v1/clusters/{clusterId}/pods 409 name-clashes': () =>
      call('post', `${demoPath()}/pods`, { namespace: 'default', name: 'backend-1' }),
    'POST /v1/clusters/{clusterId}/pods 409 address-in-use': () =>
      call('post', `${demoPath()}/pods`, {
        namespace: 'default',
        name: 'backend-9',
        nodeName: 'node-1',
        ips: ['172.16.0.11'],
      }),
    'POST /v1/clusters/{clusterId}/pods 422 no-such-node': () =>
      call('post', `${demoPath()}/pods`, { namespace: 'default', name: 'backend-9', nodeName: 'node-9' }),
    'GET /v1/clusters/{clusterId}/pods 400 invalid-limit': () => call('get', `${demoPath()}/pods?limit=501`),
    'PATCH /v1/clusters/{clusterId}/pods/{podId} 400 invalid-phase': async () =>
      call('patch', `${demoPath()}/pods/${await idIn(demo.clusterId, 'pods', 'default/backend-3')}`, { phase: 'Done' }),
    'PATCH /v1/clusters/{clusterId}/pods/{podId} 409 address-in-use': async () =>
      call('patch', `${demoPath()}/pods/${await idIn(demo.clusterId, 'pods', 'default/backend-1')}`, {
        ips: ['172.16.0.12'],
      }),
    'PATCH /v1/clusters/{clusterId}/pods/{podId} 422 no-such-node': async () =>
      call('patch', `${demoPath()}/pods/${await idIn(demo.clusterId, 'pods', 'default/backend-1')}`, {
        nodeName: 'node-9',
      }),
    'POST /v1/clusters/{clusterId}/services 400 invalid-ports-0-nodeport': () =>
      call('post', `${demoPath()}/services`, {
        namespace: 'default',
        name: 'x',
        type: 'NodePort',
        ports: [{ port: 80, nodePort: 40000 }],
      }),
    'POST /v1/clusters/{clusterId}/services 400 invalid-externaltrafficpolicy': () =>
      call('post', `${demoPath()}/services`, {
        namespace: 'default',
        name: 'x',
        externalTrafficPolicy: 'Local',
        ports: [{ port: 80 }],
      }),
    'POST /v1/clusters/{clusterId}/services 409 name-clashes': () =>
      call('post', `${demoPath()}/services`, { namespace: 'default', name: 'backend-nodeport', ports: [{ port: 80 }] }),
    'POST /v1/clusters/{clusterId}/services 409 nodeport-in-use': () =>
      call('post', `${demoPath()}/services`, {
        namespace: 'default',
        name: 'x',
        type: 'NodePort',
        ports: [{ port: 80, nodePort: 30000 }],
      }),
    'POST /v1/clusters/{clusterId}/services 422 breaks-a-cce-rule': async () => {
      // The CCE Turbo cluster (IPVS) of the create example: two Services on one ELB, pass-through on for one only.
      const turbo = await clusterNamed('cce-turbo');
      expect((await call('post', `/v1/clusters/${turbo}/services`, elb('backend-elb', false))).status).toBe(201);
      return call('post', `/v1/clusters/${turbo}/services`, elb('frontend-elb', true));
    },
    'GET /v1/clusters/{clusterId}/services 400 invalid-limit': () => call('get', `${demoPath()}/services?limit=501`),
    'PATCH /v1/clusters/{clusterId}/services/{serviceId} 400 invalid-ports-1-name': async () =>
      call('patch', `${demoPath()}/services/${await idIn(demo.clusterId, 'services', 'default/backend-nodeport')}`, {
        ports: [{ name: 'a', port: 80 }, { port: 81 }],
      }),
    'PATCH /v1/clusters/{clusterId}/services/{serviceId} 409 address-in-use': async () =>
      call('patch', `${demoPath()}/services/${await idIn(demo.clusterId, 'services', 'default/backend-nodeport')}`, {
        clusterIps: ['10.247.0.2'],
      }),
    'PATCH /v1/clusters/{clusterId}/services/{serviceId} 422 breaks-a-cce-rule': async () => {
      const turbo = await clusterNamed('cce-turbo');
      expect((await call('post', `/v1/clusters/${turbo}/services`, elb('frontend-elb', false))).status).toBe(201);
      return call('patch', `/v1/clusters/${turbo}/services/${await idIn(turbo, 'services', 'default/frontend-elb')}`, {
        annotations: elb('frontend-elb', true).annotations,
      });
    },
    'POST /v1/clusters/{clusterId}/reachability 400 invalid-client': () =>
      call('post', `${demoPath()}/reachability`, {
        client: { pod: 'default/frontend-1', node: 'node-1' },
        service: 'default/backend-nodeport',
      }),
    'POST /v1/clusters/{clusterId}/reachability 400 invalid-cursor': () =>
      call('post', `${demoPath()}/reachability?detail=full&cursor=nope`, {
        client: { pod: 'default/frontend-1' },
        service: 'default/backend-nodeport',
      }),
    'POST /v1/clusters/{clusterId}/reachability 422 no-such-pod': () =>
      call('post', `${demoPath()}/reachability`, {
        client: { pod: 'default/frontend-9' },
        service: 'default/backend-nodeport',
      }),
    'POST /v1/clusters/{clusterId}/reachability 422 no-such-service': () =>
      call('post', `${demoPath()}/reachability`, { client: { pod: 'default/frontend-1' }, service: 'default/backend' }),
    'POST /v1/clusters/{clusterId}/trace 400 invalid-source': () =>
      call('post', `${demoPath()}/trace`, { source: {}, destination: { ip: '10.247.0.1', port: 80 } }),
    'POST /v1/clusters/{clusterId}/trace 422 no-such-pod': () =>
      call('post', `${demoPath()}/trace`, {
        source: { pod: 'default/frontend-9' },
        destination: { ip: '10.247.0.1', port: 80 },
      }),
    'GET /v1/clusters/{clusterId}/services/{namespace}/{name}/matrix 404 no-such-service': () =>
      call('get', `${demoPath()}/services/default/backend/matrix`),
    'POST /v1/clusters/{clusterId}/what-if 400 invalid-reachability': () =>
      call('post', `${demoPath()}/what-if`, { change: {} }),
    'POST /v1/clusters/{clusterId}/what-if 409 address-in-use': () =>
      call('post', `${demoPath()}/what-if`, {
        change: { pods: [{ pod: 'default/backend-2', set: { ips: ['172.16.0.11'] } }] },
        ...asking,
      }),
    'POST /v1/clusters/{clusterId}/what-if 422 no-such-pod': () =>
      call('post', `${demoPath()}/what-if`, {
        change: { pods: [{ pod: 'default/backend-9', set: { ready: false } }] },
        ...asking,
      }),
    'POST /v1/clusters/{clusterId}/import 400 an-invalid-object': () =>
      call('post', `${demoPath()}/import`, pod('frontend-2', '172.16.2.300')),
    'POST /v1/clusters/{clusterId}/import 409 address-in-use': () =>
      call('post', `${demoPath()}/import`, pod('frontend-2', '172.16.0.11')),
    'GET /v1/clusters/{clusterId}/namespaces 400 invalid-limit': () =>
      call('get', `${demoPath()}/namespaces?limit=501`),
    'GET /v1/clusters/{clusterId}/networkpolicies 400 invalid-limit': () =>
      call('get', `${demoPath()}/networkpolicies?limit=501`),
    'POST /v1/clusters/{clusterId}/namespaces 400 another-name-label': () =>
      call('post', `${demoPath()}/namespaces`, { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'other' } }),
    'POST /v1/clusters/{clusterId}/namespaces 409 name-clashes': async () => {
      await call('post', `${demoPath()}/namespaces`, { name: 'shop' }); // the DELETE example took the first one
      return call('post', `${demoPath()}/namespaces`, { name: 'shop' });
    },
    'POST /v1/clusters/{clusterId}/networkpolicies 400 except-outside-cidr': () =>
      call('post', `${demoPath()}/networkpolicies`, {
        namespace: 'default',
        name: 'x',
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] } }] }],
      }),
    'POST /v1/clusters/{clusterId}/networkpolicies 400 ipblock-with-a-selector': () =>
      call('post', `${demoPath()}/networkpolicies`, {
        namespace: 'default',
        name: 'x',
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }],
      }),
    'POST /v1/clusters/{clusterId}/networkpolicies 409 name-clashes': async () => {
      await call('post', `${demoPath()}/networkpolicies`, { namespace: 'default', name: 'allow-frontend' }); // the DELETE example took the first one
      return call('post', `${demoPath()}/networkpolicies`, { namespace: 'default', name: 'allow-frontend' });
    },
    'PATCH /v1/clusters/{clusterId}/networkpolicies/{networkPolicyId} 400 endport-with-a-named-port': async () =>
      call(
        'patch',
        `${demoPath()}/networkpolicies/${await idIn(demo.clusterId, 'networkpolicies', 'default/limit-egress')}`,
        { ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] },
      ),
    'POST /v1/clusters/{clusterId}/import 422 nothing-to-import': () =>
      call('post', `${demoPath()}/import`, { apiVersion: 'v1', kind: 'List', items: [] }),
    // An If-Match naming no current ETag ("0": versions start at 1) is a 412 on every PATCH and DELETE of an object.
    ...Object.fromEntries(
      (
        [
          ['/v1/clusters/{clusterId}', async () => demoPath()],
          [
            '/v1/clusters/{clusterId}/nodes/{nodeId}',
            async () => `${demoPath()}/nodes/${await idIn(demo.clusterId, 'nodes', 'node-1')}`,
          ],
          [
            '/v1/clusters/{clusterId}/pods/{podId}',
            async () => `${demoPath()}/pods/${await idIn(demo.clusterId, 'pods', 'default/backend-1')}`,
          ],
          [
            '/v1/clusters/{clusterId}/services/{serviceId}',
            async () => `${demoPath()}/services/${await idIn(demo.clusterId, 'services', 'default/backend-nodeport')}`,
          ],
          [
            '/v1/clusters/{clusterId}/namespaces/{namespaceId}',
            async () => `${demoPath()}/namespaces/${await idIn(demo.clusterId, 'namespaces', 'shop')}`,
          ],
          [
            '/v1/clusters/{clusterId}/networkpolicies/{networkPolicyId}',
            async () =>
              `${demoPath()}/networkpolicies/${await idIn(demo.clusterId, 'networkpolicies', 'default/limit-egress')}`,
          ],
        ] as const
      ).flatMap(([path, url]) =>
        (['patch', 'delete'] as const).map((method) => [
          `${method.toUpperCase()} ${path} 412 stale-etag`,
          async (): Promise<Sent> => {
            const req = t.http[method](await url())
              .set(bearer(demo.apiKey))
              .set('if-match', '"0"');
            const res = method === 'patch' ? await req.send({}) : await req;
            return { status: res.status, body: res.body as unknown, headers: res.headers as Record<string, string> };
          },
        ]),
      ),
    ),
  };
}

/** Error examples no test request can provoke, and why; each is still checked against the filter's rendering above. */
const NOT_PROVOKED: Record<string, string> = {
  'POST /v1/clusters/{clusterId}/import 413 archive-too-large-unpacked':
    'needs an archive over 512 MiB unpacked (import-dump.spec.ts tests the limit with a lowered one)',
};
// No request makes the app fail: the 500s are checked against problemOf above. The 429s and 503s
// every authenticated route documents need a lowered limit or a cut database: rate-limit.spec.ts
// and outage.spec.ts provoke them; here they are checked against problemOf like the 500s.
const isInternal = (example: string) => / (429|500|503) /.test(example);

describe('the error examples that need a particular request', () => {
  it('are what the app answers to it, exactly (but the request id)', async () => {
    for (const [example, provoke] of Object.entries(provocations())) {
      const [method, path, status, name] = example.split(' ');
      const o = ops.find((x) => x.key === `${method} ${path}`);
      expect(o, `${example}: no such operation`).toBeDefined();
      const documented = o!.op.responses[status]?.content?.['application/problem+json']?.examples?.[name];
      expect(documented, `${example}: no such example`).toBeDefined();
      const res = await provoke();
      expect(res.status, `${example}: ${JSON.stringify(res.body)}`).toBe(Number(status));
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(withoutRequestId(res.body), example).toEqual(withoutRequestId(documented!.value));
      verified.add(example);
    }
  });

  it('leave no error example unverified', () => {
    const all = ops.flatMap((o) =>
      errorStatuses(o.op).flatMap((status) =>
        Object.keys(o.op.responses[String(status)].content?.['application/problem+json']?.examples ?? {}).map(
          (name) => `${o.key} ${status} ${name}`,
        ),
      ),
    );
    expect(all.filter((e) => !verified.has(e) && !(e in NOT_PROVOKED) && !isInternal(e))).toEqual([]);
    for (const e of Object.keys(NOT_PROVOKED))
      expect(all, `${e} is no longer documented: take it off NOT_PROVOKED`).toContain(e);
  });
});
