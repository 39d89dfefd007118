import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTenant, startTestApp, TestApp, TestTenant, within } from '../support/test-app';
import { FakeApiServer, KubeList, startFakeApiServer } from './fake-apiserver';

/**
 * `svcpath sync` as a user runs it: the built CLI (node bin/svcpath.cjs, so `npm run build` first)
 * in its own process, against the real app listening on a port, on a real PostgreSQL. The cluster
 * is either a recorded kubectl (test/fixtures/sync/fake-kubectl.cjs, via --kubectl) or the real
 * kubectl on PATH talking to a recorded API server (./fake-apiserver.ts) through a kubeconfig.
 */
const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'sync');
const FAKE_KUBECTL = join(FIXTURES, 'fake-kubectl.cjs');
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as KubeList;

const CREATED_LINE = '  created    nodes 2, pods 4, services 1, endpointSlices 1';
const counts = (
  nodes: number,
  pods: number,
  services: number,
  endpointSlices: number,
  namespaces = 0,
  networkPolicies = 0,
) => ({ nodes, pods, services, endpointSlices, namespaces, networkPolicies });

let t: TestApp;
let tenant: TestTenant;
let url: string;
let tmp: string;

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  tenant = await createTenant(t);
  tmp = mkdtempSync(join(tmpdir(), 'svcpath-sync-'));
});
afterAll(async () => {
  await t?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
interface Started {
  child: ChildProcess;
  output(): Run;
  done: Promise<Run>;
}

/**
 * Starts `node bin/svcpath.cjs <args>` with only PATH from this process's environment (so no
 * SVCPATH_* leaks in), HOME and kubectl's cache in the temporary folder, and `env` on top.
 */
function start(args: string[], env: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'svcpath.cjs'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: tmp, KUBECACHEDIR: join(tmp, 'kube-cache'), ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, output: () => ({ code: child.exitCode, stdout, stderr }), done };
}
const svcpath = (args: string[], env: Record<string, string> = {}) => start(args, env).done;

/** The server and key as a user exports them. */
const server = () => ({ SVCPATH_URL: url, SVCPATH_API_KEY: tenant.apiKey });

let clusterSeq = 0;
async function newCluster(): Promise<string> {
  const res = await t.http
    .post('/v1/clusters')
    .set(bearer(tenant.apiKey))
    .send({ name: `sync-${++clusterSeq}`, clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] })
    .expect(201);
  return res.body.id as string;
}

const get = async (path: string) => (await t.http.get(path).set(bearer(tenant.apiKey)).expect(200)).body;
const names = async (clusterId: string, kind: string) =>
  ((await get(`/v1/clusters/${clusterId}/${kind}?limit=200`)).items as { namespace?: string; name: string }[])
    .map((o) => (o.namespace ? `${o.namespace}/${o.name}` : o.name))
    .sort();

/** What the cluster holds, without what differs between clusters (ids, timestamps). */
async function topology(clusterId: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const kind of ['nodes', 'pods', 'services']) {
    const items = (await get(`/v1/clusters/${clusterId}/${kind}?limit=200`)).items as Record<string, unknown>[];
    out[kind] = items.map(({ id: _i, clusterId: _c, createdAt: _a, updatedAt: _u, ...rest }) => rest);
  }
  return out;
}

const ALL_PODS = [
  'kube-system/kube-proxy-2k7xq',
  'kube-system/kube-proxy-m9w4d',
  'shop/web-6b7f9c8d5-h4tzn',
  'shop/web-6b7f9c8d5-q8lrv',
];
const LATER_PODS = ALL_PODS.filter((p) => p !== 'shop/web-6b7f9c8d5-q8lrv');

