import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appWithTenant, bearer } from '../support/test-app';

/**
 * A redacted support bundle (troubleshoot writes ***HIDDEN*** for addresses) is never refused
 * whole over one field: the object is imported without the value, a warning names the field, the
 * API shows it as unknown, the analyses that need it answer UNKNOWN naming the missing fact, and a
 * write that sets the value makes it known again.
 */
const realistic = readFileSync(join(__dirname, '..', 'import', 'fixtures', 'realistic-list.json'), 'utf8');

const ctx = appWithTenant();

async function importRedacted(): Promise<{ id: string; body: { warnings: { index: number; message: string }[] } }> {
  const id = (
    await ctx.t.http
      .post('/v1/clusters')
      .set(bearer(ctx.tenant.apiKey))
      .send({ name: `redacted-${Date.now()}`, clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] })
      .expect(201)
  ).body.id as string;
  const doc = JSON.parse(realistic);
  // shop/web-6b7f9c8d5-k9zfr (item 9), a backend of shop/web: its address hidden.
  doc.items[9].status.podIP = '***HIDDEN***';
  doc.items[9].status.podIPs = [{ ip: '***HIDDEN***' }];
  const res = await ctx.t.http
    .post(`/v1/clusters/${id}/import`)
    .set(bearer(ctx.tenant.apiKey))
    .set('content-type', 'application/json')
    .send(JSON.stringify(doc))
    .expect(200);
  return { id, body: res.body };
}

const pod = async (id: string, name: string) =>
  (
    (
      await ctx.t.http
        .get(`/v1/clusters/${id}/pods?namespace=shop&limit=100`)
        .set(bearer(ctx.tenant.apiKey))
        .expect(200)
    ).body.items as { id: string; name: string; ips: string[]; unknownFields: string[] }[]
  ).find((p) => p.name === name)!;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a kubectl document, edited freely
async function importWith(edit: (doc: { items: Record<string, any>[] }) => void): Promise<string> {
  const id = (
    await ctx.t.http
      .post('/v1/clusters')
      .set(bearer(ctx.tenant.apiKey))
      .send({ name: `redacted-${Date.now()}`, clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] })
      .expect(201)
  ).body.id as string;
  const doc = JSON.parse(realistic);
  edit(doc);
  await ctx.t.http
    .post(`/v1/clusters/${id}/import`)
    .set(bearer(ctx.tenant.apiKey))
    .set('content-type', 'application/json')
    .send(JSON.stringify(doc))
    .expect(200);
  return id;
}

