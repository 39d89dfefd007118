import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMain, RunningMain } from '../support/main-process';
import { createTestDatabase } from '../support/test-app';

/**
 * The README's first command: `npm start` (`node dist/main.js` after the build that `npm test`
 * runs first) brings the service up on an embedded PostgreSQL with the demo tenant, prints the
 * URLs and the demo key, keeps its data across restarts, and shuts down cleanly.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const start = startMain;

async function stop(r: RunningMain): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => r.proc.once('exit', (code) => resolve(code)));
  r.proc.kill('SIGTERM');
  return exited;
}

const demoKey = (out: string) => /Demo API key:\s+(\S+)/.exec(out)?.[1] ?? '';

describe('npm start', () => {
  it('serves on an embedded PostgreSQL with the demo tenant, keeps data across restarts and stops cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'svcpath-start-'));
    dirs.push(dataDir);
    const first = await start({ SVCPATH_DATA_DIR: dataDir });
    const out = first.output();
    for (const path of ['/docs', '/graphiql', '/health/ready'])
      expect(out).toContain(`http://localhost:${first.port}${path}`);
    const key = demoKey(out);
    expect(key).toMatch(/^svc_/);
    expect(out).toMatch(/Operator token:\s+svcadm_/);
    const base = `http://127.0.0.1:${first.port}`;
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const clusters = (await (
      await fetch(`${base}/v1/clusters`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { items: { name: string; profile: string; id: string }[] };
    expect(clusters.items.map((c) => [c.name, c.profile])).toEqual([['cce-demo', 'CCE']]);
    const services = (await (
      await fetch(`${base}/v1/clusters/${clusters.items[0].id}/services`, {
        headers: { authorization: `Bearer ${key}` },
      })
    ).json()) as { items: { name: string; type: string; externalTrafficPolicy: string }[] };
    expect(services.items.map((s) => [s.name, s.type, s.externalTrafficPolicy])).toEqual([
      ['backend-elb', 'LoadBalancer', 'Local'],
      ['backend-nodeport', 'NodePort', 'Local'],
    ]);
    expect(await stop(first)).toBe(0);

    const second = await start({ SVCPATH_DATA_DIR: dataDir });
    expect(demoKey(second.output())).toBe(key);
    const again = (await (
      await fetch(`http://127.0.0.1:${second.port}/v1/clusters`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { items: unknown[] };
    expect(again.items).toHaveLength(1);
    expect(await stop(second)).toBe(0);
  }, 120_000);

  it('uses DATABASE_URL instead when it is set, with no operator token unless one is given', async () => {
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'svcpath-start-'));
    dirs.push(dataDir);
    try {
      const running = await start({ DATABASE_URL: db.adminUrl, SVCPATH_DATA_DIR: dataDir, SVCPATH_DEMO: 'false' });
      expect(running.output()).toContain('connected to DATABASE_URL');
      expect(running.output()).toContain('Operator token:          none');
      const res = await fetch(`http://127.0.0.1:${running.port}/v1/tenants`, {
        method: 'POST',
        headers: { authorization: 'Bearer whatever-token-123456', 'content-type': 'application/json' },
        body: '{"name":"x"}',
      });
      expect(res.status).toBe(403);
      expect(await stop(running)).toBe(0);
    } finally {
      await db.drop();
    }
  }, 120_000);
});
