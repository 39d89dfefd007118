import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itemField } from '../../src/modules/import/import-errors';
import { ImportError, parseKubectl, ParsedImport } from '../../src/modules/import/parse';

/**
 * Support bundles replace secrets, and often every IPv4 address, with a marker (replicatedhq/
 * troubleshoot: `***HIDDEN***`). A redacted value is unknown: the object is imported without it,
 * the record lists the field in `unknown`, and a warning names the document's field.
 */

const H = '***HIDDEN***';
const list = (...items: unknown[]): ParsedImport =>
  parseKubectl(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }), 'application/json');
const redacted = (field: string, marker = H) => `${field}: redacted (${JSON.stringify(marker)}): unknown`;
const messages = (r: ParsedImport) => r.warnings.map((w) => w.message);
const NO_SERVICE = 'no Service shop/web (label kubernetes.io/service-name) in the document';

const node = (
  extra: Record<string, unknown> = {},
  addresses: unknown[] = [{ type: 'InternalIP', address: '10.0.0.11' }],
) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'worker-1' },
  spec: { podCIDR: '10.244.1.0/24' },
  status: { addresses },
  ...extra,
});
const pod = (status: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c' }] },
  status: { phase: 'Running', ...status },
  ...extra,
});
const service = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { clusterIP: '10.96.0.20', ports: [{ port: 80, nodePort: 30080 }], type: 'LoadBalancer', ...spec },
  ...extra,
});
const slice = (endpoints: unknown[], labels: Record<string, string> = { 'kubernetes.io/service-name': 'web' }) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  addressType: 'IPv4',
  metadata: { name: 'web-x', namespace: 'shop', labels },
  ports: [{ name: 'http', port: 8080 }],
  endpoints,
});

