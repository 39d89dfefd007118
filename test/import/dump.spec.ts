import { gzipSync, type ZlibOptions } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import {
  DEFAULT_DUMP_LIMITS,
  DumpContents,
  DumpError,
  DumpErrorCode,
  DumpLimits,
  readDumpTarball,
  SKIPPED_LIST_LIMIT,
} from '../../src/modules/import/dump';
import { dir, END_OF_ARCHIVE, Entry, entryBlocks, headerBlock, tar, tgz } from '../support/tarball';

/**
 * Every gunzip stream the reader opens, with the bytes it inflated before it closed: the proof that
 * reading stopped (a refusal alone would not show that inflating went on in the background).
 */
const inflated = vi.hoisted(() => [] as { bytes: number; closed: Promise<void> }[]);
vi.mock('node:zlib', async (importOriginal) => {
  const zlib = await importOriginal<typeof import('node:zlib')>();
  const createGunzip = (options?: ZlibOptions) => {
    const gunzip = zlib.createGunzip(options);
    const seen = { bytes: 0, closed: new Promise<void>((resolve) => gunzip.once('close', () => resolve())) };
    gunzip.on('data', (chunk: Buffer) => (seen.bytes += chunk.length));
    inflated.push(seen);
    return gunzip;
  };
  return { ...zlib, createGunzip, default: { ...zlib, createGunzip } };
});

/** Bytes the last gunzip stream inflated, once it has closed. */
async function lastInflation(): Promise<number> {
  const seen = inflated[inflated.length - 1];
  await seen.closed;
  return seen.bytes;
}

// Tarballs are built here, block by block, with the tar package's Header and Pax: no disk, and
// malicious entries (`..`, absolute paths, links) are written exactly as an attacker would.

const MiB = 2 ** 20;
/** A kept file without the kind its path tells (checked on its own, below). */
const withoutKind = ({ kind: _kind, ...file }: DumpContents['files'][number]) => file;
const JSON_T = 'application/json';
const YAML_T = 'application/yaml';

/** A gzip member whose deflate data is invalid: reading an archive to its end fails on it. */
const CORRUPT_MEMBER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03, 0xff, 0xff, 0xff, 0xff]);

// Small realistic documents, as kubectl / sonobuoy / troubleshoot write them.
const list = (kind: string, items: unknown[]): string =>
  JSON.stringify({ apiVersion: 'v1', kind, metadata: { resourceVersion: '4711' }, items }, null, 2);
const node = (name: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: {
    addresses: [
      { type: 'InternalIP', address: ip },
      { type: 'Hostname', address: name },
    ],
  },
});
const pod = (ns: string, name: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels: { app: name.split('-')[0] } },
  spec: { nodeName: 'worker-1', containers: [{ name: 'c', ports: [{ containerPort: 8080 }] }] },
  status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
});
const service = (ns: string, name: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { type: 'ClusterIP', clusterIP: ip, selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
});
const slice = (ns: string, name: string) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  addressType: 'IPv4',
  metadata: { name: `${name}-abcde`, namespace: ns, labels: { 'kubernetes.io/service-name': name } },
  endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true } }],
  ports: [{ port: 8080 }],
});
const kubeProxyConfigMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'kube-proxy', namespace: 'kube-system' },
  data: {
    'config.conf': 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\n',
  },
};
const event = (ns: string) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web.17a', namespace: ns },
  reason: 'Pulled',
});

const NODES = list('NodeList', [node('worker-1', '10.0.0.11'), node('worker-2', '10.0.0.12')]);
const SYSTEM_PODS = list('PodList', [pod('kube-system', 'kube-proxy-7x2lq', '10.0.0.11')]);
const SYSTEM_SERVICES = list('ServiceList', [service('kube-system', 'kube-dns', '10.96.0.10')]);
const SHOP_PODS = list('PodList', [pod('shop', 'web-5d8f', '10.244.1.5')]);
const SHOP_SERVICES = list('ServiceList', [service('shop', 'web', '10.96.0.20')]);
const SHOP_EVENTS = list('EventList', [event('shop')]);
const EMPTY = (kind: string): string => list(kind, []);
const LOG = '==== START logs for container c of pod shop/web-5d8f ====\nlistening on :8080\n';

async function refusal(promise: Promise<unknown>): Promise<DumpError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DumpError);
    return error as DumpError;
  }
  throw new Error('expected a DumpError');
}

const shape = (error: DumpError) => ({ code: error.code, field: error.field, message: error.message });

interface LayoutCase {
  name: string;
  archive: Buffer;
  layout: DumpContents['layout'];
  files: [path: string, format: string, text: string][];
  skipped: [path: string, reason: string][];
}

