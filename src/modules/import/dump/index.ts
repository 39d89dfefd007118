/**
 * Import a whole dump directory uploaded as one .tar.gz. A pure module: no HTTP, no database, no
 * disk.
 *
 *   readDumpTarball(data: Buffer, limits?: Partial<DumpLimits>): Promise<DumpContents>
 *
 * - `data` is the request body: gzip (told by the magic bytes 1f 8b) or plain tar.
 * - Returns `{ layout, files, skipped }`. Hand each of `files` to the kubectl parser
 *   (`parseKubectl(file.text, file.format)`); a file may be a List, a typed list (`PodList`) or a
 *   bare JSON array of objects. `skipped` lists every other regular file with its reason (capped at
 *   1,000 rows plus one counting the rest); directories are not listed.
 * - Layouts (told from the paths, after an optional common top folder such as `dump/` or
 *   `support-bundle-…/`): `cluster-info-dump` (kubectl cluster-info dump --output-directory),
 *   `sonobuoy` (results tarball), `support-bundle` (troubleshoot), or `unknown` (every JSON/YAML
 *   file is kept). What each keeps is in dump-layout.ts.
 * - Throws DumpError `{ code: 'PAYLOAD_TOO_LARGE' | 'UNPROCESSABLE', field, message }` (413 / 422,
 *   the DomainError codes of the same names): not gzip/tar, corrupt or truncated (`archive`);
 *   absolute or `..` paths (`path`); links, devices, FIFOs (`type`); more than maxEntries entries
 *   (`entries`); more than maxUnpackedBytes unpacked or a JSON/YAML file over maxFileBytes
 *   (`size`); no JSON or YAML file at all (`files`). An archive whose JSON/YAML files are all
 *   skipped is not an error: `files` is empty and `skipped` says why.
 * - DEFAULT_DUMP_LIMITS: 100,000 entries, 512 MiB unpacked, 512 MiB per file.
 */
export { readDumpTarball } from './dump-reader';
export { DEFAULT_DUMP_LIMITS, DumpError, SKIPPED_LIST_LIMIT } from './dump-types';
export type {
  DumpContents,
  DumpErrorCode,
  DumpFile,
  DumpFormat,
  DumpLayout,
  DumpLimits,
  DumpSkipped,
} from './dump-types';
