import { applyDecorators, Type } from '@nestjs/common';
import { ApiBody, ApiBodyOptions, ApiParam } from '@nestjs/swagger';
import {
  BAD_OPERATOR_TOKEN,
  example415,
  JSON_BODY,
  MISSING_ID,
  NO_KEY,
  NO_OPERATOR_TOKEN,
  Problems,
  RouteProblems,
  WRITE,
} from './api-problems';
import { unsupportedType } from '../modules/import/import-body';

/**
 * The OpenAPI examples refer to the demo cluster (src/demo/seed.ts: cluster cce-demo, nodes
 * node-1..3, pods default/backend-1..3 and default/frontend-1, Services default/backend-nodeport
 * and default/backend-elb). Every request example runs as shown against it, except that an id in
 * a path is unknowable in advance: the example there is one of these placeholders, which the
 * parameter's description names. test/api/openapi-examples.spec.ts recognises each one, puts the
 * real id in its place and runs every example.
 */
export const PLACEHOLDER = {
  demoCluster: {
    id: '00000000-0000-4000-a000-000000000001',
    what: 'the demo cluster cce-demo (its id is printed at start; or GET /v1/clusters)',
  },
  newCluster: {
    id: '00000000-0000-4000-a000-000000000002',
    what: 'the cluster the POST /v1/clusters example creates (cce-staging)',
  },
  node1: {
    id: '00000000-0000-4000-a000-000000000011',
    what: 'node node-1 of the demo cluster (GET /v1/clusters/{clusterId}/nodes lists the ids)',
  },
  newNode: { id: '00000000-0000-4000-a000-000000000014', what: 'node node-4, which the POST …/nodes example creates' },
  backend1: {
    id: '00000000-0000-4000-a000-000000000021',
    what: 'pod default/backend-1 of the demo cluster (GET /v1/clusters/{clusterId}/pods lists the ids)',
  },
  backend3: {
    id: '00000000-0000-4000-a000-000000000023',
    what: 'pod default/backend-3 of the demo cluster (GET /v1/clusters/{clusterId}/pods lists the ids)',
  },
  newPod: {
    id: '00000000-0000-4000-a000-000000000024',
    what: 'pod default/backend-4, which the POST …/pods example creates',
  },
  backendNodePort: {
    id: '00000000-0000-4000-a000-000000000031',
    what: 'Service default/backend-nodeport of the demo cluster (GET /v1/clusters/{clusterId}/services lists the ids)',
  },
  newService: {
    id: '00000000-0000-4000-a000-000000000032',
    what: 'Service default/frontend, which the POST …/services example creates',
  },
  newKey: {
    id: '00000000-0000-4000-a000-000000000041',
    what: 'the key the POST /v1/api-keys example creates (ci-sync; GET /v1/api-keys lists the ids)',
  },
} as const;

export type Placeholder = { readonly id: string; readonly what: string };

/** A UUID path parameter whose example is a placeholder for `of` (see PLACEHOLDER). */
export function ApiIdParam(name: string, of: Placeholder): MethodDecorator & ClassDecorator {
  return ApiParam({
    name,
    format: 'uuid',
    example: of.id,
    description: `A UUID. The example is a placeholder for the id of ${of.what}: put that id in its place.`,
  });
}

/** A name path parameter (e.g. a namespace), with an example from the demo cluster. */
export function ApiNameParam(name: string, example: string, description: string): MethodDecorator & ClassDecorator {
  return ApiParam({ name, example, description });
}

/** One request example: a complete, valid body that runs as shown against the demo cluster. */
export interface RequestExample {
  readonly summary: string;
  readonly description?: string;
  readonly value: unknown;
}

/**
 * The request body of a route, with its examples (one per alternative the body can take; the
 * first is the one Swagger UI fills in). The schema stays the DTO's.
 */
export function ApiBodyExamples(
  type: Type<unknown>,
  examples: Record<string, RequestExample>,
  description?: string,
): MethodDecorator {
  return applyDecorators(ApiBody({ type, required: true, description, examples } as ApiBodyOptions));
}

// ---------------------------------------------------------------- request examples, per route

type Examples = Record<string, RequestExample>;

