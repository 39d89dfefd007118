import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ModelCache } from '../../src/modules/analysis/model-cache';
import { TopologyLoader } from '../../src/modules/analysis/topology-loader';
import { ChangeFeed, decodeChange, encodeChange } from '../../src/prisma/change-feed';
import {
  bearer,
  createTenant,
  startSecondInstance,
  TestApp,
  TestTenant,
  twoInstancesWithOneService,
  within,
} from '../support/test-app';

/**
 * The compiled model is never silently stale: a committed change shows in the next analysis on the
 * instance that made it, and on another instance sharing the database within 1 s — even when the
 * NOTIFY that hints it is lost (the version check is the guarantee).
 */
let one: TestApp;
let two: TestApp;
let tenant: TestTenant;
let clusterId: string;

const ask = (app: TestApp, key = tenant.apiKey) =>
  app.http
    .post(`/v1/clusters/${clusterId}/trace`)
    .set(bearer(key))
    .send({ source: { node: 'n1' }, destination: { ip: '10.96.0.10', port: 80 } });

async function endpointsOn(app: TestApp): Promise<string[]> {
  const res = await ask(app).expect(200);
  return (res.body.endpoints as { ip: string }[]).map((e) => e.ip).sort();
}

/** Clusters of one node `n` and two pods (a model of weight 4 each), made through instance one; their ids. */
async function smallClusters(names: string[]): Promise<string[]> {
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

/** An analysis on one of those clusters (so `app` loads and compiles its model). */
function traceOn(app: TestApp, id: string) {
  return app.http
    .post(`/v1/clusters/${id}/trace`)
    .set(bearer(tenant.apiKey))
    .send({ source: { node: 'n' }, destination: { ip: '10.244.9.1', port: 80 } })
    .expect(200);
}

beforeAll(async () => {
  ({ one, two, tenant, clusterId } = await twoInstancesWithOneService());
});
afterAll(async () => {
  await two?.close();
  await one?.close();
});

describe('compiled-model cache', () => {
  it('reflects a change at once on the instance that made it, and within 1 s on the other', async () => {
    expect(await endpointsOn(one)).toEqual(['10.244.0.1']);
    expect(await endpointsOn(two)).toEqual(['10.244.0.1']);
    await one.http
      .post(`/v1/clusters/${clusterId}/pods`)
      .set(bearer(tenant.apiKey))
      .send({ namespace: 'default', name: 'b', nodeName: 'n1', ips: ['10.244.0.2'], labels: { app: 'x' } })
      .expect(201);
    expect(await endpointsOn(one)).toEqual(['10.244.0.1', '10.244.0.2']);
    await within(1_000, async () => (await endpointsOn(two)).length === 2);
  });

  it('stays correct when the notification is lost: the version check catches the change within 1 s', async () => {
    await endpointsOn(two); // warm
    // A change committed without NOTIFY (as if the notification were lost): remove pod b directly.
    const admin = new Client({ connectionString: one.adminUrl });
    await admin.connect();
    await admin.query("DELETE FROM pods WHERE name = 'b'");
    await admin.query('UPDATE clusters SET version = version + 1 WHERE id = $1', [clusterId]);
    await admin.end();
    const took = await within(1_000, async () => (await endpointsOn(two)).length === 1);
    expect(took).toBeLessThan(1_000);
  });

  it('keeps a model on hearing of the version it already is (its own write), drops it on hearing of a newer one', async () => {
    const cache = two.app.get(ModelCache);
    await endpointsOn(two);
    const held = cache.peek(tenant.id, clusterId)!;
    const feed = two.app.get(ChangeFeed);
    feed.publishLocal({ kind: 'cluster', tenantId: tenant.id, clusterId, version: held.cluster.version });
    expect(cache.peek(tenant.id, clusterId)).toBe(held);
    feed.publishLocal({ kind: 'cluster', tenantId: tenant.id, clusterId, version: held.cluster.version + 1 });
    expect(cache.peek(tenant.id, clusterId)).toBeNull();
    await endpointsOn(two);
    feed.publishLocal({ kind: 'cluster', tenantId: tenant.id, clusterId }); // an announcement without a version: dropped
    expect(cache.peek(tenant.id, clusterId)).toBeNull();
  });

  it('announces the version a change made', () => {
    const change = { kind: 'cluster' as const, tenantId: tenant.id, clusterId, version: 42 };
    expect(encodeChange(change)).toBe(`cluster:${tenant.id}:${clusterId}:42`);
    expect(decodeChange(encodeChange(change))).toEqual(change);
    expect(decodeChange(`cluster:${tenant.id}:${clusterId}`)).toEqual({
      kind: 'cluster',
      tenantId: tenant.id,
      clusterId,
    });
    expect(decodeChange(`cluster:${tenant.id}:${clusterId}:x`)).toEqual({
      kind: 'cluster',
      tenantId: tenant.id,
      clusterId,
    });
  });

  it('names the objects a change touched, unless that would not fit in a NOTIFY payload', () => {
    const objects = [
      { kind: 'pod' as const, key: 'shop/web-1' },
      { kind: 'node' as const, key: 'worker-1' },
      { kind: 'service' as const, key: 'shop/web' },
      { kind: 'endpointSlice' as const, key: 'shop/web-abcde' },
      { kind: 'settings' as const, key: '' },
    ];
    const change = { kind: 'cluster' as const, tenantId: tenant.id, clusterId, version: 7, objects };
    expect(encodeChange(change)).toBe(
      `cluster:${tenant.id}:${clusterId}:7:pshop/web-1,nworker-1,sshop/web,eshop/web-abcde,c`,
    );
    expect(decodeChange(encodeChange(change))).toEqual(change);
    expect(decodeChange(encodeChange({ ...change, objects: [] }))).toEqual({ ...change, objects: [] });
    // PostgreSQL refuses payloads of 8,000 bytes: too many objects are announced without them (listeners reload).
    const many = Array.from({ length: 400 }, (_, i) => ({
      kind: 'pod' as const,
      key: `shop/pod-with-a-long-name-${i}`,
    }));
    expect(encodeChange({ ...change, objects: many })).toBe(`cluster:${tenant.id}:${clusterId}:7`);
    // An unknown object letter makes the list unreadable: the change is still heard, without objects.
    expect(decodeChange(`cluster:${tenant.id}:${clusterId}:7:xfoo`)).toEqual({
      kind: 'cluster',
      tenantId: tenant.id,
      clusterId,
      version: 7,
    });
  });

  it("never answers one tenant from another tenant's model", async () => {
    const other = await createTenant(one);
    await ask(one, other.apiKey).expect(404);
    await ask(two, other.apiKey).expect(404);
  });

  it('a key revoked on one instance stops working on the other within its 2 s lookup cache, sooner through NOTIFY', async () => {
    const key = (await one.http.post('/v1/api-keys').set(bearer(tenant.apiKey)).send({ scope: 'read' }).expect(201))
      .body as { id: string; apiKey: string };
    await two.http.get('/v1/tenant').set(bearer(key.apiKey)).expect(200); // cached on instance two now
    await one.http.delete(`/v1/api-keys/${key.id}`).set(bearer(tenant.apiKey)).expect(200);
    await one.http.get('/v1/tenant').set(bearer(key.apiKey)).expect(401);
    const took = await within(
      2_000,
      async () => (await two.http.get('/v1/tenant').set(bearer(key.apiKey))).status === 401,
    );
    expect(took).toBeLessThan(2_000);
  });

  it('is bounded: least recently used models are evicted past the budget', async () => {
    const small = await startSecondInstance(one, { cache: { budget: 10, perTenantBudget: 10 } });
    try {
      const ids = await smallClusters(['b1', 'b2', 'b3']);
      const cache = small.app.get(ModelCache);
      for (const id of ids) await traceOn(small, id);
      // Each model weighs 4 (1 + 1 node + 2 pods): only two fit in a budget of 10.
      expect(cache.stats()).toMatchObject({ entries: 2, weight: 8 });
    } finally {
      await small.close();
    }
  });

  it('evicts the least recently used model, not the oldest loaded', async () => {
    // Models stay fresh for the whole test, so peek shows what is held without a version check.
    const small = await startSecondInstance(one, { cache: { budget: 10, perTenantBudget: 10, freshMs: 60_000 } });
    try {
      const ids = await smallClusters(['l1', 'l2', 'l3']);
      const trace = (id: string) => traceOn(small, id);
      const cache = small.app.get(ModelCache);
      // Which models it holds, read without using them (peek would make them the most recent).
      const entries = (cache as unknown as { entries: Map<string, unknown> }).entries;
      const held = () => ids.map((id) => entries.has(`${tenant.id}/${id}`));
      // Weight 4 each (1 + 1 node + 2 pods): two fit in 10, so each further load evicts one.
      await trace(ids[0]);
      await trace(ids[1]);
      await trace(ids[0]); // l1 used again: l2 is now the least recently used
      await trace(ids[0]);
      await trace(ids[2]);
      expect(held()).toEqual([true, false, true]);
      await trace(ids[2]);
      await trace(ids[0]);
      await trace(ids[1]); // l3 is the least recently used now
      expect(held()).toEqual([true, true, false]);
    } finally {
      await small.close();
    }
  });
});

describe('a load that a write overtakes', () => {
  it('is answered to the request that started it, but not kept as fresh: the next analysis sees the write', async () => {
    const cache = one.app.get(ModelCache);
    const loader = one.app.get(TopologyLoader);
    const [id] = await smallClusters([`overtaken-${Date.now()}`]);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const original = loader.snapshot.bind(loader);
    const slow = vi.spyOn(loader, 'snapshot').mockImplementationOnce(async (...args) => {
      const read = await original(...args); // read before the write below
      await gate;
      return read;
    });
    try {
      const first = cache.get(tenant.id, id);
      await within(1_000, async () => slow.mock.calls.length === 1);
      await new Promise((r) => setTimeout(r, 50)); // let the read finish
      await one.http
        .post(`/v1/clusters/${id}/pods`)
        .set(bearer(tenant.apiKey))
        .send({ namespace: 'default', name: 'late', nodeName: 'n', ips: ['10.244.9.3'] })
        .expect(201);
      release();
      expect((await first).model.pods.map((p) => p.name)).not.toContain('late');
      expect((await cache.get(tenant.id, id)).model.pods.map((p) => p.name)).toContain('late');
    } finally {
      slow.mockRestore();
    }
  });
});
