// API benchmark: the app (dist/main.js, as `npm start` runs it) in a child process, autocannon in
// this one, on loopback. A generated 5,000-pod cluster (fixed seed) is written straight into the
// database, then: /health/live vs REST reachability vs GraphQL reachability, same load generator
// (64 connections, no pipelining). Then the import of a 150,000-pod kubectl document. Prints the
// figures. BENCH_DATABASE_URL selects a server; default: an embedded PostgreSQL in a temporary
// folder. BENCH_ONLY=import runs the import alone (and its database floor); BENCH_ONLY=writes skips the load runs;
// BENCH_ONLY=computed runs only the memo-off load runs (every answer computed), no import. On the imported
// 150,000-pod cluster it then replaces the unchanged snapshot, and times pod writes each followed
// at once by a question (bench/api/write-bench.ts).
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { generateCluster } from '../engine/generate';
import { repositoryRoot } from '../root';
import { asKubectlList } from './kubectl-list';
import { copyFloor, replaceUnchanged, writeThenAsk } from './write-bench';
import type { ClusterModel } from '../../src/engine';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';

const ADMIN = 'bench-operator-token-0123456789';
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
/** BENCH_ONLY=import: only the import of the 150,000-pod document and the first analysis after it; computed: only the memo-off load runs. */
const ONLY = process.env.BENCH_ONLY;
const root = repositoryRoot();

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function server(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'svcpath-bench-'));
  const pg = await startEmbeddedPostgres({ dataDir: dir, persistent: false });
  return {
    url: pg.adminUrl('postgres'),
    stop: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startApp(databaseUrl: string, port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    // SVCPATH_RATE_LIMIT=0: the load runs send thousands of requests a second with one key (the
    // default allows 1,200 a minute), and the 150,000-pod import costs a unit per MiB of its body;
    // a benchmark measures the service, not its limiter.
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SVCPATH_ADMIN_TOKEN: ADMIN,
      SVCPATH_DEMO: 'false',
      PORT: String(port),
      LOG_LEVEL: 'info',
      SVCPATH_RATE_LIMIT: '0',
      ...env,
    },
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
    // The app's own account of each model it compiles (load and compile times) and of each import (its phases).
    for (const line of c.toString().split('\n'))
      if (/compiled cluster model|"message":"imported"|could not/.test(line)) console.log(`  app: ${line.trim()}`);
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes('svcpath is up')) {
        clearInterval(timer);
        resolve();
      }
      if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(out));
      }
    }, 50);
  });
  return child;
}

/** Writes the generated topology straight into the tables (the API would take minutes for 5,000 pods one by one). */
async function insertTopology(
  adminUrl: string,
  tenantId: string,
  clusterId: string,
  model: ClusterModel,
): Promise<void> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  const json = (rows: unknown[]) => JSON.stringify(rows);
  await c.query(
    `INSERT INTO nodes (tenant_id, cluster_id, id, name, internal_ips, external_ip, pod_cidrs, labels, updated_at)
    SELECT $1, $2, gen_random_uuid(), n->>'name', ARRAY(SELECT jsonb_array_elements_text(n->'internalIps')), n->>'externalIp',
      ARRAY(SELECT jsonb_array_elements_text(n->'podCidrs')), n->'labels', now() FROM jsonb_array_elements($3::jsonb) n`,
    [tenantId, clusterId, json([...model.nodes])],
  );
  await c.query(
    `INSERT INTO pods (tenant_id, cluster_id, id, namespace, name, labels, node_name, ips, host_network, phase, ready, terminating, container_ports, updated_at)
    SELECT $1, $2, gen_random_uuid(), p->>'namespace', p->>'name', p->'labels', p->>'nodeName', ARRAY(SELECT jsonb_array_elements_text(p->'ips')),
      (p->>'hostNetwork')::boolean, p->>'phase', (p->>'ready')::boolean, (p->>'terminating')::boolean, p->'containerPorts', now()
    FROM jsonb_array_elements($3::jsonb) p`,
    [tenantId, clusterId, json([...model.pods])],
  );
  await c.query(
    `INSERT INTO services (tenant_id, cluster_id, id, namespace, name, type, selector, ports, cluster_ips, external_ips, load_balancer_ingress,
      load_balancer_source_ranges, external_traffic_policy, internal_traffic_policy, health_check_node_port, publish_not_ready_addresses, labels, annotations, updated_at)
    SELECT $1, $2, gen_random_uuid(), s->>'namespace', s->>'name', (s->>'type')::"ServiceType", s->'selector', s->'ports',
      ARRAY(SELECT jsonb_array_elements_text(s->'clusterIps')), ARRAY(SELECT jsonb_array_elements_text(s->'externalIps')), s->'loadBalancerIngress',
      ARRAY(SELECT jsonb_array_elements_text(s->'loadBalancerSourceRanges')), (s->>'externalTrafficPolicy')::"TrafficPolicy",
      (s->>'internalTrafficPolicy')::"TrafficPolicy", (s->>'healthCheckNodePort')::int, (s->>'publishNotReadyAddresses')::boolean, s->'labels', s->'annotations', now()
    FROM jsonb_array_elements($3::jsonb) s`,
    [tenantId, clusterId, json([...model.services])],
  );
  await c.query('UPDATE clusters SET version = version + 1 WHERE id = $1', [clusterId]);
  await c.end();
}