export const TENANT_EXAMPLES = {
  createTenant: { acme: { summary: 'A tenant', value: { name: 'acme' } } },
  createKey: {
    write: { summary: 'A write key (for a sync job)', value: { name: 'ci-sync', scope: 'write' } },
    read: { summary: 'A read-only key (for a dashboard)', value: { name: 'dashboard', scope: 'read' } },
  },
} satisfies Record<string, Examples>;

export const CLUSTER_EXAMPLES = {
  create: {
    cce: {
      summary: 'CCE standard cluster (as the demo)',
      value: {
        name: 'cce-staging',
        profile: 'CCE',
        kubernetesVersion: '1.31',
        networkModel: 'TUNNEL',
        proxyMode: 'IPTABLES',
        clusterCidrs: ['172.16.0.0/16'],
        serviceCidrs: ['10.247.0.0/16'],
      },
    },
    turbo: {
      summary: 'CCE Turbo cluster, IPVS',
      value: {
        name: 'cce-turbo',
        profile: 'CCE_TURBO',
        kubernetesVersion: '1.31',
        proxyMode: 'IPVS',
        clusterCidrs: ['172.18.0.0/16'],
        serviceCidrs: ['10.247.0.0/16'],
      },
    },
    kubernetes: {
      summary: 'Upstream Kubernetes, defaults for the rest',
      value: { name: 'kind-local', clusterCidrs: ['10.244.0.0/16'], kubeProxy: { localDetector: 'CLUSTER_CIDR' } },
    },
  },
  update: {
    version: { summary: 'Upgrade Kubernetes', value: { kubernetesVersion: '1.32' } },
    kubeProxy: {
      summary: 'kube-proxy options',
      value: { kubeProxy: { masqueradeAll: false, nodePortAddresses: ['192.168.0.0/24'] } },
    },
    kubeProxyClusterCidrs: {
      summary: "kube-proxy's own clusterCIDR, IPv4 only (null = the same as clusterCidrs)",
      value: { kubeProxy: { clusterCidrs: ['10.244.0.0/16'] } },
    },
  },
} satisfies Record<string, Examples>;

export const NODE_EXAMPLES = {
  create: {
    worker: {
      summary: 'A worker node with an EIP',
      value: {
        name: 'node-4',
        internalIps: ['192.168.0.13'],
        externalIp: '203.0.113.13',
        podCidrs: ['172.16.3.0/24'],
        labels: { 'kubernetes.io/hostname': 'node-4' },
      },
    },
  },
  update: {
    labels: {
      summary: 'Relabel',
      value: { labels: { 'kubernetes.io/hostname': 'node-1', 'topology.kubernetes.io/zone': 'eu-west-101a' } },
    },
    unbindEip: { summary: 'Unbind the EIP (null clears a field)', value: { externalIp: null } },
  },
} satisfies Record<string, Examples>;

export const POD_EXAMPLES = {
  create: {
    backend: {
      summary: 'A backend pod',
      value: {
        namespace: 'default',
        name: 'backend-4',
        nodeName: 'node-2',
        ips: ['172.16.1.12'],
        labels: { app: 'backend' },
        containerPorts: [{ name: 'http', containerPort: 80 }],
      },
    },
    hostNetwork: {
      summary: "A hostNetwork pod (it has its node's IP)",
      value: {
        namespace: 'kube-system',
        name: 'node-exporter-node-3',
        nodeName: 'node-3',
        hostNetwork: true,
        labels: { app: 'node-exporter' },
        containerPorts: [{ name: 'metrics', containerPort: 9100 }],
      },
    },
  },
  update: {
    notReady: { summary: 'Mark it not ready', value: { ready: false } },
    relabel: { summary: 'Relabel', value: { labels: { app: 'backend', track: 'canary' } } },
  },
} satisfies Record<string, Examples>;

