// The benchmarks of a cluster that changes: writes followed at once by an analysis, an unchanged
// snapshot replaced, and the database's floor for the import (COPY of the same rows).
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

type Auth = Record<string, string>;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

const summary = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 0.5), p99: percentile(s, 0.99) };
};

async function timed(fn: () => Promise<Response>): Promise<number> {
  const t0 = performance.now();
  const res = await fn();
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`status ${res.status}`);
  return performance.now() - t0;
}

/**
 * On the big imported cluster: warm answers (distinct questions, so each is computed, on a model
 * that does not change), then the same number of pod writes each followed at once by a question
 * on another Service (the write's commit patches the model; the question finds it current).
 */
export async function writeThenAsk(
  base: string,
  auth: Auth,
  clusterId: string,
  client: string,
  services: readonly string[],
  rounds = 200,
): Promise<void> {
  const pods = (await (
    await fetch(`${base}/v1/clusters/${clusterId}/pods?limit=${rounds}&namespace=${client.split('/')[0]}`, {
      headers: auth,
    })
  ).json()) as { items: { id: string; ready: boolean; labels: Record<string, string> }[] };
  const ask = (service: string) =>
    fetch(`${base}/v1/clusters/${clusterId}/reachability`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ client: { pod: client }, service }),
    });
  for (const service of services.slice(0, 20)) await timed(() => ask(service)); // warm-up (not reported)
  const warm: number[] = [];
  for (let i = 0; i < rounds; i++) warm.push(await timed(() => ask(services[(20 + i) % services.length])));
  const afterWrite: number[] = [];
  const writes: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const pod = pods.items[i % pods.items.length];
    const change =
      i % 2 === 0 ? { ready: !pod.ready } : { labels: { ...pod.labels, 'bench.svcpath.dev/round': String(i) } };
    writes.push(
      await timed(() =>
        fetch(`${base}/v1/clusters/${clusterId}/pods/${pod.id}`, {
          method: 'PATCH',
          headers: auth,
          body: JSON.stringify(change),
        }),
      ),
    );
    if (i % 2 === 0) pod.ready = !pod.ready;
    if (process.env.BENCH_PAUSE_MS) await new Promise((r) => setTimeout(r, Number(process.env.BENCH_PAUSE_MS)));
    afterWrite.push(await timed(() => ask(services[(20 + rounds + i) % services.length])));
  }
  const w = summary(warm);
  const a = summary(afterWrite);
  const pw = summary(writes);
  console.log(
    `warm reachability, ${rounds} distinct questions: p50 ${w.p50.toFixed(1)} ms, p99 ${w.p99.toFixed(1)} ms`,
  );
  console.log(`pod write (PATCH): p50 ${pw.p50.toFixed(1)} ms, p99 ${pw.p99.toFixed(1)} ms`);
  console.log(
    `reachability right after a pod write, another Service: p50 ${a.p50.toFixed(1)} ms (${(a.p50 / w.p50).toFixed(2)}× warm; target ≤ 3×), p99 ${a.p99.toFixed(1)} ms (target ≤ 100)`,
  );
}

/** The column list of a table, with the cluster (and the row id, when it has one) replaced: a copy of its rows into another cluster. */
async function rowsAs(
  c: Client,
  table: string,
  from: string,
  to: string,
): Promise<{ columns: string; select: string }> {
  const { rows } = await c.query<{ column_name: string }>(
    'SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
    [table],
  );
  const names = rows.map((r) => r.column_name);
  const value = (n: string) => (n === 'cluster_id' ? `'${to}'::uuid` : n === 'id' ? 'gen_random_uuid()' : `"${n}"`);
  return {
    columns: names.map((n) => `"${n}"`).join(', '),
    select: `SELECT ${names.map(value).join(', ')} FROM ${table} WHERE cluster_id = '${from}'::uuid`,
  };
}

/**
 * The database's floor for an import: the same rows (every table the import writes, address
 * claims included) COPYed into the same tables for another cluster, in one transaction: what
 * PostgreSQL needs to take them, with the same indexes, foreign keys and row-level security.
 */
export async function copyFloor(adminUrl: string, from: string, to: string): Promise<number> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const tables = ['nodes', 'pods', 'services', 'endpoint_slices', 'address_claims'];
    const data: { table: string; columns: string; text: Buffer }[] = [];
    for (const table of tables) {
      const { columns, select } = await rowsAs(c, table, from, to);
      const chunks: Buffer[] = [];
      await pipeline(
        c.query(copyTo(`COPY (${select}) TO STDOUT`)),
        new Writable({
          write(chunk: Buffer, _e, done) {
            chunks.push(chunk);
            done();
          },
        }),
      );
      data.push({ table, columns, text: Buffer.concat(chunks) });
    }
    const t0 = performance.now();
    await c.query('BEGIN');
    for (const { table, columns, text } of data)
      await pipeline(Readable.from([text]), c.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`)));
    await c.query('COMMIT');
    return performance.now() - t0;
  } finally {
    await c.end();
  }
}

/** A replace import of the snapshot the cluster already holds, then the next analysis (it must find the model warm). */
export async function replaceUnchanged(
  base: string,
  auth: Auth,
  clusterId: string,
  document: string,
  question: string,
  firstImportMs: number,
): Promise<void> {
  const t0 = performance.now();
  const res = await fetch(`${base}/v1/clusters/${clusterId}/import?mode=replace`, {
    method: 'POST',
    headers: auth,
    body: document,
  });
  const report = (await res.json()) as {
    deleted?: Record<string, number>;
    created?: Record<string, number>;
    detail?: string;
  };
  const ms = performance.now() - t0;
  console.log(
    `replace import of the unchanged snapshot: ${ms.toFixed(0)} ms = ${((100 * ms) / firstImportMs).toFixed(0)}% of the first import (target ≤ 60%) (status ${res.status}, created ${JSON.stringify(report.created ?? report.detail)}, deleted ${JSON.stringify(report.deleted)})`,
  );
  const next = await timed(() =>
    fetch(`${base}/v1/clusters/${clusterId}/reachability`, { method: 'POST', headers: auth, body: question }),
  );
  console.log(`the next analysis after it: ${next.toFixed(1)} ms (warm: no recompile)`);
}
