import { detectLayout, KIND_OF_RESOURCE, selectFile, SKIP } from './dump-layout';
import { notArchive, Scan, scanArchive, ScannedFile } from './dump-scan';
import {
  DEFAULT_DUMP_LIMITS,
  DumpContents,
  DumpError,
  DumpFile,
  DumpLimits,
  DumpSkipped,
  SKIPPED_LIST_LIMIT,
} from './dump-types';

/**
 * A dump directory uploaded as one .tar.gz (or plain .tar) → the JSON/YAML files the import
 * reads, the layout they were read as, and every other regular file with the reason it was
 * skipped. Throws DumpError (see dump-types.ts). The layout is told from all the paths, so it is
 * known only at the end: until then JSON/YAML bodies are held in memory (at most
 * maxUnpackedBytes in all); other bodies are discarded as they stream.
 */
export async function readDumpTarball(data: Buffer, limits: Partial<DumpLimits> = {}): Promise<DumpContents> {
  if (data.length === 0) throw notArchive('the body is empty');
  const scan = await scanArchive(data, resolveLimits(limits));
  return selectContents(scan);
}

function resolveLimits(limits: Partial<DumpLimits>): DumpLimits {
  const pick = (key: keyof DumpLimits): number => limits[key] ?? DEFAULT_DUMP_LIMITS[key];
  return {
    maxEntries: pick('maxEntries'),
    maxUnpackedBytes: pick('maxUnpackedBytes'),
    maxFileBytes: pick('maxFileBytes'),
  };
}

function decode(path: string, chunks: Buffer[]): { text: string } | { reason: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_ENCODING_INVALID_ENCODED_DATA') return { reason: SKIP.invalidUtf8 };
    if (code === 'ERR_STRING_TOO_LONG')
      throw new DumpError('PAYLOAD_TOO_LARGE', 'size', `entry ${path} is too large to read as text`);
    throw error;
  }
  return text.trim() === '' ? { reason: SKIP.empty } : { text };
}

/** `.txt file`, `file without an extension`, `SparseFile entry`: nouns for describeFound. */
function foundNoun(f: ScannedFile): { one: string; many: string } {
  const type = 'reason' in f ? /^not a regular file \((.*)\)$/.exec(f.reason)?.[1] : undefined;
  if (type !== undefined) return { one: `${type} entry`, many: `${type} entries` };
  const ext = /\.[^.]+$/.exec(f.segments[f.segments.length - 1] ?? '')?.[0].toLowerCase();
  if (ext === undefined) return { one: 'file without an extension', many: 'files without an extension' };
  return { one: `${ext} file`, many: `${ext} files` };
}

/** `3 .txt files, 1 .log file and 2 directories`: what an archive without JSON/YAML held. */
function describeFound(scan: Scan): string {
  const counts = new Map<string, { n: number; one: string; many: string }>();
  for (const f of scan.files) {
    const noun = foundNoun(f);
    const row = counts.get(noun.one) ?? { n: 0, ...noun };
    counts.set(noun.one, { ...row, n: row.n + 1 });
  }
  if (scan.dirs.length > 0) counts.set('directory', { n: scan.dirs.length, one: 'directory', many: 'directories' });
  const rows = [...counts.values()].sort((a, b) => b.n - a.n || a.one.localeCompare(b.one));
  const parts = rows.map((r) => `${r.n} ${r.n === 1 ? r.one : r.many}`);
  if (parts.length === 0) return 'no entries at all';
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function capSkipped(skipped: DumpSkipped[]): DumpSkipped[] {
  if (skipped.length <= SKIPPED_LIST_LIMIT) return skipped;
  const more = skipped.length - SKIPPED_LIST_LIMIT;
  return [
    ...skipped.slice(0, SKIPPED_LIST_LIMIT),
    { path: '...', reason: `${more} more skipped file${more === 1 ? ' is' : 's are'} not listed` },
  ];
}

/** The layout, then per file, in archive order: keep it (decoded) or skip it with the reason. */
function selectContents(scan: Scan): DumpContents {
  if (!scan.files.some((f) => 'format' in f)) {
    throw new DumpError(
      'UNPROCESSABLE',
      'files',
      `the archive holds no JSON or YAML file (it holds ${describeFound(scan)})`,
    );
  }
  const { layout, depth } = detectLayout(
    scan.files.map((f) => f.segments),
    scan.dirs,
  );
  const files: DumpFile[] = [];
  const skipped: DumpSkipped[] = [];
  for (const f of scan.files) {
    if ('reason' in f) {
      skipped.push({ path: f.path, reason: f.reason });
      continue;
    }
    const verdict = selectFile(layout, f.segments.slice(depth));
    if (!verdict.keep) {
      skipped.push({ path: f.path, reason: verdict.reason });
      continue;
    }
    const read = decode(f.path, f.chunks);
    if ('reason' in read) skipped.push({ path: f.path, reason: read.reason });
    else
      files.push(
        verdict.resource === null
          ? { path: f.path, format: f.format, text: read.text }
          : { path: f.path, format: f.format, text: read.text, kind: KIND_OF_RESOURCE[verdict.resource] },
      );
  }
  return { layout, files, skipped: capSkipped(skipped) };
}