export const SERVICE_EXAMPLES = {
  create: {
    clusterIp: {
      summary: 'ClusterIP (address allocated)',
      value: {
        namespace: 'default',
        name: 'frontend',
        selector: { app: 'frontend' },
        ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      },
    },
    nodePort: {
      summary: 'NodePort (NodePort allocated)',
      value: {
        namespace: 'default',
        name: 'frontend-nodeport',
        type: 'NodePort',
        selector: { app: 'frontend' },
        ports: [{ port: 80, targetPort: 8080 }],
      },
    },
    loadBalancer: {
      summary: 'LoadBalancer on a dedicated ELB',
      value: {
        namespace: 'default',
        name: 'frontend-elb',
        type: 'LoadBalancer',
        selector: { app: 'frontend' },
        ports: [{ port: 80, targetPort: 8080 }],
        loadBalancerIngress: [{ ip: '192.168.0.134' }],
        annotations: { 'kubernetes.io/elb.class': 'performance' },
      },
    },
  },
  update: {
    trafficPolicy: { summary: 'externalTrafficPolicy Cluster', value: { externalTrafficPolicy: 'Cluster' } },
    sticky: {
      summary: 'Sticky sessions by client IP (1 hour), same-zone endpoints preferred',
      value: {
        sessionAffinity: 'ClientIP',
        sessionAffinityTimeoutSeconds: 3600,
        trafficDistribution: 'PreferSameZone',
      },
    },
    ports: {
      summary: 'Replace the ports',
      value: {
        ports: [
          { name: 'service', port: 80, targetPort: 80, nodePort: 30000 },
          { name: 'metrics', port: 9090, targetPort: 9090 },
        ],
      },
    },
  },
} satisfies Record<string, Examples>;

const TO_CLUSTER_IP = { ip: '10.247.0.1', port: 80 };

export const ANALYSIS_EXAMPLES = {
  reachability: {
    pod: {
      summary: 'From a pod',
      value: { client: { pod: 'default/frontend-1' }, service: 'default/backend-nodeport', port: 80 },
    },
    node: {
      summary: "From a node's host network",
      value: { client: { node: 'node-3' }, service: 'default/backend-nodeport' },
    },
    external: {
      summary: 'From the internet',
      value: { client: { external: { network: 'PUBLIC', ip: '198.51.100.7' } }, service: 'default/backend-elb' },
    },
  },
  trace: {
    pod: {
      summary: "A pod to the Service's ClusterIP",
      value: { source: { pod: 'default/frontend-1' }, destination: { ...TO_CLUSTER_IP, protocol: 'TCP' } },
    },
    node: {
      summary: "A node's host network to a NodePort",
      value: { source: { node: 'node-3' }, destination: { ip: '192.168.0.10', port: 30000 } },
    },
    ip: {
      summary: 'An outside address to the ELB, processed on node-1',
      value: { source: { ip: '198.51.100.7' }, destination: { ip: '203.0.113.133', port: 80 }, node: 'node-1' },
    },
  },
  whatIf: {
    service: {
      summary: 'A Service change, asked as reachability',
      value: {
        change: { services: [{ service: 'default/backend-elb', set: { externalTrafficPolicy: 'Cluster' } }] },
        reachability: {
          client: { external: { network: 'PUBLIC', ip: '198.51.100.7' } },
          service: 'default/backend-elb',
        },
      },
    },
    pod: {
      summary: 'A pod change, asked as a trace',
      value: {
        change: { pods: [{ pod: 'default/backend-3', set: { ready: false } }] },
        trace: { source: { pod: 'default/frontend-1' }, destination: TO_CLUSTER_IP },
      },
    },
    node: {
      summary: 'A node change',
      value: {
        change: { nodes: [{ node: 'node-1', set: { externalIp: null } }] },
        reachability: { client: { external: { network: 'PUBLIC' } }, service: 'default/backend-nodeport' },
      },
    },
    kubeProxy: {
      summary: 'kube-proxy options and mode',
      value: {
        change: { proxyMode: 'IPVS', kubeProxy: { masqueradeAll: true } },
        reachability: { client: { pod: 'default/frontend-1' }, service: 'default/backend-nodeport' },
      },
    },
  },
} satisfies Record<string, Examples>;

/** A kubectl document (a v1 List); JSON is YAML too, so it runs as any of the document types. */
const IMPORTED_POD = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: 'default', name: 'frontend-2', labels: { app: 'frontend' } },
      spec: {
        nodeName: 'node-3',
        containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }],
      },
      status: {
        phase: 'Running',
        podIP: '172.16.2.12',
        podIPs: [{ ip: '172.16.2.12' }],
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    },
  ],
};

