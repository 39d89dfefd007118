import { gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';

/**
 * Answers at least this long (UTF-16 code units of their JSON) are sent gzip-compressed to clients
 * that accept it. Smaller ones gain little on the wire and would pay for compressing on every
 * computed answer; a NodePort answer on a large cluster is hundreds of KiB of repetitive JSON,
 * which gzip shrinks about twenty-fold.
 */
export const COMPRESS_MIN_CHARS = 8 * 1024;

/** Where a response's compressed form may already be kept (a remembered answer), and kept for next time. */
export interface CompressedSlot {
  readonly gzip: Buffer | undefined;
  keepGzip(body: Buffer): void;
}

/**
 * Whether an Accept-Encoding header (RFC 9110 §12.5.3) accepts gzip: `gzip` or `*` listed with a
 * non-zero weight, and gzip not refused by its own `gzip;q=0`.
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  let star = false;
  for (const item of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [name, ...params] = item.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    const accepted = Number.isFinite(weight) && weight > 0;
    if (name.trim() === 'gzip' || name.trim() === 'x-gzip') return accepted;
    if (name.trim() === '*') star = accepted;
  }
  return star;
}

/**
 * An onSend hook that gzips a JSON response of at least `minChars` when the client accepts gzip,
 * reusing (and filling) the slot `slotOf` gives for the request, so a remembered answer is
 * compressed once, not on every hit. Compression runs on libuv's thread pool, off the event loop.
 * Every response of the route says `Vary: Accept-Encoding`, compressed or not, so a shared cache
 * never hands one form to a client that asked for the other.
 */
export function gzipJsonHook(slotOf: (request: FastifyRequest) => CompressedSlot | undefined, minChars = COMPRESS_MIN_CHARS): onSendHookHandler {
  return (request, reply, payload, done) => {
    void reply.header('vary', 'accept-encoding');
    if (typeof payload !== 'string' || payload.length < minChars || !acceptsGzip(request.headers['accept-encoding'])
      || reply.getHeader('content-encoding') !== undefined || !String(reply.getHeader('content-type') ?? '').includes('json')) {
      return done(null, payload);
    }
    const slot = slotOf(request);
    if (slot?.gzip !== undefined) return done(null, encoded(reply, slot.gzip));
    gzip(payload, (error, compressed) => {
      if (error !== null) return done(null, payload); // cannot happen for a string; sent as it is
      slot?.keepGzip(compressed);
      done(null, encoded(reply, compressed));
    });
  };
}

function encoded(reply: FastifyReply, body: Buffer): Buffer {
  void reply.header('content-encoding', 'gzip');
  void reply.removeHeader('content-length');
  return body;
}
