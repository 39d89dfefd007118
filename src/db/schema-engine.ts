import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

/**
 * Prisma's schema engine, from its WebAssembly build. The CLI's native engine is downloaded from a
 * CDN at first use, which this project's machines cannot reach; the wasm build ships inside an npm
 * package (pinned to an exact version in package.json) and needs only a driver adapter.
 */
interface WasmSchemaEngine {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}

interface WasmBindings {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
  SchemaEngine: { new: (options: unknown, log: (line: string) => void, adapter: object) => Promise<WasmSchemaEngine> };
}

let bindings: WasmBindings | null = null;

function loadBindings(): WasmBindings {
  if (bindings) return bindings;
  const dir = dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  // The package is built for bundlers (it imports the .wasm file as a module), so instantiate by hand.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file found at run time, loaded synchronously
  const glue = require(join(dir, 'schema_engine_bg.js')) as WasmBindings & Record<string, unknown>;
  const module = new WebAssembly.Module(readFileSync(join(dir, 'schema_engine_bg.wasm')));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': glue as WebAssembly.ModuleImports });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  bindings = glue;
  return glue;
}

export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'prisma', 'migrations');
export const SCHEMA_FILE = join(__dirname, '..', '..', 'prisma', 'schema.prisma');
const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** The migrations folder in the shape the engine takes (what `prisma migrate deploy` reads). */
export function readMigrations(baseDir = MIGRATIONS_DIR): unknown {
  const lockPath = join(baseDir, 'migration_lock.toml');
  const directories = readdirSync(baseDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: readFileSync(join(baseDir, name, 'migration.sql'), 'utf8') },
      },
    }));
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: directories,
  };
}

/**
 * @prisma/adapter-pg runs a migration script by splitting it on every ";", which breaks statements
 * that hold one (a DO block, a function body, a comment). PostgreSQL's simple-query protocol runs a
 * whole multi-statement script in one implicit transaction, as the native engine does: use that.
 */
class WholeScriptPrismaPg extends PrismaPg {
  /** The engine never closes its connections; withSchemaEngine disposes them. */
  readonly opened: { dispose(): Promise<void> }[] = [];

  override async connect(): ReturnType<PrismaPg['connect']> {
    const adapter = await super.connect();
    this.opened.push(adapter);
    adapter.executeScript = async (script: string) => {
      await adapter.underlyingDriver().query(script);
    };
    return adapter;
  }
}

export async function withSchemaEngine<T>(url: string, fn: (engine: WasmSchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = loadBindings();
  const pg = new WholeScriptPrismaPg({ connectionString: url });
  const engine = await SchemaEngine.new(
    { datamodels: undefined },
    () => undefined,
    bindMigrationAwareSqlAdapterFactory(pg),
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
    await Promise.all(pg.opened.map((adapter) => adapter.dispose()));
  }
}

/** Applies every migration not yet recorded in `_prisma_migrations`; returns their names. */
export async function applyMigrations(url: string, baseDir = MIGRATIONS_DIR): Promise<string[]> {
  return withSchemaEngine(url, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList: readMigrations(baseDir), filters: NO_FILTERS });
    return out.appliedMigrationNames;
  });
}

/** The SQL that builds the schema `schema.prisma` describes from an empty database. */
export async function diffToSchema(url: string, schemaFile = SCHEMA_FILE): Promise<string> {
  return withSchemaEngine(url, async (engine) => {
    const result = await engine.diff({
      from: { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaFile, content: readFileSync(schemaFile, 'utf8') }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return result.stdout ?? '';
  });
}
