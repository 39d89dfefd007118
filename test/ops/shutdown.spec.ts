import { ChildProcess } from 'node:child_process';
import { AddressInfo, connect, Socket } from 'node:net';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lifecycle } from '../../src/common/lifecycle';
import { startMain } from '../support/main-process';
import {
  ADMIN_TOKEN,
  bearer,
  createTenant,
  createTestDatabase,
  startTestApp,
  TestApp,
  TestTenant,
} from '../support/test-app';

/**
 * Graceful shutdown (issue 15, item 1): on SIGTERM the service stops accepting connections, refuses
 * new requests with 503 + `Connection: close` (readiness included), lets in-flight requests, a large
 * import among them, finish within the grace period, and only then closes the database.
 */

/** A raw HTTP/1.1 exchange on its own socket, so the test decides when each byte is sent. */
class RawRequest {
  readonly socket: Socket;
  private received = '';
  readonly closed: Promise<void>;
  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (c: Buffer) => {
      this.received += c.toString();
    });
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('error', () => undefined);
  }
  async connected(): Promise<void> {
    if (this.socket.readyState === 'open') return;
    await new Promise((resolve) => this.socket.once('connect', resolve));
  }
  write(text: string): void {
    this.socket.write(text);
  }
  async response(): Promise<{ status: number; headers: string; body: string }> {
    await this.closed;
    const [head, ...rest] = this.received.split('\r\n\r\n');
    return {
      status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
      headers: head.toLowerCase(),
      body: rest.join('\r\n\r\n'),
    };
  }
}

