import { describe, expect, it } from 'vitest';
import { KubeProxyRecord, parseKubectl, ParsedImport } from '../../src/modules/import/parse';
import { importError } from '../support/import-error';

/**
 * A KubeProxyConfiguration is kube-proxy's whole configuration: every modelled setting is stated,
 * with kube-proxy's own defaults (the sources are cited in src/modules/import/parse/kubeproxy.ts).
 */

type Body = Record<string, unknown>;
const kpc = (body: Body, version = 'v1alpha1'): ParsedImport =>
  parseKubectl(
    JSON.stringify({ apiVersion: `kubeproxy.config.k8s.io/${version}`, kind: 'KubeProxyConfiguration', ...body }),
    'application/json',
  );
const configMap = (conf: string): ParsedImport =>
  parseKubectl(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-proxy', namespace: 'kube-system' },
      data: { 'config.conf': conf },
    }),
    'application/json',
  );
const messages = (r: ParsedImport) => r.warnings.map((w) => w.message);

const NO_DETECTOR = (field: string) =>
  `${field} is empty, so detectLocalMode ClusterCIDR (the default) has nothing to detect with: kube-proxy runs without a local-traffic detector`;
const base: KubeProxyRecord = {
  proxyMode: 'IPTABLES',
  clusterCidrs: [],
  localDetector: 'NONE',
  masqueradeAll: false,
  localhostNodePorts: true,
  nodePortAddresses: [],
};
const v4 = '10.244.0.0/16';

