// The engine's shape, kept: pure TypeScript that imports nothing outside src/engine (no framework,
// no Node module), and no import cycle between its modules, type-only imports included, so each
// layer (model and compile, dataplane, sharing, packet, reach, profiles, the entry points) can be
// read, tested and changed from the bottom up.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = __dirname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Every module each engine module imports or re-exports from (type-only ones too), as given. */
function imports(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, false).importedFiles.map((f) => f.fileName);
}

function resolveLocal(from: string, spec: string, known: ReadonlySet<string>): string {
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (known.has(candidate)) return candidate;
  throw new Error(`${relative(ROOT, from)} imports ${spec}, which is not an engine module`);
}

const files = sources(ROOT);
const known = new Set(files);
const graph = new Map(files.map((f) => [f, imports(f)]));

describe('engine structure', () => {
  it('imports only engine modules (no framework, no Node module, no package)', () => {
    const outside = files.flatMap((f) =>
      (graph.get(f) as string[]).filter((s) => !s.startsWith('.')).map((s) => `${relative(ROOT, f)}: ${s}`),
    );
    expect(outside).toEqual([]);
  });

  it('has no import cycle', () => {
    const edges = new Map(files.map((f) => [f, (graph.get(f) as string[]).map((s) => resolveLocal(f, s, known))]));
    // Depth-first search; a module met again while still on the stack closes a cycle.
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const g of edges.get(f) as string[]) {
        if (state.get(g) === 'open')
          cycles.push([...stack.slice(stack.indexOf(g)), g].map((x) => relative(ROOT, x)).join(' -> '));
        else if (!state.has(g)) visit(g);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('sees the modules it checks (the walk is not vacuous)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.map((f) => relative(ROOT, f))).toEqual(
      expect.arrayContaining(['reachability.ts', 'trace.ts', 'profiles/cce/dataplane.ts', 'sharing/sharing.ts']),
    );
  });
});