describe('a redacted field is unknown: the object is imported without the value', () => {
  // [case, object, what the record holds (a subset), its `unknown`, the warnings (exact)]
  const cases: [string, unknown, Record<string, unknown>, string[] | undefined, string[]][] = [
    ['Pod status.podIP', pod({ podIP: H }), { ips: [] }, ['ips'], [redacted('status.podIP')]],
    [
      'Pod status.podIPs: the IPv6 one is kept',
      pod({ podIP: H, podIPs: [{ ip: H }, { ip: 'fd00:10:244:1::5' }] }),
      { ips: ['fd00:10:244:1::5'] },
      ['ips'],
      [redacted('status.podIPs[0].ip')],
    ],
    [
      'Pod spec.nodeName (a CCE node is named by its IP)',
      pod({ podIP: '10.244.1.5' }, { spec: { nodeName: H, containers: [] } }),
      { nodeName: null, ips: ['10.244.1.5'] },
      ['nodeName'],
      [redacted('spec.nodeName')],
    ],
    [
      'Pod label value: the label is left out',
      pod(
        { podIP: '10.244.1.5' },
        { metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web', 'node-ip': H } } },
      ),
      { labels: { app: 'web' } },
      ['labels'],
      [redacted('metadata.labels["node-ip"]')],
    ],
    [
      'Pod label value REDACTED is a valid label value: kept as it is',
      pod({ podIP: '10.244.1.5' }, { metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'REDACTED' } } }),
      { labels: { app: 'REDACTED' } },
      undefined,
      [],
    ],
    [
      'Node InternalIP (no "no InternalIP" warning: it has one, unknown)',
      node({}, [
        { type: 'InternalIP', address: H },
        { type: 'Hostname', address: 'worker-1' },
      ]),
      { internalIps: [] },
      ['internalIps'],
      [redacted('status.addresses[0].address')],
    ],
    [
      'Node InternalIPs: the IPv6 one is kept',
      node({}, [
        { type: 'InternalIP', address: H },
        { type: 'InternalIP', address: 'fd00::11' },
      ]),
      { internalIps: ['fd00::11'] },
      ['internalIps'],
      [redacted('status.addresses[0].address')],
    ],
    [
      'Node ExternalIP',
      node({}, [
        { type: 'InternalIP', address: '10.0.0.11' },
        { type: 'ExternalIP', address: H },
      ]),
      { internalIps: ['10.0.0.11'], externalIp: null },
      ['externalIp'],
      [redacted('status.addresses[1].address')],
    ],
    [
      'Node podCIDR (the CIDR keeps its /24)',
      node({ spec: { podCIDR: `${H}/24` } }),
      { podCidrs: [] },
      ['podCidrs'],
      [redacted('spec.podCIDR', `${H}/24`)],
    ],
    [
      'Node podCIDRs: the IPv6 one is kept, several fields unknown',
      node({ spec: { podCIDRs: [`${H}/24`, 'fd00:10:244:1::/64'] } }, [{ type: 'InternalIP', address: H }]),
      { podCidrs: ['fd00:10:244:1::/64'] },
      ['internalIps', 'podCidrs'],
      [redacted('status.addresses[0].address'), redacted('spec.podCIDRs[0]', `${H}/24`)],
    ],
    [
      'Service clusterIP and clusterIPs (no "not allocated" warning)',
      service({ clusterIP: H, clusterIPs: [H], type: 'ClusterIP', ports: [{ port: 80 }] }),
      { clusterIps: [], headless: false },
      ['clusterIps'],
      [redacted('spec.clusterIPs[0]')],
    ],
    [
      'Service clusterIPs: the IPv6 one is kept',
      service({ clusterIP: H, clusterIPs: [H, 'fd00:10:96::20'], type: 'ClusterIP', ports: [{ port: 80 }] }),
      { clusterIps: ['fd00:10:96::20'] },
      ['clusterIps'],
      [redacted('spec.clusterIPs[0]')],
    ],
    [
      'Service externalIPs: the real one is kept',
      service({ externalIPs: [H, '198.51.100.9'] }),
      { externalIps: ['198.51.100.9'] },
      ['externalIps'],
      [redacted('spec.externalIPs[0]')],
    ],
    [
      'LoadBalancer ingress IP: spec.loadBalancerIP is not taken for it',
      service({ loadBalancerIP: '192.0.2.99' }, { status: { loadBalancer: { ingress: [{ ip: H }] } } }),
      { loadBalancerIngress: [] },
      ['loadBalancerIngress'],
      [redacted('status.loadBalancer.ingress[0].ip')],
    ],
    [
      'LoadBalancer ingress: the real one is kept',
      service({}, { status: { loadBalancer: { ingress: [{ ip: H }, { ip: '192.0.2.10' }] } } }),
      { loadBalancerIngress: [{ ip: '192.0.2.10', ipMode: 'VIP' }] },
      ['loadBalancerIngress'],
      [redacted('status.loadBalancer.ingress[0].ip')],
    ],
    [
      'spec.loadBalancerIP alone',
      service({ loadBalancerIP: H }),
      { loadBalancerIngress: [] },
      ['loadBalancerIngress'],
      [redacted('spec.loadBalancerIP')],
    ],
    [
      'an ingress IP of a ClusterIP Service is not read at all: not unknown',
      service({ type: 'ClusterIP', ports: [{ port: 80 }] }, { status: { loadBalancer: { ingress: [{ ip: H }] } } }),
      { loadBalancerIngress: [] },
      undefined,
      [],
    ],
    [
      'loadBalancerSourceRanges: the real one is kept',
      service({ loadBalancerSourceRanges: [`${H}/24`, '203.0.113.0/24'] }),
      { loadBalancerSourceRanges: ['203.0.113.0/24'] },
      ['loadBalancerSourceRanges'],
      [redacted('spec.loadBalancerSourceRanges[0]', `${H}/24`)],
    ],
    // The annotation stays an annotation (the cloud load balancer's allowlist): kept as it is, marker and all;
    // an analysis takes a client outside its real entries as UNKNOWN anyway.
    [
      'the cloud source-range annotation',
      service(
        {},
        {
          metadata: {
            name: 'web',
            namespace: 'shop',
            annotations: { 'service.beta.kubernetes.io/load-balancer-source-ranges': `${H}/24, 203.0.113.0/24` },
          },
        },
      ),
      {
        loadBalancerSourceRanges: [],
        annotations: { 'service.beta.kubernetes.io/load-balancer-source-ranges': `${H}/24, 203.0.113.0/24` },
      },
      undefined,
      [
        "annotation service.beta.kubernetes.io/load-balancer-source-ranges kept as the cloud load balancer's allowlist: kube-proxy does not read it (only spec.loadBalancerSourceRanges)",
      ],
    ],
    [
      'a selector value: no selector is used (a partial one would select too much)',
      service({ type: 'ClusterIP', ports: [{ port: 80 }], selector: { app: 'web', 'node-ip': H } }),
      { selector: null },
      ['selector'],
      [
        redacted('spec.selector["node-ip"]'),
        'no endpoint data in the document (no EndpointSlices, Endpoints, and the selector is redacted)',
      ],
    ],
    [
      'an EndpointSlice address: that endpoint is left out, the others kept',
      slice([
        { addresses: [H], conditions: { ready: true } },
        { addresses: ['10.244.2.7'], conditions: { ready: true }, nodeName: 'worker-2' },
      ]),
      {
        endpoints: [
          {
            addresses: ['10.244.2.7'],
            nodeName: 'worker-2',
            ready: true,
            serving: null,
            terminating: null,
            podName: null,
            zone: null,
            hints: null,
          },
        ],
      },
      ['endpoints'],
      [
        redacted('endpoints[0].addresses[0]'),
        'endpoints[0]: every address is redacted: the endpoint is left out',
        NO_SERVICE,
      ],
    ],
    [
      "an EndpointSlice endpoint's nodeName and pod name",
      slice([{ addresses: ['10.244.2.7'], nodeName: H, targetRef: { kind: 'Pod', name: H } }]),
      {
        endpoints: [
          {
            addresses: ['10.244.2.7'],
            nodeName: null,
            ready: null,
            serving: null,
            terminating: null,
            podName: null,
            zone: null,
            hints: null,
          },
        ],
      },
      ['endpoints'],
      [redacted('endpoints[0].nodeName'), redacted('endpoints[0].targetRef.name'), NO_SERVICE],
    ],
  ];
  it.each(cases)('%s', (_, object, holds, unknown, warnings) => {
    const r = list(object);
    const rec = [...r.nodes, ...r.pods, ...r.services, ...r.endpointSlices][0] as unknown as Record<string, unknown>;
    expect(rec).toMatchObject(holds);
    expect(rec.unknown).toEqual(unknown);
    expect('unknown' in rec).toBe(unknown !== undefined); // absent, not [], when nothing is unknown
    expect(messages(r).filter((m) => !m.startsWith('no endpoint data') || m.includes('redacted'))).toEqual(warnings);
  });

  it('the warning names the item and field as the API reports it: items[4].status.podIP', () => {
    const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const r = list(ns('a'), ns('b'), ns('c'), ns('d'), pod({ podIP: H }));
    expect(r.warnings).toEqual([{ index: 4, kind: 'Pod', name: 'shop/web-1', message: redacted('status.podIP') }]);
    const [field, ...rest] = r.warnings[0].message.split(': ');
    expect(`${itemField(r.warnings[0].index, field)}: ${rest.join(': ')}`).toBe(
      'items[4].status.podIP: redacted ("***HIDDEN***"): unknown',
    );
  });

  it('a pod whose nodeName is redacted is not reported as naming a missing node', () => {
    const r = list(node(), pod({ podIP: '10.244.1.5' }, { spec: { nodeName: H, containers: [] } }));
    expect(messages(r)).toEqual([redacted('spec.nodeName')]);
  });

  it('legacy Endpoints: a redacted address is left out, and the slices made from them say endpoints are unknown', () => {
    const r = list(service({ type: 'ClusterIP', ports: [{ port: 80 }], selector: { app: 'x' } }), {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'shop' },
      subsets: [{ addresses: [{ ip: H }, { ip: '10.244.1.5', nodeName: H }], ports: [{ port: 8080 }] }],
    });
    expect(r.endpointSlices).toEqual([
      {
        namespace: 'shop',
        name: 'web-legacy-0',
        serviceName: 'web',
        addressType: 'IPv4',
        ports: [{ name: null, port: 8080, protocol: 'TCP' }],
        endpoints: [
          {
            addresses: ['10.244.1.5'],
            nodeName: null,
            ready: true,
            serving: null,
            terminating: null,
            podName: null,
            zone: null,
            hints: null,
          },
        ],
        unknown: ['endpoints'],
      },
    ]);
  });
});

