import { beforeAll, describe, expect, it } from 'vitest';
import { appWithTenant, bearer } from '../support/test-app';

/**
 * A compact answer names at most 20 addresses per group: the rest come by the group's cursor (or
 * ?group=), in full detail, paged. A KUBERNETES cluster of 30 nodes; the backend runs on node-1, the
 * client pod on node-2; a NodePort Service with externalTrafficPolicy Cluster, so the NodePort of
 * every node but the client's answers alike.
 */
const NODES = 30;
const ctx = appWithTenant();
let clusterId: string;

const ask = (query: string, status = 200) =>
  ctx.t.http
    .post(`/v1/clusters/${clusterId}/reachability${query}`)
    .set(bearer(ctx.tenant.apiKey))
    .send({ client: { pod: 'web/client' }, service: 'web/backend' })
    .expect(status);

interface SourceIp {
  preserved: boolean | null;
  reason: string;
}
interface Group {
  id: string;
  kind: string;
  count: number;
  addresses: { address: string }[];
  cursor: string | null;
  verdict: string;
  sourceIp: SourceIp;
  rule: string | null;
}
interface Result {
  via: { kind: string; address: string };
  verdict: string;
  sourceIp: SourceIp;
  rule: string | null;
}

beforeAll(async () => {
  const { t, tenant } = ctx;
  clusterId = (
    await t.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .send({ name: 'paging', clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] })
      .expect(201)
  ).body.id;
  const items = [
    ...Array.from({ length: NODES }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${i + 1}` },
      spec: { podCIDR: `10.244.${i + 1}.0/24` },
      status: { addresses: [{ type: 'InternalIP', address: `192.168.0.${i + 1}` }] },
    })),
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: 'web', name: 'backend', labels: { app: 'backend' } },
      spec: { nodeName: 'node-1', containers: [{ name: 'c', ports: [{ containerPort: 8080 }] }] },
      status: { phase: 'Running', podIP: '10.244.1.10', conditions: [{ type: 'Ready', status: 'True' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: 'web', name: 'client' },
      spec: { nodeName: 'node-2', containers: [{ name: 'c' }] },
      status: { phase: 'Running', podIP: '10.244.2.10' },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: 'web', name: 'backend' },
      spec: {
        type: 'NodePort',
        selector: { app: 'backend' },
        clusterIP: '10.96.0.50',
        ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }],
      },
    },
  ];
  await t.http
    .post(`/v1/clusters/${clusterId}/import`)
    .set(bearer(tenant.apiKey))
    .send({ apiVersion: 'v1', kind: 'List', items })
    .expect(200);
});

describe('paging a group', () => {
  it('a group showing 20 of its addresses gives a cursor; following it yields the rest, each once, in full detail', async () => {
    const compact = (await ask('')).body as { groups: Group[] };
    const big = compact.groups.find((g) => g.count > 20)!;
    expect(big.addresses).toHaveLength(20);
    expect(big.cursor).toEqual(expect.any(String));
    for (const g of compact.groups.filter((x) => x.count <= 20)) expect(g.cursor).toBeNull();
    const all = (await ask('?detail=full')).body.results as Result[];
    // The group's members in full, page by page from its cursor, then from its start by ?group=.
    const rest: Result[] = [];
    let cursor: string | null = big.cursor;
    while (cursor !== null) {
      const page = (await ask(`?limit=4&cursor=${cursor}`)).body as {
        detail: string;
        results: Result[];
        nextCursor: string | null;
      };
      expect(page.detail).toBe('FULL');
      rest.push(...page.results);
      cursor = page.nextCursor;
    }
    expect(rest.map((r) => r.via.address)).toHaveLength(big.count - 20);
    const members = (await ask(`?group=${big.id}`)).body.results as Result[];
    expect(members.map((r) => r.via.address)).toEqual([
      ...big.addresses.map((a) => a.address),
      ...rest.map((r) => r.via.address),
    ]);
    // Exactly the results with the group's outcome, in answer order.
    const same = (r: Result) =>
      r.via.kind === big.kind &&
      r.verdict === big.verdict &&
      r.rule === big.rule &&
      r.sourceIp.preserved === big.sourceIp.preserved &&
      r.sourceIp.reason === big.sourceIp.reason;
    expect(members.map((r) => r.via.address)).toEqual(all.filter(same).map((r) => r.via.address));
    expect(new Set(members.map((r) => r.via.address)).size).toBe(big.count);
  });

  it('an unknown group is a 422 naming the field; a cursor of another group a 400', async () => {
    expect((await ask('?group=g99', 422)).body.errors[0].field).toBe('group');
    expect((await ask('?group=nope', 400)).body.errors[0].field).toBe('group');
    const compact = (await ask('')).body as { groups: Group[] };
    const big = compact.groups.find((g) => g.count > 20)!;
    const other = compact.groups.find((g) => g.id !== big.id)!;
    expect((await ask(`?group=${other.id}&cursor=${big.cursor}`, 400)).body.errors[0].field).toBe('group');
  });
});
