import { gzipSync } from 'node:zlib';
import { Header, HeaderData, Pax } from 'tar';

/**
 * Tar archives built in memory, block by block (no disk, nothing read from outside the
 * repository), for the dump-upload tests: entries of any type and path, including the ones a
 * careful archiver would refuse to write (`../x`, links), which the reader must refuse.
 */
export interface Entry {
  path: string;
  body?: string | Buffer;
  type?: HeaderData['type'];
  linkpath?: string;
  paxPath?: string;
  size?: number;
}

export const dir = (path: string): Entry => ({ path, type: 'Directory' });

export function headerBlock(data: HeaderData): Buffer {
  const header = new Header({
    mode: data.type === 'Directory' ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    mtime: new Date(0),
    ...data,
  });
  if (header.encode() || !header.block) throw new Error(`test helper: ${data.path} would need a pax header`);
  return header.block;
}

export function entryBlocks(e: Entry): Buffer {
  const body = typeof e.body === 'string' ? Buffer.from(e.body) : (e.body ?? Buffer.alloc(0));
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
  const pax = e.paxPath === undefined ? Buffer.alloc(0) : new Pax({ path: e.paxPath }).encode();
  const header = headerBlock({
    path: e.path,
    type: e.type ?? 'File',
    size: e.size ?? body.length,
    linkpath: e.linkpath,
  });
  return Buffer.concat([pax, header, body, padding]);
}

export const END_OF_ARCHIVE = Buffer.alloc(1024);
export const tar = (entries: Entry[]): Buffer => Buffer.concat([...entries.map(entryBlocks), END_OF_ARCHIVE]);
export const tgz = (entries: Entry[]): Buffer => gzipSync(tar(entries));
