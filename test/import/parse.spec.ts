import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseKubectl, ParsedImport } from '../../src/modules/import/parse';
import { importError } from '../support/import-error';

const FIXTURES = join(__dirname, 'fixtures');
const realisticJson = readFileSync(join(FIXTURES, 'realistic-list.json'), 'utf8');
const realisticYaml = readFileSync(join(FIXTURES, 'realistic-list.yaml'), 'utf8');

const json = (...items: unknown[]) =>
  parseKubectl(
    JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }),
    'application/json',
  );
const yaml = (text: string) => parseKubectl(text, 'application/yaml');
const messages = (r: ParsedImport) => r.warnings.map((w) => w.message);

const node = (name: string, ip: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: {
    addresses: [
      { type: 'InternalIP', address: ip },
      { type: 'Hostname', address: name },
    ],
  },
  ...extra,
});
const service = (name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'shop' },
  spec: { clusterIP: '10.96.0.20', ports: [{ port: 80 }], ...spec },
  ...extra,
});
const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app: 'web' } },
  spec: { nodeName: 'worker-1', containers: [{ name: 'c', ports: [{ containerPort: 8080, name: 'http' }] }] },
  status: { phase: 'Running', podIP: '10.244.1.5', conditions: [{ type: 'Ready', status: 'True' }] },
  ...extra,
});
const slice = (name: string, serviceName: string | null, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  addressType: 'IPv4',
  metadata: { name, namespace: 'shop', labels: serviceName ? { 'kubernetes.io/service-name': serviceName } : {} },
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: [
    {
      addresses: ['10.244.1.5'],
      conditions: { ready: true },
      nodeName: 'worker-1',
      targetRef: { kind: 'Pod', name: 'web-1', namespace: 'shop' },
    },
  ],
  ...extra,
});

describe('the realistic `kubectl get nodes,pods,services,endpointslices -A -o json` List', () => {
  const r = parseKubectl(realisticJson, 'application/json');

  it('accepts every object: 3 nodes, 10 pods, 5 Services, 5 EndpointSlices, nothing skipped, no warnings', () => {
    expect([r.nodes.length, r.pods.length, r.services.length, r.endpointSlices.length]).toEqual([3, 10, 5, 5]);
    expect(r.skipped).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.kubeProxy).toBeNull();
  });

  it('reads nodes: InternalIP, ExternalIP (EIP), podCIDRs, labels', () => {
    expect(r.nodes.map((n) => [n.name, n.internalIps, n.externalIp, n.podCidrs])).toEqual([
      ['cp-1', ['10.0.0.10'], null, ['10.244.0.0/24']],
      ['worker-1', ['10.0.0.11'], '203.0.113.11', ['10.244.1.0/24']],
      ['worker-2', ['10.0.0.12'], '203.0.113.12', ['10.244.2.0/24']],
    ]);
    expect(r.nodes[0].labels['node-role.kubernetes.io/control-plane']).toBe('');
  });

  it('reads Deployment pods (one terminating and not ready) and hostNetwork DaemonSet pods', () => {
    const web = r.pods.filter((p) => p.labels.app === 'web');
    expect(web.map((p) => [p.name, p.nodeName, p.ips, p.ready, p.terminating])).toEqual([
      ['web-6b7f9c8d5-abx2k', 'worker-1', ['10.244.1.14'], true, false],
      ['web-6b7f9c8d5-k9zfr', 'worker-2', ['10.244.2.21'], true, false],
      ['web-6b7f9c8d5-tq5mw', 'worker-2', ['10.244.2.22'], false, true],
    ]);
    expect(web[0]).toMatchObject({
      namespace: 'shop',
      phase: 'Running',
      hostNetwork: false,
      containerPorts: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    });
    const proxies = r.pods.filter((p) => p.labels['k8s-app'] === 'kube-proxy');
    expect(proxies.map((p) => [p.hostNetwork, p.ips[0], p.containerPorts])).toEqual([
      [true, '10.0.0.10', []],
      [true, '10.0.0.11', []],
      [true, '10.0.0.12', []],
    ]);
  });

  it('reads ClusterIP, NodePort and LoadBalancer Services', () => {
    const byName = Object.fromEntries(r.services.map((s) => [s.name, s]));
    expect(byName.kubernetes).toMatchObject({
      namespace: 'default',
      selector: null,
      clusterIps: ['10.96.0.1'],
      ports: [{ name: 'https', port: 443, targetPort: 6443, nodePort: null }],
    });
    expect(byName['kube-dns'].ports.map((p) => `${p.name} ${p.port}/${p.protocol}`)).toEqual([
      'dns 53/UDP',
      'dns-tcp 53/TCP',
      'metrics 9153/TCP',
    ]);
    expect(byName.web).toMatchObject({
      type: 'ClusterIP',
      clusterIps: ['10.96.120.15'],
      ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: null }],
    });
    expect(byName.api).toMatchObject({
      type: 'NodePort',
      externalTrafficPolicy: 'Cluster',
      ports: [{ port: 8080, targetPort: 9000, nodePort: 31080 }],
    });
    expect(byName['web-public']).toEqual({
      namespace: 'shop',
      name: 'web-public',
      type: 'LoadBalancer',
      selector: { app: 'web' },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 30443 }],
      clusterIps: ['10.96.200.7'],
      headless: false,
      externalIps: [],
      loadBalancerIngress: [{ ip: '192.0.2.50', ipMode: 'VIP' }],
      loadBalancerSourceRanges: ['198.51.100.0/24'],
      loadBalancerHostnames: [],
      externalTrafficPolicy: 'Local',
      internalTrafficPolicy: 'Cluster',
      healthCheckNodePort: 32417,
      publishNotReadyAddresses: false,
      sessionAffinity: 'None',
      sessionAffinityTimeoutSeconds: null,
      trafficDistribution: null,
      labels: { app: 'web' },
      annotations: {
        'kubernetes.io/elb.class': 'performance',
        'kubernetes.io/elb.id': '6b1f0c6e-3a4d-4f7b-9a51-2c8e4d7f1a90',
      },
    });
  });

  it('reads EndpointSlices, matched by label, with the terminating endpoint and unset conditions as null', () => {
    expect(r.endpointSlices.map((s) => [s.namespace, s.name, s.serviceName])).toEqual([
      ['default', 'kubernetes', 'kubernetes'],
      ['kube-system', 'kube-dns-5qz8h', 'kube-dns'],
      ['shop', 'web-x7k2p', 'web'],
      ['shop', 'api-r4n8d', 'api'],
      ['shop', 'web-public-m2c9v', 'web-public'],
    ]);
    expect(r.endpointSlices[0].endpoints).toEqual([
      {
        addresses: ['10.0.0.10'],
        nodeName: null,
        ready: true,
        serving: null,
        terminating: null,
        podName: null,
        zone: null,
        hints: null,
      },
    ]);
    const web = r.endpointSlices[2];
    expect(web.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(web.endpoints[2]).toEqual({
      addresses: ['10.244.2.22'],
      nodeName: 'worker-2',
      ready: false,
      serving: true,
      terminating: true,
      podName: 'web-6b7f9c8d5-tq5mw',
      zone: 'eu-1b',
      hints: null,
    });
  });

  it('gives the same result from the multi-document YAML twin, and from the List as YAML', () => {
    expect(parseKubectl(realisticYaml, 'application/yaml')).toEqual(r);
    expect(parseKubectl(stringify(JSON.parse(realisticJson)), 'application/yaml')).toEqual(r);
  });

  it('is deterministic and keeps document order', () => {
    expect(JSON.stringify(parseKubectl(realisticJson, 'application/json'))).toBe(JSON.stringify(r));
    const reversed = JSON.parse(realisticJson) as { items: unknown[] };
    reversed.items.reverse();
    const back = parseKubectl(JSON.stringify(reversed), 'application/json');
    expect(back.nodes.map((n) => n.name)).toEqual(r.nodes.map((n) => n.name).reverse());
    expect(back.endpointSlices.map((n) => n.name)).toEqual(r.endpointSlices.map((n) => n.name).reverse());
  });
});