describe('an object whose identity is redacted cannot be imported: skipped with a reason', () => {
  const cases: [string, unknown, string][] = [
    [
      'a Node named by its (redacted) IP',
      { ...node(), metadata: { name: H } },
      `metadata.name is redacted ("${H}"): an object cannot be imported without its name`,
    ],
    [
      "a Pod's name",
      pod({}, { metadata: { name: '<redacted>', namespace: 'shop' } }),
      'metadata.name is redacted ("<redacted>"): an object cannot be imported without its name',
    ],
    [
      "a Service's namespace",
      service({}, { metadata: { name: 'web', namespace: H } }),
      `metadata.namespace is redacted ("${H}"): an object cannot be imported without its namespace`,
    ],
    [
      "an EndpointSlice's Service label",
      slice([], { 'kubernetes.io/service-name': H }),
      `the label kubernetes.io/service-name is redacted ("${H}"): the slice's Service is unknown`,
    ],
  ];
  it.each(cases)('%s', (_, object, reason) => {
    const r = list(object, { ...node(), metadata: { name: 'worker-2' } });
    expect(r.skipped.map((s) => [s.index, s.reason])).toEqual([[0, reason]]);
    expect(r.nodes.map((n) => n.name)).toEqual(['worker-2']);
  });

  it('two Nodes both named ***HIDDEN*** are two skips, not a duplicate', () => {
    const r = list({ ...node(), metadata: { name: H } }, { ...node(), metadata: { name: H } });
    expect(r.skipped.map((s) => s.index)).toEqual([0, 1]);
  });
});

