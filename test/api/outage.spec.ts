import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.factory';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ADMIN_TOKEN, bearer, createTestDatabase, within } from '../support/test-app';

/**
 * Honest outage answers (issue 15, item 4): the app reaches PostgreSQL through a TCP proxy that the
 * test cuts, as a database that crashed or a network that broke would. While it is cut, every
 * answer that needs the database is a 503 problem+json with Retry-After within 2 s; analyses on a
 * warm model keep answering; once the proxy is back, so is the service.
 */
class Proxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** `hang`: connections are accepted but lead nowhere, as to a server that stopped answering. */
  async up(mode: 'forward' | 'hang' = 'forward'): Promise<void> {
    if (this.server !== null) return;
    this.server = createServer((client) => {
      if (mode === 'hang') {
        this.sockets.add(client);
        client.on('close', () => this.sockets.delete(client));
        client.on('error', () => undefined);
        return;
      }
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) =>
      this.server!.once('error', reject).listen(this.port, '127.0.0.1', () => resolve()),
    );
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and cuts every connection: nothing reaches the database until up() again. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

let app: NestFastifyApplication;
let http: ReturnType<typeof request>;
let proxy: Proxy;
let drop: () => Promise<void>;
let key: string;
let clusterId: string;

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  const url = new URL(db.runtimeUrl);
  proxy = new Proxy({ host: url.hostname, port: Number(url.port || 5432) });
  await proxy.up();
  url.host = `127.0.0.1:${proxy.port}`;
  app = await createApp({ databaseUrl: url.toString(), adminToken: ADMIN_TOKEN, logLevel: 'silent' });
  await app.getHttpAdapter().getInstance().ready();
  http = request(app.getHttpServer());
  key = (await http.post('/v1/tenants').set(bearer(ADMIN_TOKEN)).send({ name: 'outage' }).expect(201)).body.apiKey;
  clusterId = (await http.post('/v1/clusters').set(bearer(key)).send({ name: 'outage' }).expect(201)).body.id;
  const c = `/v1/clusters/${clusterId}`;
  await http
    .post(`${c}/nodes`)
    .set(bearer(key))
    .send({ name: 'n1', internalIps: ['192.168.0.10'] })
    .expect(201);
  await http
    .post(`${c}/pods`)
    .set(bearer(key))
    .send({ namespace: 'default', name: 'web-1', nodeName: 'n1', ips: ['10.244.0.10'], labels: { app: 'web' } })
    .expect(201);
  await http
    .post(`${c}/pods`)
    .set(bearer(key))
    .send({ namespace: 'default', name: 'client', nodeName: 'n1', ips: ['10.244.0.11'] })
    .expect(201);
  await http
    .post(`${c}/services`)
    .set(bearer(key))
    .send({ namespace: 'default', name: 'web', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] })
    .expect(201);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await drop?.();
});

const ask = () =>
  http
    .post(`/v1/clusters/${clusterId}/reachability`)
    .set(bearer(key))
    .send({ client: { pod: 'default/client' }, service: 'default/web' });

describe('a database outage', () => {
  it('is a 503 problem+json with Retry-After within 2 s on REST and GraphQL, warm analyses keep answering, and the service recovers', async () => {
    const warm = await ask().expect(200);
    const verdict = warm.body.summary.verdict;
    expect(verdict).toBe('REACHABLE');

    await proxy.down();
    const unavailable = async (res: request.Response) => {
      expect({
        status: res.status,
        type: res.headers['content-type'],
        code: res.body.code ?? res.body.errors?.[0]?.extensions?.code,
      }).toEqual({ status: 503, type: expect.stringMatching(/^application\/(problem\+)?json/), code: 'UNAVAILABLE' });
      expect({ retryAfter: res.headers['retry-after'], body: res.body }).toMatchObject({
        retryAfter: expect.stringMatching(/^\d+$/),
      });
    };
    for (const send of [
      () => http.get('/v1/clusters').set(bearer(key)),
      () => http.post('/v1/clusters').set(bearer(key)).send({ name: 'during-outage' }),
      () => http.get(`/v1/clusters/${clusterId}/pods`).set(bearer(key)),
      () => http.post('/graphql').set(bearer(key)).send({ query: '{ clusters { items { id } } }' }),
    ]) {
      const start = Date.now();
      const res = await send();
      expect(Date.now() - start).toBeLessThan(2_000);
      await unavailable(res);
      if (res.headers['content-type']?.startsWith('application/problem+json'))
        expect(res.body).toMatchObject({ status: 503, title: 'Service unavailable' });
    }
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(503);

    // A server that accepts connections and never answers: the same, within 2 s.
    await proxy.up('hang');
    const start = Date.now();
    await unavailable(await http.get(`/v1/clusters/${clusterId}/services`).set(bearer(key)));
    expect(Date.now() - start).toBeLessThan(2_000);
    await proxy.down();

    // The warm model answers with no database read, past the key and model freshness windows.
    await new Promise((r) => setTimeout(r, 2_500));
    const during = await ask();
    expect({ status: during.status, verdict: during.body.summary?.verdict }).toEqual({ status: 200, verdict });

    await proxy.up();
    const ms = await within(15_000, async () => (await http.get('/v1/clusters').set(bearer(key))).status === 200);
    expect(ms).toBeLessThan(15_000);
    await http.post('/v1/clusters').set(bearer(key)).send({ name: 'after-outage' }).expect(201);
    expect((await http.get('/health/ready')).status).toBe(200);
  }, 60_000);
});
