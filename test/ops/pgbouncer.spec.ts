import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGE_CHANNEL } from '../../src/prisma/change-feed';
import { RunningMain, startMain } from '../support/main-process';
import { ADMIN_TOKEN, createTestDatabase, TestTenant } from '../support/test-app';

/**
 * The scale-out path: two replicas (`node dist/main.js` processes) behind PgBouncer in transaction
 * mode. Requests go through the pooler (APP_DATABASE_URL), the change feed LISTENs on a direct
 * connection (APP_LISTEN_DATABASE_URL), migrations run direct as the owner (DATABASE_URL). A write
 * on one replica shows in the other's analysis within 1 s, and tenant isolation holds although the
 * pooler hands the same few server connections to both tenants in turn.
 */

/** Server connections PgBouncer keeps for the app's role: few, so the two replicas' 48 client connections really share them. */
const POOL_SIZE = 5;

function pgbouncerBinary(): string {
  for (const dir of [
    ...(process.env.PATH ?? '').split(':').filter(Boolean),
    '/usr/sbin',
    '/usr/local/sbin',
    '/usr/bin',
  ]) {
    if (existsSync(join(dir, 'pgbouncer'))) return join(dir, 'pgbouncer');
  }
  throw new Error(
    "pgbouncer is not installed: this test needs Debian's `pgbouncer` package (apt-get install pgbouncer; .ci/run installs it)",
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

interface Bouncer {
  readonly port: number;
  readonly proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * PgBouncer in transaction mode in front of `database` (on the server of `runtimeUrl`), letting in
 * the runtime role with its password (auth_file). PgBouncer refuses to run as root: as root it is
 * started with `-u postgres` (or `nobody`), its files in a temporary folder owned by that user.
 */
async function startPgBouncer(runtimeUrl: string, dir: string): Promise<Bouncer> {
  const binary = pgbouncerBinary();
  const server = new URL(runtimeUrl);
  const database = server.pathname.slice(1);
  const user = decodeURIComponent(server.username);
  let owner: { name: string; uid: number; gid: number } | null = null;
  if (process.getuid?.() === 0) {
    const name = ['postgres', 'nobody'].find((n) => {
      try {
        execFileSync('id', ['-u', n], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    });
    if (!name) throw new Error('running as root, and neither a postgres nor a nobody user exists to run pgbouncer as');
    owner = {
      name,
      uid: Number(execFileSync('id', ['-u', name]).toString()),
      gid: Number(execFileSync('id', ['-g', name]).toString()),
    };
  }
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const ini = join(dir, 'pgbouncer.ini');
    const userlist = join(dir, 'userlist.txt');
    writeFileSync(
      ini,
      [
        '[databases]',
        `${database} = host=${server.hostname} port=${server.port || '5432'} dbname=${database}`,
        '',
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = scram-sha-256',
        `auth_file = ${userlist}`,
        'pool_mode = transaction',
        `default_pool_size = ${POOL_SIZE}`,
        'min_pool_size = 0',
        'reserve_pool_size = 0',
        'max_client_conn = 500',
        `stats_users = ${user}`,
        'log_connections = 0',
        'log_disconnections = 0',
        '',
      ].join('\n'),
    );
    writeFileSync(userlist, `"${user}" "${decodeURIComponent(server.password).replace(/"/g, '""')}"\n`);
    for (const file of [ini, userlist]) chmodSync(file, 0o600);
    if (owner) for (const path of [dir, ini, userlist]) chownSync(path, owner.uid, owner.gid);
    const proc = spawn(binary, [...(owner ? ['-u', owner.name] : []), ini], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    proc.stderr?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const started = Date.now();
    while (proc.exitCode === null && Date.now() - started < 10_000 && !(await accepts(port)))
      await new Promise((r) => setTimeout(r, 50));
    if (proc.exitCode === null && (await accepts(port))) {
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      return {
        port,
        proc,
        output: () => out,
        stop: async () => {
          if (proc.exitCode === null && proc.signalCode === null) {
            proc.kill('SIGTERM');
            await exited;
          }
        },
      };
    }
    proc.kill('SIGKILL');
    // The port was taken between choosing and binding it: choose again.
    if (attempt >= 3 || !/in use/i.test(out)) throw new Error(`pgbouncer did not start:\n${out}`);
  }
}

async function stopMain(app: RunningMain | undefined): Promise<number | null> {
  if (!app || app.proc.exitCode !== null) return app?.proc.exitCode ?? null;
  const exited = new Promise<number | null>((resolve) => app.proc.once('exit', (code) => resolve(code)));
  app.proc.kill('SIGTERM');
  return exited;
}

interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of many shapes, read field by field
  body: any;
}

async function call(app: RunningMain, method: string, path: string, key: string, body?: object): Promise<Reply> {
  const res = await fetch(`http://127.0.0.1:${app.port}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function ok(
  app: RunningMain,
  method: string,
  path: string,
  key: string,
  body?: object,
  status = method === 'POST' ? 201 : 200,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Reply's body
): Promise<any> {
  const res = await call(app, method, path, key, body);
  if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A KUBERNETES cluster named `<ns>-k8s`: two nodes, backends on node-1, a NodePort Service
 * `<ns>/backend-local` with externalTrafficPolicy Local (node-2's NodePort answers nothing). Returns its id and the Service's.
 */
async function buildCluster(
  app: RunningMain,
  key: string,
  ns: string,
): Promise<{ clusterId: string; serviceId: string }> {
  const clusterId = (
    await ok(app, 'POST', '/v1/clusters', key, {
      name: `${ns}-k8s`,
      clusterCidrs: ['10.244.0.0/16'],
      serviceCidrs: ['10.96.0.0/12'],
    })
  ).id as string;
  const post = (path: string, body: object) => ok(app, 'POST', `/v1/clusters/${clusterId}${path}`, key, body);
  await post('/nodes', { name: 'node-1', internalIps: ['192.168.0.1'], podCidrs: ['10.244.1.0/24'] });
  await post('/nodes', { name: 'node-2', internalIps: ['192.168.0.2'], podCidrs: ['10.244.2.0/24'] });
  await post('/pods', {
    namespace: ns,
    name: 'backend-a',
    nodeName: 'node-1',
    ips: ['10.244.1.10'],
    labels: { app: 'backend' },
    containerPorts: [{ name: 'http', containerPort: 8080 }],
  });
  await post('/pods', {
    namespace: ns,
    name: 'client',
    nodeName: 'node-2',
    ips: ['10.244.2.10'],
    labels: { app: 'client' },
  });
  const service = await post('/services', {
    namespace: ns,
    name: 'backend-local',
    type: 'NodePort',
    selector: { app: 'backend' },
    externalTrafficPolicy: 'Local',
    clusterIps: ['10.96.0.51'],
    ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30081 }],
  });
  return { clusterId, serviceId: service.id as string };
}

/** From outside, through both nodes' NodePorts: PARTIAL with externalTrafficPolicy Local (node-2 has no backend), REACHABLE with Cluster. */
async function verdict(app: RunningMain, key: string, clusterId: string, ns: string): Promise<string> {
  const body = await ok(
    app,
    'POST',
    `/v1/clusters/${clusterId}/reachability`,
    key,
    { client: { external: { network: 'PRIVATE', ip: '192.168.5.5' } }, service: `${ns}/backend-local` },
    200,
  );
  return body.summary.verdict as string;
}

let dir: string;
let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let bouncer: Bouncer | undefined;
let a: RunningMain | undefined;
let b: RunningMain | undefined;
let one: TestTenant;
let two: TestTenant;
let cluster1: { clusterId: string; serviceId: string };

/** The admin connection (superuser, direct) the test inspects the server with. */
async function asAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: db!.adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A SHOW command of PgBouncer's admin console (the runtime role is a stats user). */
async function bouncerShow(what: 'CLIENTS' | 'SERVERS'): Promise<Record<string, unknown>[]> {
  const c = new Client({
    host: '127.0.0.1',
    port: bouncer!.port,
    user: 'svcpath_app',
    password: decodeURIComponent(new URL(db!.runtimeUrl).password),
    database: 'pgbouncer',
  });
  await c.connect();
  try {
    return (await c.query(`SHOW ${what}`)).rows.filter((r) => r.database !== 'pgbouncer');
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  pgbouncerBinary(); // fail first, with the package's name, when it is missing
  dir = mkdtempSync(join(tmpdir(), 'svcpath-pgbouncer-'));
  db = await createTestDatabase();
  bouncer = await startPgBouncer(db.runtimeUrl, dir);
  const pooled = new URL(db.runtimeUrl);
  pooled.hostname = '127.0.0.1';
  pooled.port = String(bouncer.port);
  const env = {
    DATABASE_URL: db.adminUrl, // direct, as the owner: migrations at start
    APP_DATABASE_URL: pooled.toString(), // the runtime role through PgBouncer: every request
    APP_LISTEN_DATABASE_URL: db.runtimeUrl, // the runtime role direct: LISTEN only
    SVCPATH_DEMO: 'false',
    SVCPATH_ADMIN_TOKEN: ADMIN_TOKEN,
    SVCPATH_DATA_DIR: join(dir, 'data'),
    HOST: '127.0.0.1',
  };
  a = await startMain(env);
  b = await startMain(env);
  one = await ok(a, 'POST', '/v1/tenants', ADMIN_TOKEN, { name: 'tenant-one' });
  two = await ok(a, 'POST', '/v1/tenants', ADMIN_TOKEN, { name: 'tenant-two' });
  cluster1 = await buildCluster(a, one.apiKey, 'one');
}, 120_000);

afterAll(async () => {
  const codes = [await stopMain(a), await stopMain(b)];
  await bouncer?.stop();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  // Both replicas drain and exit cleanly on SIGTERM, with PgBouncer still in front of them.
  if (a && b) expect(codes).toEqual([0, 0]);
}, 60_000);

describe('two replicas behind PgBouncer (transaction mode)', () => {
  it('each replica LISTENs on a direct connection of its own (LISTEN does not survive transaction pooling)', async () => {
    const listeners = (
      await asAdmin((c) =>
        c.query<{ port: number }>(
          "SELECT client_port AS port FROM pg_stat_activity WHERE datname = current_database() AND usename = 'svcpath_app' AND query = $1",
          [`LISTEN ${CHANGE_CHANNEL}`],
        ),
      )
    ).rows.map((r) => r.port);
    expect(listeners).toHaveLength(2);
    // Not PgBouncer's server connections (where the next transaction of any client would land).
    const pooled = new Set((await bouncerShow('SERVERS')).map((r) => Number(r.local_port)));
    expect(pooled.size).toBeGreaterThan(0);
    expect(listeners.filter((port) => pooled.has(port))).toEqual([]);
  });

  it("a write on one replica shows in the other replica's analysis within 1 s", async () => {
    const { clusterId, serviceId } = cluster1;
    const times: number[] = [];
    let expected = 'PARTIAL';
    // Warm B's model cache (and its remembered answers) with the state before each write.
    expect(await verdict(b!, one.apiKey, clusterId, 'one')).toBe(expected);
    for (const policy of ['Cluster', 'Local', 'Cluster', 'Local', 'Cluster']) {
      expect(await verdict(b!, one.apiKey, clusterId, 'one')).toBe(expected);
      await ok(
        a!,
        'PATCH',
        `/v1/clusters/${clusterId}/services/${serviceId}`,
        one.apiKey,
        { externalTrafficPolicy: policy },
        200,
      );
      const written = Date.now();
      expected = policy === 'Cluster' ? 'REACHABLE' : 'PARTIAL';
      while ((await verdict(b!, one.apiKey, clusterId, 'one')) !== expected) {
        if (Date.now() - written > 2_000)
          throw new Error(
            `replica B still answers the old verdict 2 s after the write on A (pgbouncer:\n${bouncer!.output()})`,
          );
        await new Promise((r) => setTimeout(r, 5));
      }
      times.push(Date.now() - written);
    }
    console.log(`pgbouncer: write on A seen on B after ${times.join(', ')} ms`);
    for (const ms of times) expect(ms).toBeLessThan(1_000);
  });

  it("tenant isolation holds through the pooler: another tenant sees none of the first one's clusters on either replica", async () => {
    for (const app of [a!, b!]) {
      expect((await ok(app, 'GET', '/v1/clusters', two.apiKey)).items).toEqual([]);
      expect((await call(app, 'GET', `/v1/clusters/${cluster1.clusterId}`, two.apiKey)).status).toBe(404);
      expect((await call(app, 'GET', `/v1/clusters/${cluster1.clusterId}/services`, two.apiKey)).status).toBe(404);
      expect(
        (
          await call(app, 'POST', `/v1/clusters/${cluster1.clusterId}/reachability`, two.apiKey, {
            client: { external: { network: 'PRIVATE', ip: '192.168.5.5' } },
            service: 'one/backend-local',
          })
        ).status,
      ).toBe(404);
      expect((await ok(app, 'GET', '/v1/tenant', two.apiKey)).id).toBe(two.id);
    }
  });

  it("200 interleaved requests of both tenants on both replicas, sharing the pooled server connections: every answer is its own tenant's", async () => {
    const cluster2 = await buildCluster(b!, two.apiKey, 'two');
    const tenants = [
      { tenant: one, ns: 'one', own: cluster1.clusterId, other: cluster2.clusterId },
      { tenant: two, ns: 'two', own: cluster2.clusterId, other: cluster1.clusterId },
    ];
    const jobs = Array.from({ length: 200 }, (_, i) => ({
      app: i % 2 === 0 ? a! : b!,
      t: tenants[Math.floor(i / 2) % 2],
      kind: Math.floor(i / 4) % 5,
    }));
    const wrong: string[] = [];
    const check = async ({ app, t, kind }: (typeof jobs)[number]): Promise<void> => {
      const who = `${t.ns} on ${app === a ? 'A' : 'B'} (${kind})`;
      if (kind === 0) {
        const me = await call(app, 'GET', '/v1/tenant', t.tenant.apiKey);
        if (me.status !== 200 || me.body.id !== t.tenant.id)
          wrong.push(`${who}: /v1/tenant ${me.status} ${JSON.stringify(me.body)}`);
      } else if (kind === 1) {
        const list = await call(app, 'GET', '/v1/clusters', t.tenant.apiKey);
        const names = list.status === 200 ? (list.body.items as { name: string }[]).map((c) => c.name) : null;
        if (JSON.stringify(names) !== JSON.stringify([`${t.ns}-k8s`]))
          wrong.push(`${who}: clusters ${list.status} ${JSON.stringify(names ?? list.body)}`);
      } else if (kind === 2) {
        const services = await call(app, 'GET', `/v1/clusters/${t.own}/services`, t.tenant.apiKey);
        const names =
          services.status === 200
            ? (services.body.items as { namespace: string; name: string }[]).map((s) => `${s.namespace}/${s.name}`)
            : null;
        if (JSON.stringify(names) !== JSON.stringify([`${t.ns}/backend-local`]))
          wrong.push(`${who}: services ${services.status} ${JSON.stringify(names ?? services.body)}`);
      } else if (kind === 3) {
        const other = await call(app, 'GET', `/v1/clusters/${t.other}`, t.tenant.apiKey);
        if (other.status !== 404) wrong.push(`${who}: the other tenant's cluster answered ${other.status}`);
      } else {
        const answer = await call(app, 'POST', `/v1/clusters/${t.own}/reachability?detail=full`, t.tenant.apiKey, {
          client: { pod: `${t.ns}/client` },
          service: `${t.ns}/backend-local`,
        });
        const endpoints =
          answer.status === 200
            ? (answer.body.results as { endpoints: { ip: string }[] }[]).flatMap((r) => r.endpoints.map((e) => e.ip))
            : null;
        if (answer.status !== 200 || !endpoints!.includes('10.244.1.10'))
          wrong.push(`${who}: reachability ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
      }
    };
    // 40 requests in flight at a time: both replicas' pools open many client connections to PgBouncer, which has 5 server connections.
    let next = 0;
    let peakServers = 0;
    const sample = setInterval(() => {
      void asAdmin((c) =>
        c.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND usename = 'svcpath_app' AND application_name <> 'svcpath-listen'",
        ),
      ).then(
        (r) => {
          peakServers = Math.max(peakServers, Number(r.rows[0].n));
        },
        () => undefined,
      );
    }, 20);
    try {
      await Promise.all(
        Array.from({ length: 40 }, async () => {
          while (next < jobs.length) await check(jobs[next++]);
        }),
      );
    } finally {
      clearInterval(sample);
    }
    expect(wrong).toEqual([]);
    // The pooling was real: many clients, few server connections, each used by both tenants in turn.
    const clients = await bouncerShow('CLIENTS');
    const servers = await bouncerShow('SERVERS');
    console.log(
      `pgbouncer: ${clients.length} client connections, ${servers.length} server connections (peak backends seen: ${peakServers})`,
    );
    expect(clients.length).toBeGreaterThan(POOL_SIZE);
    expect(servers.length).toBeLessThanOrEqual(POOL_SIZE);
    expect(peakServers).toBeLessThanOrEqual(POOL_SIZE);
  }, 60_000);
});