describe('redaction markers', () => {
  const markers: [string, string][] = [
    ['troubleshoot MASK_TEXT', '***HIDDEN***'],
    ['***REDACTED***', '***REDACTED***'],
    ['<redacted>', '<redacted>'],
    ['REDACTED', 'REDACTED'],
    ['troubleshoot tokenizer', '***TOKEN_IPV4_0A1B2C3D4E5F***'],
  ];
  it.each(markers)('%s is read as redacted', (_, marker) => {
    const r = list(pod({ podIP: marker }));
    expect(r.pods[0]).toMatchObject({ ips: [], unknown: ['ips'] });
    expect(messages(r)).toEqual([redacted('status.podIP', marker)]);
  });

  const notMarkers: [string, string][] = [
    ['lower case', '***hidden***'],
    ['a bare word', 'HIDDEN'],
    ['with text around', 'ip ***HIDDEN***'],
  ];
  it.each(notMarkers)('%s is no marker: an invalid address is still an error', (_, value) => {
    expect(() => list(pod({ podIP: value }))).toThrow(ImportError);
  });
});

describe('kube-proxy configuration', () => {
  it('a redacted clusterCIDR: clusterCidrs unknown (not empty), so the ClusterCIDR detector stands', () => {
    const r = parseKubectl(
      JSON.stringify({
        apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
        kind: 'KubeProxyConfiguration',
        clusterCIDR: `${H}/16`,
      }),
      'application/json',
    );
    expect(r.kubeProxy).toEqual({
      proxyMode: 'IPTABLES',
      clusterCidrs: [],
      localDetector: 'CLUSTER_CIDR',
      masqueradeAll: false,
      localhostNodePorts: true,
      nodePortAddresses: [],
      unknown: ['clusterCidrs'],
    });
    expect(messages(r)).toEqual([redacted('clusterCIDR', `${H}/16`)]);
  });

  it('redacted nodePortAddresses: the real ones are kept', () => {
    const r = parseKubectl(
      JSON.stringify({
        apiVersion: 'kubeproxy.config.k8s.io/v1alpha2',
        kind: 'KubeProxyConfiguration',
        mode: 'nftables',
        detectLocal: { clusterCIDRs: ['fd00:10:244::/56', `${H}/16`] },
        nodePortAddresses: [`${H}/24`, 'fd00::/64'],
      }),
      'application/json',
    );
    expect(r.kubeProxy).toEqual({
      proxyMode: 'NFTABLES',
      clusterCidrs: ['fd00:10:244::/56'],
      localDetector: 'CLUSTER_CIDR',
      masqueradeAll: false,
      localhostNodePorts: false,
      nodePortAddresses: ['fd00::/64'],
      unknown: ['clusterCidrs', 'nodePortAddresses'],
    });
  });
});

