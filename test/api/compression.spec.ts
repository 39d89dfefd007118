import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { acceptsGzip, COMPRESS_MIN_CHARS } from '../../src/common/compression';
import { AnalysisService } from '../../src/modules/analysis/analysis.service';
import { AnswerMemo } from '../../src/modules/analysis/answer-memo';
import { bearer, createTenant, startSecondInstance, startTestApp, TestApp, TestTenant } from '../support/test-app';

/**
 * Large analysis answers (a NodePort Service seen through every node) are sent gzip-compressed to
 * clients that accept gzip, byte for byte the same JSON once decompressed; a remembered answer is
 * compressed once. Requests go through Fastify's inject, which (unlike supertest or fetch) never
 * decompresses, so the bytes on the wire are what is checked.
 */
let t: TestApp;
let tenant: TestTenant;
let clusterId: string;
const NODES = 24;

const NODE_PORT_QUESTION = { client: { pod: 'web/client' }, service: 'web/backend' };
const CLUSTER_IP_QUESTION = { client: { pod: 'web/client' }, service: 'web/small' };

interface Sent {
  status: number;
  headers: Record<string, unknown>;
  body: Buffer;
}
async function send(
  app: TestApp,
  method: 'GET' | 'POST',
  url: string,
  payload: object | undefined,
  encoding?: string,
): Promise<Sent> {
  const fastify = app.app.getHttpAdapter().getInstance() as FastifyInstance;
  const res = await fastify.inject({
    method,
    url,
    payload,
    headers: { ...bearer(tenant.apiKey), ...(encoding === undefined ? {} : { 'accept-encoding': encoding }) },
  });
  return { status: res.statusCode, headers: res.headers, body: res.rawPayload };
}
const reach = (app: TestApp, question: object, encoding?: string) =>
  send(app, 'POST', `/v1/clusters/${clusterId}/reachability?detail=full`, question, encoding);
const text = (sent: Sent): string =>
  (sent.headers['content-encoding'] === 'gzip' ? gunzipSync(sent.body) : sent.body).toString('utf8');

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t);
  clusterId = (
    await t.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .send({ name: 'c', clusterCidrs: ['10.244.0.0/16'] })
      .expect(201)
  ).body.id;
  const post = (path: string, body: object) =>
    t.http.post(`/v1/clusters/${clusterId}${path}`).set(bearer(tenant.apiKey)).send(body).expect(201);
  for (let i = 1; i <= NODES; i++) {
    await post('/nodes', { name: `node-${i}`, internalIps: [`192.168.0.${i}`], podCidrs: [`10.244.${i}.0/24`] });
  }
  await post('/pods', { namespace: 'web', name: 'client', nodeName: 'node-1', ips: ['10.244.1.10'] });
  await post('/pods', {
    namespace: 'web',
    name: 'backend-a',
    nodeName: 'node-2',
    ips: ['10.244.2.10'],
    labels: { app: 'backend' },
  });
  await post('/services', {
    namespace: 'web',
    name: 'backend',
    type: 'NodePort',
    selector: { app: 'backend' },
    clusterIps: ['10.96.0.50'],
    externalTrafficPolicy: 'Local',
    ports: [{ port: 80, nodePort: 30080 }],
  });
  await post('/services', {
    namespace: 'web',
    name: 'small',
    selector: { app: 'backend' },
    clusterIps: ['10.96.0.60'],
    ports: [{ port: 80 }],
  });
});
afterAll(async () => {
  await t?.close();
});

