import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { ClustersService } from '../modules/clusters/clusters.service';
import { NodesService } from '../modules/nodes/nodes.service';
import { PodsService } from '../modules/pods/pods.service';
import { ServicesService } from '../modules/services/services.service';
import { TenantsService } from '../modules/tenants/tenants.service';

export interface DemoInfo {
  tenantName: string;
  clusterName: string;
  clusterId: string;
  apiKey: string;
}

interface DemoState {
  tenantId: string;
  apiKey: string;
  clusterId: string;
}

const TENANT = 'demo';
const CLUSTER = 'cce-demo';

/**
 * The CCE page's example (cce_10_0249): a frontend Deployment calling a backend of three pods
 * through Services, on a CCE standard cluster (tunnel network, iptables). The backend is exposed as
 * a NodePort and as a LoadBalancer on a dedicated ELB, both with externalTrafficPolicy Local, the
 * setting whose in-cluster failures the page tabulates.
 */
async function buildDemoCluster(app: INestApplicationContext, tenantId: string): Promise<string> {
  const { body: cluster } = await app.get(ClustersService).create(tenantId, {
    name: CLUSTER,
    profile: 'CCE',
    kubernetesVersion: '1.31',
    networkModel: 'TUNNEL',
    proxyMode: 'IPTABLES',
    clusterCidrs: ['172.16.0.0/16'],
    serviceCidrs: ['10.247.0.0/16'],
  });
  const nodes = app.get(NodesService);
  const pods = app.get(PodsService);
  for (const [i, name] of ['node-1', 'node-2', 'node-3'].entries()) {
    await nodes.create(tenantId, cluster.id, {
      name,
      internalIps: [`192.168.0.${10 + i}`],
      externalIp: `203.0.113.${10 + i}`,
      podCidrs: [`172.16.${i}.0/24`],
      labels: { 'kubernetes.io/hostname': name },
    });
  }
  const backends: [string, string, string][] = [
    ['backend-1', 'node-1', '172.16.0.11'],
    ['backend-2', 'node-1', '172.16.0.12'],
    ['backend-3', 'node-2', '172.16.1.11'],
  ];
  for (const [name, nodeName, ip] of backends) {
    await pods.create(tenantId, cluster.id, {
      namespace: 'default',
      name,
      nodeName,
      ips: [ip],
      labels: { app: 'backend' },
      containerPorts: [{ name: 'http', containerPort: 80 }],
    });
  }
  await pods.create(tenantId, cluster.id, {
    namespace: 'default',
    name: 'frontend-1',
    nodeName: 'node-3',
    ips: ['172.16.2.11'],
    labels: { app: 'frontend' },
  });
  const services = app.get(ServicesService);
  await services.create(tenantId, cluster.id, {
    namespace: 'default',
    name: 'backend-nodeport',
    type: 'NodePort',
    selector: { app: 'backend' },
    externalTrafficPolicy: 'Local',
    ports: [{ name: 'service', port: 80, targetPort: 80, nodePort: 30000 }],
  });
  await services.create(tenantId, cluster.id, {
    namespace: 'default',
    name: 'backend-elb',
    type: 'LoadBalancer',
    selector: { app: 'backend' },
    externalTrafficPolicy: 'Local',
    ports: [{ name: 'service0', port: 80, targetPort: 80 }],
    loadBalancerIngress: [{ ip: '192.168.0.133' }, { ip: '203.0.113.133' }],
    annotations: { 'kubernetes.io/elb.class': 'performance' },
  });
  return cluster.id;
}

/** Creates the demo tenant and cluster on first start; later starts reuse them (state kept in the data folder). */
export async function seedDemo(app: INestApplicationContext, dataDir: string): Promise<DemoInfo> {
  const file = join(dataDir, 'demo.json');
  const tenants = app.get(TenantsService);
  if (existsSync(file)) {
    const state = JSON.parse(readFileSync(file, 'utf8')) as DemoState;
    const alive = await tenants.getTenant(state.tenantId).then(
      () => true,
      () => false,
    );
    if (alive) return { tenantName: TENANT, clusterName: CLUSTER, clusterId: state.clusterId, apiKey: state.apiKey };
  }
  const tenant = (await tenants.createTenant(TENANT)).body;
  const clusterId = await buildDemoCluster(app, tenant.id);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify({ tenantId: tenant.id, apiKey: tenant.apiKey, clusterId } satisfies DemoState), {
    mode: 0o600,
  });
  return { tenantName: TENANT, clusterName: CLUSTER, clusterId, apiKey: tenant.apiKey };
}