describe("every setting is stated: what the document leaves empty, absent or null takes kube-proxy's default", () => {
  const cases: [string, string, Body, KubeProxyRecord, string[]][] = [
    ['v1alpha1, nothing set', 'v1alpha1', {}, { ...base }, [NO_DETECTOR('clusterCIDR')]],
    [
      'v1alpha1, everything empty or null',
      'v1alpha1',
      {
        mode: '',
        clusterCIDR: '',
        detectLocalMode: '',
        nodePortAddresses: null,
        iptables: { masqueradeAll: null, localhostNodePorts: null },
      },
      { ...base },
      [NO_DETECTOR('clusterCIDR')],
    ],
    [
      'v1alpha2, nothing set: localhostNodePorts defaults to false',
      'v1alpha2',
      {},
      { ...base, localhostNodePorts: false },
      [NO_DETECTOR('detectLocal.clusterCIDRs')],
    ],
    [
      'mode iptables with a clusterCIDR: the default detector ClusterCIDR',
      'v1alpha1',
      { mode: 'iptables', clusterCIDR: v4 },
      { ...base, clusterCidrs: [v4], localDetector: 'CLUSTER_CIDR' },
      [],
    ],
    [
      'mode ipvs: nodePortAddresses null = all node IPs',
      'v1alpha1',
      { mode: 'ipvs', clusterCIDR: v4, nodePortAddresses: null },
      { ...base, proxyMode: 'IPVS', clusterCidrs: [v4], localDetector: 'CLUSTER_CIDR' },
      [],
    ],
    [
      'mode nftables: nodePortAddresses null = ["primary"]',
      'v1alpha1',
      { mode: 'nftables', clusterCIDR: v4, nodePortAddresses: null },
      {
        ...base,
        proxyMode: 'NFTABLES',
        clusterCidrs: [v4],
        localDetector: 'CLUSTER_CIDR',
        nodePortAddresses: ['primary'],
      },
      [],
    ],
    [
      'mode nftables: nodePortAddresses [] = ["primary"] too',
      'v1alpha1',
      { mode: 'nftables', clusterCIDR: v4, nodePortAddresses: [] },
      {
        ...base,
        proxyMode: 'NFTABLES',
        clusterCidrs: [v4],
        localDetector: 'CLUSTER_CIDR',
        nodePortAddresses: ['primary'],
      },
      [],
    ],
    [
      'mode nftables: given nodePortAddresses are kept',
      'v1alpha1',
      { mode: 'nftables', clusterCIDR: v4, nodePortAddresses: ['192.168.0.0/16'] },
      {
        ...base,
        proxyMode: 'NFTABLES',
        clusterCidrs: [v4],
        localDetector: 'CLUSTER_CIDR',
        nodePortAddresses: ['192.168.0.0/16'],
      },
      [],
    ],
    [
      'nodePortAddresses keywords localhost and all are their CIDRs; primary stays',
      'v1alpha1',
      { clusterCIDR: v4, nodePortAddresses: ['localhost', 'all'] },
      {
        ...base,
        clusterCidrs: [v4],
        localDetector: 'CLUSTER_CIDR',
        nodePortAddresses: ['127.0.0.0/8', '::1/128', '0.0.0.0/0', '::/0'],
      },
      [],
    ],
    [
      'dual-stack clusterCIDR, comma-separated',
      'v1alpha1',
      { clusterCIDR: '10.244.0.0/16,fd00:10:244::/56' },
      { ...base, clusterCidrs: [v4, 'fd00:10:244::/56'], localDetector: 'CLUSTER_CIDR' },
      [],
    ],
    [
      'clusterCIDR entries are trimmed',
      'v1alpha1',
      { clusterCIDR: ' fd00:10:244::/56 , 10.244.0.0/16 ' },
      { ...base, clusterCidrs: ['fd00:10:244::/56', v4], localDetector: 'CLUSTER_CIDR' },
      [],
    ],
    [
      'detectLocalMode NodeCIDR needs no clusterCIDR',
      'v1alpha1',
      { detectLocalMode: 'NodeCIDR' },
      { ...base, localDetector: 'NODE_CIDR' },
      [],
    ],
    [
      'detectLocalMode BridgeInterface is read as NodeCIDR, with a warning',
      'v1alpha1',
      { detectLocalMode: 'BridgeInterface', detectLocal: { bridgeInterface: 'cbr0' } },
      { ...base, localDetector: 'NODE_CIDR' },
      [
        'detectLocalMode: "BridgeInterface" is not modelled; read as NodeCIDR (both detect traffic from this node\'s pods)',
      ],
    ],
    [
      'v1alpha1 iptables mode reads iptables.masqueradeAll (not nftables.)',
      'v1alpha1',
      { clusterCIDR: v4, iptables: { masqueradeAll: true }, nftables: { masqueradeAll: false } },
      { ...base, clusterCidrs: [v4], localDetector: 'CLUSTER_CIDR', masqueradeAll: true },
      [],
    ],
    [
      'v1alpha1 nftables mode reads nftables.masqueradeAll (not iptables.)',
      'v1alpha1',
      { mode: 'nftables', clusterCIDR: v4, iptables: { masqueradeAll: false }, nftables: { masqueradeAll: true } },
      {
        ...base,
        proxyMode: 'NFTABLES',
        clusterCidrs: [v4],
        localDetector: 'CLUSTER_CIDR',
        masqueradeAll: true,
        nodePortAddresses: ['primary'],
      },
      [],
    ],
    [
      'v1alpha1 every option given',
      'v1alpha1',
      {
        mode: 'ipvs',
        clusterCIDR: '10.244.0.0/16,fd00:10:244::/56',
        detectLocalMode: 'NodeCIDR',
        iptables: { masqueradeAll: true, localhostNodePorts: false },
        nodePortAddresses: ['192.168.0.0/16', 'primary'],
      },
      {
        proxyMode: 'IPVS',
        clusterCidrs: [v4, 'fd00:10:244::/56'],
        localDetector: 'NODE_CIDR',
        masqueradeAll: true,
        localhostNodePorts: false,
        nodePortAddresses: ['192.168.0.0/16', 'primary'],
      },
      [],
    ],
    [
      'v1alpha2: linux.masqueradeAll, detectLocal.clusterCIDRs, iptables.localhostNodePorts',
      'v1alpha2',
      {
        mode: 'nftables',
        linux: { masqueradeAll: true },
        detectLocal: { clusterCIDRs: [v4] },
        iptables: { localhostNodePorts: true },
      },
      {
        ...base,
        proxyMode: 'NFTABLES',
        clusterCidrs: [v4],
        localDetector: 'CLUSTER_CIDR',
        masqueradeAll: true,
        nodePortAddresses: ['primary'],
      },
      [],
    ],
  ];
  it.each(cases)('%s', (_, version, body, expected, warnings) => {
    const r = kpc(body, version);
    expect(r.kubeProxy).toEqual(expected);
    expect(messages(r)).toEqual(warnings);
  });

  it('a kubeadm ClusterConfiguration podSubnet fills an empty clusterCIDR, and with it the ClusterCIDR detector', () => {
    const r = parseKubectl(
      JSON.stringify([
        { apiVersion: 'kubeadm.k8s.io/v1beta3', kind: 'ClusterConfiguration', networking: { podSubnet: v4 } },
        { apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', kind: 'KubeProxyConfiguration', mode: 'ipvs' },
      ]),
      'application/json',
    );
    expect(r.kubeProxy).toEqual({ ...base, proxyMode: 'IPVS', clusterCidrs: [v4], localDetector: 'CLUSTER_CIDR' });
    expect(messages(r)).not.toContain(NO_DETECTOR('clusterCIDR'));
  });
});

describe("each key outside the version's schema is a warning naming it", () => {
  const unknown = (field: string, name = field, extra = '') =>
    `${field}: unknown KubeProxyConfiguration field "${name}" (ignored${extra})`;
  const cases: [string, string, Body, string[]][] = [
    ['a top-level key', 'v1alpha1', { clusterCIDR: v4, foo: 1 }, [unknown('foo')]],
    [
      'keys inside the structs that are read',
      'v1alpha1',
      { clusterCIDR: v4, iptables: { masqueradeAll: false, bar: true }, ipvs: { strictARP: true, baz: 1 } },
      [unknown('iptables.bar'), unknown('ipvs.baz')],
    ],
    [
      'inside nftables and detectLocal',
      'v1alpha1',
      { clusterCIDR: v4, nftables: { tableName: 'kp', x: 1 }, detectLocal: { clusterCIDRs: [v4] } },
      [
        unknown('nftables.x'),
        unknown('detectLocal.clusterCIDRs', 'detectLocal.clusterCIDRs', '; it is a v1alpha2 field, not a v1alpha1 one'),
      ],
    ],
    [
      'a v1alpha1 key in a v1alpha2 document is ignored by kube-proxy: said so',
      'v1alpha2',
      { clusterCIDR: v4, detectLocal: { clusterCIDRs: [v4] } },
      [unknown('clusterCIDR', 'clusterCIDR', '; it is a v1alpha1 field, not a v1alpha2 one')],
    ],
    [
      'a v1alpha2 struct in a v1alpha1 document (not read, so masqueradeAll stays false)',
      'v1alpha1',
      { clusterCIDR: v4, linux: { masqueradeAll: true } },
      [unknown('linux', 'linux', '; it is a v1alpha2 field, not a v1alpha1 one')],
    ],
    [
      'inside linux (v1alpha2)',
      'v1alpha2',
      { detectLocal: { clusterCIDRs: [v4] }, linux: { masqueradeAll: true, conntrack: {}, qux: 1 } },
      [unknown('linux.qux')],
    ],
    [
      'fields kube-proxy dropped long ago, still in old kubeadm ConfigMaps, are known',
      'v1alpha1',
      { clusterCIDR: v4, udpIdleTimeout: '250ms', resourceContainer: '/kube-proxy', windowsRunAsService: false },
      [],
    ],
    [
      'the structs that are not read are not searched',
      'v1alpha1',
      { clusterCIDR: v4, conntrack: { max: 0 }, winkernel: { anything: 1 } },
      [],
    ],
  ];
  it.each(cases)('%s', (_, version, body, warnings) => {
    expect(messages(kpc(body, version))).toEqual(warnings);
  });

  it('names the item, and the path inside a ConfigMap', () => {
    const list = parseKubectl(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } },
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b' } },
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'c' } },
          { apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', kind: 'KubeProxyConfiguration', clusterCIDR: v4, foo: 'x' },
        ],
      }),
      'application/json',
    );
    expect(list.warnings).toEqual([{ index: 3, kind: 'KubeProxyConfiguration', name: null, message: unknown('foo') }]);
    const cm = configMap(
      `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: ${v4}\niptables: {foo: 1}\n`,
    );
    expect(cm.warnings).toEqual([
      {
        index: 0,
        kind: 'ConfigMap',
        name: 'kube-system/kube-proxy',
        message: 'data["config.conf"].iptables.foo: unknown KubeProxyConfiguration field "iptables.foo" (ignored)',
      },
    ]);
  });
});