export const IMPORT_EXAMPLES = {
  document: {
    list: {
      summary: 'kubectl get … -o json (a v1 List)',
      description:
        'Runs as JSON or as YAML (JSON is YAML). A dump archive (application/gzip, …) is binary: upload the .tar.gz itself.',
      value: JSON.stringify(IMPORTED_POD, null, 2),
    },
  },
} satisfies Record<string, Examples>;

// ---------------------------------------------------------------- error examples, per route

const P = Problems;
const BAD_CLUSTER_ID = P.invalid('clusterId', 'must be a UUID, got "cce-demo"', 'A name where the id goes');
const NO_CLUSTER = P.notFound(`cluster ${MISSING_ID}`);
const BAD_LIMIT = P.validation([{ field: 'limit', message: 'limit must not be greater than 500' }]);
const BAD_CURSOR = P.invalid('cursor', 'is not a cursor this API returned');
const DNS_NAME = (field: string, value: string) => ({
  field,
  message: `${field} must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253 characters), got ${JSON.stringify(value)}`,
});
const id = (name: string) => P.invalid(name, 'must be a UUID, got "node-1"', `Not a UUID: ${name}`);

export const TENANT_PROBLEMS = {
  createTenant: {
    ...JSON_BODY,
    400: P.validation([
      {
        field: 'name',
        message: 'name must start with a letter or digit and hold only letters, digits, space, ".", "_" and "-"',
      },
    ]),
    401: [NO_KEY, BAD_OPERATOR_TOKEN],
    403: NO_OPERATOR_TOKEN,
  },
  createKey: {
    ...WRITE,
    ...JSON_BODY,
    400: P.validation([{ field: 'scope', message: 'scope must be one of the following values: read, write' }]),
  },
  revokeKey: {
    ...WRITE,
    400: P.invalid('keyId', 'must be a UUID, got "ci-sync"', 'A name where the id goes'),
    404: P.notFound(`API key ${MISSING_ID}`),
  },
} satisfies Record<string, RouteProblems>;

export const CLUSTER_PROBLEMS = {
  create: {
    ...WRITE,
    ...JSON_BODY,
    400: [
      P.validation([DNS_NAME('name', 'Prod_EU')]),
      P.invalid('serviceCidrs[0]', 'is too large (at most /12 for IPv4, /108 for IPv6, as kube-apiserver allows)'),
    ],
    409: P.conflict('name', 'a cluster named "cce-demo" already exists'),
  },
  list: { 400: [BAD_LIMIT, BAD_CURSOR] },
  get: { 400: BAD_CLUSTER_ID, 404: NO_CLUSTER },
  update: {
    ...WRITE,
    ...JSON_BODY,
    400: [
      BAD_CLUSTER_ID,
      P.validation([
        {
          field: 'kubernetesVersion',
          message: 'kubernetesVersion must be a Kubernetes version such as 1.31 or v1.28.3, got "latest"',
        },
      ]),
    ],
    404: NO_CLUSTER,
    409: [
      P.conflict('name', 'a cluster named "kind-local" already exists'),
      P.conflict(
        'serviceCidrs',
        'Service default/backend-elb has ClusterIP 10.247.0.2 outside the new Service CIDRs',
        'The change strands a Service',
      ),
      P.conflict(
        'serviceCidrs',
        'pod default/backend-1 has IP 172.16.0.11 inside the new Service CIDR 172.16.0.0/20',
        'The change takes in a pod',
      ),
    ],
  },
  remove: { ...WRITE, 400: BAD_CLUSTER_ID, 404: NO_CLUSTER },
} satisfies Record<string, RouteProblems>;

