import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { itemField } from '../../src/modules/import/import-errors';
import { KubectlSource, parseKubectl, parseKubectlSources, ParsedImport } from '../../src/modules/import/parse';
import { importError } from '../support/import-error';

/** Many files, one import: a support bundle's cluster-resources/ read as one document. */

type Obj = { kind: string; metadata: { name: string; namespace?: string } };
const realistic = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'realistic-list.json'), 'utf8')) as {
  items: Obj[];
};
const single = parseKubectl(JSON.stringify(realistic), 'application/json');

const json = (name: string, value: unknown): KubectlSource => ({
  name,
  text: JSON.stringify(value),
  format: 'application/json',
});
const listOf = (items: unknown[]) => ({ apiVersion: 'v1', kind: 'List', items });

/** The realistic List cut as troubleshoot cuts a cluster: nodes.json, then one file per kind and namespace, in three shapes. */
function bundle(): KubectlSource[] {
  const files = new Map<string, Obj[]>();
  for (const item of realistic.items) {
    const dir = `cluster-resources/${item.kind.toLowerCase()}s`;
    const name = item.kind === 'Node' ? 'cluster-resources/nodes.json' : `${dir}/${item.metadata.namespace}.json`;
    files.set(name, [...(files.get(name) ?? []), item]);
  }
  return [...files].map(([name, items], i) => {
    if (i % 3 === 0) return json(name, items); // a bare array, as troubleshoot writes json.Marshal(list.Items)
    if (i % 3 === 1) return json(name, listOf(items));
    return {
      name: name.replace(/\.json$/, '.yaml'),
      text: items.map((o) => stringify(o)).join('---\n'),
      format: 'application/yaml',
    };
  });
}

