import { describe, expect, it } from 'vitest';
import { appWithTenant, bearer, snapshot } from '../support/test-app';

/**
 * ETag / If-Match on every REST entity, on a real PostgreSQL: a GET and a PATCH answer with the
 * object's version as a strong ETag; PATCH and DELETE go ahead only when If-Match names it (or
 * `*`), else a 412 that changes nothing; a PATCH that changes nothing bumps no version (neither the
 * object's nor its cluster's); an import bumps the versions of the rows it changes, and only those.
 */
const ctx = appWithTenant();
const auth = () => bearer(ctx.tenant.apiKey);
const TABLES = ['clusters', 'nodes', 'pods', 'services', 'namespaces', 'network_policies', 'address_claims'];

type View = Record<string, unknown> & { id: string; version: number; labels?: Record<string, string> };

let seq = 0;
const unique = () => `x${++seq}`;

/** Each kind: where it lives under a cluster ('' = the cluster itself), a body that creates one, a PATCH that changes it and one that repeats what is stored. */
const KINDS: Record<
  string,
  { path: string; create: () => object; change: (v: View) => object; same: (v: View) => object }
> = {
  cluster: {
    path: '',
    create: () => ({ name: `c-${unique()}`, clusterCidrs: ['10.244.0.0/16'] }),
    change: (v) => ({ kubeProxy: { masqueradeAll: !(v.kubeProxy as { masqueradeAll: boolean }).masqueradeAll } }),
    same: (v) => ({
      name: v.name,
      proxyMode: v.proxyMode,
      clusterCidrs: v.clusterCidrs,
      kubeProxy: { masqueradeAll: (v.kubeProxy as { masqueradeAll: boolean }).masqueradeAll },
    }),
  },
  node: {
    path: 'nodes',
    create: () => ({ name: `n-${unique()}`, internalIps: [`192.168.1.${seq}`], labels: { a: '1' } }),
    change: (v) => ({ labels: { ...v.labels, b: unique() } }),
    same: (v) => ({ internalIps: v.internalIps, labels: v.labels }),
  },
  pod: {
    path: 'pods',
    create: () => ({ namespace: 'default', name: `p-${unique()}`, ips: [`10.244.1.${seq}`], labels: { a: '1' } }),
    change: (v) => ({ labels: { ...v.labels, b: unique() } }),
    same: (v) => ({ labels: v.labels, ready: v.ready, phase: v.phase, ips: v.ips }),
  },
  service: {
    path: 'services',
    create: () => ({
      namespace: 'default',
      name: `s-${unique()}`,
      selector: { app: 'a' },
      ports: [{ port: 80 }],
      labels: { a: '1' },
    }),
    change: (v) => ({ labels: { ...v.labels, b: unique() } }),
    same: (v) => ({ labels: v.labels, selector: v.selector, type: v.type }),
  },
  namespace: {
    path: 'namespaces',
    create: () => ({ name: `ns-${unique()}`, labels: { team: 'a' } }),
    change: (v) => ({ labels: { ...v.labels, b: unique() } }),
    same: (v) => ({ labels: v.labels }),
  },
  networkpolicy: {
    path: 'networkpolicies',
    create: () => ({ namespace: 'default', name: `np-${unique()}`, podSelector: { matchLabels: { app: 'a' } } }),
    change: () => ({ podSelector: { matchLabels: { app: unique() } } }),
    same: (v) => ({ podSelector: v.podSelector, policyTypes: v.policyTypes }),
  },
};

/** A new cluster (for the `cluster` kind: the object itself) and one object of the kind in it; its URL. */
async function fresh(kind: string): Promise<{ url: string; clusterUrl: string; view: View }> {
  const spec = KINDS[kind];
  const cluster = (await ctx.t.http.post('/v1/clusters').set(auth()).send(KINDS.cluster.create()).expect(201))
    .body as View;
  const clusterUrl = `/v1/clusters/${cluster.id}`;
  if (spec.path === '') return { url: clusterUrl, clusterUrl, view: cluster };
  const view = (await ctx.t.http.post(`${clusterUrl}/${spec.path}`).set(auth()).send(spec.create()).expect(201))
    .body as View;
  return { url: `${clusterUrl}/${spec.path}/${view.id}`, clusterUrl, view };
}

const read = async (url: string) => ctx.t.http.get(url).set(auth()).expect(200);
const versionOf = async (url: string) => (await read(url)).body.version as number;