const KIND = 'not a kind the import reads';
const NOT_LIST = 'not a resource list the import reads';
const NOT_JSON = 'not JSON or YAML';
const CONFIGMAP = 'only kube-system ConfigMaps are read (they may hold kube-proxy)';
const ERRORS = 'collector errors are not read';

const clusterInfoDump: LayoutCase = {
  name: 'kubectl cluster-info dump --output-directory=cluster-state -A, as tar czf of its folder',
  archive: tgz([
    dir('cluster-state/'),
    { path: 'cluster-state/nodes.json', body: NODES },
    dir('cluster-state/kube-system/'),
    { path: 'cluster-state/kube-system/events.json', body: EMPTY('EventList') },
    { path: 'cluster-state/kube-system/replication-controllers.json', body: EMPTY('ReplicationControllerList') },
    { path: 'cluster-state/kube-system/services.json', body: SYSTEM_SERVICES },
    { path: 'cluster-state/kube-system/daemonsets.json', body: EMPTY('DaemonSetList') },
    { path: 'cluster-state/kube-system/deployments.json', body: EMPTY('DeploymentList') },
    { path: 'cluster-state/kube-system/replicasets.json', body: EMPTY('ReplicaSetList') },
    { path: 'cluster-state/kube-system/pods.json', body: SYSTEM_PODS },
    dir('cluster-state/kube-system/kube-proxy-7x2lq/'),
    { path: 'cluster-state/kube-system/kube-proxy-7x2lq/logs.txt', body: LOG },
    dir('cluster-state/shop/'),
    { path: 'cluster-state/shop/events.json', body: SHOP_EVENTS },
    { path: 'cluster-state/shop/services.json', body: SHOP_SERVICES },
    { path: 'cluster-state/shop/pods.json', body: SHOP_PODS },
    dir('cluster-state/shop/web-5d8f/'),
    { path: 'cluster-state/shop/web-5d8f/logs.txt', body: LOG },
  ]),
  layout: 'cluster-info-dump',
  files: [
    ['cluster-state/nodes.json', JSON_T, NODES],
    ['cluster-state/kube-system/services.json', JSON_T, SYSTEM_SERVICES],
    ['cluster-state/kube-system/pods.json', JSON_T, SYSTEM_PODS],
    ['cluster-state/shop/services.json', JSON_T, SHOP_SERVICES],
    ['cluster-state/shop/pods.json', JSON_T, SHOP_PODS],
  ],
  skipped: [
    ['cluster-state/kube-system/events.json', KIND],
    ['cluster-state/kube-system/replication-controllers.json', KIND],
    ['cluster-state/kube-system/daemonsets.json', KIND],
    ['cluster-state/kube-system/deployments.json', KIND],
    ['cluster-state/kube-system/replicasets.json', KIND],
    ['cluster-state/kube-system/kube-proxy-7x2lq/logs.txt', NOT_JSON],
    ['cluster-state/shop/events.json', KIND],
    ['cluster-state/shop/web-5d8f/logs.txt', NOT_JSON],
  ],
};

const yamlNodes = stringify(JSON.parse(NODES));
const yamlPods = stringify(JSON.parse(SHOP_PODS));
const yamlServices = stringify(JSON.parse(SHOP_SERVICES));
const clusterInfoDumpYaml: LayoutCase = {
  name: 'kubectl cluster-info dump -o yaml, as an uncompressed tar of `.`',
  archive: tar([
    dir('./'),
    { path: './nodes.yaml', body: yamlNodes },
    dir('./shop/'),
    { path: './shop/events.yaml', body: stringify(JSON.parse(SHOP_EVENTS)) },
    { path: './shop/pods.yaml', body: yamlPods },
    { path: './shop/services.yaml', body: yamlServices },
    { path: './shop/web-5d8f/logs.txt', body: LOG },
    { path: './notes.json', body: '{"by": "someone"}' },
  ]),
  layout: 'cluster-info-dump',
  files: [
    ['./nodes.yaml', YAML_T, yamlNodes],
    ['./shop/pods.yaml', YAML_T, yamlPods],
    ['./shop/services.yaml', YAML_T, yamlServices],
  ],
  skipped: [
    ['./shop/events.yaml', KIND],
    ['./shop/web-5d8f/logs.txt', NOT_JSON],
    ['./notes.json', NOT_LIST],
  ],
};