/** A deterministic shuffle (mulberry32), so a failing order can be replayed. */
function shuffled<T>(list: T[], seed: number): T[] {
  let a = seed;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const byKey = <T extends { name: string; namespace?: string }>(records: T[]) =>
  [...records].sort((x, y) => `${x.namespace ?? ''}/${x.name}`.localeCompare(`${y.namespace ?? ''}/${y.name}`));

describe('a realistic dump cut into files gives the records of the single document', () => {
  const files = bundle();
  const merged = parseKubectlSources(files);

  it('the same records, nothing skipped; the only warnings say which files were bare arrays', () => {
    expect(byKey(merged.nodes)).toEqual(byKey(single.nodes));
    expect(byKey(merged.pods)).toEqual(byKey(single.pods));
    expect(byKey(merged.services)).toEqual(byKey(single.services));
    expect(byKey(merged.endpointSlices)).toEqual(byKey(single.endpointSlices));
    expect(merged.skipped).toEqual([]);
    expect(merged.warnings).toEqual(
      files
        .filter((f) => f.text.startsWith('['))
        .map((f) => f.name)
        .sort()
        .map((source) => ({
          source,
          index: -1,
          kind: 'List',
          name: null,
          message: 'the document is a bare JSON array: read as a v1 List',
        })),
    );
  });

  it('the order of the files never matters: 25 shuffles and the reverse give the same result, byte for byte', () => {
    const expected = JSON.stringify(merged);
    const orders = [[...files].reverse(), ...Array.from({ length: 25 }, (_, seed) => shuffled(files, seed + 1))];
    for (const order of orders) expect(JSON.stringify(parseKubectlSources(order))).toBe(expected);
  });

  it('reads the files in the order of their names, each in document order', () => {
    expect(merged.pods.map((p) => p.namespace)).toEqual([...single.pods.map((p) => p.namespace)].sort());
  });
});

describe('references are resolved after every file is read', () => {
  const node = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: { addresses: [{ type: 'InternalIP', address: '10.0.0.11' }] },
  });
  const pod = (name: string, nodeName: string, podIP = '10.244.1.5') => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels: { app: 'web' } },
    spec: { nodeName },
    status: { phase: 'Running', podIP },
  });
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { clusterIP: '10.96.0.20', selector: { app: 'x' }, ports: [{ port: 80 }] },
  };

  it('a pod keeps its node when the node comes in a later file', () => {
    const r = parseKubectlSources([
      json('a/pods.json', [pod('p', 'worker-1')]),
      json('b/nodes.json', [node('worker-1')]),
      json('c/other-nodes.json', [node('worker-2')]),
    ]);
    expect(r.warnings.filter((w) => w.index >= 0)).toEqual([]);
    const missing = parseKubectlSources([
      json('a/pods.json', [pod('p', 'gone')]),
      json('b/nodes.json', [node('worker-1')]),
    ]);
    expect(missing.warnings.filter((w) => w.index >= 0)).toEqual([
      {
        source: 'a/pods.json',
        index: 0,
        kind: 'Pod',
        name: 'shop/p',
        message: 'spec.nodeName gone is not a Node of this document',
      },
    ]);
  });

  it('legacy Endpoints in one file become slices for the Service in another', () => {
    const r = parseKubectlSources([
      json(
        'endpoints.json',
        listOf([
          {
            apiVersion: 'v1',
            kind: 'Endpoints',
            metadata: { name: 'web', namespace: 'shop' },
            subsets: [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ port: 8080 }] }],
          },
        ]),
      ),
      json('services.json', listOf([service])),
    ]);
    expect(r.endpointSlices.map((s) => [s.name, s.serviceName])).toEqual([['web-legacy-0', 'web']]);
    expect(r.warnings).toEqual([
      {
        source: 'endpoints.json',
        index: 0,
        kind: 'Endpoints',
        name: 'shop/web',
        message:
          'legacy Endpoints converted to 1 EndpointSlice record(s) (web-legacy-0): the document has no EndpointSlice for Service shop/web',
      },
    ]);
  });

  it('a kubeadm ClusterConfiguration in one file fills the clusterCIDR of the KubeProxyConfiguration in another', () => {
    const r = parseKubectlSources([
      {
        name: 'kubeadm.yaml',
        format: 'application/yaml',
        text: 'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking: {podSubnet: 10.244.0.0/16}\n',
      },
      {
        name: 'kube-proxy.yaml',
        format: 'application/yaml',
        text: 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n',
      },
    ]);
    expect(r.kubeProxy).toEqual({
      proxyMode: 'IPVS',
      clusterCidrs: ['10.244.0.0/16'],
      localDetector: 'CLUSTER_CIDR',
      masqueradeAll: false,
      localhostNodePorts: true,
      nodePortAddresses: [],
    });
    expect(r.warnings.map((w) => [w.source, w.index, w.kind])).toEqual([['kubeadm.yaml', 0, 'ClusterConfiguration']]);
  });

  it('reports carry their file, ordered by file name, then by position', () => {
    const r = parseKubectlSources([
      json(
        'z.json',
        listOf([
          { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'shop' } },
          pod('p', 'gone'),
        ]),
      ),
      json(
        'a.json',
        listOf([node('worker-1'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' } }]),
      ),
    ]);
    expect(r.skipped.map((s) => [s.source, s.index, s.kind])).toEqual([
      ['a.json', 1, 'Secret'],
      ['z.json', 0, 'Deployment'],
    ]);
    expect(r.warnings.map((w) => [w.source, w.index, w.message])).toEqual([
      ['z.json', 1, 'spec.nodeName gone is not a Node of this document'],
    ]);
  });

  it('of several KubeProxyConfigurations the last (by file name) wins, with a warning naming the other file', () => {
    const kpc = (mode: string) => ({
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      mode,
      clusterCIDR: '10.244.0.0/16',
    });
    const files = [json('b.json', kpc('ipvs')), json('a.json', kpc('nftables'))];
    for (const order of [files, [...files].reverse()]) {
      const r = parseKubectlSources(order);
      expect(r.kubeProxy?.proxyMode).toBe('IPVS');
      expect(r.warnings).toEqual([
        {
          source: 'b.json',
          index: 0,
          kind: 'KubeProxyConfiguration',
          name: null,
          message: 'a further KubeProxyConfiguration (the first is item 0 of file "a.json"): this one replaces it',
        },
      ]);
    }
  });
});

