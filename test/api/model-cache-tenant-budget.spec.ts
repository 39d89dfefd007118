import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCache } from '../../src/modules/analysis/model-cache';
import { bearer, createTenant, startSecondInstance, startTestApp, TestApp, TestTenant } from '../support/test-app';

/**
 * ModelCache's two bounds: the total weight (any tenant's least recently used model goes first)
 * and each tenant's share of it (a tenant's own least recently used model goes first), so one
 * tenant cannot evict everyone else.
 */
let one: TestApp;
let small: TestApp;
let a: TestTenant;
let b: TestTenant;

/** Clusters of weight 4 (1 + 1 node + 2 pods). */
async function smallClusters(tenant: TestTenant, names: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    const id = (await one.http.post('/v1/clusters').set(bearer(tenant.apiKey)).send({ name }).expect(201)).body
      .id as string;
    await one.http
      .post(`/v1/clusters/${id}/nodes`)
      .set(bearer(tenant.apiKey))
      .send({ name: 'n', internalIps: ['192.168.9.1'] })
      .expect(201);
    for (const p of [1, 2]) {
      await one.http
        .post(`/v1/clusters/${id}/pods`)
        .set(bearer(tenant.apiKey))
        .send({ namespace: 'default', name: `p${p}`, nodeName: 'n', ips: [`10.244.9.${p}`] })
        .expect(201);
    }
    ids.push(id);
  }
  return ids;
}

function traceOn(tenant: TestTenant, id: string) {
  return small.http
    .post(`/v1/clusters/${id}/trace`)
    .set(bearer(tenant.apiKey))
    .send({ source: { node: 'n' }, destination: { ip: '10.244.9.1', port: 80 } })
    .expect(200);
}

beforeAll(async () => {
  one = await startTestApp();
  a = await createTenant(one);
  b = await createTenant(one);
  // Three models fit in all, two per tenant; fresh for the whole test, so nothing is reloaded.
  small = await startSecondInstance(one, { cache: { budget: 12, perTenantBudget: 8, freshMs: 60_000 } });
});
afterAll(async () => {
  await small?.close();
  await one?.close();
});

describe('ModelCache bounds', () => {
  it("evicts a tenant's own least recently used model past its share, and anyone's past the total", async () => {
    const [a1, a2, a3] = await smallClusters(a, ['a1', 'a2', 'a3']);
    const [b1] = await smallClusters(b, ['b1']);
    const cache = small.app.get(ModelCache);
    // Read without using them (peek would make them the most recent).
    const entries = (cache as unknown as { entries: { has(k: string): boolean } }).entries;
    const held = (tenant: TestTenant, ids: string[]) => ids.map((id) => entries.has(`${tenant.id}/${id}`));

    await traceOn(b, b1); // b1 is now the least recently used of all
    await traceOn(a, a1);
    await traceOn(a, a2);
    await traceOn(a, a1); // a2 is tenant a's least recently used
    await traceOn(a, a3); // past a's share (8): a2 goes, not b1 although it is older
    expect([...held(a, [a1, a2, a3]), ...held(b, [b1])]).toEqual([true, false, true, true]);
    expect(cache.stats()).toMatchObject({ entries: 3, weight: 12 });

    await traceOn(a, a1);
    await traceOn(a, a3);
    const [b2] = await smallClusters(b, ['b2']);
    await traceOn(b, b2); // past the total (12): the least recently used of all goes, b1
    expect([...held(a, [a1, a2, a3]), ...held(b, [b1, b2])]).toEqual([true, false, true, false, true]);
    expect(cache.stats()).toMatchObject({ entries: 3, weight: 12 });
  });
});
