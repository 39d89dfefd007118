import type { ClusterModel } from '../../src/engine';

/** The generated cluster as `kubectl get nodes,pods,services -A -o json` would print it. */
export function asKubectlList(model: ClusterModel): string {
  const items = [
    ...model.nodes.map((n) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: n.name, labels: n.labels },
      spec: { podCIDRs: n.podCidrs },
      status: {
        addresses: [
          ...n.internalIps.map((address) => ({ type: 'InternalIP', address })),
          ...(n.externalIp ? [{ type: 'ExternalIP', address: n.externalIp }] : []),
        ],
      },
    })),
    ...model.pods.map((p) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: p.namespace, name: p.name, labels: p.labels },
      spec: {
        nodeName: p.nodeName,
        hostNetwork: p.hostNetwork,
        containers: [
          {
            name: 'main',
            ports: p.containerPorts.map((c) => ({
              ...(c.name ? { name: c.name } : {}),
              containerPort: c.containerPort,
              protocol: c.protocol,
            })),
          },
        ],
      },
      status: {
        phase: p.phase,
        podIP: p.ips[0],
        podIPs: p.ips.map((ip) => ({ ip })),
        conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False' }],
      },
    })),
    ...model.services.map((s) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: s.namespace, name: s.name, labels: s.labels, annotations: s.annotations },
      spec: {
        type: s.type,
        selector: s.selector ?? undefined,
        clusterIP: s.clusterIps[0] ?? 'None',
        clusterIPs: s.clusterIps.length ? s.clusterIps : ['None'],
        ports: s.ports.map((p) => ({
          ...(p.name ? { name: p.name } : {}),
          protocol: p.protocol,
          port: p.port,
          targetPort: p.targetPort,
          ...(p.nodePort ? { nodePort: p.nodePort } : {}),
        })),
        externalIPs: s.externalIps.length ? s.externalIps : undefined,
        loadBalancerSourceRanges: s.loadBalancerSourceRanges.length ? s.loadBalancerSourceRanges : undefined,
        ...(s.type !== 'ClusterIP' ? { externalTrafficPolicy: s.externalTrafficPolicy } : {}),
        internalTrafficPolicy: s.internalTrafficPolicy,
        ...(s.healthCheckNodePort ? { healthCheckNodePort: s.healthCheckNodePort } : {}),
      },
      status: {
        loadBalancer: s.loadBalancerIngress.length
          ? { ingress: s.loadBalancerIngress.map((i) => ({ ip: i.ip, ipMode: i.ipMode })) }
          : {},
      },
    })),
  ];
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}