describe.each(Object.keys(KINDS))('%s', (kind) => {
  it('GET answers with the version as a strong ETag; a PATCH with the new one', async () => {
    const { url, view } = await fresh(kind);
    const got = await read(url);
    expect(got.headers.etag).toBe(`"${view.version}"`);
    expect(got.body.version).toBe(view.version);
    const patched = await ctx.t.http.patch(url).set(auth()).send(KINDS[kind].change(got.body)).expect(200);
    expect(patched.body.version).toBe(view.version + 1);
    expect(patched.headers.etag).toBe(`"${view.version + 1}"`);
    expect((await read(url)).headers.etag).toBe(`"${view.version + 1}"`);
  });

  it('PATCH with a matching If-Match (or *) goes ahead; with a stale one it is a 412 naming If-Match and changes nothing', async () => {
    const { url, view } = await fresh(kind);
    const etag = (await read(url)).headers.etag as string;
    const first = await ctx.t.http
      .patch(url)
      .set(auth())
      .set('if-match', etag)
      .send(KINDS[kind].change(view))
      .expect(200);
    expect(first.headers.etag).toBe(`"${view.version + 1}"`);
    const any = await ctx.t.http
      .patch(url)
      .set(auth())
      .set('if-match', '*')
      .send(KINDS[kind].change(first.body))
      .expect(200);
    expect(any.headers.etag).toBe(`"${view.version + 2}"`);
    // A list matches when one of its tags does.
    const listed = await ctx.t.http
      .patch(url)
      .set(auth())
      .set('if-match', `"999999", ${any.headers.etag}`)
      .send(KINDS[kind].change(any.body))
      .expect(200);

    const before = await snapshot(ctx.t, TABLES);
    for (const stale of [etag, `W/${listed.headers.etag}`, '"999999"']) {
      const res = await ctx.t.http
        .patch(url)
        .set(auth())
        .set('if-match', stale)
        .send(KINDS[kind].change(listed.body))
        .expect(412);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 412, code: 'PRECONDITION_FAILED', errors: [{ field: 'If-Match' }] });
    }
    expect(await snapshot(ctx.t, TABLES)).toEqual(before);
  });

  it('DELETE with a stale If-Match is a 412 and deletes nothing; with the current one it deletes', async () => {
    const { url, view } = await fresh(kind);
    const changed = await ctx.t.http.patch(url).set(auth()).send(KINDS[kind].change(view)).expect(200);
    const before = await snapshot(ctx.t, TABLES);
    const res = await ctx.t.http.delete(url).set(auth()).set('if-match', `"${view.version}"`).expect(412);
    expect(res.body).toMatchObject({ code: 'PRECONDITION_FAILED', errors: [{ field: 'If-Match' }] });
    expect(await snapshot(ctx.t, TABLES)).toEqual(before);
    await ctx.t.http
      .delete(url)
      .set(auth())
      .set('if-match', changed.headers.etag as string)
      .expect(204);
    await ctx.t.http.get(url).set(auth()).expect(404);
  });

  it("a PATCH of {} or of the stored values bumps no version, neither its own nor its cluster's", async () => {
    const { url, clusterUrl } = await fresh(kind);
    const current = (await read(url)).body as View;
    const clusterVersion = await versionOf(clusterUrl);
    const before = await snapshot(ctx.t, TABLES);
    for (const body of [{}, KINDS[kind].same(current)]) {
      const res = await ctx.t.http
        .patch(url)
        .set(auth())
        .set('if-match', `"${current.version}"`)
        .send(body)
        .expect(200);
      expect(res.body.version, JSON.stringify(body)).toBe(current.version);
      expect(res.headers.etag).toBe(`"${current.version}"`);
      expect(res.body.updatedAt).toBe(current.updatedAt);
    }
    expect(await versionOf(url)).toBe(current.version);
    expect(await versionOf(clusterUrl)).toBe(clusterVersion);
    expect(await snapshot(ctx.t, TABLES)).toEqual(before);
    // A real change still bumps both.
    await ctx.t.http.patch(url).set(auth()).send(KINDS[kind].change(current)).expect(200);
    expect(await versionOf(url)).toBe(current.version + 1);
    expect(await versionOf(clusterUrl)).toBeGreaterThan(clusterVersion);
  });
});

