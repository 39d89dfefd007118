import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { withDatabase } from '../support/global-setup';
import { startMain } from '../support/main-process';

/**
 * The container files, checked without a Docker engine (these machines have none):
 *  - the Dockerfile by dockerfilelint (a dev dependency), with no issue allowed;
 *  - docker-compose.yml by Debian's docker-compose 1.29 (`config -q` validates against the Compose
 *    schema and resolves the file without a daemon; .ci/run installs it), plus what it must say;
 *  - the image's start command (the Dockerfile's CMD, with its ENV and the compose file's
 *    environment) run against a real PostgreSQL on an empty database: it migrates, serves, passes
 *    the Dockerfile's own HEALTHCHECK command and stops cleanly on SIGTERM;
 *  - the build context (.dockerignore, as docker-compose's docker-py computes it) and the
 *    runtime stage's contents.
 */
const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}
interface Stage {
  image: string;
  name: string | null;
  instructions: Instruction[];
}

/** The Dockerfile's instructions by stage: continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending !== '' && line.startsWith('#')) return;
    if (pending === '') startLine = i + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    const [, keyword, args] = /^(\S+)\s*(.*)$/s.exec(full) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args, line: startLine };
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = args.split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : null, instructions: [] });
    }
    if (stages.length === 0) throw new Error(`line ${startLine}: ${keyword} before the first FROM`);
    stages[stages.length - 1].instructions.push(instruction);
  });
  return stages;
}

/** ENV's arguments: `K=V K2="v 2"`, or the legacy `K value`. */
function parseEnv(args: string): Record<string, string> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [, key, value] = /^(\S+)\s+(.*)$/s.exec(args) ?? [];
    return { [key]: value };
  }
  const env: Record<string, string> = {};
  for (const [, key, quoted, bare] of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g)) {
    env[key] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare;
  }
  return env;
}

const only = <T>(items: T[], what: string): T => {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, found ${items.length}`);
  return items[0];
};

const dockerfile = parseDockerfile(read('Dockerfile'));
const runtime = dockerfile[dockerfile.length - 1];
const inRuntime = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword);
const imageEnv: Record<string, string> = Object.assign({}, ...inRuntime('ENV').map((i) => parseEnv(i.args)));
const cmd = JSON.parse(only(inRuntime('CMD'), 'CMD in the runtime stage').args) as string[];
const healthcheck = only(inRuntime('HEALTHCHECK'), 'HEALTHCHECK in the runtime stage').args;

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: unknown;
  entrypoint?: unknown;
  volumes?: unknown[];
  environment?: Record<string, string | number | null> | string[];
  healthcheck?: { test?: unknown };
  depends_on?: Record<string, { condition?: string }> | string[];
}
const compose = parseYaml(read('docker-compose.yml')) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};

function composeEnv(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env))
    return Object.fromEntries(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Runs an executable the test needs from Debian, failing clearly when it is not installed. */
function runTool(command: string, args: string[], input: string | undefined, pkg: string) {
  const result = spawnSync(command, args, {
    cwd: root,
    input,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
  });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      `${command} is not installed: this test needs Debian's ${pkg} package ` +
        `(apt-get install --no-install-recommends ${pkg}; .ci/run installs it)`,
    );
  }
  return result;
}