export const NODE_PROBLEMS = {
  create: {
    ...WRITE,
    ...JSON_BODY,
    400: [
      P.validation([
        { field: 'internalIps', message: 'internalIps must be an IPv4 or IPv6 address, got ["192.168.0.300"]' },
      ]),
      P.invalid(
        'podCidrs[0]',
        '10.247.1.0/24 overlaps the Service CIDR 10.247.0.0/16: pod CIDRs lie outside serviceCidrs (node IPAM leaves the Service range out of the pod CIDRs it hands out)',
      ),
    ],
    404: NO_CLUSTER,
    409: [
      P.conflict('name', 'a node named "node-1" already exists in this cluster'),
      P.conflict('internalIps[0]', '192.168.0.10 is already used by node node-1 in this cluster', 'Address in use'),
    ],
  },
  list: { 400: [BAD_CLUSTER_ID, BAD_LIMIT], 404: NO_CLUSTER },
  get: { 400: id('nodeId'), 404: P.notFound(`node ${MISSING_ID}`) },
  update: {
    ...WRITE,
    ...JSON_BODY,
    400: P.validation([{ field: 'externalIp', message: 'externalIp must be an IPv4 or IPv6 address, got "eip-1"' }]),
    404: P.notFound(`node ${MISSING_ID}`),
    409: [
      P.conflict('externalIp', '203.0.113.11 is already used by node node-2 in this cluster', 'Address in use'),
      P.conflict(
        'internalIps',
        'hostNetwork pod kube-system/node-exporter-node-3 uses an IP this change removes',
        'A hostNetwork pod would lose its IP',
      ),
    ],
  },
  remove: {
    ...WRITE,
    400: id('nodeId'),
    404: P.notFound(`node ${MISSING_ID}`),
    409: P.conflict('id', 'node node-1 still runs 2 pod(s); delete or move them first', 'Pods still run on it'),
  },
} satisfies Record<string, RouteProblems>;

const NOT_A_NODE = P.unprocessable('nodeName', 'node-9 is not a node of this cluster', 'No such node');

export const POD_PROBLEMS = {
  create: {
    ...WRITE,
    ...JSON_BODY,
    400: [
      P.validation([DNS_NAME('name', 'Backend_4')]),
      P.invalid('nodeName', 'a hostNetwork pod must name the node it runs on'),
      P.invalid(
        'ips[0]',
        '10.247.0.50 is inside the Service CIDR 10.247.0.0/16: pod IPs lie outside serviceCidrs (node IPAM leaves the Service range out of the pod CIDRs it hands out)',
      ),
    ],
    404: NO_CLUSTER,
    409: [
      P.conflict('name', 'a pod default/backend-1 already exists in this cluster'),
      P.conflict('ips[0]', '172.16.0.11 is already used by pod default/backend-1 in this cluster', 'Address in use'),
    ],
    422: NOT_A_NODE,
  },
  list: { 400: [BAD_CLUSTER_ID, BAD_LIMIT], 404: NO_CLUSTER },
  get: { 400: id('podId'), 404: P.notFound(`pod ${MISSING_ID}`) },
  update: {
    ...WRITE,
    ...JSON_BODY,
    400: P.validation([
      {
        field: 'phase',
        message: 'phase must be one of the following values: Pending, Running, Succeeded, Failed, Unknown',
      },
    ]),
    404: P.notFound(`pod ${MISSING_ID}`),
    409: P.conflict('ips[0]', '172.16.0.12 is already used by pod default/backend-2 in this cluster', 'Address in use'),
    422: NOT_A_NODE,
  },
  remove: { ...WRITE, 400: id('podId'), 404: P.notFound(`pod ${MISSING_ID}`) },
} satisfies Record<string, RouteProblems>;

const CCE_RULE = P.of(
  'Breaks a CCE rule',
  'UNPROCESSABLE',
  'annotations["kubernetes.io/elb.pass-through"]: in IPVS mode every Service on the same load balancer must have the same pass-through setting; default/backend-elb has pass-through off (rule CCE-ELB-PASSTHROUGH-IPVS-SAME-LB)',
  [
    {
      field: 'annotations["kubernetes.io/elb.pass-through"]',
      message:
        'in IPVS mode every Service on the same load balancer must have the same pass-through setting; default/backend-elb has pass-through off (rule CCE-ELB-PASSTHROUGH-IPVS-SAME-LB)',
    },
  ],
  'CCE-ELB-PASSTHROUGH-IPVS-SAME-LB',
);

