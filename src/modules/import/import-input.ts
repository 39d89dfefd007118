import { DomainError } from '../../common/domain-error';
import { ImportArchiveView } from './import.dto';
import { DumpError, readDumpTarball } from './dump';
import { ParserFormat } from './import-errors';
import type { KubectlSource, ParsedImport } from './parse';

/** What an import receives: one document (JSON or YAML text), or a whole dump directory as one archive. */
export type ImportInput =
  | { readonly kind: 'document'; readonly text: string; readonly format: ParserFormat }
  | { readonly kind: 'archive'; readonly data: Buffer };

/** The documents to parse (one, or the dump's files by path) and, for an archive, what it held. */
export interface ImportSources {
  sources: KubectlSource[];
  archive: ImportArchiveView | null;
  bytes: number;
}

export async function readInput(input: ImportInput): Promise<ImportSources> {
  if (input.kind === 'document')
    return { sources: [{ name: '', text: input.text, format: input.format }], archive: null, bytes: input.text.length };
  try {
    const dump = await readDumpTarball(input.data);
    const archive: ImportArchiveView = {
      layout: dump.layout,
      read: dump.files.map((f) => f.path),
      skipped: dump.skipped.map((s) => ({ path: s.path, skipped: s.reason })),
    };
    if (dump.files.length === 0) {
      throw new DomainError(
        'UNPROCESSABLE',
        `the archive (${dump.layout} layout) holds no file the import reads: ${summary(dump.skipped.map((s) => s.reason))}`,
        [{ field: 'archive', message: `no file to read; skipped: ${summary(dump.skipped.map((s) => s.reason))}` }],
      );
    }
    return {
      sources: dump.files.map((f) => ({
        name: f.path,
        text: f.text,
        format: f.format,
        ...(f.kind ? { defaults: f.kind } : {}),
      })),
      archive,
      bytes: input.data.length,
    };
  } catch (error) {
    if (error instanceof DumpError)
      throw new DomainError(error.code, `archive: ${error.message}`, [
        { field: `archive.${error.field}`, message: error.message },
      ]);
    throw error;
  }
}

/** "3 × unsupported kind Deployment (apps/v1), 1 × ..." : what was found, counted by reason. */
function summary(reasons: readonly string[]): string {
  if (reasons.length === 0) return 'nothing';
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([r, n]) => `${n} × ${r}`);
  return counts.size > 5 ? `${parts.join('; ')}; and ${counts.size - 5} other reasons` : parts.join('; ');
}

/** A document with nothing to import is a 422 that says what it found (never a 200 that imported nothing). */
export function checkImportable(parsed: ParsedImport): void {
  const objects =
    parsed.nodes.length +
    parsed.pods.length +
    parsed.services.length +
    parsed.endpointSlices.length +
    parsed.namespaces.length +
    parsed.networkPolicies.length;
  if (objects > 0 || parsed.kubeProxy) return;
  const found =
    parsed.skipped.length === 0
      ? 'no object at all'
      : `${parsed.skipped.length} object(s), none importable: ${summary(parsed.skipped.map((s) => s.reason))}`;
  throw new DomainError(
    'UNPROCESSABLE',
    `nothing to import (nodes, pods, services, endpointslices or a KubeProxyConfiguration): the document holds ${found}`,
    [{ field: 'document', message: `nothing to import: ${found}` }],
  );
}
