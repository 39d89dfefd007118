import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** The repository root: `node dist/main.js` runs from there, as `npm start` does. */
const root = join(__dirname, '..', '..');

export interface RunningMain {
  readonly proc: ChildProcess;
  readonly port: number;
  output(): string;
}

/**
 * Starts `node dist/main.js` (the build `npm test` makes first) with `env` over the test's own
 * environment (no test database, warnings only), and resolves once it prints its banner. The port is
 * the system's choice (PORT=0), read back from the banner: a port picked beforehand could be taken
 * in between, by the embedded PostgreSQL among others.
 */
export async function startMain(env: Record<string, string>): Promise<RunningMain> {
  const proc = spawn(process.execPath, ['dist/main.js'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', TEST_DATABASE_URL: '', LOG_LEVEL: 'warn', PORT: '0', ...env },
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start banner within 60 s:\n${out}`)), 60_000);
    const check = setInterval(() => {
      if (out.includes('svcpath is up')) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
      if (proc.exitCode !== null) {
        clearInterval(check);
        clearTimeout(timer);
        reject(new Error(`exited ${proc.exitCode}:\n${out}`));
      }
    }, 50);
  });
  const port = Number(/svcpath is up: http:\/\/localhost:(\d+)/.exec(out)?.[1]);
  return { proc, port, output: () => out };
}