describe('documents', () => {
  it('JSON: a single object as well as a v1 List; a BOM is fine', () => {
    const single = parseKubectl(`\uFEFF${JSON.stringify(node('n1', '10.0.0.1'))}`, 'application/json');
    expect(single.nodes.map((n) => n.name)).toEqual(['n1']);
  });

  it('YAML: empty documents and comment-only documents are ignored; Lists are unwrapped in place; indexes count objects', () => {
    const r = yaml(
      [
        '---',
        '# only a comment',
        '---',
        stringify(node('n1', '10.0.0.1')),
        '---',
        stringify({
          apiVersion: 'v1',
          kind: 'List',
          items: [
            node('n2', '10.0.0.2'),
            { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'x' } },
          ],
        }),
        '---',
        '',
        '---',
        stringify(node('n3', '10.0.0.3')),
        '---',
      ].join('\n'),
    );
    expect(r.nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3']);
    expect(r.skipped).toEqual([
      {
        index: 2,
        kind: 'Deployment',
        apiVersion: 'apps/v1',
        name: 'x/d',
        reason: 'unsupported kind Deployment (apps/v1)',
      },
    ]);
  });

  it('typed lists (PodList from the API) give their items kind and apiVersion', () => {
    const r = parseKubectl(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PodList',
        items: [{ metadata: { name: 'p', namespace: 'shop' }, spec: {}, status: { phase: 'Running' } }],
      }),
      'application/json',
    );
    expect(r.pods.map((p) => p.name)).toEqual(['p']);
  });

  it('duplicate mapping keys: the last value wins, with a warning naming the item and the path', () => {
    const r = yaml(`apiVersion: v1
kind: List
items:
- ${JSON.stringify(node('n1', '10.0.0.1'))}
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    labels: {app: a}
    labels: {app: b}
  spec:
    clusterIP: 10.96.0.5
    ports: [{port: 80, port: 81}]
`);
    expect(r.services[0].labels).toEqual({ app: 'b' });
    expect(r.services[0].ports[0].port).toBe(81);
    expect(r.warnings.filter((w) => w.message.startsWith('duplicate'))).toEqual([
      {
        index: 1,
        kind: 'Service',
        name: 'default/web',
        message: 'duplicate key "labels" in metadata: the last value was kept, as the Kubernetes API server does',
      },
      {
        index: 1,
        kind: 'Service',
        name: 'default/web',
        message: 'duplicate key "port" in spec.ports[0]: the last value was kept, as the Kubernetes API server does',
      },
    ]);
  });

  it('YAML 1.1 booleans (True, yes, on, off) are booleans where a boolean is expected; JSON is strict', () => {
    const r = yaml(`apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {hostNetwork: yes}
status: {phase: Running, conditions: [{type: Ready, status: True}]}
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec: {clusterIP: 10.96.0.9, ports: [{port: 53}], publishNotReadyAddresses: on}
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
iptables: {masqueradeAll: True, localhostNodePorts: off}
ipvs: {strictARP: True}
`);
    expect(r.pods[0]).toMatchObject({ hostNetwork: true, ready: true });
    expect(r.services[0].publishNotReadyAddresses).toBe(true);
    expect(r.kubeProxy).toEqual({
      proxyMode: 'IPTABLES',
      clusterCidrs: [],
      localDetector: 'NONE',
      masqueradeAll: true,
      localhostNodePorts: false,
      nodePortAddresses: [],
    });
    const e = importError(() => json(service('s', { publishNotReadyAddresses: 'yes' })));
    expect(e.field).toBe('spec.publishNotReadyAddresses');
  });

  describe('a bare array is an implicit v1 List (support bundles write json.Marshal(list.Items))', () => {
    const bareWarning = (message: string) => ({ index: -1, kind: 'List', name: null, message });
    const cases: [string, string, 'application/json' | 'application/yaml', string[], unknown[]][] = [
      [
        'JSON array of objects',
        JSON.stringify([node('n1', '10.0.0.1'), pod('p', { spec: { nodeName: 'n2' } }), node('n2', '10.0.0.2')]),
        'application/json',
        ['n1', 'n2'],
        [bareWarning('the document is a bare JSON array: read as a v1 List')],
      ],
      [
        'empty JSON array',
        '[]',
        'application/json',
        [],
        [bareWarning('the document is a bare JSON array: read as a v1 List')],
      ],
      [
        'YAML top-level sequence',
        stringify([node('n1', '10.0.0.1'), node('n2', '10.0.0.2')]),
        'application/yaml',
        ['n1', 'n2'],
        [bareWarning('YAML document 1 is a bare sequence: read as a v1 List')],
      ],
      [
        'YAML stream: a mapping, then a sequence',
        `${stringify(node('n1', '10.0.0.1'))}---\n${stringify([node('n2', '10.0.0.2')])}`,
        'application/yaml',
        ['n1', 'n2'],
        [bareWarning('YAML document 2 is a bare sequence: read as a v1 List')],
      ],
      [
        'JSON array holding a List: unwrapped too',
        JSON.stringify([{ apiVersion: 'v1', kind: 'List', items: [node('n1', '10.0.0.1')] }, node('n2', '10.0.0.2')]),
        'application/json',
        ['n1', 'n2'],
        [bareWarning('the document is a bare JSON array: read as a v1 List')],
      ],
    ];
    it.each(cases)('%s', (_, text, format, nodes, warnings) => {
      const r = parseKubectl(text, format);
      expect(r.nodes.map((n) => n.name)).toEqual(nodes);
      expect(r.warnings).toEqual(warnings);
    });

    it("numbers the objects as a List's items (items[N] over the unwrapped objects)", () => {
      const r = parseKubectl(
        JSON.stringify([
          node('n1', '10.0.0.1'),
          { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'x' } },
          [1, 2],
        ]),
        'application/json',
      );
      expect(r.skipped).toEqual([
        {
          index: 1,
          kind: 'Deployment',
          apiVersion: 'apps/v1',
          name: 'x/d',
          reason: 'unsupported kind Deployment (apps/v1)',
        },
        {
          index: 2,
          kind: '',
          apiVersion: '',
          name: null,
          reason: 'not a Kubernetes object (expected a mapping with apiVersion and kind)',
        },
      ]);
      const e = importError(() =>
        parseKubectl(JSON.stringify([node('n1', '10.0.0.1'), node('n2', '10.0.0.300')]), 'application/json'),
      );
      expect([e.item, e.field]).toEqual([1, 'status.addresses[0].address']);
    });
  });

  it('a dump of internal Go types (capitalised field names) is skipped with a reason that says so', () => {
    const go = 'looks like a dump of internal Go types (capitalised field names), not Kubernetes JSON';
    const r = parseKubectl(
      JSON.stringify([
        {
          TypeMeta: { Kind: '', APIVersion: '' },
          ObjectMeta: { Name: 'web-1', Namespace: 'shop' },
          Spec: {},
          Status: { PodIP: '10.244.1.5' },
        },
        { kind: '', name: 'web-2', namespace: 'shop', Spec: {}, Status: {} }, // json.Marshal flattens the embedded metav1 structs
        { TypeMeta: {}, ListMeta: {}, Items: [{ ObjectMeta: { Name: 'n' } }] },
        { apiVersion: 'v1', kind: 'Pod', Spec: {}, Status: {} },
      ]),
      'application/json',
    );
    expect(r.skipped.map((s) => [s.index, s.reason])).toEqual([
      [0, go],
      [1, go],
      [2, go],
      [3, go],
    ]);
    expect(r.pods).toEqual([]);
  });

  it('malformed JSON or YAML is an ImportError for the document (item null)', () => {
    const j = importError(() => parseKubectl('{"kind": "List", ', 'application/json'));
    expect([j.item, j.kind, j.name, j.field]).toEqual([null, null, null, '']);
    expect(j.message).toMatch(/^document: invalid JSON/);
    const y = importError(() => yaml('apiVersion: v1\nkind: Node\n---\na: [1, 2\nb: 3\n'));
    expect(y.item).toBeNull();
    expect(y.message).toMatch(/invalid YAML in document 2 at line/);
    expect(importError(() => parseKubectl('  ', 'application/json')).message).toBe('document: the document is empty');
    expect(yaml('')).toEqual({
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

describe('kinds are matched on apiVersion and kind, never kind alone', () => {
  it('skips other kinds and versions with a reason, never fatally', () => {
    const r = json(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } },
      { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'kn', namespace: 'shop' } },
      { apiVersion: 'discovery.k8s.io/v2', kind: 'EndpointSlice', metadata: { name: 'x', namespace: 'shop' } },
      { apiVersion: 'v3', kind: 'Node', metadata: { name: 'myhost' } },
      { kind: 'Pod', metadata: { name: 'p' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'kube-system' }, data: {} },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' } },
      'just a string',
    );
    expect(r.skipped.map((s) => [s.index, s.kind, s.apiVersion, s.name, s.reason])).toEqual([
      [0, 'Deployment', 'apps/v1', 'shop/web', 'unsupported kind Deployment (apps/v1)'],
      [
        1,
        'Service',
        'serving.knative.dev/v1',
        'shop/kn',
        'unsupported apiVersion serving.knative.dev/v1 for Service (supported: v1)',
      ],
      [
        2,
        'EndpointSlice',
        'discovery.k8s.io/v2',
        'shop/x',
        'unsupported apiVersion discovery.k8s.io/v2 for EndpointSlice (supported: discovery.k8s.io/v1, discovery.k8s.io/v1beta1)',
      ],
      [3, 'Node', 'v3', 'myhost', 'unsupported apiVersion v3'],
      [4, 'Pod', '', 'default/p', 'missing apiVersion (kind Pod)'],
      [
        5,
        'ConfigMap',
        'v1',
        'kube-system/other',
        'a ConfigMap other than kube-system/kube-proxy (only that one holds the kube-proxy configuration)',
      ],
      [6, 'Secret', 'v1', 'shop/s', 'unsupported kind Secret (v1)'],
      [7, '', '', null, 'not a Kubernetes object (expected a mapping with apiVersion and kind)'],
    ]);
    expect([r.nodes, r.pods, r.services, r.endpointSlices]).toEqual([[], [], [], []]);
  });
});

describe('Node', () => {
  it('InternalIPs in order, the first ExternalIP, podCIDR fallback, non-standard address types warned, namespace ignored', () => {
    const r = json({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', namespace: 'default', labels: { zone: 'a' } },
      spec: { podCIDR: '10.244.3.0/24' },
      status: {
        addresses: [
          { type: 'InternalIP', address: '192.168.0.5' },
          { type: 'InternalIP', address: 'FD00::5' },
          { type: 'ExternalIP', address: '203.0.113.5' },
          { type: 'DataIP', address: '192.168.1.5' },
          { type: 'Hostname', address: 'n1' },
          { type: 'InternalDNS', address: 'n1.local' },
        ],
      },
    });
    expect(r.nodes).toEqual([
      {
        name: 'n1',
        internalIps: ['192.168.0.5', 'fd00::5'],
        externalIp: '203.0.113.5',
        podCidrs: ['10.244.3.0/24'],
        labels: { zone: 'a' },
      },
    ]);
    expect(messages(r)).toEqual([
      'metadata.namespace "default" ignored: a Node is cluster-scoped',
      expect.stringMatching(/^status\.addresses\[3\]: address type "DataIP" is not a standard/),
    ]);
  });

  it('spec.podCIDRs wins over podCIDR; a node without InternalIP is kept with a warning', () => {
    const r = json({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n2' },
      spec: { podCIDR: '10.244.4.0/24', podCIDRs: ['10.244.4.0/24', 'fd00:10:244:4::/64'] },
      status: { addresses: [] },
    });
    expect(r.nodes[0]).toMatchObject({ internalIps: [], podCidrs: ['10.244.4.0/24', 'fd00:10:244:4::/64'] });
    expect(messages(r)).toEqual(['status.addresses has no InternalIP: the node has no address to reach it on']);
  });
});

describe('Pod', () => {
  it('reads namespace (default `default`), podIPs (dual-stack), phase, Ready condition, deletionTimestamp, ports incl. sidecars', () => {
    const r = json({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', labels: { app: 'web' }, deletionTimestamp: '2025-03-14T10:00:00Z' },
      spec: {
        nodeName: 'worker-1',
        initContainers: [
          { name: 'init', ports: [{ containerPort: 1 }] },
          { name: 'proxy', restartPolicy: 'Always', ports: [{ containerPort: 15001, name: 'envoy' }] },
        ],
        containers: [
          {
            name: 'a',
            ports: [
              { containerPort: 8080, name: 'http' },
              { containerPort: 53, protocol: 'UDP' },
            ],
          },
        ],
      },
      status: {
        phase: 'Running',
        podIP: '10.244.1.5',
        podIPs: [{ ip: '10.244.1.5' }, { ip: 'fd00:10:244:1::5' }],
        conditions: [{ type: 'Ready', status: 'False' }],
      },
    });
    expect(r.pods).toEqual([
      {
        namespace: 'default',
        name: 'web-1',
        labels: { app: 'web' },
        nodeName: 'worker-1',
        ips: ['10.244.1.5', 'fd00:10:244:1::5'],
        hostNetwork: false,
        phase: 'Running',
        ready: false,
        terminating: true,
        containerPorts: [
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
          { name: null, containerPort: 53, protocol: 'UDP' },
          { name: 'envoy', containerPort: 15001, protocol: 'TCP' },
        ],
      },
    ]);
  });

  it('a manifest without status is Pending, not ready, with no IP (warned)', () => {
    const r = json({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'shop' },
      spec: { containers: [{ name: 'c' }] },
    });
    expect(r.pods[0]).toMatchObject({ phase: 'Pending', ready: false, ips: [], nodeName: null });
    expect(messages(r)).toEqual(['no status.phase (a manifest, not a live object?): read as Pending']);
  });

  it('warns when a pod names a node the document does not hold (only when it holds nodes)', () => {
    expect(messages(json(node('worker-1', '10.0.0.1'), pod('a'), pod('b', { spec: { nodeName: 'gone' } })))).toEqual(
      expect.arrayContaining(['spec.nodeName gone is not a Node of this document']),
    );
    expect(messages(json(pod('b', { spec: { nodeName: 'gone' } })))).toEqual([]);
  });
});

