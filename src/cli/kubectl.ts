import { spawn } from 'node:child_process';

/**
 * Reading a cluster with kubectl: the same dump the import route documents
 * (`kubectl get nodes,pods,services,endpointslices -A -o json`) plus the kube-system/kube-proxy
 * ConfigMap, which carries the proxy mode and the cluster CIDR. Without a kubeconfig, kubectl uses
 * the pod's service account when it runs in a cluster.
 */
export interface KubectlTarget {
  readonly kubectl: string;
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** kubectl could not be run, failed, or printed something that is not what was asked for. */
export class KubectlError extends Error {}

export const LIST_ARGS = ['get', 'nodes,pods,services,endpointslices', '-A', '-o', 'json'];
export const KUBE_PROXY_ARGS = ['get', 'configmap', 'kube-proxy', '-n', 'kube-system', '-o', 'json'];

/** No run may hang a sync loop for ever; a very large cluster still lists well within this. */
const KUBECTL_TIMEOUT_MS = 10 * 60_000;

interface KubectlRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runKubectl(target: KubectlTarget, args: readonly string[]): Promise<KubectlRun> {
  const global = [
    ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : []),
    ...(target.context ? ['--context', target.context] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(target.kubectl, [...global, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Not spawn's `timeout` option: its timer outlives a kubectl that could not be started.
    const timer = setTimeout(() => child.kill('SIGTERM'), KUBECTL_TIMEOUT_MS);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint =
        error.code === 'ENOENT' ? ': not found (install kubectl, or name it with --kubectl)' : `: ${error.message}`;
      reject(new KubectlError(`cannot run ${target.kubectl}${hint}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8').trim(),
      });
    });
  });
}

function failure(target: KubectlTarget, args: readonly string[], run: KubectlRun): KubectlError {
  const how = run.signal ? `was stopped by ${run.signal}` : `exited with ${run.code}`;
  return new KubectlError(`${target.kubectl} ${args.join(' ')} ${how}${run.stderr ? `:\n${run.stderr}` : ''}`);
}

function parseJson(target: KubectlTarget, args: readonly string[], text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new KubectlError(`${target.kubectl} ${args.join(' ')} did not print a JSON object: ${text.slice(0, 200)}`);
}

/** A missing or unreadable ConfigMap is no reason to skip the sync: the rest is still worth storing. */
const tolerated = (stderr: string) => /\((NotFound|Forbidden)\)/.test(stderr);

/**
 * The cluster as one `v1 List`: kubectl's list with the kube-proxy ConfigMap appended to its items.
 * When the ConfigMap is missing or forbidden, `note` says so and the List goes without it.
 */
export async function readCluster(target: KubectlTarget, note: (message: string) => void): Promise<string> {
  const [list, kubeProxy] = await Promise.all([runKubectl(target, LIST_ARGS), runKubectl(target, KUBE_PROXY_ARGS)]);
  if (list.code !== 0) throw failure(target, LIST_ARGS, list);
  const doc = parseJson(target, LIST_ARGS, list.stdout);
  if (doc.kind !== 'List' || !Array.isArray(doc.items))
    throw new KubectlError(`${target.kubectl} ${LIST_ARGS.join(' ')} printed a ${String(doc.kind)}, not a List`);
  if (kubeProxy.code === 0) {
    doc.items.push(parseJson(target, KUBE_PROXY_ARGS, kubeProxy.stdout));
  } else if (tolerated(kubeProxy.stderr)) {
    note(
      `no kube-proxy ConfigMap (kube-system/kube-proxy): ${kubeProxy.stderr}; syncing without it (the proxy mode and cluster CIDR it holds are not read)`,
    );
  } else {
    throw failure(target, KUBE_PROXY_ARGS, kubeProxy);
  }
  return JSON.stringify(doc);
}
