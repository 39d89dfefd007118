import { parseArgs } from 'node:util';

/**
 * The flags of `svcpath sync`, with SVCPATH_URL / SVCPATH_API_KEY as fallbacks (a flag wins), read
 * and checked once. Anything wrong is a UsageError: the caller prints it with the usage and exits 64.
 */
export interface SyncOptions {
  readonly cluster: string;
  /** The server's base URL, without a trailing slash. */
  readonly url: string;
  readonly apiKey: string;
  readonly kubectl: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Seconds between runs; undefined runs once. */
  readonly everySeconds?: number;
  readonly json: boolean;
}

export class UsageError extends Error {}

export const SYNC_USAGE = `usage: svcpath sync --cluster <id> [options]

Reads the cluster with kubectl and replaces the svcpath cluster <id> with what it finds
(POST /v1/clusters/<id>/import?mode=replace).

  --cluster <id>        the svcpath cluster to keep in sync (required)
  --url <url>           the svcpath server, e.g. https://svcpath.example.com (default: $SVCPATH_URL)
  --api-key <key>       a write-scoped API key (default: $SVCPATH_API_KEY; prefer the variable,
                        a flag shows in the process list)
  --every <duration>    run again after each period, until SIGTERM/SIGINT: 30s, 5m, 1h or seconds
                        (default: run once)
  --kubectl <path>      the kubectl to run (default: kubectl on PATH)
  --kubeconfig <path>   passed to kubectl (in a pod, kubectl uses its service account without one)
  --context <name>      passed to kubectl
  --json                print the server's import report as JSON instead of a summary

exit codes: 0 synced, 1 the server refused or could not be reached, 2 kubectl failed, 64 usage`;

const UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600 };
/** A timer longer than 2^31-1 ms fires at once, so longer periods are refused (about 24 days). */
const MAX_PERIOD_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** "30s", "5m", "1h" or plain seconds ("90"), as seconds; undefined when it is none of those. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([smh]?)$/.exec(text.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * UNITS[match[2]];
  return seconds > 0 && seconds <= MAX_PERIOD_SECONDS ? seconds : undefined;
}

function baseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url / SVCPATH_URL: not a URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--url / SVCPATH_URL: must be http:// or https://, got ${text}`);
  return url.toString().replace(/\/+$/, '');
}

const FLAGS = {
  cluster: { type: 'string' },
  url: { type: 'string' },
  'api-key': { type: 'string' },
  every: { type: 'string' },
  kubectl: { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function readFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: FLAGS }).values;
  } catch (error) {
    throw new UsageError((error as Error).message); // an unknown flag, a flag without its value, a stray word
  }
}

/** Reads `sync`'s arguments (those after the word `sync`); 'help' for --help. */
export function parseSyncOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SyncOptions | 'help' {
  const values = readFlags(argv);
  if (values.help) return 'help';

  const cluster = values.cluster?.trim();
  const url = values.url ?? env.SVCPATH_URL;
  const apiKey = values['api-key'] ?? env.SVCPATH_API_KEY;
  if (!cluster || !url || !apiKey) {
    const missing = [
      !cluster && '--cluster',
      !url && '--url (or SVCPATH_URL)',
      !apiKey && '--api-key (or SVCPATH_API_KEY)',
    ];
    throw new UsageError(`missing ${missing.filter(Boolean).join(', ')}`);
  }

  let everySeconds: number | undefined;
  if (values.every !== undefined) {
    everySeconds = parseDuration(values.every);
    if (everySeconds === undefined)
      throw new UsageError(
        `--every: expected a duration such as 30s, 5m, 1h or 90 (at most 24 days), got "${values.every}"`,
      );
  }
  return {
    cluster,
    url: baseUrl(url),
    apiKey,
    kubectl: values.kubectl ?? 'kubectl',
    kubeconfig: values.kubeconfig,
    context: values.context,
    everySeconds,
    json: values.json ?? false,
  };
}