describe("a realistic dump with every IPv4 address masked, as troubleshoot's first default redactor did", () => {
  // pkg/redact/redact.go (v1beta1): (?P<mask>\b(?P<drop>25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.…\b) → ***HIDDEN***
  const octet = '(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)';
  const ipv4 = new RegExp(`\\b${octet}\\.${octet}\\.${octet}\\.${octet}\\b`, 'g');
  const text = readFileSync(join(__dirname, 'fixtures', 'realistic-list.json'), 'utf8').replace(ipv4, H);
  const r = parseKubectl(text, 'application/json');
  const original = parseKubectl(
    readFileSync(join(__dirname, 'fixtures', 'realistic-list.json'), 'utf8'),
    'application/json',
  );

  it('imports every object, with the same names', () => {
    expect(r.nodes.map((n) => n.name)).toEqual(original.nodes.map((n) => n.name));
    expect(r.pods.map((p) => p.name)).toEqual(original.pods.map((p) => p.name));
    expect(r.services.map((s) => s.name)).toEqual(original.services.map((s) => s.name));
    expect(r.endpointSlices.map((s) => s.name)).toEqual(original.endpointSlices.map((s) => s.name));
    expect(r.skipped).toEqual([]);
  });

  it('knows no IPv4 address, and says which fields are unknown', () => {
    expect(r.nodes.map((n) => [n.name, n.internalIps, n.externalIp, n.podCidrs, n.unknown])).toEqual([
      ['cp-1', [], null, [], ['internalIps', 'podCidrs']],
      ['worker-1', [], null, [], ['externalIp', 'internalIps', 'podCidrs']],
      ['worker-2', [], null, [], ['externalIp', 'internalIps', 'podCidrs']],
    ]);
    expect(r.pods.every((p) => p.ips.length === 0 && p.unknown?.includes('ips'))).toBe(true);
    expect(r.services.map((s) => [s.name, s.clusterIps, s.unknown])).toEqual(
      original.services.map((s) => [
        s.name,
        [],
        ['clusterIps', ...(s.loadBalancerIngress.length ? ['loadBalancerIngress', 'loadBalancerSourceRanges'] : [])],
      ]),
    );
    expect(r.endpointSlices.map((s) => [s.name, s.endpoints, s.unknown])).toEqual(
      original.endpointSlices.map((s) => [s.name, [], ['endpoints']]),
    );
    expect(r.warnings.every((w) => w.message.includes('redacted'))).toBe(true);
  });

  it('the records are the original ones with the redacted fields emptied', () => {
    const strip = (rec: object) =>
      Object.fromEntries(
        Object.entries(rec).filter(([k]) => k !== 'unknown' && !(rec as { unknown?: string[] }).unknown?.includes(k)),
      );
    expect(r.pods.map(strip)).toEqual(original.pods.map((p, i) => strip({ ...p, unknown: r.pods[i].unknown })));
    expect(r.services.map(strip)).toEqual(
      original.services.map((s, i) => strip({ ...s, unknown: r.services[i].unknown })),
    );
  });
});
