import { EXIT, exitCodeOf, Output, syncEvery, syncOnce } from './sync';
import { parseSyncOptions, SYNC_USAGE } from './sync-options';

/**
 * The `svcpath` command (bin/svcpath.cjs runs this file from dist/). Framework-free: it talks to a
 * running server over HTTP like any other client. `main` takes its arguments, environment and output,
 * and returns the exit code; `run` wires it to the process.
 */
const USAGE = `usage: svcpath <command> [options]

commands:
  sync    read a cluster with kubectl and replace its svcpath copy (svcpath sync --help)`;

/** `stopSignal` is asked for only by a `--every` loop: a single run keeps the default signal handling. */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: Output,
  stopSignal: () => AbortSignal,
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? output.err : output.out)(USAGE);
    return command === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (command !== 'sync') {
    output.err(`svcpath: unknown command "${command}"\n\n${USAGE}`);
    return EXIT.USAGE;
  }
  try {
    const options = parseSyncOptions(rest, env);
    if (options === 'help') {
      output.out(SYNC_USAGE);
      return EXIT.OK;
    }
    if (options.everySeconds === undefined) {
      await syncOnce(options, output);
      return EXIT.OK;
    }
    return await syncEvery(options, options.everySeconds, output, stopSignal());
  } catch (error) {
    const code = exitCodeOf(error);
    if (code === undefined) throw error;
    output.err(`svcpath sync: ${(error as Error).message}${code === EXIT.USAGE ? `\n\n${SYNC_USAGE}` : ''}`);
    return code;
  }
}

/** Runs `main` on the process: SIGTERM and SIGINT stop a `--every` loop between runs. */
export function run(): void {
  const stopper = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal does not wait for the run in progress.
    if (stopper.signal.aborted) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    stopper.abort(signal);
  };
  const stopSignal = () => {
    process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
    return stopper.signal;
  };
  const output: Output = {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  };
  main(process.argv.slice(2), process.env, output, stopSignal)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        process.stderr.write(`svcpath: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
        process.exitCode = 1;
      },
    )
    .finally(() => process.off('SIGTERM', onSignal).off('SIGINT', onSignal));
}