describe('the Dockerfile', () => {
  const lint = (args: string[]) => {
    const result = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'dockerfilelint', 'bin', 'dockerfilelint'), '-j', ...args],
      { cwd: root, encoding: 'utf8' },
    );
    return JSON.parse(result.stdout) as {
      totalIssues: number;
      files: { issues: { line: string; title: string; content: string }[] }[];
    };
  };

  it('passes dockerfilelint with no issues', () => {
    // dockerfilelint lints its argument as Dockerfile text when no such file exists: make sure it does.
    expect(existsSync(join(root, 'Dockerfile'))).toBe(true);
    const report = lint(['Dockerfile']);
    expect(report.files[0].issues.map((i) => `line ${i.line}: ${i.title}: ${i.content}`)).toEqual([]);
    expect(report.totalIssues).toBe(0);
    // And the linter does find problems (so the pass above means something).
    expect(lint(['FROM node\nRUN sudo apt-get install curl\nEXPOSE 80:80']).totalIssues).toBeGreaterThan(2);
  });

  it('compiles in a build stage; its runtime stage holds only dist/, migrations and production dependencies, runs as non-root, has a HEALTHCHECK', () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile) expect(stage.image).toBe('node:20-bookworm-slim');
    const stage = (name: string) =>
      only(
        dockerfile.filter((s) => s.name === name),
        `stage ${name}`,
      );
    const runs = (s: Stage) =>
      s.instructions
        .filter((i) => i.keyword === 'RUN')
        .map((i) => i.args)
        .join('\n');
    expect(runs(stage('build'))).toMatch(/\bnpm ci\b/);
    expect(runs(stage('build'))).toMatch(/\bnpm run build\b/);
    // The /ui page's files, where src/modules/ui/ui.controller.ts looks first (next to it in dist/).
    expect(runs(stage('build'))).toContain('cp -R src/modules/ui/assets dist/modules/ui/assets');
    expect(runs(stage('deps'))).toMatch(/\bnpm ci --omit=dev\b/);

    // The runtime stage copies only from the other stages, never from the build context (no source).
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
    expect(copies.length).toBeGreaterThan(0);
    const copied = copies.map((i) => {
      const words = i.args.split(/\s+/);
      const from = /^--from=(\S+)$/.exec(words.find((w) => w.startsWith('--from=')) ?? '')?.[1] ?? null;
      const paths = words.filter((w) => !w.startsWith('--'));
      return { keyword: i.keyword, from, sources: paths.slice(0, -1) };
    });
    for (const c of copied) {
      expect(c.keyword).toBe('COPY');
      expect(c.from, `a runtime COPY from the build context: ${JSON.stringify(c)}`).not.toBeNull();
    }
    expect(copied.map((c) => `${c.from}:${c.sources.join(',')}`).sort()).toEqual([
      'build:/app/dist/',
      'build:/app/package.json',
      'build:/app/prisma/migrations/',
      'deps:/app/node_modules/',
    ]);
    expect(runs(runtime)).toBe('');

    const user = only(inRuntime('USER'), 'USER in the runtime stage').args.split(':')[0];
    expect(['root', '0', '']).not.toContain(user);
    expect(healthcheck).toMatch(/^(--\S+\s+)*CMD\s+\[/);
    expect(cmd).toEqual(['node', 'dist/main.js']);
    expect(imageEnv).toMatchObject({ NODE_ENV: 'production', PORT: '3000', HOST: '0.0.0.0' });
    expect(imageEnv).not.toHaveProperty('DATABASE_URL');
    expect(inRuntime('EXPOSE').map((i) => i.args)).toEqual([imageEnv.PORT]);
  });
});

describe('.dockerignore', () => {
  it('keeps local and generated state out of the build context, and keeps what the build stage copies', () => {
    const patterns = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const name of ['node_modules', 'dist', '.data', '.git']) {
      expect(
        patterns.some((p) => p.replace(/^\/|^\*\*\/|\/$/g, '') === name),
        `${name} is not in .dockerignore`,
      ).toBe(true);
    }
    // The context the build would send, as docker-compose computes it (docker-py's exclude_paths).
    const script =
      'import json, sys\nfrom docker.utils.build import exclude_paths\n' +
      'print(json.dumps(sorted(exclude_paths(sys.argv[1], json.loads(sys.argv[2])))))';
    const result = runTool('python3', ['-c', script, root, JSON.stringify(patterns)], undefined, 'docker-compose');
    expect(result.stderr, 'python3-docker (a dependency of docker-compose) is needed for this check').toBe('');
    const context = new Set(JSON.parse(result.stdout) as string[]);
    for (const path of context) expect(path).not.toMatch(/^(node_modules|dist|\.data|\.git|src\/generated)(\/|$)/);
    const build = dockerfile.find((s) => s.name === 'build')!;
    const sources = build.instructions
      .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((w) => !w.startsWith('--'))
          .slice(0, -1)
          .map((p) => p.replace(/\/$/, '')),
      );
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'prisma', 'src']));
    for (const source of sources)
      expect(context.has(source), `${source} is excluded from the build context`).toBe(true);
    expect(context.has('src/main.ts')).toBe(true);
  });
});

