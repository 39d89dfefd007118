import { createGunzip, type Gunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { formatOf, SKIP } from './dump-layout';
import { DumpError, DumpFormat, DumpLimits } from './dump-types';

/**
 * The streaming half of readDumpTarball: bytes → the archive's regular files (JSON/YAML bodies
 * kept, others discarded as they stream) and directories. Gzip goes through node:zlib, tar
 * through the `tar` package's Parser; nothing touches the disk. Every limit is checked as the
 * bytes arrive, and the first failure stops the inflating at once.
 */

export type ScannedFile =
  | { readonly path: string; readonly segments: string[]; readonly reason: string }
  | { readonly path: string; readonly segments: string[]; readonly format: DumpFormat; readonly chunks: Buffer[] };

const FEED_BYTES = 64 * 1024;

export function formatBytes(n: number): string {
  for (const [unit, size] of [
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    const value = n / size;
    if (value >= 1) return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
  }
  return `${n} bytes`;
}

export function notArchive(detail: string): DumpError {
  return new DumpError('UNPROCESSABLE', 'archive', `not a tar.gz archive: ${detail}`);
}

function isGzip(data: Buffer): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/** Archive path → segments below the archive's root; absolute paths and `..` are refused. */
function entrySegments(path: string): string[] {
  // A drive letter or a backslash root is refused too: a reader on Windows would take it as absolute.
  if (/^([/\\]|[A-Za-z]:)/.test(path)) {
    throw new DumpError(
      'UNPROCESSABLE',
      'path',
      `entry ${path} escapes the dump directory (absolute paths are not accepted)`,
    );
  }
  const segments = path.split(/[/\\]+/).filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new DumpError('UNPROCESSABLE', 'path', `entry ${path} escapes the dump directory`);
  return segments;
}

/** What the tar stream held, checked against the limits entry by entry and byte by byte. */
export class Scan {
  readonly files: ScannedFile[] = [];
  readonly dirs: string[][] = [];
  entries = 0;
  lastPath: string | null = null;
  private unpacked = 0;
  private declared = 0;

  constructor(private readonly limits: DumpLimits) {}

  /** Decompressed bytes as they come (headers and padding included). */
  countBytes(n: number): void {
    this.unpacked += n;
    if (this.unpacked > this.limits.maxUnpackedBytes) {
      const where = this.lastPath === null ? '' : ` (reading stopped in entry ${this.lastPath})`;
      throw new DumpError(
        'PAYLOAD_TOO_LARGE',
        'size',
        `the archive unpacks to more than ${formatBytes(this.limits.maxUnpackedBytes)}${where}`,
      );
    }
  }

  entry(e: ReadEntry): void {
    if (++this.entries > this.limits.maxEntries) {
      throw new DumpError(
        'PAYLOAD_TOO_LARGE',
        'entries',
        `the archive has more than ${this.limits.maxEntries} entries (entry ${e.path} is one too many)`,
      );
    }
    this.lastPath = e.path;
    const segments = entrySegments(e.path);
    // A header that declares more than the budget is refused before its body is inflated.
    this.declared += e.size;
    if (this.declared > this.limits.maxUnpackedBytes) {
      throw new DumpError(
        'PAYLOAD_TOO_LARGE',
        'size',
        `entry ${e.path} (${formatBytes(e.size)}) takes the archive past ${formatBytes(this.limits.maxUnpackedBytes)} unpacked`,
      );
    }
    this.byType(e, segments);
  }

  private byType(e: ReadEntry, segments: string[]): void {
    switch (e.type) {
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        return this.file(e, segments);
      case 'Directory':
      case 'GNUDumpDir':
        this.dirs.push(segments);
        e.resume();
        return;
      case 'SymbolicLink':
      case 'Link': {
        const what = e.type === 'Link' ? 'a hard link' : 'a symbolic link';
        throw new DumpError(
          'UNPROCESSABLE',
          'type',
          `entry ${e.path} is ${what} (to ${e.linkpath ?? '?'}): links are not accepted`,
        );
      }
      case 'CharacterDevice':
      case 'BlockDevice':
      case 'FIFO':
        throw new DumpError(
          'UNPROCESSABLE',
          'type',
          `entry ${e.path} is a ${e.type}: devices and FIFOs are not accepted`,
        );
      default:
        this.files.push({ path: e.path, segments, reason: `not a regular file (${e.type})` });
        e.resume();
    }
  }

  private file(e: ReadEntry, segments: string[]): void {
    if (segments.length === 0) throw new DumpError('UNPROCESSABLE', 'path', `entry ${e.path} is a file without a name`);
    const format = formatOf(segments[segments.length - 1]);
    if (format === null) {
      this.files.push({ path: e.path, segments, reason: SKIP.notJsonOrYaml });
      e.resume();
      return;
    }
    if (e.size > this.limits.maxFileBytes) {
      throw new DumpError(
        'PAYLOAD_TOO_LARGE',
        'size',
        `entry ${e.path} is ${formatBytes(e.size)}; one file may be at most ${formatBytes(this.limits.maxFileBytes)}`,
      );
    }
    const chunks: Buffer[] = [];
    this.files.push({ path: e.path, segments, format, chunks });
    e.on('data', (chunk: Buffer) => chunks.push(chunk));
  }
}

function tarFailure(error: Error, scan: Scan, compressed: boolean): DumpError {
  const detail = error.message.replace(/^TAR_[A-Z_]+: /, '');
  if (/^Truncated input/.test(detail))
    return notArchive(`the archive is truncated in entry ${scan.lastPath ?? '?'} (${detail})`);
  if (scan.entries === 0) {
    return notArchive(
      compressed
        ? `the gzip stream does not hold a tar archive (${detail})`
        : `the body is neither gzip nor tar (${detail})`,
    );
  }
  return notArchive(`invalid tar header after entry ${scan.lastPath ?? '?'} (${detail})`);
}

function gzipFailure(error: Error): DumpError {
  const truncated = (error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR';
  return notArchive(`the gzip stream is ${truncated ? 'truncated' : 'corrupt'} (${error.message})`);
}

/**
 * One read of one archive: feeds the tar stream (gunzipped first when the data starts with
 * 1f 8b) to the Parser. The first error settles the promise and stops the inflating; bytes after
 * the end-of-archive blocks are not read.
 */
class ArchiveRead {
  readonly scan: Scan;
  private readonly parser = new Parser({ strict: true, zstd: false, brotli: false });
  private readonly compressed: boolean;
  private gunzip: Gunzip | null = null;
  private head: Buffer | null = Buffer.alloc(0);
  private stopped = false;
  private sawEof = false;
  private ended = false;
  private settled = false;

  constructor(
    private readonly data: Buffer,
    limits: DumpLimits,
    private readonly done: (error: Error | null) => void,
  ) {
    this.scan = new Scan(limits);
    this.compressed = isGzip(data);
    this.parser.on('entry', (e: ReadEntry) => this.guarded(e));
    // Unknown entry types (sparse files, ...) count and are reported; pax headers are not entries.
    this.parser.on('ignoredEntry', (e: ReadEntry) => (e.meta ? undefined : this.guarded(e)));
    this.parser.on('error', (error: Error) =>
      this.settle(this.emptyArchive(error) ? null : tarFailure(error, this.scan, this.compressed)),
    );
    this.parser.on('end', () => this.settle(null));
    this.parser.on('eof', () => {
      this.sawEof = true;
      this.stop();
      setImmediate(() => this.end());
    });
  }

  start(): void {
    if (!this.compressed) {
      for (let at = 0; at < this.data.length && !this.stopped; at += FEED_BYTES)
        this.feed(this.data.subarray(at, at + FEED_BYTES));
      this.end();
      return;
    }
    const gunzip = (this.gunzip = createGunzip({ chunkSize: FEED_BYTES }));
    gunzip.on('data', (chunk: Buffer) => this.feed(chunk));
    gunzip.on('end', () => this.end());
    gunzip.on('error', (error: Error) => this.settle(gzipFailure(error)));
    gunzip.end(this.data);
  }

  /** The Parser calls a tar of nothing but its end blocks unrecognized; GNU tar reads it as empty. */
  private emptyArchive(error: Error): boolean {
    return this.sawEof && this.scan.entries === 0 && (error as { tarCode?: string }).tarCode === 'TAR_BAD_ARCHIVE';
  }

  private stop(): void {
    this.stopped = true;
    this.gunzip?.destroy();
  }

  private settle(error: Error | null): void {
    if (this.settled) return;
    this.settled = true;
    this.stop();
    this.done(error);
  }

  private guarded(e: ReadEntry): void {
    if (this.settled) return void e.resume();
    try {
      this.scan.entry(e);
    } catch (error) {
      e.resume();
      this.settle(error as Error);
    }
  }

  private feed(chunk: Buffer): void {
    if (this.stopped) return;
    try {
      this.scan.countBytes(chunk.length);
      this.write(chunk);
    } catch (error) {
      this.settle(error as Error);
    }
  }

  /** A tar stream that is itself gzip would be inflated again by the Parser, past our count. */
  private write(chunk: Buffer): void {
    if (this.head !== null) {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 2) return;
      if (isGzip(this.head)) throw notArchive('it is compressed twice (the gzip stream holds another gzip stream)');
      chunk = this.head;
      this.head = null;
    }
    this.parser.write(chunk);
  }

  private end(): void {
    if (this.ended || this.settled) return;
    this.ended = true;
    if (this.head !== null && this.head.length > 0) this.parser.write(this.head);
    this.parser.end();
  }
}

export function scanArchive(data: Buffer, limits: DumpLimits): Promise<Scan> {
  return new Promise<Scan>((resolve, reject) => {
    const read = new ArchiveRead(data, limits, (error) => (error ? reject(error) : resolve(read.scan)));
    read.start();
  });
}
