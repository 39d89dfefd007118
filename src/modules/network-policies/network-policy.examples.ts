import { JSON_BODY, MISSING_ID, Problems as P, RouteProblems, WRITE } from '../../common/api-problems';
import { RequestExample } from '../../common/api-examples';

/**
 * OpenAPI examples of the Namespace and NetworkPolicy routes, against the demo cluster (see
 * common/api-examples.ts): the POST examples create namespace `shop` and NetworkPolicy
 * default/allow-frontend, which the id placeholders below stand for in the other routes.
 */
export const NETPOL_PLACEHOLDER = {
  newNamespace: {
    id: '00000000-0000-4000-a000-000000000051',
    what: 'namespace shop, which the POST …/namespaces example creates (GET /v1/clusters/{clusterId}/namespaces lists the ids)',
  },
  newNetworkPolicy: {
    id: '00000000-0000-4000-a000-000000000061',
    what: 'NetworkPolicy default/allow-frontend, which the POST …/networkpolicies example creates (GET /v1/clusters/{clusterId}/networkpolicies lists the ids)',
  },
} as const;

type Examples = Record<string, RequestExample>;

export const NAMESPACE_EXAMPLES = {
  create: { shop: { summary: 'A namespace with labels', value: { name: 'shop', labels: { team: 'shop' } } } },
  update: {
    relabel: {
      summary: 'Relabel (kubernetes.io/metadata.name stays)',
      value: { labels: { team: 'shop', env: 'prod' } },
    },
  },
} satisfies Record<string, Examples>;

export const NETWORK_POLICY_EXAMPLES = {
  create: {
    allowFrontend: {
      summary: 'Only the frontend may reach the backends, on 8080',
      value: {
        namespace: 'default',
        name: 'allow-frontend',
        podSelector: { matchLabels: { app: 'backend' } },
        ingress: [
          { from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
        ],
      },
    },
    denyEgress: {
      summary: "Egress only to DNS and an address range (upstream docs' test-network-policy, trimmed)",
      value: {
        namespace: 'default',
        name: 'limit-egress',
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
            ports: [{ protocol: 'UDP', port: 53 }],
          },
          {
            to: [{ ipBlock: { cidr: '10.0.0.0/24', except: ['10.0.0.128/25'] } }],
            ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }],
          },
        ],
      },
    },
  },
  update: {
    fromNamespace: {
      summary: 'Allow a whole namespace too',
      value: {
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { app: 'frontend' } } },
              { namespaceSelector: { matchLabels: { team: 'shop' } } },
            ],
          },
        ],
      },
    },
  },
} satisfies Record<string, Examples>;

const BAD_CLUSTER_ID = P.invalid('clusterId', 'must be a UUID, got "cce-demo"', 'A name where the id goes');
const NO_CLUSTER = P.notFound(`cluster ${MISSING_ID}`);
const BAD_LIMIT = P.validation([{ field: 'limit', message: 'limit must not be greater than 500' }]);
const id = (name: string) => P.invalid(name, 'must be a UUID, got "node-1"', `Not a UUID: ${name}`);

export const NAMESPACE_PROBLEMS = {
  create: {
    ...WRITE,
    ...JSON_BODY,
    400: P.invalid(
      'labels["kubernetes.io/metadata.name"]',
      'must be the namespace\'s name "shop" (the API server sets it), got "other"',
      'Another name label',
    ),
    404: NO_CLUSTER,
    409: P.conflict('name', 'a namespace named "shop" already exists in this cluster'),
  },
  list: { 400: [BAD_CLUSTER_ID, BAD_LIMIT], 404: NO_CLUSTER },
  get: { 400: id('namespaceId'), 404: P.notFound(`namespace ${MISSING_ID}`) },
  update: { ...WRITE, ...JSON_BODY, 400: id('namespaceId'), 404: P.notFound(`namespace ${MISSING_ID}`) },
  remove: { ...WRITE, 400: id('namespaceId'), 404: P.notFound(`namespace ${MISSING_ID}`) },
} satisfies Record<string, RouteProblems>;

const NOT_A_SUBSET = P.invalid(
  'ingress[0].from[0].ipBlock.except[0]',
  '"192.168.0.0/16" must be a strict subset of `cidr` 10.0.0.0/8',
  'except outside cidr',
);

export const NETWORK_POLICY_PROBLEMS = {
  create: {
    ...WRITE,
    ...JSON_BODY,
    400: [
      NOT_A_SUBSET,
      P.invalid('egress[0].to[0]', 'may not specify both ipBlock and another peer', 'ipBlock with a selector'),
    ],
    404: NO_CLUSTER,
    409: P.conflict('name', 'a NetworkPolicy default/allow-frontend already exists in this cluster'),
  },
  list: { 400: [BAD_CLUSTER_ID, BAD_LIMIT], 404: NO_CLUSTER },
  get: { 400: id('networkPolicyId'), 404: P.notFound(`NetworkPolicy ${MISSING_ID}`) },
  update: {
    ...WRITE,
    ...JSON_BODY,
    400: P.invalid(
      'ingress[0].ports[0].endPort',
      'may not be specified when `port` is non-numeric',
      'endPort with a named port',
    ),
    404: P.notFound(`NetworkPolicy ${MISSING_ID}`),
  },
  remove: { ...WRITE, 400: id('networkPolicyId'), 404: P.notFound(`NetworkPolicy ${MISSING_ID}`) },
} satisfies Record<string, RouteProblems>;