describe('Service', () => {
  it('defaults: ClusterIP, no selector = null, targetPort = port, TCP, policies Cluster', () => {
    const r = json({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ext' },
      spec: { clusterIP: '10.96.0.30', ports: [{ port: 443 }] },
    });
    expect(r.services[0]).toEqual({
      namespace: 'default',
      name: 'ext',
      type: 'ClusterIP',
      selector: null,
      ports: [{ name: null, protocol: 'TCP', port: 443, targetPort: 443, nodePort: null }],
      clusterIps: ['10.96.0.30'],
      headless: false,
      externalIps: [],
      loadBalancerIngress: [],
      loadBalancerSourceRanges: [],
      loadBalancerHostnames: [],
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      healthCheckNodePort: null,
      publishNotReadyAddresses: false,
      sessionAffinity: 'None',
      sessionAffinityTimeoutSeconds: null,
      trafficDistribution: null,
      labels: {},
      annotations: {},
    });
    expect(messages(r)).toEqual(['no endpoint data in the document (no EndpointSlices, Endpoints, and no selector)']);
  });

  it('selector {} is no selector; named targetPort kept; dual-stack clusterIPs canonical; externalIPs; internal policy Local', () => {
    const r = json(
      service('s', {
        selector: {},
        clusterIP: '10.96.0.21',
        clusterIPs: ['10.96.0.21', 'FD00:10:96::21'],
        externalIPs: ['198.51.100.9'],
        ports: [
          { name: 'http', port: 80, targetPort: 'web' },
          { name: 'metrics', port: 9090, targetPort: 0 },
        ],
        internalTrafficPolicy: 'Local',
      }),
    );
    expect(r.services[0]).toMatchObject({
      selector: null,
      clusterIps: ['10.96.0.21', 'fd00:10:96::21'],
      externalIps: ['198.51.100.9'],
      internalTrafficPolicy: 'Local',
      ports: [
        { name: 'http', port: 80, targetPort: 'web' },
        { name: 'metrics', port: 9090, targetPort: 9090 },
      ],
    });
  });

  it('clusterIP None is headless; no clusterIP is unknown with a warning', () => {
    const r = json(service('h', { clusterIP: 'None', ports: [] }), service('u', { clusterIP: undefined }));
    expect(r.services.map((s) => [s.name, s.headless, s.clusterIps])).toEqual([
      ['h', true, ['None']],
      ['u', false, []],
    ]);
    expect(r.warnings.filter((w) => w.message.startsWith('no clusterIP'))).toEqual([
      { index: 1, kind: 'Service', name: 'shop/u', message: 'no clusterIP: not forwardable until allocated' },
    ]);
  });

  it('LoadBalancer: status ingress with ipMode (absent = VIP), hostname-only ingress kept as a hostname, loadBalancerIP ignored when status has IPs', () => {
    const r = json(
      service(
        'lb',
        {
          type: 'LoadBalancer',
          loadBalancerIP: '192.0.2.99',
          ports: [{ port: 80, nodePort: 30080 }],
          externalTrafficPolicy: 'Local',
          healthCheckNodePort: 32000,
          loadBalancerSourceRanges: ['203.0.113.0/24', '10.1.2.3/8'],
        },
        {
          status: {
            loadBalancer: {
              ingress: [{ ip: '192.0.2.10' }, { ip: '192.0.2.11', ipMode: 'Proxy' }, { hostname: 'a.elb.example.com' }],
            },
          },
        },
      ),
    );
    expect(r.services[0]).toMatchObject({
      loadBalancerIngress: [
        { ip: '192.0.2.10', ipMode: 'VIP' },
        { ip: '192.0.2.11', ipMode: 'Proxy' },
      ],
      loadBalancerHostnames: ['a.elb.example.com'],
      loadBalancerSourceRanges: ['203.0.113.0/24', '10.0.0.0/8'],
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 32000,
    });
    expect(messages(r)).toEqual(
      expect.arrayContaining(['spec.loadBalancerSourceRanges[1]: "10.1.2.3/8" has host bits set; read as 10.0.0.0/8']),
    );
    expect(messages(r).some((m) => m.includes('hostname'))).toBe(false);
    expect(messages(r).some((m) => m.includes('loadBalancerIP'))).toBe(false);
  });

  it("the source-range annotation stays the cloud load balancer's: never copied into kube-proxy's spec ranges", () => {
    const annotations = {
      'service.beta.kubernetes.io/load-balancer-source-ranges': '203.0.113.0/24, 198.51.100.0/24, nonsense',
    };
    const r = json(
      service(
        'lb',
        { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }] },
        { metadata: { name: 'lb', namespace: 'shop', annotations } },
      ),
    );
    expect(r.services[0]).toMatchObject({ loadBalancerSourceRanges: [], annotations });
    expect(messages(r)).toContain(
      'annotation service.beta.kubernetes.io/load-balancer-source-ranges kept as the cloud load balancer\'s allowlist: kube-proxy does not read it (only spec.loadBalancerSourceRanges); "nonsense" not a CIDR, so not counted',
    );
  });

  it('a hostname on a ClusterIP Service is not read, and a bad hostname names its field', () => {
    const ingress = { status: { loadBalancer: { ingress: [{ hostname: 'a.elb.example.com' }] } } };
    expect(
      json(service('c', { type: 'ClusterIP', ports: [{ port: 80 }] }, ingress)).services[0].loadBalancerHostnames,
    ).toEqual([]);
    expect(() =>
      json(
        service(
          'lb',
          { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }] },
          { status: { loadBalancer: { ingress: [{ hostname: 'Not_A_Name' }] } } },
        ),
      ),
    ).toThrow(/status\.loadBalancer\.ingress\[0\]\.hostname/);
  });

  it('ExternalName Services are skipped (no kube-proxy rules)', () => {
    const r = json({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'db', namespace: 'shop' },
      spec: { type: 'ExternalName', externalName: 'db.example.com' },
    });
    expect(r.services).toEqual([]);
    expect(r.skipped[0]).toMatchObject({
      kind: 'Service',
      name: 'shop/db',
      reason: expect.stringContaining('ExternalName'),
    });
  });

  it('annotations are kept as they are, whatever their content', () => {
    const applied = JSON.stringify({ big: 'x'.repeat(5000) });
    const r = json(
      service(
        's',
        {},
        {
          metadata: {
            name: 's',
            namespace: 'shop',
            annotations: {
              'kubectl.kubernetes.io/last-applied-configuration': applied,
              'kubernetes.io/elb.pass-through': 'onlyLocal',
            },
          },
        },
      ),
    );
    expect(r.services[0].annotations).toEqual({
      'kubectl.kubernetes.io/last-applied-configuration': applied,
      'kubernetes.io/elb.pass-through': 'onlyLocal',
    });
  });
});