describe('configurations that cannot be modelled or are invalid', () => {
  const skipped: [string, Body, string][] = [
    [
      'kernelspace (Windows)',
      { mode: 'kernelspace' },
      'proxy mode "kernelspace" is not modelled (only iptables, ipvs and nftables): the configuration is not imported',
    ],
    [
      'userspace (removed in v1.26)',
      { mode: 'userspace' },
      'proxy mode "userspace" is not modelled (only iptables, ipvs and nftables): the configuration is not imported',
    ],
  ];
  it.each(skipped)('mode %s: skipped, not half-imported', (_, body, reason) => {
    const r = kpc(body);
    expect(r.kubeProxy).toBeNull();
    expect(r.skipped).toEqual([
      { index: 0, kind: 'KubeProxyConfiguration', apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', name: null, reason },
    ]);
  });

  const invalid: [string, () => unknown, unknown[]][] = [
    ['an unknown mode', () => kpc({ mode: 'ebpf' }), [0, 'KubeProxyConfiguration', null, 'mode']],
    [
      'an unknown detectLocalMode',
      () => kpc({ detectLocalMode: 'Magic' }),
      [0, 'KubeProxyConfiguration', null, 'detectLocalMode'],
    ],
    [
      'a struct that is not an object',
      () => kpc({ iptables: 'fast' }),
      [0, 'KubeProxyConfiguration', null, 'iptables'],
    ],
    [
      'a bad CIDR inside the ConfigMap',
      () =>
        configMap(
          'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/33\n',
        ),
      [0, 'ConfigMap', 'kube-system/kube-proxy', 'data["config.conf"].clusterCIDR'],
    ],
  ];
  it.each(invalid)('%s is an ImportError naming the field', (_, fn, where) => {
    const e = importError(fn);
    expect([e.item, e.kind, e.name, e.field]).toEqual(where);
  });

  it('the ConfigMap is read through data["config.conf"]', () => {
    expect(
      configMap(
        `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nclusterCIDR: ${v4}\n`,
      ).kubeProxy,
    ).toEqual({ ...base, proxyMode: 'IPVS', clusterCidrs: [v4], localDetector: 'CLUSTER_CIDR' });
    expect(
      configMap('apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: kernelspace\n')
        .skipped[0].reason,
    ).toBe(
      'kube-system/kube-proxy ConfigMap: proxy mode "kernelspace" is not modelled (only iptables, ipvs and nftables): the configuration is not imported',
    );
  });
});