describe('errors name the file', () => {
  const pod = (i: number, podIP: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p${i}`, namespace: 'ns1' },
    status: { phase: 'Running', podIP },
  });

  it('an invalid object: files["ns1/pods.json"].items[3].status.podIP', () => {
    const e = importError(() =>
      parseKubectlSources([
        json('nodes.json', []),
        json('ns1/pods.json', [
          pod(0, '10.244.1.1'),
          pod(1, '10.244.1.2'),
          pod(2, '10.244.1.3'),
          pod(3, '10.244.1.300'),
        ]),
      ]),
    );
    expect([e.source, e.item, e.kind, e.name, e.field]).toEqual(['ns1/pods.json', 3, 'Pod', 'ns1/p3', 'status.podIP']);
    expect(itemField(e.item, e.field, e.source)).toBe('files["ns1/pods.json"].items[3].status.podIP');
    expect(e.message).toBe(`file "ns1/pods.json", item 3 (Pod ns1/p3): status.podIP: ${e.detail}`);
  });

  it('a malformed file: the document-level error names it', () => {
    const e = importError(() =>
      parseKubectlSources([
        json('ok.json', []),
        { name: 'broken.json', text: '{"kind": ', format: 'application/json' },
      ]),
    );
    expect([e.source, e.item, e.field]).toEqual(['broken.json', null, '']);
    expect(itemField(e.item, e.field, e.source)).toBe('files["broken.json"]');
    expect(e.message).toMatch(/^file "broken.json": invalid JSON/);
    const y = importError(() =>
      parseKubectlSources([{ name: 'bad.yaml', text: 'a: [1, 2\nb: 3\n', format: 'application/yaml' }]),
    );
    expect(y.source).toBe('bad.yaml');
    const f = importError(() =>
      parseKubectlSources([{ name: 'x.txt', text: '', format: 'text/plain' as 'application/json' }]),
    );
    expect([f.source, f.detail]).toEqual([
      'x.txt',
      'unsupported content type text/plain: use application/json or application/yaml',
    ]);
  });

  it('the same object in two files is refused, as within one document, naming both files whatever the order', () => {
    const files = [
      json('a.json', [pod(0, '10.244.1.1')]),
      json('b.json', [pod(9, '10.244.1.9'), pod(0, '10.244.1.2')]),
    ];
    for (const order of [files, [...files].reverse()]) {
      const e = importError(() => parseKubectlSources(order));
      expect([e.source, e.item, e.field]).toEqual(['b.json', 1, 'metadata.name']);
      expect(e.detail).toBe('Pod ns1/p0 appears twice in the import (also item 0 of file "a.json")');
    }
  });

  it('sources need distinct names', () => {
    const e = importError(() => parseKubectlSources([json('a.json', []), json('a.json', [])]));
    expect([e.source, e.detail]).toEqual(['a.json', 'two sources have this name: names must be unique']);
    expect(
      importError(() => parseKubectlSources([{ text: '[]', format: 'application/json' } as KubectlSource])).field,
    ).toBe('sources[0].name');
  });
});

describe('parseKubectl is the one-source case', () => {
  it('with no name, reports carry no source (the output of before)', () => {
    const text = JSON.stringify(
      listOf([
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'x' } },
        ...realistic.items.slice(0, 3),
      ]),
    );
    const one = parseKubectl(text, 'application/json');
    expect(one.skipped).toEqual([
      { index: 0, kind: 'Secret', apiVersion: 'v1', name: 'x/s', reason: 'unsupported kind Secret (v1)' },
    ]);
    const named: ParsedImport = parseKubectlSources([{ name: 'dump.json', text, format: 'application/json' }]);
    expect(named).toEqual({
      ...one,
      skipped: one.skipped.map((s) => ({ ...s, source: 'dump.json' })),
      warnings: one.warnings.map((w) => ({ ...w, source: 'dump.json' })),
    });
  });

  it('no sources: an empty import', () => {
    expect(parseKubectlSources([])).toEqual({
      nodes: [],
      pods: [],
      services: [],
      endpointSlices: [],
      namespaces: [],
      networkPolicies: [],
      kubeProxy: null,
      skipped: [],
      warnings: [],
    });
  });
});

describe('itemField: where an error is, as the API reports it', () => {
  const cases: [number | null, string, string | undefined, string][] = [
    [3, 'spec.ports[0].port', undefined, 'items[3].spec.ports[0].port'],
    [3, '', undefined, 'items[3]'],
    [0, 'data["config.conf"].mode', undefined, 'items[0].data["config.conf"].mode'],
    [2, '["odd key"].x', undefined, 'items[2]["odd key"].x'],
    [null, '', undefined, 'document'],
    [-1, 'sources[0].name', undefined, 'sources[0].name'],
    [3, 'status.podIP', 'ns1/pods.json', 'files["ns1/pods.json"].items[3].status.podIP'],
    [3, '', 'a.json', 'files["a.json"].items[3]'],
    [null, '', 'broken.json', 'files["broken.json"]'],
    [-1, 'x', 'a "quoted" name', 'files["a \\"quoted\\" name"].x'],
  ];
  it.each(cases)('(%s, %j, %j) → %s', (index, field, source, expected) => {
    expect(itemField(index, field, source)).toBe(expected);
  });
});