describe('EndpointSlice', () => {
  it('is matched to its Service by the kubernetes.io/service-name label, not by its name', () => {
    const r = json(service('web', { selector: { app: 'web' } }), slice('totally-unrelated-name', 'web'));
    expect(r.endpointSlices[0]).toEqual({
      namespace: 'shop',
      name: 'totally-unrelated-name',
      serviceName: 'web',
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [
        {
          addresses: ['10.244.1.5'],
          nodeName: 'worker-1',
          ready: true,
          serving: null,
          terminating: null,
          podName: 'web-1',
          zone: null,
          hints: null,
        },
      ],
    });
    expect(r.warnings).toEqual([]);
  });

  it('a slice without the label is skipped; FQDN slices are skipped; a slice for a Service not in the document is warned', () => {
    const r = json(slice('web-abc', null), slice('fq', 'web', { addressType: 'FQDN' }), slice('lost-1', 'lost'));
    expect(r.skipped.map((s) => [s.index, s.reason])).toEqual([
      [
        0,
        'EndpointSlice without the label kubernetes.io/service-name: it belongs to no Service (kube-proxy ignores it)',
      ],
      [1, 'EndpointSlice addressType FQDN: kube-proxy uses only IPv4 and IPv6 slices'],
    ]);
    expect(r.endpointSlices.map((s) => s.name)).toEqual(['lost-1']);
    expect(messages(r)).toEqual(['no Service shop/lost (label kubernetes.io/service-name) in the document']);
  });

  it('missing conditions are null; unnamed ports have name null; ports without a number are dropped with a warning', () => {
    const r = json(
      service('web', {}),
      slice('web-1', 'web', {
        ports: [{ name: '', port: 8080 }, { name: 'all' }],
        endpoints: [
          { addresses: ['10.244.1.5'] },
          { addresses: ['10.244.1.6'], conditions: { ready: false, serving: true, terminating: true } },
        ],
      }),
    );
    expect(r.endpointSlices[0].ports).toEqual([{ name: null, port: 8080, protocol: 'TCP' }]);
    expect(r.endpointSlices[0].endpoints).toEqual([
      {
        addresses: ['10.244.1.5'],
        nodeName: null,
        ready: null,
        serving: null,
        terminating: null,
        podName: null,
        zone: null,
        hints: null,
      },
      {
        addresses: ['10.244.1.6'],
        nodeName: null,
        ready: false,
        serving: true,
        terminating: true,
        podName: null,
        zone: null,
        hints: null,
      },
    ]);
    expect(messages(r)).toEqual(['ports[1].port is not set ("all ports"): kube-proxy ignores such a port; ignored']);
  });

  it('v1beta1: the node comes from topology["kubernetes.io/hostname"], the zone from topology["topology.kubernetes.io/zone"]', () => {
    const r = json(
      service('web', {}),
      slice('web-b', 'web', {
        apiVersion: 'discovery.k8s.io/v1beta1',
        endpoints: [
          {
            addresses: ['10.244.1.5'],
            conditions: { ready: true },
            topology: { 'kubernetes.io/hostname': 'worker-1', 'topology.kubernetes.io/zone': 'a' },
          },
        ],
      }),
    );
    expect(r.endpointSlices[0].endpoints[0]).toMatchObject({
      nodeName: 'worker-1',
      ready: true,
      zone: 'a',
      hints: null,
    });
  });

  it('zone and hints: names kept in order, empty hint lists as [], a zone "" as none, a redacted name left out (unknown)', () => {
    const r = json(
      service('web', {}),
      slice('s', 'web', {
        endpoints: [
          {
            addresses: ['10.244.1.5'],
            zone: 'eu-1a',
            hints: { forZones: [{ name: 'eu-1a' }, { name: 'eu-1b' }], forNodes: [{ name: 'worker-1' }] },
          },
          { addresses: ['10.244.1.6'], zone: '', hints: {} },
          {
            addresses: ['10.244.1.7'],
            zone: '***HIDDEN***',
            hints: { forNodes: [{ name: '***HIDDEN***' }, { name: 'worker-2' }] },
          },
        ],
      }),
    );
    expect(r.endpointSlices[0].endpoints.map((e) => [e.zone, e.hints])).toEqual([
      ['eu-1a', { forZones: ['eu-1a', 'eu-1b'], forNodes: ['worker-1'] }],
      [null, { forZones: [], forNodes: [] }],
      [null, { forZones: [], forNodes: ['worker-2'] }],
    ]);
    expect(r.endpointSlices[0].unknown).toEqual(['endpoints']);
  });
});

