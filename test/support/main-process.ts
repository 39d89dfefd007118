import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';

/** The repository root: `node dist/main.js` runs from there, as `npm start` does. */
const root = join(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningMain { readonly proc: ChildProcess; readonly port: number; output(): string }

/**
 * Starts `node dist/main.js` (the build `npm test` makes first) on a free port with `env` over the
 * test's own environment (no test database, warnings only), and resolves once it prints its banner.
 */
export async function startMain(env: Record<string, string>): Promise<RunningMain> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['dist/main.js'], { cwd: root, env: { ...process.env, DATABASE_URL: '', TEST_DATABASE_URL: '', LOG_LEVEL: 'warn', PORT: String(port), ...env } });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
  proc.stderr?.on('data', (c: Buffer) => { out += c.toString(); });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start banner within 60 s:\n${out}`)), 60_000);
    const check = setInterval(() => {
      if (out.includes('svcpath is up')) { clearInterval(check); clearTimeout(timer); resolve(); }
      if (proc.exitCode !== null) { clearInterval(check); clearTimeout(timer); reject(new Error(`exited ${proc.exitCode}:\n${out}`)); }
    }, 50);
  });
  return { proc, port, output: () => out };
}