export const SERVICE_PROBLEMS = {
  create: {
    ...WRITE,
    ...JSON_BODY,
    400: [
      P.invalid('ports[0].nodePort', "must be in the cluster's NodePort range 30000-32767"),
      P.invalid(
        'externalTrafficPolicy',
        'Local applies only to externally reachable Services (NodePort, LoadBalancer, or with externalIps)',
      ),
    ],
    404: NO_CLUSTER,
    409: [
      P.conflict('name', 'a Service default/backend-nodeport already exists in this cluster'),
      P.conflict(
        'ports[0].nodePort',
        'NodePort 30000 is already used by service default/backend-nodeport in this cluster',
        'NodePort in use',
      ),
    ],
    422: CCE_RULE,
  },
  list: { 400: [BAD_CLUSTER_ID, BAD_LIMIT], 404: NO_CLUSTER },
  get: { 400: id('serviceId'), 404: P.notFound(`Service ${MISSING_ID}`) },
  update: {
    ...WRITE,
    ...JSON_BODY,
    400: P.invalid('ports[1].name', 'is required when a Service has more than one port'),
    404: P.notFound(`Service ${MISSING_ID}`),
    409: P.conflict(
      'clusterIps[0]',
      '10.247.0.2 is already used by service default/backend-elb in this cluster',
      'Address in use',
    ),
    422: CCE_RULE,
  },
  remove: { ...WRITE, 400: id('serviceId'), 404: P.notFound(`Service ${MISSING_ID}`) },
} satisfies Record<string, RouteProblems>;

export const ANALYSIS_PROBLEMS = {
  reachability: {
    ...JSON_BODY,
    400: [
      P.invalid('client', 'give exactly one of pod, node, external'),
      P.invalid('cursor', 'is not a cursor this API returned'),
    ],
    404: NO_CLUSTER,
    422: [
      P.unprocessable('client.pod', 'pod default/frontend-9 is not in cluster cce-demo', 'No such pod'),
      P.unprocessable('service', 'Service default/backend is not in cluster cce-demo', 'No such Service'),
    ],
  },
  trace: {
    ...JSON_BODY,
    400: P.invalid('source', 'give a pod, a node (optionally with ip), or an ip'),
    404: NO_CLUSTER,
    422: P.unprocessable('source.pod', 'pod default/frontend-9 is not in cluster cce-demo', 'No such pod'),
  },
  matrix: {
    400: P.invalid('namespace', 'must be a DNS-1123 name, got "Default"'),
    404: [NO_CLUSTER, P.notFound('Service default/backend', 'No such Service')],
  },
  namespaceMatrix: { 400: P.invalid('namespace', 'must be a DNS-1123 name, got "Default"'), 404: NO_CLUSTER },
  whatIf: {
    ...JSON_BODY,
    400: P.invalid('reachability', 'ask exactly one question: reachability or trace'),
    404: NO_CLUSTER,
    409: P.conflict(
      'change.pods[0].set.ips[0]',
      '172.16.0.11 is already used by pod default/backend-1 in this cluster',
      'Address in use',
    ),
    422: P.unprocessable('change.pods[0].pod', 'no pod default/backend-9 in this cluster', 'No such pod'),
  },
} satisfies Record<string, RouteProblems>;

export const IMPORT_PROBLEMS = {
  document: {
    ...WRITE,
    400: P.of(
      'An invalid object',
      'VALIDATION_FAILED',
      'item 0 (Pod default/frontend-2): status.podIP: must be an IPv4 or IPv6 address, got "172.16.2.300"',
      [{ field: 'items[0].status.podIP', message: 'must be an IPv4 or IPv6 address, got "172.16.2.300"' }],
    ),
    404: NO_CLUSTER,
    409: P.of(
      'Address in use',
      'CONFLICT',
      'item 0 (Pod default/frontend-2): status.podIPs[0]: 172.16.0.11 is already used by pod default/backend-1 in this cluster',
      [
        {
          field: 'items[0].status.podIPs[0]',
          message: '172.16.0.11 is already used by pod default/backend-1 in this cluster',
        },
      ],
    ),
    413: P.of('Archive too large unpacked', 'PAYLOAD_TOO_LARGE', 'archive: the archive unpacks to more than 512 MiB', [
      { field: 'archive.size', message: 'the archive unpacks to more than 512 MiB' },
    ]),
    415: [
      example415('Not a document type (XML)', unsupportedType('application/xml', true)),
      example415('Not a document type (text)', unsupportedType('text/plain', true)),
    ],
    422: P.of(
      'Nothing to import',
      'UNPROCESSABLE',
      'nothing to import (nodes, pods, services, endpointslices or a KubeProxyConfiguration): the document holds no object at all',
      [{ field: 'document', message: 'nothing to import: no object at all' }],
    ),
  },
} satisfies Record<string, RouteProblems>;
