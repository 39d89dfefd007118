/** The shapes `readDumpTarball` returns and throws. See `index.ts` for the API in one place. */

/** Which tool wrote the dump, told from its paths (`unknown`: keep every JSON/YAML file). */
export type DumpLayout = 'cluster-info-dump' | 'sonobuoy' | 'support-bundle' | 'unknown';

export type DumpFormat = 'application/json' | 'application/yaml';

/** One file to hand to the kubectl parser; `path` is as written in the archive. */
export interface DumpFile {
  readonly path: string;
  readonly format: DumpFormat;
  readonly text: string;
  /**
   * The kind the layout says the file lists (`cluster-resources/pods/<ns>.json` holds Pods), for
   * objects that do not say it themselves (older support bundles write bare arrays of items
   * without apiVersion and kind); absent when the layout does not tell.
   */
  readonly kind?: { readonly kind: string; readonly apiVersion: string };
}

export interface DumpSkipped {
  readonly path: string;
  readonly reason: string;
}

export interface DumpContents {
  readonly layout: DumpLayout;
  /** Archive order. */
  readonly files: DumpFile[];
  /** Every regular file not in `files`, archive order, at most SKIPPED_LIST_LIMIT + 1 rows. */
  readonly skipped: DumpSkipped[];
}

export interface DumpLimits {
  /** Entries of any type, directories included. */
  readonly maxEntries: number;
  /** Bytes of the tar stream once decompressed (headers included), counted as it inflates. */
  readonly maxUnpackedBytes: number;
  /** Size of one JSON/YAML file (these are held in memory). */
  readonly maxFileBytes: number;
}

export const DEFAULT_DUMP_LIMITS: DumpLimits = Object.freeze({
  maxEntries: 100_000,
  maxUnpackedBytes: 512 * 2 ** 20,
  maxFileBytes: 512 * 2 ** 20,
});

/** Past this many rows the skipped list ends with one row counting the rest. */
export const SKIPPED_LIST_LIMIT = 1_000;

export type DumpErrorCode = 'PAYLOAD_TOO_LARGE' | 'UNPROCESSABLE';

/**
 * Why an archive is refused. `code` maps onto the DomainError code of the same name (413 / 422);
 * `field` names what was wrong: `archive` (not gzip/tar, corrupt, truncated), `path` (absolute or
 * `..`), `type` (links, devices, FIFOs), `entries` (too many), `size` (too many bytes, in total or
 * in one file), `files` (no JSON or YAML file at all). The message names the offending entry.
 */
export class DumpError extends Error {
  constructor(
    readonly code: DumpErrorCode,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'DumpError';
  }
}
