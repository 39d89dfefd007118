import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiKeyAuthenticator } from '../../src/common/auth';
import { AnalysisService } from '../../src/modules/analysis/analysis.service';
import { AnswerMemo } from '../../src/modules/analysis/answer-memo';
import { PrismaService } from '../../src/prisma/prisma.service';
import {
  bearer,
  createTenant,
  gql,
  startSecondInstance,
  TestApp,
  TestTenant,
  twoInstancesWithOneService,
  within,
} from '../support/test-app';

/**
 * Repeated analyses are answered from the response they were first given (AnswerMemo), and
 * never from a model that is no longer current, for another tenant, or for a key no longer valid.
 */
let one: TestApp;
let two: TestApp;
let tenant: TestTenant;
let clusterId: string;

const QUESTION = { client: { pod: 'default/a' }, service: 'default/x' };
const ask = (app: TestApp, body: object = QUESTION, key = tenant.apiKey) =>
  app.http.post(`/v1/clusters/${clusterId}/reachability?detail=full`).set(bearer(key)).send(body);
const endpointsOf = (text: string): string[] =>
  (JSON.parse(text) as { results: { endpoints: { ip: string }[] }[] }).results[0].endpoints.map((e) => e.ip).sort();
const REACH_QUERY = `query($c: String!, $input: ReachabilityInput!) {
  reachability(clusterId: $c, input: $input, detail: FULL) { service results { verdict endpoints { ip } } } }`;

beforeAll(async () => {
  ({ one, two, tenant, clusterId } = await twoInstancesWithOneService());
});
afterAll(async () => {
  await two?.close();
  await one?.close();
});

