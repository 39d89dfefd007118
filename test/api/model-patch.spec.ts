import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClusterModel } from '../../src/engine';
import { ModelCache } from '../../src/modules/analysis/model-cache';
import { TopologyLoader } from '../../src/modules/analysis/topology-loader';
import {
  bearer,
  createTenant,
  startSecondInstance,
  startTestApp,
  TestApp,
  TestTenant,
  within,
} from '../support/test-app';

/**
 * Writes patch the compiled model instead of dropping it: the instance that wrote applies its own
 * committed rows, another instance reads just the objects the NOTIFY names. Random sequences of
 * writes through every write path (REST pods, nodes, Services, cluster settings; merge and replace
 * imports) must leave both instances with exactly the model a fresh read of the database gives,
 * reached without reading the whole cluster again, and with the same answers.
 */
const realistic = readFileSync(join(__dirname, '..', 'import', 'fixtures', 'realistic-list.json'), 'utf8');

let one: TestApp;
let two: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  one = await startTestApp();
  two = await startSecondInstance(one);
  tenant = await createTenant(one);
});
afterAll(async () => {
  await two?.close();
  await one?.close();
});

/** The model with every list in one order (patching may keep objects in another order than a read). */
function canonical(model: ClusterModel): string {
  const byName = <T extends { name: string; namespace?: string }>(items: readonly T[]) =>
    [...items].sort((a, b) => `${a.namespace ?? ''}/${a.name}`.localeCompare(`${b.namespace ?? ''}/${b.name}`));
  return JSON.stringify({
    ...model,
    nodes: byName(model.nodes),
    pods: byName(model.pods),
    services: byName(model.services),
    endpointSlices: byName(model.endpointSlices),
  });
}

let seq = 0;
async function importedCluster(): Promise<string> {
  const id = (
    await one.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .send({ name: `patch-${++seq}`, clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] })
      .expect(201)
  ).body.id as string;
  await one.http
    .post(`/v1/clusters/${id}/import`)
    .set(bearer(tenant.apiKey))
    .set('content-type', 'application/json')
    .send(realistic)
    .expect(200);
  return id;
}

type Write = (id: string, n: number) => Promise<unknown>;
const api = (id: string) => ({
  get: async (path: string) =>
    (await one.http.get(`/v1/clusters/${id}${path}`).set(bearer(tenant.apiKey)).expect(200)).body,
  send: (method: 'post' | 'patch' | 'delete', path: string, body?: object) =>
    one.http[method](`/v1/clusters/${id}${path}`).set(bearer(tenant.apiKey)).send(body),
});
async function idOf(id: string, kind: string, name: string): Promise<string> {
  const items = (await api(id).get(`/${kind}?limit=500`)).items as { id: string; name: string }[];
  return items.find((i) => i.name === name)!.id;
}
const importDoc = (id: string, doc: object, mode: string) =>
  one.http
    .post(`/v1/clusters/${id}/import?mode=${mode}`)
    .set(bearer(tenant.apiKey))
    .set('content-type', 'application/json')
    .send(JSON.stringify(doc));

/** One write of each path; `n` makes each application different. */
const WRITES: Record<string, Write> = {
  'create a pod behind shop/web': (id, n) =>
    api(id).send('post', '/pods', {
      namespace: 'shop',
      name: `extra-${n}`,
      nodeName: 'worker-1',
      ips: [`10.244.1.${100 + (n % 100)}`],
      labels: { app: 'web' },
      containerPorts: [{ name: 'http', containerPort: 8080 }],
    }),
  'relabel a pod out of its Service': async (id, n) =>
    api(id).send('patch', `/pods/${await idOf(id, 'pods', 'web-6b7f9c8d5-k9zfr')}`, {
      labels: { app: n % 2 ? 'other' : 'web' },
    }),
  "flip a pod's readiness": async (id, n) =>
    api(id).send('patch', `/pods/${await idOf(id, 'pods', 'api-5d9c7b6f48-h2v7n')}`, { ready: n % 2 === 0 }),
  'delete a pod': async (id) => {
    // The first extra pod, else tq5mw; once both are gone there is nothing left to delete (a no-op step).
    const pods = (await api(id).get('/pods?namespace=shop&limit=500')).items as { id: string; name: string }[];
    const victim = pods.find((p) => p.name.startsWith('extra-')) ?? pods.find((p) => p.name === 'web-6b7f9c8d5-tq5mw');
    return victim ? api(id).send('delete', `/pods/${victim.id}`) : { status: 204, text: '' };
  },
  "set a Service's externalTrafficPolicy": async (id, n) =>
    api(id).send('patch', `/services/${await idOf(id, 'services', 'web-public')}`, {
      externalTrafficPolicy: n % 2 ? 'Cluster' : 'Local',
    }),
  "set a Service's session affinity and traffic distribution": async (id, n) =>
    api(id).send(
      'patch',
      `/services/${await idOf(id, 'services', 'api')}`,
      n % 2
        ? { sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 60 + n, trafficDistribution: 'PreferSameZone' }
        : { sessionAffinity: 'None', trafficDistribution: null },
    ),
  'create a Service': (id, n) =>
    api(id).send('post', '/services', {
      namespace: 'shop',
      name: `svc-${n}`,
      selector: { app: 'api' },
      ports: [{ port: 80, targetPort: 8080 }],
      type: 'NodePort',
    }),
  'relabel a node': async (id, n) =>
    api(id).send('patch', `/nodes/${await idOf(id, 'nodes', 'worker-2')}`, {
      labels: { 'topology.kubernetes.io/zone': `z${n % 3}` },
    }),
  'create a node': (id, n) => api(id).send('post', '/nodes', { name: `late-${n}`, internalIps: [`10.0.9.${n % 250}`] }),
  'change the proxy mode': (id, n) =>
    one.http
      .patch(`/v1/clusters/${id}`)
      .set(bearer(tenant.apiKey))
      .send({ proxyMode: ['IPTABLES', 'IPVS', 'NFTABLES'][n % 3] }),
  "set kube-proxy's own clusterCIDR": (id, n) =>
    one.http
      .patch(`/v1/clusters/${id}`)
      .set(bearer(tenant.apiKey))
      .send({ kubeProxy: { clusterCidrs: [null, [], ['10.244.0.0/17']][n % 3] } }),
  'merge-import a changed pod': (id, n) => {
    const doc = JSON.parse(realistic);
    doc.items[9].metadata.labels.rev = String(n);
    return importDoc(id, doc, 'merge');
  },
  'replace-import a snapshot without a pod': (id) => {
    const doc = JSON.parse(realistic);
    doc.items = doc.items.filter(
      (o: { kind: string; metadata: { name: string } }) =>
        o.kind !== 'Pod' || o.metadata.name !== 'coredns-7c65d6cfc9-vq8dn',
    );
    return importDoc(id, doc, 'replace');
  },
};

