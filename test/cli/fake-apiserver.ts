import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A Kubernetes API server that only lists, for the real kubectl in test/cli/sync.spec.ts: version,
 * legacy discovery (kubectl asks for aggregated discovery first and falls back to plain JSON), and
 * the lists of nodes, pods, Services and EndpointSlices plus the kube-system/kube-proxy ConfigMap,
 * served from a recorded `kubectl get -o json` List. List items leave out apiVersion and kind, as a
 * real API server's do: kubectl fills them in. It records every path it is asked for.
 */
export interface FakeApiServer {
  readonly url: string;
  readonly requests: string[];
  /** What the lists hold from now on. */
  serve(list: KubeList, kubeProxy: object | null): void;
  close(): Promise<void>;
}

export interface KubeList {
  items: { kind: string; apiVersion: string; metadata: { name: string; namespace?: string } }[];
}

const resource = (name: string, kind: string, namespaced: boolean, shortNames: string[] = []) => ({
  name,
  singularName: kind.toLowerCase(),
  namespaced,
  kind,
  verbs: ['get', 'list', 'watch'],
  ...(shortNames.length ? { shortNames } : {}),
});

const DISCOVERY: Record<string, object> = {
  '/version': {
    major: '1',
    minor: '31',
    gitVersion: 'v1.31.4',
    gitCommit: 'a78aa47129b8539636eb86a9d00e31b2720fe06b',
    gitTreeState: 'clean',
    buildDate: '2024-12-10T18:05:32Z',
    goVersion: 'go1.22.10',
    compiler: 'gc',
    platform: 'linux/amd64',
  },
  '/api': {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
  },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [
      {
        name: 'discovery.k8s.io',
        versions: [{ groupVersion: 'discovery.k8s.io/v1', version: 'v1' }],
        preferredVersion: { groupVersion: 'discovery.k8s.io/v1', version: 'v1' },
      },
    ],
  },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      resource('configmaps', 'ConfigMap', true, ['cm']),
      resource('nodes', 'Node', false, ['no']),
      resource('pods', 'Pod', true, ['po']),
      resource('services', 'Service', true, ['svc']),
    ],
  },
  '/apis/discovery.k8s.io/v1': {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'discovery.k8s.io/v1',
    resources: [resource('endpointslices', 'EndpointSlice', true)],
  },
};

/** The list routes and the kind each one holds. */
const LISTS: Record<string, [string, string]> = {
  '/api/v1/nodes': ['v1', 'Node'],
  '/api/v1/pods': ['v1', 'Pod'],
  '/api/v1/services': ['v1', 'Service'],
  '/apis/discovery.k8s.io/v1/endpointslices': ['discovery.k8s.io/v1', 'EndpointSlice'],
};

const KUBE_PROXY = '/api/v1/namespaces/kube-system/configmaps/kube-proxy';

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const notFound = (message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason: 'NotFound',
  code: 404,
});

export async function startFakeApiServer(): Promise<FakeApiServer> {
  const requests: string[] = [];
  let list: KubeList = { items: [] };
  let kubeProxy: object | null = null;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(`${req.method} ${path}`);
    if (DISCOVERY[path]) return send(res, 200, DISCOVERY[path]);
    if (LISTS[path]) {
      const [apiVersion, kind] = LISTS[path];
      const items = list.items.filter((i) => i.kind === kind).map(({ kind: _k, apiVersion: _v, ...rest }) => rest);
      return send(res, 200, { kind: `${kind}List`, apiVersion, metadata: { resourceVersion: '52200' }, items });
    }
    if (path === KUBE_PROXY)
      return send(res, kubeProxy ? 200 : 404, kubeProxy ?? notFound('configmaps "kube-proxy" not found'));
    send(res, 404, notFound('the server could not find the requested resource'));
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    serve(l, k) {
      list = l;
      kubeProxy = k;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