describe('remembered analysis answers', () => {
  it('answers a repeated question with the same bytes without computing it again', async () => {
    const computed = vi.spyOn(one.app.get(AnalysisService), 'reachability');
    try {
      const first = await ask(one).expect(200);
      const again = await ask(one).expect(200);
      expect(again.text).toBe(first.text);
      expect(again.headers['content-type']).toBe(first.headers['content-type']);
      expect(again.headers['content-type']).toMatch(/^application\/json/);
      expect(again.headers['x-request-id']).toBeTruthy();
      expect(again.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
      expect(computed).toHaveBeenCalledTimes(1);
      // Another question (a different body) is computed.
      await ask(one, { ...QUESTION, port: 80 }).expect(200);
      expect(computed).toHaveBeenCalledTimes(2);
    } finally {
      computed.mockRestore();
    }
  });

  it('gives the new answer right after a change on the same instance', async () => {
    const before = await ask(one).expect(200);
    expect(endpointsOf(before.text)).toEqual(['10.244.0.1']);
    await one.http
      .post(`/v1/clusters/${clusterId}/pods`)
      .set(bearer(tenant.apiKey))
      .send({ namespace: 'default', name: 'b', nodeName: 'n1', ips: ['10.244.0.2'], labels: { app: 'x' } })
      .expect(201);
    expect(endpointsOf((await ask(one).expect(200)).text)).toEqual(['10.244.0.1', '10.244.0.2']);
  });

  it('on another instance, within 1 s even when the change was never announced', async () => {
    const computed = vi.spyOn(two.app.get(AnalysisService), 'reachability');
    const first = (await ask(two).expect(200)).text;
    expect((await ask(two).expect(200)).text).toBe(first);
    expect(computed).toHaveBeenCalledTimes(1); // remembered on two now
    computed.mockRestore();
    const admin = new Client({ connectionString: one.adminUrl });
    await admin.connect();
    await admin.query("DELETE FROM pods WHERE name = 'b'");
    await admin.query('UPDATE clusters SET version = version + 1 WHERE id = $1', [clusterId]);
    await admin.end();
    const took = await within(1_000, async () => endpointsOf((await ask(two).expect(200)).text).length === 1);
    expect(took).toBeLessThan(1_000);
  });

  it('never serves one tenant the answer another tenant was given', async () => {
    await ask(one).expect(200);
    await ask(one).expect(200);
    const other = await createTenant(one);
    const res = await ask(one, QUESTION, other.apiKey).expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('a revoked key is refused even for a remembered question', async () => {
    const key = (await one.http.post('/v1/api-keys').set(bearer(tenant.apiKey)).send({ scope: 'read' }).expect(201))
      .body as { id: string; apiKey: string };
    await ask(one, QUESTION, key.apiKey).expect(200);
    await ask(one, QUESTION, key.apiKey).expect(200);
    await one.http.delete(`/v1/api-keys/${key.id}`).set(bearer(tenant.apiKey)).expect(200);
    await ask(one, QUESTION, key.apiKey).expect(401);
    await ask(one, QUESTION, 'svc_not_a_key').expect(401);
    await one.http.post(`/v1/clusters/${clusterId}/reachability?detail=full`).send(QUESTION).expect(401);
  });

  it("when the key's cache entry lapses, concurrent askers share one key lookup and still get the remembered answer", async () => {
    const first = await ask(one).expect(200);
    await new Promise((resolve) => setTimeout(resolve, ApiKeyAuthenticator.KEY_TTL_MS + 100));
    const computed = vi.spyOn(one.app.get(AnalysisService), 'reachability');
    const lookups = vi.spyOn(one.app.get(PrismaService), 'findKeyByHash');
    try {
      const answers = await Promise.all(Array.from({ length: 16 }, () => ask(one).expect(200)));
      for (const answer of answers) expect(answer.text).toBe(first.text);
      expect(lookups).toHaveBeenCalledTimes(1);
      expect(computed).not.toHaveBeenCalled();
    } finally {
      computed.mockRestore();
      lookups.mockRestore();
    }
  });

  it('a key revoked while its lookup is under way is not kept by that lookup', async () => {
    const key = (await one.http.post('/v1/api-keys').set(bearer(tenant.apiKey)).send({ scope: 'read' }).expect(201))
      .body as { id: string; apiKey: string };
    const keys = one.app.get(ApiKeyAuthenticator);
    const prisma = one.app.get(PrismaService);
    // The lookup reads the key before the revocation commits and answers after it.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const read = prisma.findKeyByHash.bind(prisma);
    const slow = vi.spyOn(prisma, 'findKeyByHash').mockImplementationOnce(async (hash) => {
      const found = await read(hash);
      await gate;
      return found;
    });
    try {
      const lookup = keys.authenticate(key.apiKey);
      await within(2_000, async () => slow.mock.calls.length === 1);
      await one.http.delete(`/v1/api-keys/${key.id}`).set(bearer(tenant.apiKey)).expect(200);
      release();
      expect((await lookup)?.revokedAt).toBeNull(); // what it read, before the revocation
      expect(keys.cached(key.apiKey)).toBeNull();
      await ask(one, QUESTION, key.apiKey).expect(401);
    } finally {
      slow.mockRestore();
    }
  });

  it('remembers no error: a bad or unanswerable question fails the same way every time', async () => {
    const memo = one.app.get(AnswerMemo);
    const before = memo.stats().answers;
    for (let i = 0; i < 2; i++) {
      const bad = await ask(one, { client: { pod: 'default/a' }, service: 'not a name' }).expect(400);
      expect(JSON.stringify(bad.body)).toContain('service');
      await ask(one, { client: { pod: 'default/a' }, service: 'default/missing' }).expect(422);
      await ask(one, { client: { pod: 'default/a' }, service: 'default/x', extra: 1 }).expect(400);
    }
    expect(memo.stats().answers).toBe(before);
  });

  it('GraphQL: a query of analyses only is remembered; one that also reads stored data is not', async () => {
    const service = one.app.get(AnalysisService);
    const computed = vi.spyOn(service, 'reachability');
    try {
      const variables = { c: clusterId, input: QUESTION };
      const send = (query: string) =>
        one.http.post('/graphql').set(bearer(tenant.apiKey)).send({ query, variables }).expect(200);
      const first = await send(REACH_QUERY);
      const again = await send(REACH_QUERY);
      expect(again.text).toBe(first.text);
      expect(JSON.parse(first.text).data.reachability.results[0].verdict).toBe('REACHABLE');
      expect(computed).toHaveBeenCalledTimes(1);
      const mixed = `query($c: String!, $input: ReachabilityInput!) {
        reachability(clusterId: $c, input: $input) { service } clusters { items { id } } }`;
      await send(mixed);
      await send(mixed);
      expect(computed).toHaveBeenCalledTimes(3);
      // The same answer as REST's.
      const rest = JSON.parse((await ask(one).expect(200)).text) as {
        results: { verdict: string; endpoints: { ip: string }[] }[];
      };
      expect(JSON.parse(first.text).data.reachability.results).toEqual(
        rest.results.map((r) => ({ verdict: r.verdict, endpoints: r.endpoints.map((e) => ({ ip: e.ip })) })),
      );
      const errors = await gql(one, tenant.apiKey, REACH_QUERY, {
        c: clusterId,
        input: { ...QUESTION, service: 'default/missing' },
      });
      expect(errors.errors?.[0].extensions.code).toBe('UNPROCESSABLE');
      const errorsAgain = await gql(one, tenant.apiKey, REACH_QUERY, {
        c: clusterId,
        input: { ...QUESTION, service: 'default/missing' },
      });
      expect(errorsAgain.errors?.[0].extensions.code).toBe('UNPROCESSABLE');
      expect(computed).toHaveBeenCalledTimes(5);
    } finally {
      computed.mockRestore();
    }
  });

  it('drops the least recently used answer first, not the oldest remembered', async () => {
    // Five questions whose answers have one size (ports the Service does not have): four fit.
    const questions = [81, 82, 83, 84, 85].map((port) => ({ ...QUESTION, port }));
    const sizes = await Promise.all(questions.map(async (q) => (await ask(one, q).expect(200)).text.length));
    expect(new Set(sizes).size).toBe(1);
    const small = await startSecondInstance(one, { cache: { answerBytes: 4 * sizes[0] } });
    try {
      const computed = vi.spyOn(small.app.get(AnalysisService), 'reachability');
      for (const q of questions.slice(0, 4)) await ask(small, q).expect(200);
      await ask(small, questions[0]).expect(200); // remembered, and now the most recently used
      await ask(small, questions[0]).expect(200);
      await ask(small, questions[4]).expect(200); // the fifth answer pushes out the second question's
      expect(small.app.get(AnswerMemo).stats().answers).toBe(4);
      computed.mockClear();
      await ask(small, questions[0]).expect(200);
      await ask(small, questions[2]).expect(200);
      expect(computed).not.toHaveBeenCalled();
      await ask(small, questions[1]).expect(200);
      expect(computed).toHaveBeenCalledTimes(1);
    } finally {
      await small.close();
    }
  });

  it('is bounded, and SVCPATH_ANSWER_MEMO_MB=0 turns it off', async () => {
    const small = await startSecondInstance(one, { cache: { answerBytes: 4_000 } });
    const off = await startSecondInstance(one, { cache: { answerBytes: 0 } });
    try {
      for (const port of [undefined, 80, 81, 82, 83]) {
        await small.http
          .post(`/v1/clusters/${clusterId}/reachability?detail=full`)
          .set(bearer(tenant.apiKey))
          .send({ ...QUESTION, ...(port ? { port } : {}) })
          .expect(200);
      }
      const stats = small.app.get(AnswerMemo).stats();
      expect(stats.bytes).toBeLessThanOrEqual(4_000);
      expect(stats.answers).toBeGreaterThan(0);
      expect(stats.answers).toBeLessThan(5);
      const computed = vi.spyOn(off.app.get(AnalysisService), 'reachability');
      await ask(off).expect(200);
      await ask(off).expect(200);
      expect(computed).toHaveBeenCalledTimes(2);
      expect(off.app.get(AnswerMemo).stats()).toEqual({ answers: 0, bytes: 0 });
    } finally {
      await small.close();
      await off.close();
    }
  });
});
