import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asKubectlList } from '../../bench/api/kubectl-list';
import { generateCluster } from '../../bench/engine/generate';
import { startMain } from '../support/main-process';
import { createTestDatabase } from '../support/test-app';

/**
 * One log format (issue 16): everything `node dist/main.js` writes is JSON lines with the same keys,
 * whoever writes them (bootstrap, Nest, Fastify's request lines, Prisma, Node's warnings), except
 * the start banner; every request line carries the request id; no plain-text warning appears at
 * start or while an import writes (pg warns when queries overlap on one connection).
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// A dump large enough that an import sends several statements of tens of thousands of rows each.
const model = generateCluster({ nodes: 200, pods: 30_000, services: 400, maxEndpointsPerService: 100, seed: 3 });
const dump = asKubectlList(model);
const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug']);

describe('logs', () => {
  it('are JSON lines with the same keys from every source, a request id on every request line, no plain-text warning', async () => {
    const db = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'svcpath-logs-'));
    dirs.push(dataDir);
    try {
      const main = await startMain({
        DATABASE_URL: db.adminUrl,
        SVCPATH_DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        SVCPATH_ADMIN_TOKEN: 'logs-test-operator-token',
      });
      const base = `http://127.0.0.1:${main.port}`;
      const key = /Demo API key:\s+(\S+)/.exec(main.output())?.[1] ?? '';
      const auth = { authorization: `Bearer ${key}` };
      const cluster = (await (
        await fetch(`${base}/v1/clusters`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({
            name: 'logs',
            clusterCidrs: model.clusterCidrs,
            serviceCidrs: model.serviceCidrs,
            nodePortRange: model.nodePortRange,
          }),
        })
      ).json()) as { id: string };
      const imported = await fetch(`${base}/v1/clusters/${cluster.id}/import`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: dump,
      });
      expect(imported.status, await imported.clone().text()).toBe(200);
      expect(
        (
          await fetch(`${base}/v1/clusters/00000000-0000-4000-8000-000000000000`, {
            headers: { ...auth, 'x-request-id': 'logs-test-404' },
          })
        ).status,
      ).toBe(404);
      const exited = new Promise<number | null>((resolve) => main.proc.once('exit', (code) => resolve(code)));
      main.proc.kill('SIGTERM');
      expect(await exited).toBe(0);

      const lines = main
        .output()
        .split('\n')
        .filter((l) => l.trim() !== '');
      const banner = lines.findIndex((l) => l.startsWith('svcpath is up'));
      expect(banner).toBeGreaterThan(0);
      // The banner: its first line and the indented lines after it.
      const logLines = lines.filter((l, i) => !(i >= banner && (i === banner || l.startsWith('  '))));
      const records = logLines.map((l) => {
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(l) as Record<string, unknown>;
        } catch {
          throw new Error(`not a JSON log line: ${l}`);
        }
        expect(LEVELS.has(record.level as string), l).toBe(true);
        expect(
          typeof record.time === 'string' && !Number.isNaN(Date.parse(record.time)) && record.time.endsWith('Z'),
          l,
        ).toBe(true);
        expect(record.pid, l).toBe(main.proc.pid);
        expect(typeof record.message, l).toBe('string');
        return record;
      });
      const contexts = new Set(records.map((r) => r.context));
      for (const c of ['bootstrap', 'NestFactory', 'RouterExplorer']) expect(contexts).toContain(c);
      const requests = records.filter((r) => r.message === 'request');
      expect(requests.length).toBeGreaterThanOrEqual(3);
      for (const r of requests) expect(typeof r.reqId === 'string' && r.reqId.length > 0, JSON.stringify(r)).toBe(true);
      expect(requests.some((r) => r.reqId === 'logs-test-404' && r.statusCode === 404)).toBe(true);
      expect(records.some((r) => r.context === 'bootstrap' && String(r.message).startsWith('SIGTERM'))).toBe(true);
      expect(records.filter((r) => r.level === 'warn' || r.level === 'error').map((r) => r.message)).toEqual([]);
    } finally {
      await db.drop();
    }
  }, 120_000);
});