describe('svcpath sync with a recorded kubectl (--kubectl)', () => {
  it('stores the cluster and its kube-proxy mode, says what it created, and passes --kubeconfig/--context to kubectl', async () => {
    const clusterId = await newCluster();
    expect((await get(`/v1/clusters/${clusterId}`)).proxyMode).toBe('IPTABLES');
    const argsLog = join(tmp, 'args-first.log');
    const kubeconfig = join(tmp, 'recorded-kubeconfig');
    const run = await svcpath(
      ['sync', '--cluster', clusterId, '--kubectl', FAKE_KUBECTL, '--kubeconfig', kubeconfig, '--context', 'prod'],
      { ...server(), FAKE_KUBECTL_ARGS_LOG: argsLog },
    );

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const version = (await get(`/v1/clusters/${clusterId}`)).version as number;
    expect(run.stdout).toContain(`synced cluster ${clusterId}: version ${version}\n`);
    expect(run.stdout).toContain(`${CREATED_LINE}\n`);
    expect(run.stdout).toContain('  unchanged  nodes 0, pods 0, services 0, endpointSlices 0\n');
    // The cluster has pod ranges: the clusterCIDR is kube-proxy's own (kubeProxy.clusterCidrs).
    expect(run.stdout).toContain('  kube-proxy proxyMode IPVS, kubeProxyClusterCidrs 10.244.0.0/16');
    expect(run.stdout).toContain('  skipped 0, warnings 0\n');

    expect(await names(clusterId, 'nodes')).toEqual(['cp-1', 'worker-1']);
    expect(await names(clusterId, 'pods')).toEqual(ALL_PODS);
    expect(await names(clusterId, 'services')).toEqual(['shop/web']);
    expect(await get(`/v1/clusters/${clusterId}`)).toMatchObject({
      proxyMode: 'IPVS',
      clusterCidrs: ['10.244.0.0/16'],
      kubeProxy: { clusterCidrs: ['10.244.0.0/16'] },
    });

    const invocations = readFileSync(argsLog, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string[]);
    expect(invocations.sort()).toEqual([
      [
        '--kubeconfig',
        kubeconfig,
        '--context',
        'prod',
        'get',
        'configmap',
        'kube-proxy',
        '-n',
        'kube-system',
        '-o',
        'json',
      ],
      [
        '--kubeconfig',
        kubeconfig,
        '--context',
        'prod',
        'get',
        'nodes,pods,services,endpointslices',
        '-A',
        '-o',
        'json',
      ],
    ]);
  });

  it('replaces: after the cluster lost a pod, the next sync deletes it (--json prints the report)', async () => {
    const clusterId = await newCluster();
    const first = await svcpath(['sync', '--cluster', clusterId, '--kubectl', FAKE_KUBECTL], server());
    expect(first.code).toBe(0);
    expect(await names(clusterId, 'pods')).toEqual(ALL_PODS);

    const later = await svcpath(['sync', '--cluster', clusterId, '--kubectl', FAKE_KUBECTL, '--json'], {
      ...server(),
      FAKE_KUBECTL_SNAPSHOT: 'cluster-later.json',
    });
    expect(later.stderr).toBe('');
    expect(later.code).toBe(0);
    const report = JSON.parse(later.stdout);
    expect(report).toMatchObject({
      created: counts(0, 0, 0, 0),
      updated: counts(0, 0, 0, 1),
      unchanged: counts(2, 3, 1, 0),
      deleted: counts(0, 1, 0, 0),
      skipped: [],
      warnings: [],
      clusterVersion: (await get(`/v1/clusters/${clusterId}`)).version,
    });
    expect(await names(clusterId, 'pods')).toEqual(LATER_PODS);
  });

  it.each(['notfound', 'forbidden'])(
    'syncs the rest when the kube-proxy ConfigMap is %s, and says so on stderr',
    async (state) => {
      const clusterId = await newCluster();
      const run = await svcpath(['sync', '--cluster', clusterId, '--kubectl', FAKE_KUBECTL], {
        ...server(),
        FAKE_KUBECTL_KUBE_PROXY: state,
      });
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(
        new RegExp(
          `no kube-proxy ConfigMap \\(kube-system/kube-proxy\\): Error from server \\(${state === 'notfound' ? 'NotFound' : 'Forbidden'}\\)`,
        ),
      );
      expect(run.stdout).toContain(CREATED_LINE);
      expect(run.stdout).not.toContain('kube-proxy proxyMode');
      expect(await names(clusterId, 'pods')).toEqual(ALL_PODS);
      expect((await get(`/v1/clusters/${clusterId}`)).proxyMode).toBe('IPTABLES');
    },
  );
});

