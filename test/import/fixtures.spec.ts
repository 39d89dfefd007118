import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKubectl, ParsedImport } from '../../src/modules/import/parse';

/** One test per file in test/fixtures/kubectl, each checking what its README entry says an importer does. */

const DIR = join(__dirname, '..', 'fixtures', 'kubectl');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

const tested = new Set<string>();

function load(name: string): ParsedImport {
  tested.add(name);
  const text = readFileSync(join(DIR, name), 'utf8');
  return parseKubectl(text, name.endsWith('.json') ? 'application/json' : 'application/yaml');
}

const messages = (r: ParsedImport) => r.warnings.map((w) => w.message);
const counts = (r: ParsedImport) => ({
  nodes: r.nodes.length,
  pods: r.pods.length,
  services: r.services.length,
  endpointSlices: r.endpointSlices.length,
  skipped: r.skipped.length,
});

describe('A. single objects and small dumps', () => {
  it('A1 citrix LB Service: Local policy, externalIP, named targetPort, no endpoint data', () => {
    const r = load('citrix-docs-svc-apache-LB-Local-externalIPs-k8s2019.yaml');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 1, endpointSlices: 0, skipped: 0 });
    expect(r.services[0]).toEqual({
      namespace: 'default',
      name: 'apache',
      type: 'LoadBalancer',
      selector: { app: 'apache' },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 30014 }],
      clusterIps: ['10.103.129.16'],
      headless: false,
      externalIps: ['10.217.212.16'],
      loadBalancerIngress: [],
      loadBalancerSourceRanges: [],
      loadBalancerHostnames: [],
      externalTrafficPolicy: 'Local',
      internalTrafficPolicy: 'Cluster',
      healthCheckNodePort: 31621,
      publishNotReadyAddresses: false,
      labels: { name: 'apache' },
      sessionAffinity: 'None',
      sessionAffinityTimeoutSeconds: null,
      trafficDistribution: null,
      annotations: { NETSCALER_VPORT: '80', 'service.citrix.com/frontend-ip': '10.217.212.16' },
    });
    // The named targetPort stays a name (never guessed as 80), and the report says there is no endpoint data.
    expect(messages(r)).toEqual([
      'no endpoint data in the document (no EndpointSlices, Endpoints or Pods matching the selector); the named targetPort "http" cannot be resolved',
    ]);
  });

  it('A2 citrix input manifest: duplicate selector key → last value with a warning; trailing empty document ignored', () => {
    const r = load('citrix-docs-svc-apache-INPUT-MANIFEST-duplicate-selector-key.yaml');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 1, endpointSlices: 0, skipped: 0 });
    const s = r.services[0];
    expect(s.selector).toEqual({ app: 'apache' }); // as the API server kept it (A1)
    expect(s.annotations).toEqual({ 'service.citrix.com/frontend-ip': '110.217.212.16' });
    expect(s).toMatchObject({
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      clusterIps: [],
      healthCheckNodePort: null,
    });
    expect(s.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: null }]);
    expect(r.warnings[0]).toEqual({
      index: 0,
      kind: 'Service',
      name: 'default/apache',
      message: 'duplicate key "selector" in spec: the last value was kept, as the Kubernetes API server does',
    });
    expect(messages(r)).toContain('no clusterIP: not forwardable until allocated');
  });

  it('A4 k9s minikube Node: InternalIP, no podCIDR is fine', () => {
    const r = load('k9s-render-testdata-node-minikube-v1.15.json');
    expect(counts(r)).toEqual({ nodes: 1, pods: 0, services: 0, endpointSlices: 0, skipped: 0 });
    expect(r.nodes[0]).toMatchObject({
      name: 'minikube',
      internalIps: ['192.168.64.107'],
      externalIp: null,
      podCidrs: [],
    });
    expect(r.nodes[0].labels['node-role.kubernetes.io/master']).toBe('');
    expect(r.warnings).toEqual([]);
  });

  it('A5 kubectl-neat pod1-raw: podIP only (pre-1.16), container port', () => {
    const r = load('kubectl-neat-fixtures/pod1-raw.yaml');
    expect(counts(r)).toEqual({ nodes: 0, pods: 1, services: 0, endpointSlices: 0, skipped: 0 });
    expect(r.pods[0]).toEqual({
      namespace: 'default',
      name: 'myapp',
      labels: { name: 'myapp' },
      nodeName: 'minikube',
      ips: ['172.17.0.2'],
      hostNetwork: false,
      phase: 'Running',
      ready: true,
      terminating: false,
      containerPorts: [{ name: null, containerPort: 1234, protocol: 'TCP' }],
    });
    expect(r.warnings).toEqual([]);
  });

  it('A5 kubectl-neat service1-raw: headless Service (no virtual IP)', () => {
    const r = load('kubectl-neat-fixtures/service1-raw.yaml');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 1, endpointSlices: 0, skipped: 0 });
    expect(r.services[0]).toMatchObject({
      name: 'myappservice',
      type: 'ClusterIP',
      headless: true,
      clusterIps: ['None'],
      ports: [{ name: null, protocol: 'TCP', port: 2222, targetPort: 2222, nodePort: null }],
    });
    expect(r.warnings).toEqual([]); // headless: no "no clusterIP" and no "no endpoint data" warning
  });

  it('A5 kubectl-neat list1-raw: YAML List unwrapped into 2 Pods', () => {
    const r = load('kubectl-neat-fixtures/list1-raw.yaml');
    expect(counts(r)).toEqual({ nodes: 0, pods: 2, services: 0, endpointSlices: 0, skipped: 0 });
    expect(r.pods.map((p) => [p.name, p.nodeName, p.ips, p.ready])).toEqual([
      ['t1', '116-control-plane', ['10.244.0.5'], true],
      ['t2', '116-control-plane', ['10.244.0.7'], true],
    ]);
    expect(r.warnings).toEqual([]);
  });
});

