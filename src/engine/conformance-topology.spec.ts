// Topology-aware routing against kube-proxy's own table (pkg/proxy/topology_test.go,
// TestCategorizeEndpoints, transcribed in testing/cases-topology.ts): each row's cluster and
// local endpoint sets must be what this engine's data plane uses at the row's node, seen end to
// end through trace() of a packet that takes each set (a ClusterIP packet, or an outside
// client's NodePort packet when internalTrafficPolicy is Local), on a cluster built from the row.
import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import type { ClusterModel, EndpointSliceModel, ServiceModel } from './model';
import { TOPOLOGY_ROWS, type TopologyRow } from './testing/cases-topology';
import { fakeCluster, makeService, port, TEST_EXTERNAL_CLIENT, TEST_NODE, TEST_NODE_IP } from './testing/upstream';
import { trace } from './trace';

const CLUSTER_IP = '172.30.1.1';
/** A pod address (the fixture's cluster CIDR is 10.0.0.0/8), seen by the ClusterCIDR detector as a pod. */
const POD_IP = '10.0.0.2';

function clusterOf(row: TopologyRow): ClusterModel {
  const nodePort = row.other.nodePort === undefined ? null : Number(row.other.nodePort);
  const svc: ServiceModel = makeService('ns1', 'svc1', (s) => {
    s.type = nodePort === null ? 'ClusterIP' : 'NodePort';
    s.clusterIps = [CLUSTER_IP];
    s.ports = [port('p80', 80, { nodePort })];
    s.externalTrafficPolicy = row.externalPolicyLocal ? 'Local' : 'Cluster';
    s.internalTrafficPolicy = row.internalPolicyLocal ? 'Local' : 'Cluster';
  });
  const slice: EndpointSliceModel = {
    namespace: 'ns1',
    name: 'svc1-1',
    serviceName: 'svc1',
    addressType: 'IPv4',
    ports: [{ name: 'p80', port: 80, protocol: 'TCP' }],
    endpoints: row.endpoints.map((e) => ({
      addresses: [e.ep.split(':')[0]],
      nodeName: e.local ? TEST_NODE : 'other-node',
      ready: e.ready,
      serving: e.serving,
      terminating: e.terminating,
      zone: null,
      hints: e.zoneHints.length > 0 || e.nodeHints.length > 0 ? { forZones: e.zoneHints, forNodes: e.nodeHints } : null,
    })),
  };
  const base = fakeCluster({ mode: 'IPTABLES' }, [svc], [slice]);
  const labels: Record<string, string> = row.zone === null ? {} : { 'topology.kubernetes.io/zone': row.zone };
  return {
    ...base,
    kubernetesVersion: 'v1.34.0',
    nodes: base.nodes.map((n) => (n.name === TEST_NODE ? { ...n, labels } : n)),
  };
}

/** The endpoints trace() forwards to, as upstream writes them ("ip:port"), sorted; [] when it does not forward. */
function candidates(model: ClusterModel, ip: string, port: number, source = TEST_EXTERNAL_CLIENT): string[] {
  const t = trace(compile(model), {
    source: { external: { ip: source } },
    destination: { ip, port, protocol: 'TCP' },
    node: TEST_NODE,
  });
  return t.verdict === 'FORWARD' ? t.endpoints.map((e) => `${e.ip}:${e.port}`).sort() : [];
}

describe('topology-aware routing: kube-proxy TestCategorizeEndpoints', () => {
  for (const row of TOPOLOGY_ROWS) {
    it(row.case, () => {
      expect(row.endpoints.every((e) => e.ep.endsWith(':80'))).toBe(true);
      const model = clusterOf(row);
      const nodePort = row.other.nodePort === undefined ? null : Number(row.other.nodePort);
      const clusterIp = candidates(model, CLUSTER_IP, 80);
      const external = nodePort === null ? null : candidates(model, TEST_NODE_IP, nodePort);
      // ClusterIP traffic takes the cluster set unless internalTrafficPolicy is Local (then the local one);
      // external traffic the cluster set unless externalTrafficPolicy is Local.
      // With eTP Local, a pod's NodePort packet short-circuits to the cluster set (iptables).
      const shortCircuit =
        nodePort !== null && row.externalPolicyLocal ? candidates(model, TEST_NODE_IP, nodePort, POD_IP) : null;
      const byCluster = [
        ...(row.internalPolicyLocal ? [] : [clusterIp]),
        ...(external !== null && !row.externalPolicyLocal ? [external] : []),
        ...(shortCircuit === null ? [] : [shortCircuit]),
      ];
      const byLocal = [
        ...(row.internalPolicyLocal ? [clusterIp] : []),
        ...(external !== null && row.externalPolicyLocal ? [external] : []),
      ];
      // Upstream's nil cluster set: no traffic of this Service uses it (a pod's NodePort packet
      // short-circuits only where there are cluster endpoints to go to).
      if (row.clusterEndpoints === null) expect(byCluster.filter((got) => got !== shortCircuit)).toEqual([]);
      else {
        expect(byCluster.length).toBeGreaterThan(0);
        for (const got of byCluster) expect(got).toEqual([...row.clusterEndpoints].sort());
      }
      if (row.localEndpoints === null) expect(byLocal).toEqual([]);
      else for (const got of byLocal) expect(got).toEqual([...row.localEndpoints].sort());
      expect(byCluster.length + byLocal.length).toBeGreaterThan(0);
    });
  }
});