const SYSTEM_CONFIGMAPS = list('ConfigMapList', [kubeProxyConfigMap]);
const SHOP_SLICES = list('EndpointSliceList', [slice('shop', 'web')]);
const SHOP_ENDPOINTS = list('EndpointsList', []);
const sonobuoy: LayoutCase = {
  name: 'sonobuoy results tarball (query.go names: <group>_<version>_<resource>.json)',
  archive: tgz([
    { path: 'meta/config.json', body: '{"UUID": "5c7d"}' },
    { path: 'meta/query-time.json', body: '{"queryobj": "pods"}' },
    { path: 'meta/run.log', body: 'time="2024-01-01T00:00:00Z" level=info\n' },
    { path: 'plugins/e2e/results/global/junit_01.xml', body: '<testsuites/>' },
    { path: 'plugins/e2e/sonobuoy_results.yaml', body: 'name: e2e\nstatus: passed\n' },
    { path: 'podlogs/kube-system/kube-proxy-7x2lq/logs/kube-proxy.txt', body: LOG },
    { path: 'hosts/worker-1/configz.json', body: '{"kubeletconfig": {}}' },
    { path: 'resources/cluster/core_v1_nodes.json', body: NODES },
    { path: 'resources/cluster/rbac.authorization.k8s.io_v1_clusterroles.json', body: EMPTY('ClusterRoleList') },
    { path: 'resources/ns/kube-system/core_v1_configmaps.json', body: SYSTEM_CONFIGMAPS },
    { path: 'resources/ns/kube-system/core_v1_pods.json', body: SYSTEM_PODS },
    { path: 'resources/ns/shop/core_v1_configmaps.json', body: EMPTY('ConfigMapList') },
    { path: 'resources/ns/shop/core_v1_endpoints.json', body: SHOP_ENDPOINTS },
    { path: 'resources/ns/shop/core_v1_events.json', body: SHOP_EVENTS },
    { path: 'resources/ns/shop/core_v1_pods.json', body: SHOP_PODS },
    { path: 'resources/ns/shop/core_v1_services.json', body: SHOP_SERVICES },
    { path: 'resources/ns/shop/discovery.k8s.io_v1_endpointslices.json', body: SHOP_SLICES },
    { path: 'resources/ns/shop/apps_v1_deployments.json', body: EMPTY('DeploymentList') },
    { path: 'serverversion.json', body: '{"gitVersion": "v1.29.0"}' },
  ]),
  layout: 'sonobuoy',
  files: [
    ['resources/cluster/core_v1_nodes.json', JSON_T, NODES],
    ['resources/ns/kube-system/core_v1_configmaps.json', JSON_T, SYSTEM_CONFIGMAPS],
    ['resources/ns/kube-system/core_v1_pods.json', JSON_T, SYSTEM_PODS],
    ['resources/ns/shop/core_v1_endpoints.json', JSON_T, SHOP_ENDPOINTS],
    ['resources/ns/shop/core_v1_pods.json', JSON_T, SHOP_PODS],
    ['resources/ns/shop/core_v1_services.json', JSON_T, SHOP_SERVICES],
    ['resources/ns/shop/discovery.k8s.io_v1_endpointslices.json', JSON_T, SHOP_SLICES],
  ],
  skipped: [
    ['meta/config.json', 'sonobuoy meta/ is not read'],
    ['meta/query-time.json', 'sonobuoy meta/ is not read'],
    ['meta/run.log', NOT_JSON],
    ['plugins/e2e/results/global/junit_01.xml', NOT_JSON],
    ['plugins/e2e/sonobuoy_results.yaml', 'sonobuoy plugins/ is not read'],
    ['podlogs/kube-system/kube-proxy-7x2lq/logs/kube-proxy.txt', NOT_JSON],
    ['hosts/worker-1/configz.json', 'sonobuoy hosts/ is not read'],
    ['resources/cluster/rbac.authorization.k8s.io_v1_clusterroles.json', KIND],
    ['resources/ns/shop/core_v1_configmaps.json', CONFIGMAP],
    ['resources/ns/shop/core_v1_events.json', KIND],
    ['resources/ns/shop/apps_v1_deployments.json', KIND],
    ['serverversion.json', NOT_LIST],
  ],
};