describe('B. Huawei Cloud / OTC CCE', () => {
  it('B1 ELB Service: elb annotations opaque, loadBalancerIP unconfirmed, clusterIP/nodePort unknown (not zero)', () => {
    const r = load('otc-cce-docs/otc-cce-service-elb-existing-lb-externalTrafficPolicy-Local.yaml');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 1, endpointSlices: 0, skipped: 0 });
    const s = r.services[0];
    expect(s).toMatchObject({
      namespace: 'default',
      name: 'nginx',
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      selector: { app: 'nginx' },
      clusterIps: [],
      headless: false,
      healthCheckNodePort: null,
      loadBalancerIngress: [{ ip: '10.78.42.242', ipMode: 'VIP' }],
      ports: [{ name: 'service0', protocol: 'TCP', port: 80, targetPort: 80, nodePort: null }],
    });
    expect(s.annotations).toEqual({
      'kubernetes.io/elb.class': 'union',
      'kubernetes.io/session-affinity-mode': 'SOURCE_IP',
      'kubernetes.io/elb.id': '3c7caa5a-a641-4bff-801a-feace27424b6',
      'kubernetes.io/elb.subnet-id': '5083f225-9bf8-48fa-9c8b-67bd9693c4c0',
    });
    expect(messages(r)).toEqual(
      expect.arrayContaining([
        'load-balancer IP 10.78.42.242 comes only from spec.loadBalancerIP (no status.loadBalancer.ingress): unconfirmed',
        'no clusterIP: not forwardable until allocated',
        'spec.ports[0].nodePort is not set: not allocated yet, so the NodePort is unknown',
      ]),
    );
  });

  it('B2 CCE v1.13 Node: vendor fields ignored, namespace ignored, DataIP not an address type', () => {
    const r = load('otc-cce-docs/otc-cce-node-v1.13-vendor-fields.json');
    expect(counts(r)).toEqual({ nodes: 1, pods: 0, services: 0, endpointSlices: 0, skipped: 0 });
    expect(r.nodes[0]).toMatchObject({
      name: '192.168.0.197',
      internalIps: ['192.168.0.197'],
      externalIp: null,
      podCidrs: [],
    });
    expect(r.nodes[0].labels['os.name']).toBe('EulerOS_2.0_SP5');
    expect(messages(r)).toEqual([
      'metadata.namespace "default" ignored: a Node is cluster-scoped',
      'status.addresses[2]: address type "DataIP" is not a standard Kubernetes address type (InternalIP, ExternalIP, Hostname, InternalDNS, ExternalDNS); ignored',
    ]);
  });

  it('B3 CCE v3 node list: not a Kubernetes object, skipped, never imported as a Node', () => {
    const r = load('otc-cce-docs/otc-cce-v3-nodelist-NOT-a-k8s-object.json');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 0, endpointSlices: 0, skipped: 1 });
    expect(r.skipped).toEqual([
      { index: 0, kind: 'Node', apiVersion: 'v3', name: 'myhost', reason: 'unsupported apiVersion v3' },
    ]);
  });

  it('B4 CCE legacy Endpoints with no Service: ignored with a warning', () => {
    const r = load('otc-cce-docs/otc-cce-endpoints-v1-example.json');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 0, endpointSlices: 0, skipped: 1 });
    expect(r.skipped[0]).toMatchObject({ index: 0, kind: 'Endpoints', apiVersion: 'v1', name: 'default/cluster-test' });
    expect(r.warnings).toEqual([
      {
        index: 0,
        kind: 'Endpoints',
        name: 'default/cluster-test',
        message:
          'legacy Endpoints default/cluster-test ignored: no Service default/cluster-test in the document (e.g. a leader-election lock)',
      },
    ]);
  });
});