describe('importing redacted values', () => {
  it('a node whose address is hidden makes the answers of traffic from outside UNKNOWN, not the in-cluster ones', async () => {
    const id = await importWith((doc) => {
      doc.items[2].status.addresses = doc.items[2].status.addresses.map((a: { type: string; address: string }) =>
        a.type === 'InternalIP' ? { ...a, address: '***HIDDEN***' } : a,
      );
    });
    const nodes = (await ctx.t.http.get(`/v1/clusters/${id}/nodes`).set(bearer(ctx.tenant.apiKey)).expect(200)).body
      .items as { name: string; internalIps: string[]; unknownFields: string[] }[];
    expect(nodes.find((n) => n.name === 'worker-2')).toMatchObject({ internalIps: [], unknownFields: ['internalIps'] });
    const ask = async (client: object, service: string) =>
      (
        await ctx.t.http
          .post(`/v1/clusters/${id}/reachability?detail=full`)
          .set(bearer(ctx.tenant.apiKey))
          .send({ client, service })
          .expect(200)
      ).body.results as { verdict: string; missingFact: string | null; path: { description: string }[] }[];
    const lb = await ask({ external: { network: 'PUBLIC' } }, 'shop/web-public');
    expect(lb.length).toBeGreaterThan(0);
    expect(
      lb.every(
        (r) => r.missingFact === 'REDACTED_VALUE' && r.path[0].description.includes('node worker-2: internalIps'),
      ),
    ).toBe(true);
    expect(
      (await ask({ pod: 'shop/api-5d9c7b6f48-h2v7n' }, 'kube-system/kube-dns')).map((r) => r.missingFact),
    ).not.toContain('REDACTED_VALUE');
  });

  it('a Service whose ClusterIP is hidden keeps none made up: a write to its labels allocates nothing', async () => {
    const id = await importWith((doc) => {
      doc.items[16].spec.clusterIP = '***HIDDEN***';
      doc.items[16].spec.clusterIPs = ['***HIDDEN***'];
    });
    const services = (
      await ctx.t.http.get(`/v1/clusters/${id}/services?namespace=shop`).set(bearer(ctx.tenant.apiKey)).expect(200)
    ).body.items as { id: string; name: string; clusterIps: string[]; unknownFields: string[] }[];
    const api = services.find((s) => s.name === 'api')!;
    expect(api).toMatchObject({ clusterIps: [], unknownFields: ['clusterIps'] });
    const res = await ctx.t.http
      .patch(`/v1/clusters/${id}/services/${api.id}`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ labels: { team: 'a' } })
      .expect(200);
    expect(res.body).toMatchObject({ clusterIps: [], unknownFields: ['clusterIps'], labels: { team: 'a' } });
  });

  it('imports the object without the value, names the field in a warning, and shows it as unknown', async () => {
    const { id, body } = await importRedacted();
    expect(body.warnings.filter((w) => w.index === 9).map((w) => w.message)).toEqual([
      'status.podIPs[0].ip: redacted ("***HIDDEN***"): unknown',
    ]);
    const hidden = await pod(id, 'web-6b7f9c8d5-k9zfr');
    expect(hidden).toMatchObject({ ips: [], unknownFields: ['ips'] });
    expect((await pod(id, 'web-6b7f9c8d5-abx2k')).unknownFields).toEqual([]);
  });

  it('answers UNKNOWN where the analysis needs the hidden value, naming it, and only there', async () => {
    const { id } = await importRedacted();
    const ask = async (client: object, service: string) =>
      (
        await ctx.t.http
          .post(`/v1/clusters/${id}/reachability?detail=full`)
          .set(bearer(ctx.tenant.apiKey))
          .send({ client, service })
          .expect(200)
      ).body.results as {
        verdict: string;
        missingFact: string | null;
        path: { rule: string; description: string }[];
      }[];
    const web = await ask({ pod: 'shop/api-5d9c7b6f48-h2v7n' }, 'shop/web');
    expect(web.length).toBeGreaterThan(0);
    for (const r of web) {
      expect(r).toMatchObject({ verdict: 'UNKNOWN', missingFact: 'REDACTED_VALUE' });
      expect(r.path[0]).toEqual({
        at: 'client',
        rule: 'IMPORT-REDACTED-VALUE',
        description: 'the imported dump redacted values this answer needs: pod shop/web-6b7f9c8d5-k9zfr: ips',
      });
    }
    // shop/api's backends are all known: its answer does not depend on the hidden address.
    expect((await ask({ pod: 'shop/web-6b7f9c8d5-abx2k' }, 'shop/api')).map((r) => r.missingFact)).not.toContain(
      'REDACTED_VALUE',
    );
    // The hidden pod as the client: its own address is unknown.
    const fromHidden = await ask({ pod: 'shop/web-6b7f9c8d5-k9zfr' }, 'shop/api');
    expect(fromHidden.map((r) => [r.verdict, r.missingFact])).toEqual([['UNKNOWN', 'REDACTED_VALUE']]);
    expect(fromHidden[0].path[0].description).toContain('client pod shop/web-6b7f9c8d5-k9zfr: ips');
  });

  it('a write that sets the value makes it known again', async () => {
    const { id } = await importRedacted();
    const hidden = await pod(id, 'web-6b7f9c8d5-k9zfr');
    const res = await ctx.t.http
      .patch(`/v1/clusters/${id}/pods/${hidden.id}`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ ips: ['10.244.2.21'] })
      .expect(200);
    expect(res.body).toMatchObject({ ips: ['10.244.2.21'], unknownFields: [] });
    const web = await ctx.t.http
      .post(`/v1/clusters/${id}/reachability?detail=full`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ client: { pod: 'shop/api-5d9c7b6f48-h2v7n' }, service: 'shop/web' })
      .expect(200);
    expect(web.body.results.map((r: { missingFact: string | null }) => r.missingFact)).not.toContain('REDACTED_VALUE');
    const labelsOnly = await ctx.t.http
      .patch(`/v1/clusters/${id}/pods/${hidden.id}`)
      .set(bearer(ctx.tenant.apiKey))
      .send({ labels: { app: 'web' } })
      .expect(200);
    expect(labelsOnly.body.unknownFields).toEqual([]);
  });
});
