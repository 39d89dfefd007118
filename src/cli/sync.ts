import { setTimeout as sleep } from 'node:timers/promises';
import { KubectlError, readCluster } from './kubectl';
import { SyncOptions, UsageError } from './sync-options';

/**
 * `svcpath sync`: read the cluster with kubectl, replace the svcpath cluster with it
 * (POST /v1/clusters/{id}/import?mode=replace) and say what changed; once, or every period.
 */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const EXIT = { OK: 0, SERVER: 1, KUBECTL: 2, USAGE: 64 } as const;

/** The server refused the import, answered something unreadable, or could not be reached. */
export class ServerError extends Error {}

interface Counts {
  nodes: number;
  pods: number;
  services: number;
  endpointSlices: number;
}

/** The import report, as far as the summary reads it (`--json` prints all of it); read leniently. */
export interface ImportReport {
  created?: Counts;
  updated?: Counts;
  unchanged?: Counts;
  deleted?: Counts;
  skipped?: unknown[];
  warnings?: { index: number; kind: string; name: string | null; message: string }[];
  kubeProxy?: Record<string, unknown> | null;
  clusterVersion: number;
}

interface Problem {
  title?: string;
  detail?: string;
  requestId?: string;
  errors?: { field?: string; message?: string }[];
}

/** Generous: the 150,000-pod document imports in about 11 s. */
const REQUEST_TIMEOUT_MS = 10 * 60_000;
const WARNINGS_SHOWN = 5;

/** The exit code for an expected failure; undefined for anything else (a bug, to surface with its stack). */
export function exitCodeOf(error: unknown): number | undefined {
  if (error instanceof UsageError) return EXIT.USAGE;
  if (error instanceof KubectlError) return EXIT.KUBECTL;
  if (error instanceof ServerError) return EXIT.SERVER;
  return undefined;
}

function describeProblem(res: Response, text: string): string {
  let problem: Problem | null = null;
  try {
    problem = JSON.parse(text) as Problem | null;
  } catch {
    // not problem+json (a proxy's error page, say): shown as it is below
  }
  if (problem === null || typeof problem !== 'object')
    return `the server answered ${res.status} ${res.statusText}: ${text.slice(0, 500)}`;
  const lines = [`the server answered ${res.status}: ${[problem.title, problem.detail].filter(Boolean).join(': ')}`];
  for (const issue of problem.errors ?? []) lines.push(`  ${issue.field ?? '(document)'}: ${issue.message ?? ''}`);
  if (problem.requestId) lines.push(`  request id: ${problem.requestId}`);
  return lines.join('\n');
}

/** POSTs the document; the response body (a JSON import report) when the server took it. */
async function postImport(options: SyncOptions, document: string): Promise<string> {
  // The four kinds asked of kubectl are declared carried: one the cluster emptied is emptied here too.
  const url = `${options.url}/v1/clusters/${encodeURIComponent(options.cluster)}/import?mode=replace&kinds=nodes,pods,services,endpointslices`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: document,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    text = await res.text();
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new ServerError(`cannot reach ${options.url}: ${cause}`);
  }
  if (!res.ok) throw new ServerError(describeProblem(res, text));
  return text;
}

const countsLine = (label: string, c: Counts) =>
  `  ${label.padEnd(10)} nodes ${c.nodes}, pods ${c.pods}, services ${c.services}, endpointSlices ${c.endpointSlices}`;

/** The human summary: one line per count group, the kube-proxy settings it set, skips and warnings. */
export function formatReport(cluster: string, report: ImportReport): string {
  const lines = [`synced cluster ${cluster}: version ${report.clusterVersion}`];
  for (const group of ['created', 'updated', 'unchanged', 'deleted'] as const) {
    const counts = report[group];
    if (counts) lines.push(countsLine(group, counts));
  }
  if (report.kubeProxy) {
    const settings = Object.entries(report.kubeProxy).map(
      ([k, v]) => `${k} ${Array.isArray(v) ? v.join(' ') : String(v)}`,
    );
    lines.push(`  kube-proxy ${settings.join(', ')}`);
  }
  const warnings = report.warnings ?? [];
  lines.push(`  skipped ${report.skipped?.length ?? 0}, warnings ${warnings.length}`);
  for (const w of warnings.slice(0, WARNINGS_SHOWN))
    lines.push(`  warning: ${w.kind}${w.name ? ` ${w.name}` : ''}: ${w.message}`);
  if (warnings.length > WARNINGS_SHOWN)
    lines.push(`  ... and ${warnings.length - WARNINGS_SHOWN} more warnings (--json shows them all)`);
  return lines.join('\n');
}

/** One sync. Throws KubectlError or ServerError. */
export async function syncOnce(options: SyncOptions, output: Output): Promise<void> {
  const document = await readCluster(options, (note) => output.err(`svcpath sync: ${note}`));
  const text = await postImport(options, document);
  if (options.json) return output.out(text);
  let report: ImportReport | null = null;
  try {
    report = JSON.parse(text) as ImportReport | null;
  } catch {
    // reported below
  }
  if (report === null || typeof report !== 'object')
    throw new ServerError(`the server answered ${text.slice(0, 200)}, not an import report`);
  output.out(formatReport(options.cluster, report));
}

/**
 * Syncs every `seconds` (counted from the start of each run; a run that overran is followed at once)
 * until `stop` fires. A failed run is logged and the loop goes on. A stop during a run lets it finish.
 */
export async function syncEvery(
  options: SyncOptions,
  seconds: number,
  output: Output,
  stop: AbortSignal,
): Promise<number> {
  // Each summary says when it was taken; JSON reports stay one parseable line each.
  const stamped: Output = {
    out: (text) => output.out(options.json ? text : `${new Date().toISOString()} ${text}`),
    err: output.err,
  };
  while (!stop.aborted) {
    const started = Date.now();
    try {
      await syncOnce(options, stamped);
    } catch (error) {
      if (exitCodeOf(error) === undefined) throw error;
      output.err(
        `${new Date().toISOString()} svcpath sync: run failed, next in ${seconds}s: ${(error as Error).message}`,
      );
    }
    try {
      await sleep(Math.max(0, started + seconds * 1000 - Date.now()), undefined, { signal: stop });
    } catch {
      break; // stopped while waiting
    }
  }
  output.err(`svcpath sync: stopping (${String(stop.reason)})`);
  return EXIT.OK;
}