describe('svcpath sync errors', () => {
  it('exits 64 with the usage when the API key is missing, before running kubectl', async () => {
    const argsLog = join(tmp, 'args-usage.log');
    const run = await svcpath(['sync', '--cluster', 'c', '--kubectl', FAKE_KUBECTL], {
      SVCPATH_URL: url,
      FAKE_KUBECTL_ARGS_LOG: argsLog,
    });
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('svcpath sync: missing --api-key (or SVCPATH_API_KEY)');
    expect(run.stderr).toContain('usage: svcpath sync --cluster <id>');
    expect(run.stdout).toBe('');
    expect(() => readFileSync(argsLog)).toThrow(/ENOENT/);
  });

  it.each([
    ['no --cluster', ['sync'], 'missing --cluster'],
    ['no URL', ['sync', '--cluster', 'c', '--api-key', 'k'], 'missing --url (or SVCPATH_URL)'],
    [
      'a bad --every',
      ['sync', '--cluster', 'c', '--url', 'http://x', '--api-key', 'k', '--every', '5 minutes'],
      '--every: expected a duration',
    ],
    ['an unknown flag', ['sync', '--cluster', 'c', '--namespace', 'x'], "Unknown option '--namespace'"],
    ['an unknown command', ['push'], 'unknown command "push"'],
  ])('exits 64 on %s', async (_name, args, message) => {
    const run = await svcpath(args);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain(message);
  });

  it('exits 1 and prints the 401 problem for a wrong API key (the flag wins over SVCPATH_API_KEY)', async () => {
    const clusterId = await newCluster();
    const run = await svcpath(
      ['sync', '--cluster', clusterId, '--kubectl', FAKE_KUBECTL, '--api-key', 'svc_not-a-key'],
      server(),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^svcpath sync: the server answered 401: Authentication required: .+\n {2}request id: \S+\n$/,
    );
    expect(await names(clusterId, 'pods')).toEqual([]);
  });

  it("exits 1 and prints the problem's errors[] when the server refuses the document", async () => {
    const clusterId = await newCluster();
    const run = await svcpath(['sync', '--cluster', clusterId, '--kubectl', FAKE_KUBECTL], {
      ...server(),
      FAKE_KUBECTL_SNAPSHOT: 'cluster-invalid.json',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^svcpath sync: the server answered 400: .+\n {2}items\[0\]\.status\.addresses\[0\]\.address: .*10\.0\.0\.300/,
    );
    expect(await names(clusterId, 'nodes')).toEqual([]);
  });

  it('exits 1 when the server cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const run = await svcpath([
      'sync',
      '--cluster',
      'c',
      '--kubectl',
      FAKE_KUBECTL,
      '--url',
      `http://127.0.0.1:${port}`,
      '--api-key',
      'k',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`svcpath sync: cannot reach http://127.0.0.1:${port}: `);
  });

  it("exits 2 and shows kubectl's stderr when kubectl fails", async () => {
    const clusterId = await newCluster();
    const message = 'error: You must be logged in to the server (Unauthorized)';
    const run = await svcpath(['sync', '--cluster', clusterId, '--kubectl', FAKE_KUBECTL], {
      ...server(),
      FAKE_KUBECTL_FAIL: message,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `svcpath sync: ${FAKE_KUBECTL} get nodes,pods,services,endpointslices -A -o json exited with 1:\n${message}\n`,
    );
    expect(await names(clusterId, 'nodes')).toEqual([]);
  });

  it('exits 2 when kubectl is not there', async () => {
    const missing = join(tmp, 'no-such-kubectl');
    const run = await svcpath(['sync', '--cluster', 'c', '--kubectl', missing], server());
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `svcpath sync: cannot run ${missing}: not found (install kubectl, or name it with --kubectl)\n`,
    );
  });
});