async function answers(app: TestApp, id: string): Promise<string[]> {
  const out: string[] = [];
  for (const service of ['shop/web', 'shop/web-public', 'shop/api', 'kube-system/kube-dns']) {
    for (const client of [
      { pod: 'shop/api-5d9c7b6f48-p8w3s' },
      { node: 'cp-1' },
      { external: { network: 'PUBLIC' } },
    ]) {
      const res = await app.http
        .post(`/v1/clusters/${id}/reachability?detail=full`)
        .set(bearer(tenant.apiKey))
        .set('accept-encoding', 'identity')
        .send({ client, service });
      out.push(`${res.status} ${res.text}`);
    }
  }
  return out;
}

describe('writes patch the compiled model', () => {
  it('random sequences of writes leave both instances with the model a fresh read gives, without reading the cluster again', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...Object.keys(WRITES)), { minLength: 6, maxLength: 10 }),
        async (steps) => {
          const id = await importedCluster();
          const [cacheOne, cacheTwo] = [one.app.get(ModelCache), two.app.get(ModelCache)];
          const [loaderOne, loaderTwo] = [one.app.get(TopologyLoader), two.app.get(TopologyLoader)];
          await cacheOne.get(tenant.id, id);
          await cacheTwo.get(tenant.id, id);
          const fullReads = [vi.spyOn(loaderOne, 'snapshot'), vi.spyOn(loaderTwo, 'snapshot')];
          try {
            for (const [n, step] of steps.entries()) {
              const res = (await WRITES[step](id, n)) as { status: number; text: string };
              expect(res.status, `${step}: ${res.text}`).toBeLessThan(300);
              const stored = canonical((await loaderOne.snapshot(tenant.id, id))!.model);
              fullReads[0].mockClear(); // that read was this test's own
              expect(canonical((await cacheOne.get(tenant.id, id)).model), `instance one after ${step}`).toBe(stored);
              expect(fullReads[0], `instance one read the whole cluster after ${step}`).not.toHaveBeenCalled();
              await within(1_000, async () => canonical((await cacheTwo.get(tenant.id, id)).model) === stored);
              expect(fullReads[1], `instance two read the whole cluster after ${step}`).not.toHaveBeenCalled();
            }
          } finally {
            fullReads.forEach((s) => s.mockRestore());
          }
          expect(await answers(two, id)).toEqual(await answers(one, id));
        },
      ),
      { numRuns: 3 },
    );
  }, 120_000);

  it('an instance that hears of a change it cannot patch (a lost NOTIFY) still reloads the cluster', async () => {
    const id = await importedCluster();
    const cacheTwo = two.app.get(ModelCache);
    await cacheTwo.get(tenant.id, id);
    const loaderTwo = two.app.get(TopologyLoader);
    const changes = vi.spyOn(loaderTwo, 'changes').mockResolvedValue(null); // as if the objects could not be read
    try {
      await WRITES['create a pod behind shop/web'](id, 1);
      await within(1_000, async () => (await cacheTwo.get(tenant.id, id)).model.pods.some((p) => p.name === 'extra-1'));
    } finally {
      changes.mockRestore();
    }
  });
});