// Sonobuoy before 0.50 (queries.go) wrote `<Kind>.json` holding a bare array of items. Every path
// here starts with `resources/`: that shared folder must not be stripped as if it were a top folder.
const bareNodes = JSON.stringify([node('worker-1', '10.0.0.11')]);
const barePods = JSON.stringify([pod('shop', 'web-5d8f', '10.244.1.5')]);
const bareConfigMaps = JSON.stringify([kubeProxyConfigMap]);
const sonobuoyLegacy: LayoutCase = {
  name: 'sonobuoy before 0.50 (<Kind>.json), only resources/ in the archive',
  archive: tgz([
    dir('resources/'),
    dir('resources/cluster/'),
    { path: 'resources/cluster/Nodes.json', body: bareNodes },
    { path: 'resources/cluster/StorageClasses.json', body: '[]' },
    dir('resources/ns/'),
    dir('resources/ns/kube-system/'),
    { path: 'resources/ns/kube-system/ConfigMaps.json', body: bareConfigMaps },
    dir('resources/ns/shop/'),
    { path: 'resources/ns/shop/ConfigMaps.json', body: '[]' },
    { path: 'resources/ns/shop/Events.json', body: '[]' },
    { path: 'resources/ns/shop/Pods.json', body: barePods },
  ]),
  layout: 'sonobuoy',
  files: [
    ['resources/cluster/Nodes.json', JSON_T, bareNodes],
    ['resources/ns/kube-system/ConfigMaps.json', JSON_T, bareConfigMaps],
    ['resources/ns/shop/Pods.json', JSON_T, barePods],
  ],
  skipped: [
    ['resources/cluster/StorageClasses.json', KIND],
    ['resources/ns/shop/ConfigMaps.json', CONFIGMAP],
    ['resources/ns/shop/Events.json', KIND],
  ],
};

const SB = 'support-bundle-2024-01-01T00_00_00';
const sbNodes = JSON.stringify([node('worker-1', '10.0.0.11')], null, 2); // a bare array, as older troubleshoot wrote
const supportBundle: LayoutCase = {
  name: 'troubleshoot support bundle with its top folder',
  archive: tgz([
    dir(`${SB}/`),
    { path: `${SB}/version.yaml`, body: 'apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\n' },
    { path: `${SB}/analysis.json`, body: '[]' },
    { path: `${SB}/cluster-info/cluster_version.json`, body: '{"info": {}}' },
    { path: `${SB}/cluster-resources/namespaces.json`, body: EMPTY('NamespaceList') },
    { path: `${SB}/cluster-resources/nodes.json`, body: sbNodes },
    { path: `${SB}/cluster-resources/nodes-errors.json`, body: '[]' },
    { path: `${SB}/cluster-resources/pods/kube-system.json`, body: SYSTEM_PODS },
    { path: `${SB}/cluster-resources/pods/shop.json`, body: SHOP_PODS },
    { path: `${SB}/cluster-resources/pods/logs/kube-system/kube-proxy-7x2lq/kube-proxy.log`, body: LOG },
    { path: `${SB}/cluster-resources/pods-errors.json`, body: '[]' },
    { path: `${SB}/cluster-resources/services/shop.json`, body: SHOP_SERVICES },
    { path: `${SB}/cluster-resources/endpoints/shop.json`, body: SHOP_ENDPOINTS },
    { path: `${SB}/cluster-resources/endpointslices/shop.json`, body: SHOP_SLICES },
    { path: `${SB}/cluster-resources/configmaps/kube-system.json`, body: SYSTEM_CONFIGMAPS },
    { path: `${SB}/cluster-resources/configmaps/shop.json`, body: EMPTY('ConfigMapList') },
    { path: `${SB}/cluster-resources/deployments/shop.json`, body: EMPTY('DeploymentList') },
    { path: `${SB}/cluster-resources/events/shop.json`, body: SHOP_EVENTS },
    { path: `${SB}/cluster-resources/custom-resources/certificates.cert-manager.io/shop.yaml`, body: '[]\n' },
    { path: `${SB}/host-collectors/run-host/uname.txt`, body: 'Linux\n' },
  ]),
  layout: 'support-bundle',
  files: [
    [`${SB}/cluster-resources/nodes.json`, JSON_T, sbNodes],
    [`${SB}/cluster-resources/pods/kube-system.json`, JSON_T, SYSTEM_PODS],
    [`${SB}/cluster-resources/pods/shop.json`, JSON_T, SHOP_PODS],
    [`${SB}/cluster-resources/services/shop.json`, JSON_T, SHOP_SERVICES],
    [`${SB}/cluster-resources/endpoints/shop.json`, JSON_T, SHOP_ENDPOINTS],
    [`${SB}/cluster-resources/endpointslices/shop.json`, JSON_T, SHOP_SLICES],
    [`${SB}/cluster-resources/configmaps/kube-system.json`, JSON_T, SYSTEM_CONFIGMAPS],
  ],
  skipped: [
    [`${SB}/version.yaml`, NOT_LIST],
    [`${SB}/analysis.json`, NOT_LIST],
    [`${SB}/cluster-info/cluster_version.json`, NOT_LIST],
    [`${SB}/cluster-resources/namespaces.json`, KIND],
    [`${SB}/cluster-resources/nodes-errors.json`, ERRORS],
    [`${SB}/cluster-resources/pods/logs/kube-system/kube-proxy-7x2lq/kube-proxy.log`, NOT_JSON],
    [`${SB}/cluster-resources/pods-errors.json`, ERRORS],
    [`${SB}/cluster-resources/configmaps/shop.json`, CONFIGMAP],
    [`${SB}/cluster-resources/deployments/shop.json`, KIND],
    [`${SB}/cluster-resources/events/shop.json`, KIND],
    [`${SB}/cluster-resources/custom-resources/certificates.cert-manager.io/shop.yaml`, KIND],
    [`${SB}/host-collectors/run-host/uname.txt`, NOT_JSON],
  ],
};