describe('svcpath sync --every', () => {
  const runsIn = (text: string, pattern: RegExp) => text.split('\n').filter((line) => pattern.test(line)).length;

  it('runs again after each period and stops cleanly on SIGTERM', async () => {
    const clusterId = await newCluster();
    const loop = start(['sync', '--cluster', clusterId, '--kubectl', FAKE_KUBECTL, '--every', '1s'], server());
    await within(15_000, async () => runsIn(loop.output().stdout, /Z synced cluster /) >= 2);
    loop.child.kill('SIGTERM');
    const run = await loop.done;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(CREATED_LINE);
    expect(run.stdout).toContain('  unchanged  nodes 2, pods 4, services 1, endpointSlices 1');
    expect(run.stderr).toBe('svcpath sync: stopping (SIGTERM)\n');
  });

  it('a SIGTERM during a run lets the run finish, then stops', async () => {
    const clusterId = await newCluster();
    const argsLog = join(tmp, 'args-slow.log');
    const loop = start(['sync', '--cluster', clusterId, '--kubectl', FAKE_KUBECTL, '--every', '1h'], {
      ...server(),
      FAKE_KUBECTL_ARGS_LOG: argsLog,
      FAKE_KUBECTL_DELAY_MS: '1500',
    });
    await within(10_000, async () => existsSync(argsLog));
    loop.child.kill('SIGTERM');
    const run = await loop.done;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(CREATED_LINE);
    expect(run.stderr).toBe('svcpath sync: stopping (SIGTERM)\n');
    expect(await names(clusterId, 'pods')).toEqual(ALL_PODS);
  });

  it('logs a failed run and goes on; SIGINT stops it', async () => {
    const loop = start(['sync', '--cluster', 'c', '--kubectl', FAKE_KUBECTL, '--every', '1'], {
      ...server(),
      FAKE_KUBECTL_FAIL: 'connection refused',
    });
    await within(15_000, async () => runsIn(loop.output().stderr, /svcpath sync: run failed, next in 1s: /) >= 2);
    loop.child.kill('SIGINT');
    const run = await loop.done;
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('connection refused\n');
    expect(run.stderr).toMatch(/svcpath sync: stopping \(SIGINT\)\n$/);
  });
});

describe('svcpath sync with the real kubectl against a recorded API server', () => {
  let api: FakeApiServer;
  let kubeconfig: string;

  beforeAll(async () => {
    const kubectl = spawnSync('kubectl', ['version', '--client'], { env: { PATH: process.env.PATH ?? '', HOME: tmp } });
    if (kubectl.error)
      throw new Error(
        `these tests run the real kubectl, and there is none on PATH (.ci/run installs Debian's kubernetes-client): ${kubectl.error.message}`,
      );
    api = await startFakeApiServer();
    api.serve(fixture('cluster.json'), fixture('kube-proxy-configmap.json'));
    kubeconfig = join(tmp, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: recorded',
        'clusters:',
        '- name: recorded',
        '  cluster:',
        `    server: ${api.url}`,
        'users:',
        '- name: reader',
        '  user: {}',
        'contexts:',
        '- name: recorded',
        '  context: {cluster: recorded, user: reader}',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => api?.close());

  it('stores what the recorded kubectl stores, and the next sync deletes the pod the cluster lost', async () => {
    const viaRecording = await newCluster();
    expect((await svcpath(['sync', '--cluster', viaRecording, '--kubectl', FAKE_KUBECTL], server())).code).toBe(0);

    const clusterId = await newCluster();
    const run = await svcpath(['sync', '--cluster', clusterId, '--kubeconfig', kubeconfig], server());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(CREATED_LINE);
    expect(api.requests).toEqual(
      expect.arrayContaining([
        'GET /api/v1/nodes',
        'GET /api/v1/pods',
        'GET /api/v1/services',
        'GET /apis/discovery.k8s.io/v1/endpointslices',
        'GET /api/v1/namespaces/kube-system/configmaps/kube-proxy',
      ]),
    );
    expect(await topology(clusterId)).toEqual(await topology(viaRecording));
    expect(await get(`/v1/clusters/${clusterId}`)).toMatchObject({
      proxyMode: 'IPVS',
      clusterCidrs: ['10.244.0.0/16'],
    });

    api.serve(fixture('cluster-later.json'), fixture('kube-proxy-configmap.json'));
    const later = await svcpath(['sync', '--cluster', clusterId, '--kubeconfig', kubeconfig, '--json'], server());
    expect(later.code).toBe(0);
    expect(JSON.parse(later.stdout)).toMatchObject({ deleted: counts(0, 1, 0, 0) });
    expect(await names(clusterId, 'pods')).toEqual(LATER_PODS);
  });
});