describe('If-Match', () => {
  it('two concurrent PATCHes with the same If-Match: exactly one goes ahead, the other is a 412', async () => {
    for (const kind of ['cluster', 'node']) {
      const { url, view } = await fresh(kind);
      const etag = `"${view.version}"`;
      const send = () =>
        ctx.t.http
          .patch(url)
          .set(auth())
          .set('if-match', etag)
          .send(KINDS[kind].change(view))
          .then((r) => r.status);
      const statuses = await Promise.all(Array.from({ length: 6 }, send));
      expect(statuses.sort(), kind).toEqual([200, 412, 412, 412, 412, 412]);
      expect(await versionOf(url)).toBe(view.version + 1);
    }
  });

  it('a malformed If-Match is a 400 naming it, and changes nothing', async () => {
    const { url, view } = await fresh('node');
    const before = await snapshot(ctx.t, TABLES);
    for (const header of ['1', '"1', '"1" "2"', '"1", *', ' ']) {
      const res = await ctx.t.http
        .patch(url)
        .set(auth())
        .set('if-match', header)
        .send(KINDS.node.change(view))
        .expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'If-Match' }] });
    }
    expect(await snapshot(ctx.t, TABLES)).toEqual(before);
  });

  it('a missing object is a 404, whatever If-Match says', async () => {
    const { clusterUrl } = await fresh('cluster');
    await ctx.t.http
      .patch(`${clusterUrl}/nodes/9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d`)
      .set(auth())
      .set('if-match', '*')
      .send({ labels: {} })
      .expect(404);
    await ctx.t.http
      .delete(`${clusterUrl}/nodes/9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d`)
      .set(auth())
      .set('if-match', '"1"')
      .expect(404);
  });

  it("lists carry each object's version, and no ETag", async () => {
    const { clusterUrl, view } = await fresh('pod');
    const list = await read(`${clusterUrl}/pods`);
    expect(list.headers.etag).toBeUndefined();
    expect(list.body.items).toEqual([expect.objectContaining({ id: view.id, version: view.version })]);
  });
});

describe('imports', () => {
  const node = (name: string, ip: string, labels: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    spec: {},
    status: { addresses: [{ type: 'InternalIP', address: ip }] },
  });
  const namespace = (name: string, labels: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels },
  });
  const list = (...items: object[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
  const importDoc = (clusterUrl: string, text: string) =>
    ctx.t.http.post(`${clusterUrl}/import`).set(auth()).set('content-type', 'application/json').send(text).expect(200);

  it('bump the version of each row they change, and only of those; an unchanged import bumps nothing', async () => {
    const { clusterUrl } = await fresh('cluster');
    await importDoc(
      clusterUrl,
      list(
        node('a', '192.168.5.1', { x: '1' }),
        node('b', '192.168.5.2', { x: '1' }),
        namespace('shop', { team: 'a' }),
      ),
    );
    const ids = async () => {
      const nodes = (await read(`${clusterUrl}/nodes`)).body.items as View[];
      const namespaces = (await read(`${clusterUrl}/namespaces`)).body.items as View[];
      return Object.fromEntries(
        [...nodes, ...namespaces].map((v) => [v.name as string, { id: v.id, version: v.version }]),
      );
    };
    const first = await ids();
    expect(Object.values(first).map((v) => v.version)).toEqual([1, 1, 1]);
    const clusterVersion = await versionOf(clusterUrl);

    // Node a and the namespace change; node b is as stored.
    await importDoc(
      clusterUrl,
      list(
        node('a', '192.168.5.1', { x: '2' }),
        node('b', '192.168.5.2', { x: '1' }),
        namespace('shop', { team: 'b' }),
      ),
    );
    const second = await ids();
    expect(second).toEqual({ a: { id: first.a.id, version: 2 }, b: first.b, shop: { id: first.shop.id, version: 2 } });
    expect((await read(`${clusterUrl}/nodes/${first.a.id}`)).headers.etag).toBe('"2"');
    expect(await versionOf(clusterUrl)).toBe(clusterVersion + 1);

    // The same document again: nothing changes, no version moves.
    await importDoc(
      clusterUrl,
      list(
        node('a', '192.168.5.1', { x: '2' }),
        node('b', '192.168.5.2', { x: '1' }),
        namespace('shop', { team: 'b' }),
      ),
    );
    expect(await ids()).toEqual(second);
    expect(await versionOf(clusterUrl)).toBe(clusterVersion + 1);
  });

  it('an If-Match taken before an import that changed the object is stale after it', async () => {
    const { clusterUrl } = await fresh('cluster');
    await importDoc(clusterUrl, list(node('a', '192.168.6.1', { x: '1' })));
    const [a] = (await read(`${clusterUrl}/nodes`)).body.items as View[];
    const etag = (await read(`${clusterUrl}/nodes/${a.id}`)).headers.etag as string;
    await importDoc(clusterUrl, list(node('a', '192.168.6.1', { x: '2' })));
    await ctx.t.http
      .patch(`${clusterUrl}/nodes/${a.id}`)
      .set(auth())
      .set('if-match', etag)
      .send({ labels: { x: '3' } })
      .expect(412);
  });
});