describe('C. kube-proxy configuration', () => {
  it('C1 kubeadm kube-proxy ConfigMap: config.conf unwrapped, mode nftables, nulls mean defaults', () => {
    const r = load('kubeproxy-configmap-nftables-kubeadm-v1.31.yaml');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 0, endpointSlices: 0, skipped: 0 });
    // The whole configuration, nulls as kube-proxy defaults them: localhostNodePorts true (v1alpha1), and
    // nodePortAddresses "primary" in nftables mode (the README's oracle: nodeport-ips = {10.128.0.25}, the node's IP).
    expect(r.kubeProxy).toEqual({
      proxyMode: 'NFTABLES',
      clusterCidrs: ['10.244.0.0/16'],
      localDetector: 'CLUSTER_CIDR',
      masqueradeAll: false,
      localhostNodePorts: true,
      nodePortAddresses: ['primary'],
    });
    expect(r.warnings).toEqual([]);
  });

  it('C2 kubeadm ClusterConfiguration + KubeProxyConfiguration: mode ipvs, ClusterConfiguration skipped (its podSubnet a hint)', () => {
    const r = load('kubeadm-multidoc-clusterconfig-v1beta2-kubeproxy-ipvs.yaml');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 0, endpointSlices: 0, skipped: 1 });
    expect(r.skipped).toEqual([
      {
        index: 0,
        kind: 'ClusterConfiguration',
        apiVersion: 'kubeadm.k8s.io/v1beta2',
        name: null,
        reason: 'unsupported kind ClusterConfiguration (kubeadm.k8s.io/v1beta2)',
      },
    ]);
    // The KubeProxyConfiguration has no clusterCIDR; kubeadm fills it from podSubnet, and so do we, saying so.
    expect(r.kubeProxy).toEqual({
      proxyMode: 'IPVS',
      clusterCidrs: ['192.168.180.0/24'],
      localDetector: 'CLUSTER_CIDR',
      masqueradeAll: false,
      localhostNodePorts: true,
      nodePortAddresses: [],
    });
    expect(messages(r)).toEqual([
      "networking.podSubnet 192.168.180.0/24 used as kube-proxy's clusterCIDR, which the KubeProxyConfiguration leaves empty (kubeadm fills it the same way)",
      "networking.serviceSubnet 192.168.185.0/24 is the cluster's Service CIDR (a hint; not imported)",
    ]);
  });

  it('C3 kubeadm 4 documents: 3 kubeadm/kubelet kinds skipped, mode ipvs, strictARP True is a boolean', () => {
    const r = load('kubeadm-config-v1beta3-4docs-kubeproxy-ipvs-strictARP-True.yaml');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 0, endpointSlices: 0, skipped: 3 });
    expect(r.skipped.map((s) => [s.index, s.kind, s.apiVersion])).toEqual([
      [0, 'InitConfiguration', 'kubeadm.k8s.io/v1beta3'],
      [1, 'ClusterConfiguration', 'kubeadm.k8s.io/v1beta3'],
      [3, 'KubeletConfiguration', 'kubelet.config.k8s.io/v1beta1'],
    ]);
    expect(r.kubeProxy).toEqual({
      proxyMode: 'IPVS',
      clusterCidrs: ['10.233.64.0/18'],
      localDetector: 'CLUSTER_CIDR',
      masqueradeAll: false,
      localhostNodePorts: true,
      nodePortAddresses: [],
    });
    // podSubnet equals the quoted clusterCIDR: only the serviceSubnet hint is reported.
    expect(messages(r)).toEqual([
      "networking.serviceSubnet 10.233.0.0/18 is the cluster's Service CIDR (a hint; not imported)",
    ]);
  });

  it('C5 v1alpha1 after defaulting: empty mode = iptables; every field known; no clusterCIDR = no local-traffic detector', () => {
    const r = load('k8s-testdata/kubeproxy-v1alpha1-after-defaulting.yaml');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 0, endpointSlices: 0, skipped: 0 });
    expect(r.kubeProxy).toEqual({
      proxyMode: 'IPTABLES',
      clusterCidrs: [],
      localDetector: 'NONE',
      masqueradeAll: false,
      localhostNodePorts: true,
      nodePortAddresses: [],
    });
    expect(messages(r)).toEqual([
      'clusterCIDR is empty, so detectLocalMode ClusterCIDR (the default) has nothing to detect with: kube-proxy runs without a local-traffic detector',
    ]);
  });

  it('C6 v1alpha2 after defaulting: recognised, every field known, linux.masqueradeAll, no mode = iptables', () => {
    const r = load('k8s-testdata/kubeproxy-v1alpha2-after-defaulting.yaml');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 0, endpointSlices: 0, skipped: 0 });
    expect(r.kubeProxy).toEqual({
      proxyMode: 'IPTABLES',
      clusterCidrs: [],
      localDetector: 'NONE',
      masqueradeAll: false,
      localhostNodePorts: false,
      nodePortAddresses: [],
    });
    expect(messages(r)).toEqual([
      'detectLocal.clusterCIDRs is empty, so detectLocalMode ClusterCIDR (the default) has nothing to detect with: kube-proxy runs without a local-traffic detector',
    ]);
  });
});

