// The demo cluster of `npm start` (src/demo/seed.ts) as engine input: the CCE page's example of a
// frontend calling a backend of three pods, on a CCE standard cluster (tunnel network, iptables).
// node-1 runs backend-1 and backend-2, node-2 runs backend-3, node-3 runs frontend-1.
import type { ClusterModel, PodModel, ServiceModel } from '../model';

function pod(name: string, nodeName: string, ip: string, app: string): PodModel {
  return {
    namespace: 'default',
    name,
    labels: { app },
    nodeName,
    ips: [ip],
    hostNetwork: false,
    phase: 'Running',
    ready: true,
    terminating: false,
    containerPorts: app === 'backend' ? [{ name: 'http', containerPort: 80, protocol: 'TCP' }] : [],
  };
}

function service(name: string, edit: Partial<ServiceModel>): ServiceModel {
  return {
    namespace: 'default',
    name,
    type: 'NodePort',
    selector: { app: 'backend' },
    ports: [{ name: 'service', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30000 }],
    clusterIps: ['10.247.0.10'],
    externalIps: [],
    loadBalancerIngress: [],
    loadBalancerSourceRanges: [],
    externalTrafficPolicy: 'Local',
    internalTrafficPolicy: 'Cluster',
    healthCheckNodePort: null,
    publishNotReadyAddresses: false,
    labels: {},
    annotations: {},
    ...edit,
  };
}

export function demoCluster(): ClusterModel {
  return {
    name: 'cce-demo',
    profile: 'CCE',
    kubernetesVersion: '1.31',
    networkModel: 'TUNNEL',
    proxyMode: 'IPTABLES',
    clusterCidrs: ['172.16.0.0/16'],
    serviceCidrs: ['10.247.0.0/16'],
    nodePortRange: { min: 30000, max: 32767 },
    kubeProxy: { masqueradeAll: false, localDetector: 'CLUSTER_CIDR', nodePortAddresses: [], localhostNodePorts: true },
    nodes: ['node-1', 'node-2', 'node-3'].map((name, i) => ({
      name,
      internalIps: [`192.168.0.${10 + i}`],
      externalIp: `203.0.113.${10 + i}`,
      podCidrs: [`172.16.${i}.0/24`],
      labels: { 'kubernetes.io/hostname': name },
    })),
    pods: [
      pod('backend-1', 'node-1', '172.16.0.11', 'backend'),
      pod('backend-2', 'node-1', '172.16.0.12', 'backend'),
      pod('backend-3', 'node-2', '172.16.1.11', 'backend'),
      pod('frontend-1', 'node-3', '172.16.2.11', 'frontend'),
    ],
    services: [
      service('backend-nodeport', {}),
      service('backend-elb', {
        type: 'LoadBalancer',
        clusterIps: ['10.247.0.11'],
        ports: [{ name: 'service0', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30001 }],
        loadBalancerIngress: [
          { ip: '192.168.0.133', ipMode: 'VIP' },
          { ip: '203.0.113.133', ipMode: 'VIP' },
        ],
        annotations: { 'kubernetes.io/elb.class': 'performance' },
      }),
    ],
    endpointSlices: [],
  };
}
