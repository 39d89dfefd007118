import { gzip } from 'node:zlib';
import { negotiate } from '@fastify/accept-negotiator';
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

/** `x-gzip` is gzip's old name (RFC 9110 §8.4.1.3): accepted alike. */
const GZIP_NAMES = ['gzip', 'x-gzip'];
/**
 * gzip (or x-gzip) listed with a zero weight. The negotiator lets an accepting `*` outweigh that,
 * but `*` covers only the codings a header does not list (RFC 9110 §12.5.3).
 */
const GZIP_REFUSED = /(?:^|,)\s*(?:x-)?gzip\s*;\s*q=0(?:\.0*)?\s*(?:,|$)/;

/**
 * Whether an Accept-Encoding header (RFC 9110 §12.5.3) accepts gzip: `gzip` or `*` listed with a
 * non-zero weight, and gzip not refused by its own `gzip;q=0`. Coding names are case-insensitive
 * (the negotiator compares them as written, so the header is lower-cased first).
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const value = (Array.isArray(header) ? header.join(',') : header).toLowerCase();
  return negotiate(value, GZIP_NAMES) !== null && !GZIP_REFUSED.test(value);
}

/**
 * An onSend hook that gzips a JSON response of at least `minChars` when the client accepts gzip,
 * reusing (and filling) the slot `slotOf` gives for the request, so a remembered answer is
 * compressed once, not on every hit. Compression runs on libuv's thread pool, off the event loop.
 * Every response of the route says `Vary: Accept-Encoding`, compressed or not, so a shared cache
 * never hands one form to a client that asked for the other.
 */
export function gzipJsonHook(
  slotOf: (request: FastifyRequest) => CompressedSlot | undefined,
  minChars = COMPRESS_MIN_CHARS,
): onSendHookHandler {
  return (request, reply, payload, done) => {
    void reply.header('vary', 'accept-encoding');
    if (
      typeof payload !== 'string' ||
      payload.length < minChars ||
      !acceptsGzip(request.headers['accept-encoding']) ||
      reply.getHeader('content-encoding') !== undefined ||
      !String(reply.getHeader('content-type') ?? '').includes('json')
    ) {
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