/** CPU time (user + system) the process has used so far, in µs (from /proc: Linux). */
function cpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100); // clock ticks of 10 ms (USER_HZ)
}

/** autocannon against `app`; prints throughput, latency and the app's CPU time per request. */
async function load(title: string, app: ChildProcess, opts: autocannon.Options): Promise<autocannon.Result> {
  const cpu0 = cpuUs(app.pid as number);
  const result = await autocannon({ connections: 64, pipelining: 1, duration: DURATION, ...opts });
  const cpu = (cpuUs(app.pid as number) - cpu0) / Math.max(result.requests.total, 1);
  const errors = result.errors + result.timeouts + (result.non2xx ?? 0);
  console.log(
    `${title.padEnd(58)} ${result.requests.average.toFixed(0).padStart(6)} req/s   p50 ${String(result.latency.p50).padStart(4)} ms   p99 ${String(result.latency.p99).padStart(4)} ms   app CPU ${cpu.toFixed(0).padStart(4)} µs/request   errors ${errors}`,
  );
  return result;
}

async function main(): Promise<void> {
  const pg = await server();
  const db = `svcpath_bench_${Date.now()}`;
  const admin = new Client({ connectionString: pg.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  const adminUrl = withDatabase(pg.url, db);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const app = await startApp(adminUrl, port);
  const base = `http://127.0.0.1:${port}`;
  try {
    const tenant = (await (
      await fetch(`${base}/v1/tenants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: '{"name":"bench"}',
      })
    ).json()) as { id: string; apiKey: string };
    const auth = { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' };
    if (ONLY !== 'import' && ONLY !== 'writes') await loadRuns(adminUrl, base, port, app, tenant.id, auth);
    if (ONLY !== 'computed') await importRun(adminUrl, base, auth);
  } finally {
    app.kill('SIGTERM');
    await new Promise((r) => app.once('exit', r));
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
    await pg.stop();
  }
}

/** The load runs on a 5,000-pod cluster: remembered answers (ClusterIP, NodePort), then every answer computed on a second instance. */
async function loadRuns(
  adminUrl: string,
  base: string,
  port: number,
  app: ChildProcess,
  tenantId: string,
  auth: Record<string, string>,
): Promise<void> {
  const model = generateCluster({ nodes: 170, pods: 5000, services: 340, seed: 7 });
  const cluster = (await (
    await fetch(`${base}/v1/clusters`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'bench',
        clusterCidrs: model.clusterCidrs,
        serviceCidrs: model.serviceCidrs,
        nodePortRange: model.nodePortRange,
      }),
    })
  ).json()) as { id: string };
  await insertTopology(adminUrl, tenantId, cluster.id, model);
  console.log(
    `cluster: ${model.nodes.length} nodes, ${model.pods.length} pods, ${model.services.length} Services (seed 7); ${DURATION} s per run, 64 connections`,
  );

  const byType = (type: string) => model.services.find((s) => s.type === type && s.clusterIps.length > 0)!;
  const questions: Questions = { clusterIp: byType('ClusterIP'), nodePort: byType('NodePort') };
  const ask: Askers = {
    rest: (body, extra = {}) => ({
      method: 'POST',
      path: `/v1/clusters/${cluster.id}/reachability`,
      headers: { ...auth, ...extra },
      body,
    }),
    graph: (body, extra = {}) => ({
      method: 'POST',
      path: '/graphql',
      headers: { ...auth, ...extra },
      body: JSON.stringify({ query: COMPACT_QUERY, variables: { c: cluster.id, input: JSON.parse(body) } }),
    }),
  };
  if (ONLY !== 'computed') await memoRuns(base, app, model, questions, ask);
  await computedRuns(adminUrl, port + 1, model, questions.clusterIp, ask);
}

// The compact answer, as REST sends it by default.
const COMPACT_QUERY = `query($c: String!, $input: ReachabilityInput!) { reachability(clusterId: $c, input: $input) { service detail summary { verdict sourceIpPreserved text }
    rules { id statement inferred evidence { source case } } ignoredBy
    groups { id kind networks port protocol count nodeCount addresses { address node network } verdict missingFact sourceIp { preserved seenAs reason } rule rules
      endpointCount { total connects fails } endpoints { ip port pod node outcome rule } path { at rule description } suggestions { code message } } } }`;

type Req = { method: 'POST'; path: string; headers: Record<string, string>; body: string };
type Svc = ClusterModel['services'][number];
interface Questions {
  clusterIp: Svc;
  nodePort: Svc;
}
/** A REST and a GraphQL reachability request for a question's JSON body (with extra headers). */
interface Askers {
  rest(body: string, extra?: Record<string, string>): Req;
  graph(body: string, extra?: Record<string, string>): Req;
}

/** The same questions over and over on the first instance: remembered answers. */
async function memoRuns(
  base: string,
  app: ChildProcess,
  model: ClusterModel,
  questions: Questions,
  ask: Askers,
): Promise<void> {
  const client = model.pods[0];
  const bodyOf = (svc: { namespace: string; name: string }) =>
    JSON.stringify({ client: { pod: `${client.namespace}/${client.name}` }, service: `${svc.namespace}/${svc.name}` });
  /**
   * Bytes on the wire of one answer. fetch offers gzip unless told otherwise, and decompresses
   * what it gets, so it is told what autocannon sends, and the length header is read.
   */
  const sizeOf = async (r: Req): Promise<number> => {
    const res = await fetch(`${base}${r.path}`, {
      method: 'POST',
      headers: { 'accept-encoding': 'identity', ...r.headers },
      body: r.body,
    });
    const length = Number(res.headers.get('content-length'));
    await res.arrayBuffer();
    return length;
  };
  const t0 = Date.now();
  const first = ask.rest(bodyOf(questions.clusterIp));
  const status = (await fetch(`${base}${first.path}`, { method: 'POST', headers: first.headers, body: first.body }))
    .status;
  console.log(`first analysis (load + compile): ${Date.now() - t0} ms (status ${status})`);

  // What curl --compressed, browsers, Go's and Python's HTTP clients and fetch send.
  const gzip = { 'accept-encoding': 'gzip, deflate, br' };
  // Warm-up (not reported): each route runs for a while first, so no measured run includes V8 compiling its code.
  for (const opts of [
    { url: `${base}/health/live` },
    { url: base, requests: [ask.rest(bodyOf(questions.clusterIp))] },
    { url: base, requests: [ask.graph(bodyOf(questions.clusterIp))] },
  ]) {
    await autocannon({ connections: 64, pipelining: 1, duration: 3, ...opts });
  }

  // The same question over and over (a dashboard polling it): the remembered answer is served.
  // /health/live is measured before and after, and REST is compared with their mean, so a drift
  // in the machine's speed during the runs does not decide the ratio.
  const clusterIp = bodyOf(questions.clusterIp);
  const healthBefore = await load('GET /health/live', app, { url: `${base}/health/live` });
  const rest = await load(
    `REST reachability (ClusterIP, ${((await sizeOf(ask.rest(clusterIp))) / 1024).toFixed(0)} KiB), one question`,
    app,
    { url: base, requests: [ask.rest(clusterIp)] },
  );
  const graph = await load('GraphQL reachability (ClusterIP), one question', app, {
    url: base,
    requests: [ask.graph(clusterIp)],
  });
  const healthAfter = await load('GET /health/live (again)', app, { url: `${base}/health/live` });
  const health = (healthBefore.requests.average + healthAfter.requests.average) / 2;
  console.log(
    `  ClusterIP, one question: REST throughput ${((100 * rest.requests.average) / health).toFixed(0)}% of /health/live (target ≥ 60%), REST p99 ${rest.latency.p99} ms (target ≤ 50), GraphQL p99 / REST p99 = ${(graph.latency.p99 / Math.max(rest.latency.p99, 1)).toFixed(2)} (target ≤ 1.5)`,
  );

  // A NodePort Service: one result per node address, so a large answer; sent as it is, and
  // gzip-compressed to a client that accepts it (the remembered answer keeps its compressed form).
  const nodePort = bodyOf(questions.nodePort);
  const plainSize = await sizeOf(ask.rest(nodePort));
  const zippedSize = await sizeOf(ask.rest(nodePort, gzip));
  const plain = await load(`REST reachability (NodePort, ${(plainSize / 1024).toFixed(0)} KiB), one question`, app, {
    url: base,
    requests: [ask.rest(nodePort)],
  });
  const zipped = await load(
    `REST reachability (NodePort, gzip ${(zippedSize / 1024).toFixed(0)} KiB), one question`,
    app,
    { url: base, requests: [ask.rest(nodePort, gzip)] },
  );
  const zippedGraph = await load('GraphQL reachability (NodePort, gzip), one question', app, {
    url: base,
    requests: [ask.graph(nodePort, gzip)],
  });
  console.log(
    `  NodePort, one question: REST throughput ${((100 * plain.requests.average) / health).toFixed(0)}% of /health/live as it is, ${((100 * zipped.requests.average) / health).toFixed(0)}% with gzip; REST p99 ${plain.latency.p99} ms as it is, ${zipped.latency.p99} ms with gzip (target ≤ 50); GraphQL p99 / REST p99 with gzip = ${(zippedGraph.latency.p99 / Math.max(zipped.latency.p99, 1)).toFixed(2)} (target ≤ 1.5)`,
  );
}

/**
 * Every answer computed: distinct questions (each pod in turn asks the ClusterIP Service), on a
 * second instance with the answer memo off (SVCPATH_ANSWER_MEMO_MB=0).
 */
async function computedRuns(adminUrl: string, port: number, model: ClusterModel, svc: Svc, ask: Askers): Promise<void> {
  const computing = await startApp(adminUrl, port, { SVCPATH_ANSWER_MEMO_MB: '0' });
  try {
    const base = `http://127.0.0.1:${port}`;
    const bodies = model.pods
      .filter((p) => !p.hostNetwork)
      .slice(0, 1000)
      .map((p) =>
        JSON.stringify({ client: { pod: `${p.namespace}/${p.name}` }, service: `${svc.namespace}/${svc.name}` }),
      );
    const first = ask.rest(bodies[0]);
    await fetch(`${base}${first.path}`, { method: 'POST', headers: first.headers, body: first.body }); // load + compile
    const health = await load('GET /health/live (memo off)', computing, { url: `${base}/health/live` });
    const rest = await load(`REST reachability (ClusterIP), ${bodies.length} questions, memo off`, computing, {
      url: base,
      requests: bodies.map((b) => ask.rest(b)),
    });
    const graph = await load(`GraphQL reachability (ClusterIP), ${bodies.length} questions, memo off`, computing, {
      url: base,
      requests: bodies.map((b) => ask.graph(b)),
    });
    console.log(
      `  ClusterIP, every answer computed: REST throughput ${((100 * rest.requests.average) / health.requests.average).toFixed(0)}% of /health/live (goal ≥ 50%), REST p99 ${rest.latency.p99} ms, GraphQL p99 / REST p99 = ${(graph.latency.p99 / Math.max(rest.latency.p99, 1)).toFixed(2)}`,
    );
  } finally {
    computing.kill('SIGTERM');
    await new Promise((r) => computing.once('exit', r));
  }
}

/** A cluster at the scalability thresholds, imported as a kubectl document, then its first analysis. */
async function importRun(adminUrl: string, base: string, auth: Record<string, string>): Promise<void> {
  const big = generateCluster({ seed: 42 });
  const bigCluster = (await (
    await fetch(`${base}/v1/clusters`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'big',
        clusterCidrs: big.clusterCidrs,
        serviceCidrs: big.serviceCidrs,
        nodePortRange: big.nodePortRange,
      }),
    })
  ).json()) as { id: string };
  const document = asKubectlList(big);
  let t0 = Date.now();
  const imported = await fetch(`${base}/v1/clusters/${bigCluster.id}/import`, {
    method: 'POST',
    headers: auth,
    body: document,
  });
  const report = (await imported.json()) as { created?: Record<string, number>; detail?: string };
  const importMs = Date.now() - t0;
  console.log(
    `import of ${(document.length / 1e6).toFixed(0)} MB kubectl JSON (${big.nodes.length} nodes, ${big.pods.length} pods, ${big.services.length} Services): ${importMs} ms (status ${imported.status}, target ≤ 15000) ${JSON.stringify(report.created ?? report.detail)}`,
  );
  const floorCluster = (await (
    await fetch(`${base}/v1/clusters`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'floor',
        clusterCidrs: big.clusterCidrs,
        serviceCidrs: big.serviceCidrs,
        nodePortRange: big.nodePortRange,
      }),
    })
  ).json()) as { id: string };
  const floorMs = await copyFloor(adminUrl, bigCluster.id, floorCluster.id);
  console.log(
    `database floor: COPY of the same rows into the same tables: ${floorMs.toFixed(0)} ms; the import took ${(importMs / floorMs).toFixed(2)}× that (goal ≤ 2×)`,
  );
  const bigClient = big.pods[0];
  const bigSvc = big.services.find((s) => s.type === 'ClusterIP' && s.clusterIps.length > 0)!;
  const question = JSON.stringify({
    client: { pod: `${bigClient.namespace}/${bigClient.name}` },
    service: `${bigSvc.namespace}/${bigSvc.name}`,
  });
  t0 = Date.now();
  const bigFirst = await fetch(`${base}/v1/clusters/${bigCluster.id}/reachability`, {
    method: 'POST',
    headers: auth,
    body: question,
  });
  console.log(
    `${big.nodes.length} nodes / ${big.pods.length} pods / ${big.services.length} Services: first analysis (the model the import left, compiled) ${Date.now() - t0} ms (status ${bigFirst.status}; target ≤ 2000 after an import)`,
  );
  if (ONLY === 'import') return;
  await replaceUnchanged(base, auth, bigCluster.id, document, question, importMs);
  const services = big.services
    .filter((s) => s.type === 'ClusterIP' && s.clusterIps.length > 0 && s.namespace !== bigClient.namespace)
    .map((s) => `${s.namespace}/${s.name}`);
  await writeThenAsk(base, auth, bigCluster.id, `${bigClient.namespace}/${bigClient.name}`, services);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