describe('Service session affinity and traffic distribution', () => {
  it('are read as the document gives them (the write rules default and check them); absent = None, no timeout, no distribution', () => {
    const r = json(
      service('sticky', {
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
        trafficDistribution: 'PreferSameNode',
      }),
      service('manifest', {
        sessionAffinity: 'ClientIP',
        clusterIP: '10.96.0.21',
        trafficDistribution: 'PreferNearby',
      }),
      service('plain', { clusterIP: '10.96.0.22', trafficDistribution: '' }),
    );
    expect(
      r.services.map((s) => [s.name, s.sessionAffinity, s.sessionAffinityTimeoutSeconds, s.trafficDistribution]),
    ).toEqual([
      ['sticky', 'ClientIP', 600, 'PreferSameNode'],
      ['manifest', 'ClientIP', null, 'PreferNearby'],
      ['plain', 'None', null, null],
    ]);
  });
});

describe('legacy v1 Endpoints', () => {
  const endpoints = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: 'shop' },
    subsets: [
      {
        addresses: [
          { ip: '10.244.1.5', nodeName: 'worker-1', targetRef: { kind: 'Pod', name: 'web-1' } },
          { ip: 'fd00::5' },
        ],
        notReadyAddresses: [{ ip: '10.244.2.6', nodeName: 'worker-2' }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ],
  });

  it('become EndpointSlice records for a Service that has no EndpointSlice in the document', () => {
    const r = json(service('web', { selector: { app: 'x' } }), endpoints('web'));
    expect(r.endpointSlices).toEqual([
      {
        namespace: 'shop',
        name: 'web-legacy-0',
        serviceName: 'web',
        addressType: 'IPv4',
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        endpoints: [
          {
            addresses: ['10.244.1.5'],
            nodeName: 'worker-1',
            ready: true,
            serving: null,
            terminating: null,
            podName: 'web-1',
            zone: null,
            hints: null,
          },
          {
            addresses: ['10.244.2.6'],
            nodeName: 'worker-2',
            ready: false,
            serving: null,
            terminating: null,
            podName: null,
            zone: null,
            hints: null,
          },
        ],
      },
      {
        namespace: 'shop',
        name: 'web-legacy-0-ipv6',
        serviceName: 'web',
        addressType: 'IPv6',
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        endpoints: [
          {
            addresses: ['fd00::5'],
            nodeName: null,
            ready: true,
            serving: null,
            terminating: null,
            podName: null,
            zone: null,
            hints: null,
          },
        ],
      },
    ]);
    expect(r.skipped).toEqual([]);
    expect(messages(r)).toEqual([expect.stringMatching(/^legacy Endpoints converted to 2 EndpointSlice record/)]);
  });

  it('are ignored when the Service has EndpointSlices, and (with a warning) when no Service matches', () => {
    const r = json(service('web', {}), endpoints('web'), slice('web-x', 'web'), endpoints('kube-scheduler'));
    expect(r.endpointSlices.map((s) => s.name)).toEqual(['web-x']);
    expect(r.skipped.map((s) => [s.index, s.kind, s.reason])).toEqual([
      [1, 'Endpoints', 'legacy Endpoints ignored: the document has EndpointSlices for Service shop/web'],
      [3, 'Endpoints', 'legacy Endpoints with no matching Service in the document'],
    ]);
    expect(r.warnings).toEqual([
      {
        index: 3,
        kind: 'Endpoints',
        name: 'shop/kube-scheduler',
        message: expect.stringContaining('no Service shop/kube-scheduler'),
      },
    ]);
  });
});