describe('docker-compose.yml', () => {
  const config = (args: string[], input?: string) =>
    runTool('docker-compose', [...args, 'config', '-q'], input, 'docker-compose');

  it('is a valid Compose file (docker-compose config, no engine needed)', () => {
    const ok = config(['-f', 'docker-compose.yml']);
    expect(`${ok.stdout}${ok.stderr}`).toBe('');
    expect(ok.status).toBe(0);
    // And the validator does refuse an invalid file (so the pass above means something).
    const bad = config(['-f', '-'], 'services:\n  app:\n    image: x\n    depend_on: [db]\n');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('depend_on');
  });

  it('builds the image and runs it on PostgreSQL 18 with migrations at start, without the source', () => {
    const { app, db } = compose.services;
    expect(app.build).toBe('.');
    expect(app.command ?? app.entrypoint).toBeUndefined(); // the image's CMD
    expect(app.volumes ?? []).toEqual([]);
    expect(db.image).toMatch(/^postgres:18(\.|-|$)/);
    expect(db.healthcheck?.test).toBeDefined();
    expect(app.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    const env = composeEnv(app);
    expect(new URL(env.DATABASE_URL).hostname).toBe('db');
    expect(env.SVCPATH_ADMIN_TOKEN.length).toBeGreaterThanOrEqual(16);
    // Named volumes only (no bind mount of anything on the host).
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source =
          typeof volume === 'string' ? volume.split(':')[0] : ((volume as { source?: string }).source ?? '');
        expect(Object.keys(compose.volumes ?? {}), `${String(source)} is not a named volume`).toContain(source);
      }
    }
  });
});

describe("the image's start command", () => {
  it('migrates an empty database, serves, passes its HEALTHCHECK and stops cleanly on SIGTERM', async () => {
    // An empty database on the suite's PostgreSQL (TEST_DATABASE_URL, else the embedded 18), named
    // like the suite's others so that its teardown drops it if this test cannot.
    const { serverUrl, template } = inject('db');
    const name = `svcpath_t_${template.slice('svcpath_tpl_'.length)}_${randomBytes(5).toString('hex')}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      // The container's environment: the image's ENV, then the compose file's; DATABASE_URL names
      // this database instead of the compose network's `db`, and PORT=0 lets the system choose.
      const env: Record<string, string> = {
        ...imageEnv,
        ...composeEnv(compose.services.app),
        DATABASE_URL: withDatabase(serverUrl, name),
        PORT: '0',
      };
      expect(cmd).toEqual(['node', 'dist/main.js']);
      const running = await startMain(env);
      try {
        const out = running.output();
        expect(out).toContain('connected to DATABASE_URL');
        expect(out).toContain('(from SVCPATH_ADMIN_TOKEN)');
        const boot = out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { message?: string; appliedMigrations?: string[] })
          .find((l) => l.message === 'connected to DATABASE_URL');
        const migrations = readdirSync(join(root, 'prisma', 'migrations'), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name)
          .sort();
        expect(boot?.appliedMigrations).toEqual(migrations);
        expect(out).not.toContain('Demo API key');

        const base = `http://127.0.0.1:${running.port}`;
        expect((await fetch(`${base}/health/ready`)).status).toBe(200);
        expect((await fetch(`${base}/graphiql`)).status).toBe(404); // NODE_ENV=production
        const tenant = await fetch(`${base}/v1/tenants`, {
          method: 'POST',
          headers: { authorization: `Bearer ${env.SVCPATH_ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: '{"name":"container"}',
        });
        expect(tenant.status).toBe(201);
        expect(await probe({ ...env, PORT: String(running.port) })).toBe(0);
      } finally {
        const exited = new Promise<number | null>((resolve) => running.proc.once('exit', (code) => resolve(code)));
        running.proc.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
      // Nothing listens any more: the same probe now fails.
      expect(await probe({ ...env, PORT: String(running.port) })).toBe(1);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }, 120_000);
});

/** Runs the Dockerfile's HEALTHCHECK command (exec form) with the container's environment; its exit code. */
function probe(env: Record<string, string>): Promise<number | null> {
  const argv = JSON.parse(healthcheck.replace(/^(--\S+\s+)*CMD\s+/, '')) as string[];
  expect(argv[0]).toBe('node');
  const proc = spawn(process.execPath, argv.slice(1), {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error('the HEALTHCHECK command did not finish within 10 s'));
    }, 10_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