describe("D. Kubernetes' own kubectl test data", () => {
  const mock = {
    namespace: 'default',
    name: 'mock',
    type: 'ClusterIP',
    selector: { app: 'mock' },
    clusterIps: [],
    headless: false,
    ports: [{ name: null, protocol: 'TCP', port: 99, targetPort: 9949, nodePort: null }],
    labels: { app: 'mock' },
  };

  it('D1 YAML List: Service accepted (port 80, targetPort defaults to it, not yet forwardable), Deployment skipped', () => {
    const r = load('k8s-testdata/hack-testdata-list.yaml');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 1, endpointSlices: 0, skipped: 1 });
    expect(r.services[0]).toMatchObject({
      namespace: 'default',
      name: 'list-service-test',
      type: 'ClusterIP',
      clusterIps: [],
      ports: [{ name: null, protocol: 'TCP', port: 80, targetPort: 80, nodePort: null }],
    });
    expect(r.skipped).toEqual([
      {
        index: 1,
        kind: 'Deployment',
        apiVersion: 'apps/v1',
        name: 'list-deployment-test',
        reason: 'unsupported kind Deployment (apps/v1)',
      },
    ]);
    expect(messages(r)).toContain('no clusterIP: not forwardable until allocated');
  });

  it('D2 JSON List (3-space indent): 1 Service, 1 ReplicationController skipped', () => {
    const r = load('k8s-testdata/hack-testdata-multi-resource-list.json');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 1, endpointSlices: 0, skipped: 1 });
    expect(r.services[0]).toMatchObject(mock);
    expect(r.skipped).toEqual([
      {
        index: 1,
        kind: 'ReplicationController',
        apiVersion: 'v1',
        name: 'mock',
        reason: 'unsupported kind ReplicationController (v1)',
      },
    ]);
  });

  it('D3 YAML stream: the same as D2', () => {
    const r = load('k8s-testdata/hack-testdata-multi-resource-yaml.yaml');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 1, endpointSlices: 0, skipped: 1 });
    expect(r.services[0]).toMatchObject(mock);
    expect(r.skipped).toEqual([
      {
        index: 1,
        kind: 'ReplicationController',
        apiVersion: 'v1',
        name: 'mock',
        reason: 'unsupported kind ReplicationController (v1)',
      },
    ]);
    const d2 = parseKubectl(
      readFileSync(join(DIR, 'k8s-testdata/hack-testdata-multi-resource-list.json'), 'utf8'),
      'application/json',
    );
    expect(r).toEqual(d2);
  });
});

