import { AddressInfo, connect, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTenant, snapshot, startTestApp, TestApp, TestTenant } from '../support/test-app';

/**
 * Bounded requests (issue 15, item 3): the 8 MiB limit holds for chunked bodies too, a body or
 * headers that do not arrive in time are a 408, and every error raised before a route (bad URL
 * encoding, an over-long path parameter, malformed HTTP, a type nobody reads) is problem+json that
 * does not echo the request. Talks raw HTTP/1.1 to a listening app, so the test controls every byte.
 */
let t: TestApp;
let tenant: TestTenant;
let clusterId: string;
let port: number;

beforeAll(async () => {
  t = await startTestApp({ limits: { http: { requestTimeoutMs: 1_500, headersTimeoutMs: 1_000 } } });
  tenant = await createTenant(t);
  clusterId = (await t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name: 'bounded' }).expect(201)).body
    .id;
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.getHttpServer().address() as AddressInfo).port;
});
afterAll(async () => t?.close());

interface Raw {
  socket: Socket;
  text: () => string;
  closed: Promise<void>;
  answered: Promise<void>;
}

function open(): Promise<Raw> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((r) => {
      answer = r;
    });
    socket.on('data', (c: Buffer) => {
      text += c.toString();
      if (text.includes('\r\n\r\n')) answer();
    });
    socket.on('error', () => undefined);
    const closed = new Promise<void>((r) =>
      socket.once('close', () => {
        answer();
        r();
      }),
    );
    socket.once('connect', () => resolve({ socket, text: () => text, closed, answered }));
  });
}

function parse(text: string): { status: number; head: string; body: Record<string, unknown> } {
  const at = text.indexOf('\r\n\r\n');
  const head = text.slice(0, at).toLowerCase();
  let body = text.slice(at + 4);
  if (head.includes('transfer-encoding: chunked')) {
    // One chunk is enough for a problem document.
    body = body.slice(body.indexOf('\r\n') + 2);
    body = body.slice(0, body.lastIndexOf('}') + 1);
  }
  return {
    status: Number(/^http\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
    head,
    body: JSON.parse(body) as Record<string, unknown>,
  };
}

const auth = () => `Authorization: Bearer ${tenant.apiKey}\r\n`;

async function expectProblem(raw: Raw, status: number, code: string): Promise<Record<string, unknown>> {
  await raw.answered;
  await new Promise((r) => setTimeout(r, 50));
  const res = parse(raw.text());
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { code } });
  expect(res.head).toContain('content-type: application/problem+json');
  expect(res.body).toMatchObject({ status, code });
  return res.body;
}

/** GraphQL clients get GraphQL's shape (`errors[].extensions.code`), with the HTTP status of the problem. */
async function expectGraphqlError(raw: Raw, status: number, code: string): Promise<Record<string, unknown>> {
  await raw.answered;
  await new Promise((r) => setTimeout(r, 50));
  const res = parse(raw.text());
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: { data: null, errors: [{ extensions: { code, status } }] },
  });
  return res.body;
}