// KubeProxyConfiguration: test/import/kubeproxy.spec.ts. Redacted values: test/import/redaction.spec.ts.

describe('invalid items throw an ImportError naming the item, kind, name and field', () => {
  const cases: [string, unknown[], number, string, string | null, string][] = [
    [
      'Service port out of range',
      [node('n1', '10.0.0.1'), service('web', { ports: [{ port: 70000 }] })],
      1,
      'Service',
      'shop/web',
      'spec.ports[0].port',
    ],
    [
      'Service without a port',
      [service('web', { ports: [{ name: 'http' }] })],
      0,
      'Service',
      'shop/web',
      'spec.ports[0].port',
    ],
    [
      'malformed pod IP',
      [pod('a'), pod('b', { status: { phase: 'Running', podIPs: [{ ip: '10.244.1.300' }] } })],
      1,
      'Pod',
      'shop/b',
      'status.podIPs[0].ip',
    ],
    ['malformed clusterIP', [service('web', { clusterIP: '10.96.0.x' })], 0, 'Service', 'shop/web', 'spec.clusterIP'],
    ['bad node name', [node('Bad_Name', '10.0.0.1')], 0, 'Node', 'Bad_Name', 'metadata.name'],
    [
      'bad label value',
      [pod('a', { metadata: { name: 'a', labels: { app: 'not valid!' } } })],
      0,
      'Pod',
      'default/a',
      'metadata.labels.app',
    ],
    [
      'unquoted boolean label',
      [pod('a', { metadata: { name: 'a', namespace: 'shop', labels: { 'app.kubernetes.io/managed': true } } })],
      0,
      'Pod',
      'shop/a',
      'metadata.labels["app.kubernetes.io/managed"]',
    ],
    ['unknown Service type', [service('web', { type: 'Mesh' })], 0, 'Service', 'shop/web', 'spec.type'],
    [
      'nodePort on a ClusterIP Service',
      [service('web', { ports: [{ port: 80, nodePort: 30001 }] })],
      0,
      'Service',
      'shop/web',
      'spec.ports[0].nodePort',
    ],
    [
      'numeric-string targetPort',
      [service('web', { ports: [{ port: 80, targetPort: '8080' }] })],
      0,
      'Service',
      'shop/web',
      'spec.ports[0].targetPort',
    ],
    [
      'bad ipMode',
      [
        service(
          'web',
          { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30001 }] },
          { status: { loadBalancer: { ingress: [{ ip: '192.0.2.1', ipMode: 'Direct' }] } } },
        ),
      ],
      0,
      'Service',
      'shop/web',
      'status.loadBalancer.ingress[0].ipMode',
    ],
    [
      'IPv6 address in an IPv4 slice',
      [slice('s', 'web', { endpoints: [{ addresses: ['fd00::1'] }] })],
      0,
      'EndpointSlice',
      'shop/s',
      'endpoints[0].addresses[0]',
    ],
    [
      'unknown sessionAffinity',
      [service('web', { sessionAffinity: 'Cookie' })],
      0,
      'Service',
      'shop/web',
      'spec.sessionAffinity',
    ],
    [
      'non-integer affinity timeout',
      [
        service('web', {
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: '3600' } },
        }),
      ],
      0,
      'Service',
      'shop/web',
      'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
    ],
    [
      'trafficDistribution not a string',
      [service('web', { trafficDistribution: true })],
      0,
      'Service',
      'shop/web',
      'spec.trafficDistribution',
    ],
    [
      'endpoint zone not a label value',
      [slice('s', 'web', { endpoints: [{ addresses: ['10.0.0.1'], zone: 'zone a' }] })],
      0,
      'EndpointSlice',
      'shop/s',
      'endpoints[0].zone',
    ],
    [
      'zone hint not a label value',
      [slice('s', 'web', { endpoints: [{ addresses: ['10.0.0.1'], hints: { forZones: [{ name: 'zone/a' }] } }] })],
      0,
      'EndpointSlice',
      'shop/s',
      'endpoints[0].hints.forZones[0].name',
    ],
    [
      'node hint not a node name',
      [slice('s', 'web', { endpoints: [{ addresses: ['10.0.0.1'], hints: { forNodes: [{ name: 'Node_1' }] } }] })],
      0,
      'EndpointSlice',
      'shop/s',
      'endpoints[0].hints.forNodes[0].name',
    ],
    [
      'node hint without a name',
      [slice('s', 'web', { endpoints: [{ addresses: ['10.0.0.1'], hints: { forNodes: [{}] } }] })],
      0,
      'EndpointSlice',
      'shop/s',
      'endpoints[0].hints.forNodes[0].name',
    ],
    [
      'zone hints that are not objects',
      [slice('s', 'web', { endpoints: [{ addresses: ['10.0.0.1'], hints: { forZones: ['zone-a'] } }] })],
      0,
      'EndpointSlice',
      'shop/s',
      'endpoints[0].hints.forZones[0].name',
    ],
    [
      'a zone hint twice',
      [
        slice('s', 'web', {
          endpoints: [{ addresses: ['10.0.0.1'], hints: { forZones: [{ name: 'a' }, { name: 'a' }] } }],
        }),
      ],
      0,
      'EndpointSlice',
      'shop/s',
      'endpoints[0].hints.forZones[1].name',
    ],
    [
      'nine zone hints',
      [
        slice('s', 'web', {
          endpoints: [
            { addresses: ['10.0.0.1'], hints: { forZones: Array.from({ length: 9 }, (_, i) => ({ name: `z${i}` })) } },
          ],
        }),
      ],
      0,
      'EndpointSlice',
      'shop/s',
      'endpoints[0].hints.forZones',
    ],
    [
      'hints not an object',
      [slice('s', 'web', { endpoints: [{ addresses: ['10.0.0.1'], hints: ['zone-a'] }] })],
      0,
      'EndpointSlice',
      'shop/s',
      'endpoints[0].hints',
    ],
    [
      'bad CIDR on a node',
      [node('n1', '10.0.0.1', { spec: { podCIDRs: ['10.244.0.0'] } })],
      0,
      'Node',
      'n1',
      'spec.podCIDRs[0]',
    ],
    ['the same Service twice', [service('web', {}), service('web', {})], 1, 'Service', 'shop/web', 'metadata.name'],
  ];
  it.each(cases)('%s', (_, items, index, kind, name, field) => {
    const e = importError(() => json(...items));
    expect({ item: e.item, kind: e.kind, name: e.name, field: e.field }).toEqual({ item: index, kind, name, field });
    expect(e.message).toBe(`item ${index} (${kind}${name ? ` ${name}` : ''}): ${field}: ${e.detail}`);
  });

  it('the same checks apply to YAML input', () => {
    const e = importError(() =>
      yaml(`${stringify(node('n1', '10.0.0.1'))}---\n${stringify(service('web', { ports: [{ port: 0x10000 }] }))}`),
    );
    expect([e.item, e.field, e.detail]).toEqual([
      1,
      'spec.ports[0].port',
      'must be a port number between 1 and 65535, got 65536',
    ]);
  });

  it('unknown fields inside supported objects are ignored', () => {
    const r = json(
      node('n1', '10.0.0.1', { spec: { externalID: 'x', loginSecret: {}, unknown: [1, 2] }, extra: { deep: true } }),
    );
    expect(r.nodes).toHaveLength(1);
    expect(r.warnings).toEqual([]);
  });
});