const appYaml =
  'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}\n';
const unknown: LayoutCase = {
  name: 'a folder of manifests (unknown layout: every JSON/YAML file)',
  archive: tgz([
    dir('manifests/'),
    { path: 'manifests/nodes.json', body: NODES },
    { path: 'manifests/README.md', body: '# manifests\n' },
    { path: 'manifests/app.yml', body: appYaml },
    { path: 'manifests/sparse.json', type: 'SparseFile' },
    dir('manifests/more/'),
    { path: 'manifests/more/events.YAML', body: stringify(JSON.parse(SHOP_EVENTS)) },
  ]),
  layout: 'unknown',
  files: [
    ['manifests/nodes.json', JSON_T, NODES],
    ['manifests/app.yml', YAML_T, appYaml],
    ['manifests/more/events.YAML', YAML_T, stringify(JSON.parse(SHOP_EVENTS))],
  ],
  skipped: [
    ['manifests/README.md', NOT_JSON],
    ['manifests/sparse.json', 'not a regular file (SparseFile)'],
  ],
};

describe('readDumpTarball: layouts', () => {
  it.each([clusterInfoDump, clusterInfoDumpYaml, sonobuoy, sonobuoyLegacy, supportBundle, unknown])(
    '$name',
    async (c) => {
      const result = await readDumpTarball(c.archive);
      expect(result.layout).toBe(c.layout);
      expect(result.files.map(withoutKind)).toEqual(c.files.map(([path, format, text]) => ({ path, format, text })));
      expect(result.skipped).toEqual(c.skipped.map(([path, reason]) => ({ path, reason })));
    },
  );

  it('returns no files, not an error, when every JSON/YAML file is skipped', async () => {
    const archive = tgz([
      { path: `${SB}/cluster-resources/events/shop.json`, body: SHOP_EVENTS },
      { path: `${SB}/cluster-resources/pods/logs/shop/web-5d8f/c.log`, body: LOG },
    ]);
    expect(await readDumpTarball(archive)).toEqual({
      layout: 'support-bundle',
      files: [],
      skipped: [
        { path: `${SB}/cluster-resources/events/shop.json`, reason: KIND },
        { path: `${SB}/cluster-resources/pods/logs/shop/web-5d8f/c.log`, reason: NOT_JSON },
      ],
    });
  });

  it('skips a kept file that is not valid UTF-8, or empty, and keeps the rest', async () => {
    const latin1 = Buffer.from('{"kind": "PodList", "items": [], "note": "caf\xe9"}', 'latin1');
    const result = await readDumpTarball(
      tgz([
        { path: 'dump/nodes.json', body: NODES },
        { path: 'dump/shop/pods.json', body: latin1 },
        { path: 'dump/shop/services.json', body: '\n' },
        {
          path: 'dump/kube-system/pods.json',
          body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SYSTEM_PODS)]),
        },
      ]),
    );
    expect(result.layout).toBe('cluster-info-dump');
    expect(result.files.map(withoutKind)).toEqual([
      { path: 'dump/nodes.json', format: JSON_T, text: NODES },
      { path: 'dump/kube-system/pods.json', format: JSON_T, text: SYSTEM_PODS }, // the BOM is dropped
    ]);
    expect(result.skipped).toEqual([
      { path: 'dump/shop/pods.json', reason: 'not valid UTF-8' },
      { path: 'dump/shop/services.json', reason: 'empty file' },
    ]);
  });

  it(`lists at most ${SKIPPED_LIST_LIMIT} skipped files, then one row counting the rest`, async () => {
    const logs = Array.from({ length: SKIPPED_LIST_LIMIT + 5 }, (_, i) => ({
      path: `logs/${String(i).padStart(4, '0')}.log`,
      body: 'x\n',
    }));
    const result = await readDumpTarball(tgz([{ path: 'nodes.json', body: NODES }, ...logs]));
    expect(result.files.map((f) => f.path)).toEqual(['nodes.json']);
    expect(result.skipped).toHaveLength(SKIPPED_LIST_LIMIT + 1);
    expect(result.skipped[SKIPPED_LIST_LIMIT - 1]).toEqual({
      path: `logs/${String(SKIPPED_LIST_LIMIT - 1).padStart(4, '0')}.log`,
      reason: NOT_JSON,
    });
    expect(result.skipped[SKIPPED_LIST_LIMIT]).toEqual({ path: '...', reason: '5 more skipped files are not listed' });
  });

  it('reads a long path from its pax header', async () => {
    const deep = `dump/${'very-long-namespace-name-'.repeat(8)}x/pods.json`;
    const result = await readDumpTarball(
      tgz([
        { path: 'dump/nodes.json', body: NODES },
        { path: 'dump/PaxHeader', paxPath: deep, body: SHOP_PODS },
      ]),
    );
    expect(result.files.map(withoutKind)).toEqual([
      { path: 'dump/nodes.json', format: JSON_T, text: NODES },
      { path: deep, format: JSON_T, text: SHOP_PODS },
    ]);
  });
});