describe('Accept-Encoding', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', true],
    ['x-gzip', true],
    ['*', true],
    ['GZIP', true],
    [undefined, false],
    ['', false],
    ['identity', false],
    ['br', false],
    ['gzip;q=0', false],
    ['gzip;q=0.000', false],
    ['*, gzip;q=0', false],
    ['*;q=0', false],
    ['deflate, *;q=0.5', true],
    ['gzip;q=abc', false],
  ])('%j accepts gzip: %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe('compressed analysis answers', () => {
  it('sends a large answer gzip-compressed to a client that accepts gzip: the same JSON, far fewer bytes', async () => {
    const plain = await reach(t, NODE_PORT_QUESTION);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.body.length).toBeGreaterThan(COMPRESS_MIN_CHARS);
    const results = (JSON.parse(plain.body.toString()) as { results: { via: { kind: string } }[] }).results;
    expect(results.filter((r) => r.via.kind === 'NODE_PORT')).toHaveLength(NODES);

    const zipped = await reach(t, NODE_PORT_QUESTION, 'gzip, deflate, br');
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toMatch(/accept-encoding/i);
    expect(zipped.headers['content-type']).toMatch(/^application\/json/);
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(text(zipped)).toBe(plain.body.toString());
    expect(zipped.body.length).toBeLessThan(plain.body.length / 5);
  });

  it('keeps the compressed form of a remembered answer: the same bytes again, computed and compressed once', async () => {
    const question = { ...NODE_PORT_QUESTION, port: 80 };
    const computed = vi.spyOn(t.app.get(AnalysisService), 'reachability');
    const memo = t.app.get(AnswerMemo);
    try {
      const before = memo.stats();
      const first = await reach(t, question, 'gzip');
      const kept = memo.stats();
      expect(kept.answers).toBe(before.answers + 1);
      expect(kept.bytes).toBe(before.bytes + text(first).length + first.body.length); // the JSON and its gzip form
      const again = await reach(t, question, 'gzip');
      expect(again.headers['content-encoding']).toBe('gzip');
      expect(again.body.equals(first.body)).toBe(true);
      expect(memo.stats()).toEqual(kept);
      const plain = await reach(t, question);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.toString()).toBe(text(first));
      expect(computed).toHaveBeenCalledTimes(1);
    } finally {
      computed.mockRestore();
    }
  });

  it('counts the compressed form against the memo bound', async () => {
    const question = { ...NODE_PORT_QUESTION, port: 80 };
    const fresh = await startSecondInstance(t);
    try {
      const plain = await reach(fresh, question);
      const memo = fresh.app.get(AnswerMemo);
      expect(memo.stats().bytes).toBe(plain.body.length); // ASCII JSON: one character per byte
      const zipped = await reach(fresh, question, 'gzip');
      expect(memo.stats().bytes).toBe(plain.body.length + zipped.body.length);
    } finally {
      await fresh.close();
    }
  });

  it('sends the answer as it is when gzip is refused or not offered, and small answers always', async () => {
    const plain = await reach(t, NODE_PORT_QUESTION);
    for (const refused of ['gzip;q=0', 'identity', 'br']) {
      const res = await reach(t, NODE_PORT_QUESTION, refused);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.body.equals(plain.body)).toBe(true);
    }
    const small = await reach(t, CLUSTER_IP_QUESTION, 'gzip');
    expect(small.status).toBe(200);
    expect(small.body.length).toBeLessThan(COMPRESS_MIN_CHARS);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.headers.vary).toMatch(/accept-encoding/i);
  });

  it('compresses GraphQL answers, what-if answers, and answers when the memo is off; errors stay plain', async () => {
    const off = await startSecondInstance(t, { cache: { answerBytes: 0 } });
    try {
      const viaOff = await reach(off, NODE_PORT_QUESTION, 'gzip');
      expect(viaOff.headers['content-encoding']).toBe('gzip');
      expect(text(viaOff)).toBe((await reach(t, NODE_PORT_QUESTION)).body.toString());
    } finally {
      await off.close();
    }
    const query =
      'query($c: String!, $input: ReachabilityInput!) { reachability(clusterId: $c, input: $input, detail: FULL) { results { via { kind address node } verdict path { at rule description } } } }';
    const graph = await send(
      t,
      'POST',
      '/graphql',
      { query, variables: { c: clusterId, input: NODE_PORT_QUESTION } },
      'gzip',
    );
    expect(graph.status).toBe(200);
    expect(graph.headers['content-encoding']).toBe('gzip');
    expect(
      (JSON.parse(text(graph)) as { data: { reachability: { results: unknown[] } } }).data.reachability.results,
    ).toHaveLength(NODES + 1);

    const whatIf = await send(
      t,
      'POST',
      `/v1/clusters/${clusterId}/what-if`,
      {
        change: { services: [{ service: 'web/backend', set: { externalTrafficPolicy: 'Cluster' } }] },
        reachability: NODE_PORT_QUESTION,
      },
      'gzip',
    );
    expect(whatIf.status).toBe(200);
    expect(whatIf.headers['content-encoding']).toBe('gzip');
    expect((JSON.parse(text(whatIf)) as { differences: unknown[] }).differences.length).toBeGreaterThan(0);

    const missing = await reach(t, { ...NODE_PORT_QUESTION, service: 'web/ghost' }, 'gzip');
    expect(missing.status).toBe(422);
    expect(missing.headers['content-encoding']).toBeUndefined();
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