describe('body limits', () => {
  it.each([
    ['/v1/clusters', 'problem+json'],
    ['/graphql', 'a GraphQL error'],
  ])(
    'a chunked body passing 8 MiB on %s is a 413 (%s) before it has all arrived, and nothing is stored',
    async (path) => {
      const before = await snapshot(t, ['clusters']);
      const raw = await open();
      raw.socket.write(
        `POST ${path} HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      let sent = 0;
      let answeredAfter = -1;
      void raw.answered.then(() => {
        answeredAfter = sent;
      });
      for (let i = 0; i < 16 && answeredAfter < 0 && !raw.socket.destroyed; i++) {
        raw.socket.write(`${chunk.length.toString(16)}\r\n`);
        raw.socket.write(chunk);
        raw.socket.write('\r\n');
        sent += chunk.length;
        await new Promise((r) => setTimeout(r, 60));
      }
      const body =
        path === '/graphql'
          ? await expectGraphqlError(raw, 413, 'PAYLOAD_TOO_LARGE')
          : await expectProblem(raw, 413, 'PAYLOAD_TOO_LARGE');
      expect(answeredAfter).toBeGreaterThan(0);
      expect(answeredAfter).toBeLessThan(16 * 1024 * 1024);
      expect(JSON.stringify(body)).not.toContain('aaaa');
      raw.socket.destroy();
      expect(await snapshot(t, ['clusters'])).toEqual(before);
    },
  );

  it('the import route still takes a chunked body over 8 MiB', async () => {
    const items = Array.from({ length: 600 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: `ns-${i}`,
        labels: Object.fromEntries(Array.from({ length: 200 }, (_, k) => [`padding-${k}`, 'x'.repeat(63)])),
      },
    }));
    const doc = JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
    expect(doc.length).toBeGreaterThan(8 * 1024 * 1024);
    const raw = await open();
    raw.socket.write(
      `POST /v1/clusters/${clusterId}/import HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`,
    );
    for (let at = 0; at < doc.length; at += 1024 * 1024) {
      const part = doc.slice(at, at + 1024 * 1024);
      raw.socket.write(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
    }
    raw.socket.write('0\r\n\r\n');
    await raw.closed;
    const res = parse(raw.text());
    expect({ status: res.status, body: res.body }).toMatchObject({
      status: 200,
      body: { created: { namespaces: 600 } },
    });
  }, 60_000);
});

describe('timeouts', () => {
  it('a body trickling in slower than the request timeout is a 408, and nothing is stored', async () => {
    const before = await snapshot(t, ['clusters']);
    const body = JSON.stringify({ name: 'trickled' });
    const raw = await open();
    const start = Date.now();
    raw.socket.write(
      `POST /v1/clusters HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    for (let i = 0; i < body.length && !raw.socket.destroyed && raw.text() === ''; i++) {
      raw.socket.write(body[i]);
      await new Promise((r) => setTimeout(r, 400));
    }
    const problem = await expectProblem(raw, 408, 'REQUEST_TIMEOUT');
    expect(problem.detail).toContain('SVCPATH_REQUEST_TIMEOUT_MS');
    expect(Date.now() - start).toBeLessThan(4_000);
    await raw.closed;
    expect(await snapshot(t, ['clusters'])).toEqual(before);
  });

  it('headers that never finish are a 408 and the connection closes', async () => {
    const raw = await open();
    raw.socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n');
    await expectProblem(raw, 408, 'REQUEST_TIMEOUT');
    await raw.closed;
  });
});

describe('router-level errors are problem+json and echo nothing', () => {
  it('a bad percent-encoding in the path is a 400 naming the path', async () => {
    const raw = await open();
    raw.socket.write(`GET /v1/clusters/%FF-secret-token HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`);
    const problem = await expectProblem(raw, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ field: 'path', message: expect.stringContaining('percent-encoding') }]);
    expect(raw.text()).not.toContain('secret-token');
  });

  it('a path parameter over 100 characters is a 414 that does not echo the URL', async () => {
    const long = 'z'.repeat(5_000);
    const raw = await open();
    raw.socket.write(`GET /v1/clusters/${long} HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`);
    await expectProblem(raw, 414, 'URI_TOO_LONG');
    expect(raw.text()).not.toContain('zzzzzzzzzz');
  });

  it('malformed HTTP is a 400 problem+json, and the connection closes', async () => {
    const raw = await open();
    raw.socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n');
    await expectProblem(raw, 400, 'VALIDATION_FAILED');
    await raw.closed;
  });

  it('headers over 16 KiB are a 431 problem+json', async () => {
    const raw = await open();
    raw.socket.write(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    await expectProblem(raw, 431, 'VALIDATION_FAILED');
    expect(raw.text()).not.toContain('bbbbbbbbbb');
  });

  it('an unknown route or method is a 404 problem+json', async () => {
    for (const line of ['PROPFIND /v1/clusters', 'GET /v1/nothing-here']) {
      const raw = await open();
      raw.socket.write(`${line} HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`);
      await expectProblem(raw, 404, 'NOT_FOUND');
    }
  });
});

describe('content types', () => {
  it.each([
    ['application/x-www-form-urlencoded', 'name=formed'],
    ['text/plain', '{"name":"plain"}'],
    ['application/xml', '<cluster name="xml"/>'],
  ])('a %s body is a 415 and nothing is stored', async (type, body) => {
    const before = await snapshot(t, ['clusters']);
    const res = await t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).set('content-type', type).send(body);
    expect({ status: res.status, type: res.headers['content-type'], code: res.body.code }).toEqual({
      status: 415,
      type: expect.stringContaining('application/problem+json'),
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    expect(await snapshot(t, ['clusters'])).toEqual(before);
  });

  it('a JSON body with no content type is a 415', async () => {
    const raw = await open();
    const body = '{"name":"untyped"}';
    raw.socket.write(
      `POST /v1/clusters HTTP/1.1\r\nHost: x\r\n${auth()}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    await expectProblem(raw, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});