interface RefusalCase {
  name: string;
  archive: Buffer;
  limits?: Partial<DumpLimits>;
  code: DumpErrorCode;
  field: string;
  message: string | RegExp;
}

const nodesFile: Entry = { path: 'dump/nodes.json', body: NODES };
const validTgz = tgz([dir('dump/'), nodesFile, { path: 'dump/shop/pods.json', body: SHOP_PODS }]);
const corrupted = Buffer.from(validTgz);
corrupted.fill(0xa5, 20, corrupted.length - 8);
const uncompressed = tar([nodesFile, { path: 'dump/shop/pods.json', body: SHOP_PODS }]);

const refusals: RefusalCase[] = [
  {
    name: 'a ../ entry',
    archive: tgz([nodesFile, { path: '../evil.json', body: '{}' }]),
    code: 'UNPROCESSABLE',
    field: 'path',
    message: 'entry ../evil.json escapes the dump directory',
  },
  {
    name: 'a .. segment inside the path',
    archive: tgz([{ path: 'dump/../../etc/cron.d/x.yaml', body: 'a: 1\n' }]),
    code: 'UNPROCESSABLE',
    field: 'path',
    message: 'entry dump/../../etc/cron.d/x.yaml escapes the dump directory',
  },
  {
    name: 'a ../ path given by a pax header',
    archive: tgz([{ path: 'evil.json', paxPath: '../evil.json', body: '{}' }]),
    code: 'UNPROCESSABLE',
    field: 'path',
    message: 'entry ../evil.json escapes the dump directory',
  },
  {
    name: 'an absolute path',
    archive: tgz([{ path: '/etc/kubernetes/admin.yaml', body: 'a: 1\n' }]),
    code: 'UNPROCESSABLE',
    field: 'path',
    message: 'entry /etc/kubernetes/admin.yaml escapes the dump directory (absolute paths are not accepted)',
  },
  {
    name: 'a symbolic link',
    archive: tgz([{ path: 'dump/nodes.json', type: 'SymbolicLink', linkpath: '/etc/passwd' }]),
    code: 'UNPROCESSABLE',
    field: 'type',
    message: 'entry dump/nodes.json is a symbolic link (to /etc/passwd): links are not accepted',
  },
  {
    name: 'a hard link',
    archive: tgz([nodesFile, { path: 'dump/pods.json', type: 'Link', linkpath: 'dump/nodes.json' }]),
    code: 'UNPROCESSABLE',
    field: 'type',
    message: 'entry dump/pods.json is a hard link (to dump/nodes.json): links are not accepted',
  },
  {
    name: 'a character device',
    archive: tgz([{ path: 'dump/null', type: 'CharacterDevice' }]),
    code: 'UNPROCESSABLE',
    field: 'type',
    message: 'entry dump/null is a CharacterDevice: devices and FIFOs are not accepted',
  },
  {
    name: 'a FIFO',
    archive: tgz([nodesFile, { path: 'dump/pipe', type: 'FIFO' }]),
    code: 'UNPROCESSABLE',
    field: 'type',
    message: 'entry dump/pipe is a FIFO: devices and FIFOs are not accepted',
  },
  {
    name: 'more entries than maxEntries (directories count)',
    limits: { maxEntries: 10 },
    archive: tgz([
      dir('dump/'),
      dir('dump/a/'),
      dir('dump/b/'),
      dir('dump/c/'),
      ...['1', '2', '3', '4', '5', '6', '7'].map((n) => ({ path: `dump/a/${n}.json`, body: '{}' })),
    ]),
    code: 'PAYLOAD_TOO_LARGE',
    field: 'entries',
    message: 'the archive has more than 10 entries (entry dump/a/7.json is one too many)',
  },
  {
    name: 'a JSON file over maxFileBytes',
    limits: { maxFileBytes: 1024 },
    archive: tgz([{ path: 'dump/nodes.json', body: Buffer.alloc(2048, 0x20) }]),
    code: 'PAYLOAD_TOO_LARGE',
    field: 'size',
    message: 'entry dump/nodes.json is 2 KiB; one file may be at most 1 KiB',
  },
  {
    name: 'a plain text body',
    archive: Buffer.from('hello, this is not an archive\n'),
    code: 'UNPROCESSABLE',
    field: 'archive',
    message: /^not a tar\.gz archive: the body is neither gzip nor tar \(/,
  },
  {
    name: 'a JSON body sent to the tarball route',
    archive: Buffer.from(NODES),
    code: 'UNPROCESSABLE',
    field: 'archive',
    message: /^not a tar\.gz archive: the body is neither gzip nor tar \(/,
  },
  {
    name: 'an empty body',
    archive: Buffer.alloc(0),
    code: 'UNPROCESSABLE',
    field: 'archive',
    message: 'not a tar.gz archive: the body is empty',
  },
  {
    name: 'a corrupt gzip stream',
    archive: corrupted,
    code: 'UNPROCESSABLE',
    field: 'archive',
    message: /^not a tar\.gz archive: the gzip stream is corrupt \(.+\)$/,
  },
  {
    name: 'a truncated gzip stream',
    archive: validTgz.subarray(0, Math.floor(validTgz.length / 2)),
    code: 'UNPROCESSABLE',
    field: 'archive',
    message: 'not a tar.gz archive: the gzip stream is truncated (unexpected end of file)',
  },
  {
    name: 'a truncated tar',
    archive: uncompressed.subarray(0, 512 + 100),
    code: 'UNPROCESSABLE',
    field: 'archive',
    message: /^not a tar\.gz archive: the archive is truncated in entry dump\/nodes\.json \(Truncated input/,
  },
  {
    name: 'gzip around something that is not tar',
    archive: gzipSync(Buffer.from(`${NODES}\n`.repeat(20))),
    code: 'UNPROCESSABLE',
    field: 'archive',
    message: /^not a tar\.gz archive: the gzip stream does not hold a tar archive \(/,
  },
  {
    name: 'a tar.gz gzipped again',
    archive: gzipSync(validTgz),
    code: 'UNPROCESSABLE',
    field: 'archive',
    message: 'not a tar.gz archive: it is compressed twice (the gzip stream holds another gzip stream)',
  },
  {
    name: 'no JSON or YAML file at all',
    archive: tgz([
      dir('dump/'),
      dir('dump/web/'),
      { path: 'dump/web/logs.txt', body: LOG },
      { path: 'dump/db/logs.txt', body: LOG },
      { path: 'dump/x.log', body: LOG },
      { path: 'dump/README', body: 'hi' },
    ]),
    code: 'UNPROCESSABLE',
    field: 'files',
    message:
      'the archive holds no JSON or YAML file (it holds 2 .txt files, 2 directories, 1 .log file and 1 file without an extension)',
  },
  {
    name: 'an empty archive',
    archive: gzipSync(END_OF_ARCHIVE),
    code: 'UNPROCESSABLE',
    field: 'files',
    message: 'the archive holds no JSON or YAML file (it holds no entries at all)',
  },
];

describe('readDumpTarball: refusals', () => {
  it.each(refusals)('refuses $name', async (c) => {
    const error = await refusal(readDumpTarball(c.archive, c.limits));
    expect(shape(error)).toEqual({
      code: c.code,
      field: c.field,
      message: expect.stringMatching(c.message instanceof RegExp ? c.message : `^${escape(c.message)}$`),
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `count` empty files (512 bytes of header each) named dump/00000.txt…, as header blocks. */
function emptyFiles(count: number): Buffer {
  return Buffer.concat(
    Array.from({ length: count }, (_, i) =>
      headerBlock({ path: `dump/${String(i).padStart(6, '0')}.txt`, type: 'File', size: 0 }),
    ),
  );
}

/** `mib` MiB of zeros as gzip members (a gzip stream may hold many): ~1 KiB each, built at once. */
function zeroMembers(mib: number): Buffer[] {
  const member = gzipSync(Buffer.alloc(MiB), { level: 9 });
  return Array.from({ length: mib }, () => member);
}

describe('readDumpTarball: limits', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_DUMP_LIMITS).toEqual({ maxEntries: 100_000, maxUnpackedBytes: 512 * MiB, maxFileBytes: 512 * MiB });
  });

  it('accepts exactly maxEntries entries', async () => {
    const entries: Entry[] = [
      dir('dump/'),
      ...Array.from({ length: 9 }, (_, i) => ({ path: `dump/${i}.json`, body: '{}' })),
    ];
    const result = await readDumpTarball(tgz(entries), { maxEntries: 10 });
    expect(result.files).toHaveLength(9);
  });

  it('refuses entry 100,001 with the default limits, and accepts 100,000', async () => {
    const json = entryBlocks({ path: 'dump/nodes.json', body: NODES });
    const empties = emptyFiles(100_000);
    const tooMany = gzipSync(Buffer.concat([json, empties, END_OF_ARCHIVE]));
    expect(shape(await refusal(readDumpTarball(tooMany)))).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      field: 'entries',
      message: 'the archive has more than 100000 entries (entry dump/099999.txt is one too many)',
    });
    const enough = gzipSync(Buffer.concat([json, empties.subarray(0, 99_999 * 512), END_OF_ARCHIVE]));
    const result = await readDumpTarball(enough);
    expect(result.files.map((f) => f.path)).toEqual(['dump/nodes.json']);
    expect(result.skipped).toHaveLength(SKIPPED_LIST_LIMIT + 1);
    expect(result.skipped[SKIPPED_LIST_LIMIT].reason).toBe(
      `${99_999 - SKIPPED_LIST_LIMIT} more skipped files are not listed`,
    );
  });

  it('refuses a 600 MiB bomb with the default limits without inflating it', async () => {
    // 600 MiB of zeros in ~600 KiB; it ends in a corrupt gzip member, so an archive read to its end
    // would fail as UNPROCESSABLE: PAYLOAD_TOO_LARGE proves that reading stopped early.
    const bomb = Buffer.concat([
      gzipSync(headerBlock({ path: 'dump/nodes.json', type: 'File', size: 600 * MiB })),
      ...zeroMembers(600),
      gzipSync(END_OF_ARCHIVE),
      CORRUPT_MEMBER,
    ]);
    expect(bomb.length).toBeLessThan(2 * MiB);
    const started = performance.now();
    const error = await refusal(readDumpTarball(bomb));
    expect(shape(error)).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      field: 'size',
      message: 'entry dump/nodes.json (600 MiB) takes the archive past 512 MiB unpacked',
    });
    expect(await lastInflation()).toBeLessThan(MiB);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('counts unpacked bytes as they stream and stops at the limit', async () => {
    // 8,000 empty files declare 0 bytes, but their headers unpack to 4 MiB: only the running count
    // can see that. Then 64 MiB of zeros and a corrupt tail, which reading on would reach.
    const headers = gzipSync(Buffer.concat([entryBlocks(nodesFile), emptyFiles(8_000)]));
    const archive = Buffer.concat([headers, ...zeroMembers(64), CORRUPT_MEMBER]);
    const error = await refusal(readDumpTarball(archive, { maxUnpackedBytes: 256 * 1024 }));
    expect(shape(error)).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      field: 'size',
      message: expect.stringMatching(
        /^the archive unpacks to more than 256 KiB \(reading stopped in entry dump\/\d{6}\.txt\)$/,
      ),
    });
    expect(await lastInflation()).toBeLessThan(MiB);
  });

  it('refuses an uncompressed tar larger than maxUnpackedBytes', async () => {
    const error = await refusal(
      readDumpTarball(tar([nodesFile, { path: 'dump/big.log', body: Buffer.alloc(300 * 1024) }]), {
        maxUnpackedBytes: 256 * 1024,
      }),
    );
    expect(shape(error)).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      field: 'size',
      message: 'entry dump/big.log (300 KiB) takes the archive past 256 KiB unpacked',
    });
  });

  it('stops reading at the end-of-archive blocks: 600 MiB of trailing zeros are not inflated', async () => {
    const archive = Buffer.concat([gzipSync(tar([nodesFile])), ...zeroMembers(600), CORRUPT_MEMBER]);
    const result = await readDumpTarball(archive);
    expect(result).toEqual({
      layout: 'unknown',
      files: [{ path: 'dump/nodes.json', format: JSON_T, text: NODES }],
      skipped: [],
    });
    expect(await lastInflation()).toBeLessThan(MiB);
  });
});