describe('E. written for svcpath', () => {
  it('E1 session affinity, traffic distribution, endpoint zones and hints, node zone labels', () => {
    const r = load('written/topology-affinity-minimal-list.yaml');
    expect(counts(r)).toEqual({ nodes: 2, pods: 3, services: 2, endpointSlices: 2, skipped: 0 });
    expect(r.warnings).toEqual([]);
    expect(r.nodes.map((n) => [n.name, n.labels['topology.kubernetes.io/zone']])).toEqual([
      ['node-a1', 'zone-a'],
      ['node-b1', 'zone-b'],
    ]);
    expect(
      r.services.map((s) => [s.name, s.sessionAffinity, s.sessionAffinityTimeoutSeconds, s.trafficDistribution]),
    ).toEqual([
      ['web', 'ClientIP', 3600, 'PreferSameZone'],
      ['cache', 'None', null, 'PreferSameNode'],
    ]);
    expect(r.endpointSlices.map((s) => [s.name, s.endpoints.map((e) => [e.nodeName, e.zone, e.hints])])).toEqual([
      [
        'web-7xk2p',
        [
          ['node-a1', 'zone-a', { forZones: ['zone-a'], forNodes: [] }],
          ['node-b1', 'zone-b', { forZones: ['zone-b'], forNodes: [] }],
        ],
      ],
      ['cache-q9m4t', [['node-a1', 'zone-a', { forZones: ['zone-a'], forNodes: ['node-a1'] }]]],
    ]);
  });
});

describe("E2. Namespaces and NetworkPolicies (written from the Kubernetes documentation's examples)", () => {
  it("reads 2 Namespaces and 4 NetworkPolicies, shape only (the API's rules run at import)", () => {
    const r = load('written/namespaces-networkpolicies-list.yaml');
    expect(counts(r)).toEqual({ nodes: 0, pods: 0, services: 0, endpointSlices: 0, skipped: 0 });
    expect(r.warnings).toEqual([]);
    expect(r.namespaces).toEqual([
      { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } },
      { name: 'myproject', labels: { 'kubernetes.io/metadata.name': 'myproject', project: 'myproject' } },
    ]);
    expect(r.networkPolicies.map((p) => `${p.namespace}/${p.name}`)).toEqual([
      'default/test-network-policy',
      'myproject/default-deny-ingress',
      'myproject/allow-all-egress',
      'default/multi-port-egress',
    ]);
    expect(r.networkPolicies[0].spec.ingress?.[0].from?.[0]).toEqual({
      podSelector: null,
      namespaceSelector: null,
      ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] },
    });
    expect(r.networkPolicies[3].spec.egress?.[0].ports).toEqual([{ protocol: 'TCP', port: 32000, endPort: 32768 }]);
  });
});

it('covers every fixture file in test/fixtures/kubectl', () => {
  const all = files(DIR)
    .map((f) => relative(DIR, f))
    .filter((f) => f !== 'README.md')
    .sort();
  expect(all.length).toBeGreaterThan(0);
  expect([...tested].sort()).toEqual(all);
});
