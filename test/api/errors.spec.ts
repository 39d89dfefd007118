import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTenant, snapshot, startTestApp, TestApp, TestTenant } from '../support/test-app';

/** Errors raised outside the handlers are problem+json too, and leak nothing internal. */
let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t);
});
afterAll(async () => t?.close());

describe('errors', () => {
  it('malformed JSON is a 400 problem, and nothing is stored', async () => {
    const before = await snapshot(t);
    const res = await t.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .set('content-type', 'application/json')
      .send('{"name": "x",')
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(res.body.detail).toMatch(/JSON/);
    expect(await snapshot(t)).toEqual(before);
  });

  it('an unsupported content type is a 415 problem', async () => {
    const res = await t.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .set('content-type', 'application/xml')
      .send('<cluster/>');
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('an unknown route is a 404 problem', async () => {
    const res = await t.http.get('/v1/no-such-thing').set(bearer(tenant.apiKey)).expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('a body that is not an object is a 400 problem', async () => {
    const res = await t.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .set('content-type', 'application/json')
      .send('[1,2]')
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('every answer carries a request id, and a client-given one is echoed', async () => {
    const res = await t.http.get('/health/live').set('x-request-id', 'trace-abc-123').expect(200);
    expect(res.headers['x-request-id']).toBe('trace-abc-123');
    const problem = await t.http.get('/v1/clusters').expect(401);
    expect(problem.body.requestId).toBe(problem.headers['x-request-id']);
  });

  it('problems never carry stack traces, SQL or Prisma names', async () => {
    const responses = await Promise.all([
      t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name: 'dup' }),
      t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name: 'dup' }),
      t.http.get('/v1/clusters/00000000-0000-4000-8000-000000000000').set(bearer(tenant.apiKey)),
      t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name: 42 }),
    ]);
    for (const res of responses) {
      expect(JSON.stringify(res.body)).not.toMatch(/prisma|SELECT|INSERT|at \w+ \(|node_modules|P20\d\d/i);
    }
  });
});

describe('request size', () => {
  it('a body over 8 MiB is refused with 413 before it is read, except by the import', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(9 * 1024 * 1024) });
    const res = await t.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .set('content-type', 'application/json')
      .send(big);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