describe('draining in process', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let clusterId: string;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t);
    clusterId = (await t.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name: 'drain' }).expect(201)).body
      .id;
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => t?.close());

  it('finishes a request in flight, refuses one that arrives meanwhile with 503 + Connection: close, and stops accepting', async () => {
    const body = JSON.stringify({ name: 'node-drained', internalIps: ['192.168.7.10'] });
    // In flight: its headers are in, its body is still coming.
    const slow = new RawRequest(port);
    await slow.connected();
    slow.write(
      `POST /v1/clusters/${clusterId}/nodes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tenant.apiKey}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    // Another connection with a request begun (headers not yet complete): not idle, so not closed at once.
    const late = new RawRequest(port);
    await late.connected();
    late.write('GET /health/ready HTTP/1.1\r\nHost: x\r\n');
    await new Promise((r) => setTimeout(r, 200));

    const drained = t.app.get(Lifecycle).drain(t.app.getHttpServer(), 10_000);
    late.write('\r\n');
    const refused = await late.response();
    expect(refused.status).toBe(503);
    expect(refused.headers).toContain('connection: close');
    expect(refused.headers).toContain('retry-after: 1');
    expect(refused.headers).toContain('application/problem+json');
    expect(JSON.parse(refused.body)).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
    // No new connection is accepted.
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();

    slow.write(body.slice(10));
    const done = await slow.response();
    expect(done.status).toBe(201);
    expect(done.headers).toContain('connection: close');
    expect(await drained).toMatchObject({ finished: true, cut: 0 });
    const admin = new Client({ connectionString: t.adminUrl });
    await admin.connect();
    const rows = await admin.query('SELECT name FROM nodes WHERE cluster_id = $1', [clusterId]);
    await admin.end();
    expect(rows.rows.map((r: { name: string }) => r.name)).toEqual(['node-drained']);
  });
});

describe('SIGTERM under load', () => {
  const running: ChildProcess[] = [];
  afterAll(() => running.forEach((p) => p.exitCode === null && p.kill('SIGKILL')));

  async function start(
    env: Record<string, string>,
  ): Promise<{ proc: ChildProcess; base: string; output: () => string }> {
    const main = await startMain({
      HOST: '127.0.0.1',
      SVCPATH_DEMO: 'false',
      SVCPATH_ADMIN_TOKEN: ADMIN_TOKEN,
      // Six clients hammer one key: the test is about draining, not the rate limit.
      SVCPATH_RATE_LIMIT: '0',
      ...env,
    });
    running.push(main.proc);
    return { proc: main.proc, base: `http://127.0.0.1:${main.port}`, output: main.output };
  }

  /** A kubectl list of `pods` pods on 20 nodes. */
  function dump(pods: number): string {
    const items: unknown[] = [];
    for (let n = 0; n < 20; n++) {
      items.push({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: `n${n}` },
        spec: { podCIDRs: [`10.${100 + n}.0.0/16`] },
        status: { addresses: [{ type: 'InternalIP', address: `192.168.${n}.1` }] },
      });
    }
    for (let p = 0; p < pods; p++) {
      const n = p % 20;
      const i = Math.floor(p / 20);
      items.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { namespace: 'load', name: `p${p}`, labels: { app: `a${p % 50}` } },
        spec: { nodeName: `n${n}`, containers: [{ name: 'c', ports: [{ containerPort: 8080 }] }] },
        status: { phase: 'Running', podIP: `10.${100 + n}.${Math.floor(i / 250)}.${(i % 250) + 2}` },
      });
    }
    return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
  }

  type Outcome = { kind: 'ok'; status: number } | { kind: 'refused'; why: string } | { kind: 'failed'; why: string };

  /** A refusal a client retries elsewhere (503 with Connection: close, or no connection); anything else that is not 2xx is a failure. */
  async function call(base: string, path: string, init: RequestInit): Promise<Outcome> {
    try {
      const res = await fetch(`${base}${path}`, init);
      const text = await res.text();
      if (res.status < 300) return { kind: 'ok', status: res.status };
      if (res.status === 503 && res.headers.get('connection') === 'close' && JSON.parse(text).code === 'UNAVAILABLE')
        return { kind: 'refused', why: '503' };
      return { kind: 'failed', why: `${res.status} ${text.slice(0, 200)}` };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
      return cause === 'ECONNREFUSED' ? { kind: 'refused', why: cause } : { kind: 'failed', why: cause };
    }
  }

  it('finishes every request in flight (a 20,000-pod import among them), stores every acknowledged write and exits within the grace period', async () => {
    const db = await createTestDatabase();
    try {
      const grace = 20_000;
      const app = await start({
        DATABASE_URL: db.adminUrl,
        APP_DATABASE_URL: db.runtimeUrl,
        SVCPATH_SHUTDOWN_GRACE_MS: String(grace),
      });
      const operator = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
      const created = (await (
        await fetch(`${app.base}/v1/tenants`, {
          method: 'POST',
          headers: operator,
          body: JSON.stringify({ name: 'drain' }),
        })
      ).json()) as { apiKey: string };
      const headers = { authorization: `Bearer ${created.apiKey}`, 'content-type': 'application/json' };
      const cluster = (await (
        await fetch(`${app.base}/v1/clusters`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: 'load', clusterCidrs: ['10.0.0.0/8'], serviceCidrs: ['172.20.0.0/16'] }),
        })
      ).json()) as { id: string };
      const doc = dump(20_000);

      let signalled = false;
      const written: string[] = [];
      const outcomes: { path: string; afterSignal: boolean; endedAfterSignal: boolean; outcome: Outcome }[] = [];
      const worker = async (w: number) => {
        for (let i = 0; ; i++) {
          const afterSignal = signalled;
          const name = `w${w}-${i}`;
          const outcome =
            i % 2 === 0
              ? await call(app.base, `/v1/clusters/${cluster.id}/nodes`, {
                  method: 'POST',
                  headers,
                  body: JSON.stringify({ name, internalIps: [`192.${170 + Math.floor(i / 250)}.${w}.${i % 250}`] }),
                })
              : await call(app.base, `/v1/clusters/${cluster.id}/nodes?limit=5`, { headers });
          outcomes.push({ path: i % 2 === 0 ? 'write' : 'read', afterSignal, endedAfterSignal: signalled, outcome });
          if (outcome.kind === 'ok' && i % 2 === 0) written.push(name);
          if (outcome.kind !== 'ok') return;
          if (i > 2_000) return;
        }
      };
      const workers = Promise.all([0, 1, 2, 3, 4, 5].map(worker));
      while (outcomes.filter((o) => o.outcome.kind === 'ok').length < 40) await new Promise((r) => setTimeout(r, 20));
      let importDone = false;
      const importing = call(app.base, `/v1/clusters/${cluster.id}/import`, {
        method: 'POST',
        headers,
        body: doc,
      }).then((outcome) => {
        importDone = true;
        outcomes.push({ path: 'import', afterSignal: false, endedAfterSignal: signalled, outcome });
        return outcome;
      });
      await new Promise((r) => setTimeout(r, 400));
      expect(importDone).toBe(false);
      const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
        const at = Date.now();
        app.proc.once('exit', (code) => resolve({ code, ms: Date.now() - at }));
      });
      signalled = true;
      app.proc.kill('SIGTERM');
      await workers;
      const imported = await importing;
      const exit = await exited;

      expect(outcomes.filter((o) => o.outcome.kind === 'failed')).toEqual([]);
      expect(imported).toEqual({ kind: 'ok', status: 200 });
      // Requests were in flight when the signal came, and finished.
      expect(
        outcomes.filter((o) => !o.afterSignal && o.endedAfterSignal && o.outcome.kind === 'ok').map((o) => o.path),
      ).toContain('import');
      expect(exit.code).toBe(0);
      expect(exit.ms).toBeLessThan(grace);
      expect(app.output()).toMatch(/drained in \d+ ms/);

      const admin = new Client({ connectionString: db.adminUrl });
      await admin.connect();
      const nodes = (await admin.query('SELECT name FROM nodes WHERE cluster_id = $1', [cluster.id])).rows.map(
        (r: { name: string }) => r.name,
      );
      const pods = Number(
        (await admin.query('SELECT count(*) FROM pods WHERE cluster_id = $1', [cluster.id])).rows[0].count,
      );
      await admin.end();
      expect(nodes).toEqual(expect.arrayContaining(written));
      expect(pods).toBe(20_000);
    } finally {
      await db.drop();
    }
  }, 120_000);

  it('cuts what is still running when the grace period ends, and exits', async () => {
    const db = await createTestDatabase();
    try {
      const app = await start({
        DATABASE_URL: db.adminUrl,
        APP_DATABASE_URL: db.runtimeUrl,
        SVCPATH_SHUTDOWN_GRACE_MS: '1000',
      });
      const port = Number(new URL(app.base).port);
      // A request whose body never finishes arriving.
      const stuck = new RawRequest(port);
      await stuck.connected();
      stuck.write(
        'POST /v1/clusters HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
      );
      await new Promise((r) => setTimeout(r, 200));
      const at = Date.now();
      const exited = new Promise<number | null>((resolve) => app.proc.once('exit', (code) => resolve(code)));
      app.proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(Date.now() - at).toBeLessThan(5_000);
      await stuck.closed;
      expect(app.output()).toMatch(/grace period over after \d+ ms: 1 request\(s\) cut/);
    } finally {
      await db.drop();
    }
  }, 90_000);
});
