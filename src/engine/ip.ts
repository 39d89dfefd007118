// IPv4/IPv6 parsing, canonical text, and CIDR matching. Pure and allocation-light:
// IPv4 values are uint32 numbers, IPv6 values are 128-bit bigints.

export type IpFamily = 4 | 6;

export type ParsedIp =
  | { readonly family: 4; readonly value: number; readonly text: string }
  | { readonly family: 6; readonly value: bigint; readonly text: string };

const V6_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Dotted quad -> uint32 without allocating. Leading zeros read as decimal (ParseIPSloppy). */
function parseV4Value(s: string): number | null {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return null;
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      return null;
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + part : null;
}

function v4Text(value: number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

function parseV6Groups(s: string): number[] | null {
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parseSide = (side: string): number[] | null => {
    if (side === '') return [];
    const out: number[] = [];
    const items = side.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseV4Value(item);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (V6_GROUP.test(item)) {
        out.push(parseInt(item, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = parseSide(halves[0]);
  const tail = halves.length === 2 ? parseSide(halves[1]) : [];
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** RFC 5952 text: lowercase, longest zero run (length >= 2) compressed. */
function v6Text(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function groupsToBigint(groups: readonly number[]): bigint {
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

export function parseIp(input: string): ParsedIp | null {
  const s = input.trim();
  if (s.includes(':')) {
    const groups = parseV6Groups(s);
    if (groups === null) return null;
    return { family: 6, value: groupsToBigint(groups), text: v6Text(groups) };
  }
  const value = parseV4Value(s);
  if (value === null) return null;
  // Already canonical (no leading zeros) in the common case: keep the input string.
  const text = /(^|\.)0\d/.test(s) ? v4Text(value) : s;
  return { family: 4, value, text };
}

/** Already-canonical dotted quad (no spaces, no leading zeros): checked without allocating. */
function isCanonicalV4(s: string): boolean {
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) return false; // leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return false;
    } else if (c === 46 && digits > 0 && dots < 3) {
      part = 0;
      digits = 0;
      dots++;
    } else {
      return false;
    }
  }
  return dots === 3 && digits > 0;
}

/** Canonical text of an IP, or null when it is not an IP. */
export function canonicalIp(input: string): string | null {
  // compile() canonicalises every pod IP; most are canonical IPv4 already, so skip the ParsedIp.
  if (isCanonicalV4(input)) return input;
  return parseIp(input)?.text ?? null;
}

export function ipFamilyOf(text: string): IpFamily {
  return text.includes(':') ? 6 : 4;
}

export interface Cidr {
  readonly family: IpFamily;
  readonly bits: number;
  readonly text: string;
  /** prefixOf(ip, bits) of every address of its family in the CIDR, and of no other. */
  readonly prefix: number | bigint;
  contains(ip: ParsedIp): boolean;
}

/**
 * The leading `bits` bits of an address of `family` (0 for /0), as the number (IPv4) or bigint
 * (IPv6) a Cidr's `prefix` is compared with: Map keys for "which CIDRs of this length contain
 * the address" (Map compares bigints by value).
 */
export function prefixOf(ip: ParsedIp, bits: number): number | bigint {
  if (ip.family === 4) return bits === 0 ? 0 : ip.value >>> (32 - bits);
  return ip.value >> BigInt(128 - bits);
}

export function parseCidr(input: string): Cidr | null {
  const s = input.trim();
  const slash = s.indexOf('/');
  const ip = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (ip === null) return null;
  const max = ip.family === 4 ? 32 : 128;
  const bits = slash < 0 ? max : Number(s.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return null;
  if (ip.family === 4) {
    const shift = 32 - bits;
    // uint32 shifts (shift is 0..31 whenever bits > 0); bits === 0 matches everything.
    const base = bits === 0 ? 0 : ip.value >>> shift;
    return {
      family: 4,
      bits,
      text: `${v4Text(base * 2 ** shift)}/${bits}`,
      prefix: base,
      contains: (other) => other.family === 4 && (bits === 0 || other.value >>> shift === base),
    };
  }
  const shift = BigInt(128 - bits);
  const base = ip.value >> shift;
  return {
    family: 6,
    bits,
    text: `${ip.text}/${bits}`,
    prefix: base,
    contains: (other) => other.family === 6 && other.value >> shift === base,
  };
}

// Strict reading: the API's validation of what a client sends (and of stored cluster ranges). The
// lenient functions above take imported data as Kubernetes' sloppy parsers do (surrounding
// whitespace, leading zeros read as decimal, host bits of a CIDR cleared); the strict ones refuse
// all of that, and a zone id (fe80::1%eth0), exactly as node:net's isIP did for the API before (a zone
// id included: test/import/ip.spec.ts checks both against node:net). Separate functions, so the
// lenient hot path (parseIp, canonicalIp) keeps its code and its speed.

/**
 * An IP read strictly, or null: no surrounding whitespace, no leading zeros in an IPv4 part (an
 * embedded one included), no zone id, an embedded IPv4 only as an IPv6 address's last 32 bits.
 */
export function parseIpStrict(input: string): ParsedIp | null {
  if (input.includes(':')) {
    const dot = input.indexOf('.');
    if (dot >= 0) {
      // The only '.'s are those of a canonical dotted quad after the last ':'.
      const colon = input.lastIndexOf(':');
      if (dot < colon || !isCanonicalV4(input.slice(colon + 1))) return null;
    }
    const groups = parseV6Groups(input);
    if (groups === null) return null;
    return { family: 6, value: groupsToBigint(groups), text: v6Text(groups) };
  }
  if (!isCanonicalV4(input)) return null;
  return { family: 4, value: parseV4Value(input) as number, text: input };
}

/** Canonical text of an IP read strictly (parseIpStrict), or null. */
export function canonicalIpStrict(input: string): string | null {
  if (isCanonicalV4(input)) return input;
  return parseIpStrict(input)?.text ?? null;
}

/**
 * A CIDR read strictly, or null: `address/length`, the address as parseIpStrict reads it, the
 * length 1-3 decimal digits (`/08` reads as /8) no longer than the family's. With `exact` (the
 * default) a CIDR with host bits set is refused, as stored cluster ranges must not have them;
 * `{ exact: false }` takes it as its masked network (text included, for IPv6 as for IPv4), for the
 * fields Kubernetes parses sloppily and warns about. Its text is canonical: `network/length`.
 */
export function parseCidrStrict(input: string, opts: { readonly exact?: boolean } = {}): Cidr | null {
  const slash = input.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIpStrict(input.slice(0, slash));
  const lengthText = input.slice(slash + 1);
  if (ip === null || !/^\d{1,3}$/.test(lengthText)) return null;
  const max = ip.family === 4 ? 32 : 128;
  const bits = Number(lengthText);
  if (bits > max) return null;
  const value = ipBigint(ip);
  const host = (1n << BigInt(max - bits)) - 1n;
  if ((value & host) !== 0n && opts.exact !== false) return null;
  const network = value & ~host;
  // The network's text for IPv6 (parseCidr keeps the address's own); IPv4's parseCidr masks already.
  return ip.family === 4 ? parseCidr(`${ip.text}/${bits}`) : parseCidr(`${ipText(network, 6)}/${bits}`);
}

/** An address's value as a bigint, whatever its family (the API's ClusterIP arithmetic). */
export function ipBigint(ip: ParsedIp): bigint {
  return ip.family === 4 ? BigInt(ip.value) : ip.value;
}

/** The canonical text of the address of `family` whose value is `value` (taken modulo 2^32 or 2^128). */
export function ipText(value: bigint, family: IpFamily): string {
  if (family === 4) return v4Text(Number(BigInt.asUintN(32, value)));
  const v = BigInt.asUintN(128, value);
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((v >> shift) & 0xffffn));
  return v6Text(groups);
}

/** A CIDR's network address, as a bigint. */
export function cidrBase(cidr: Cidr): bigint {
  return BigInt(cidr.prefix) << BigInt((cidr.family === 4 ? 32 : 128) - cidr.bits);
}

/** How many addresses a CIDR holds. */
export function cidrSize(cidr: Cidr): bigint {
  return 1n << BigInt((cidr.family === 4 ? 32 : 128) - cidr.bits);
}

/** A CIDR's network address. */
export function cidrNetwork(cidr: Cidr): ParsedIp {
  const value = cidrBase(cidr);
  return cidr.family === 4
    ? { family: 4, value: Number(value), text: ipText(value, 4) }
    : { family: 6, value, text: ipText(value, 6) };
}

/** A small set of CIDRs; matching is a short linear scan over a handful of prefixes. */
export class CidrSet {
  readonly cidrs: readonly Cidr[];
  constructor(inputs: readonly string[]) {
    const out: Cidr[] = [];
    for (const raw of inputs) {
      const c = parseCidr(raw);
      if (c !== null) out.push(c);
    }
    this.cidrs = out;
  }
  get size(): number {
    return this.cidrs.length;
  }
  contains(ip: ParsedIp): boolean {
    for (const c of this.cidrs) if (c.contains(ip)) return true;
    return false;
  }
  containsText(text: string): boolean {
    const ip = parseIp(text);
    return ip !== null && this.contains(ip);
  }
}

const PRIVATE_RANGES = new CidrSet([
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  'fc00::/7',
  'fe80::/10',
  '::1/128',
]);

/** Private (RFC 1918, CGNAT, ULA, link-local, loopback) vs public address space. */
export function isPrivateIp(ip: ParsedIp): boolean {
  return PRIVATE_RANGES.contains(ip);
}

/** In 127.0.0.0/8 or ::1, tested without a CIDR scan: it is asked for every node of a NodePort answer. */
export function isLoopback(ip: ParsedIp): boolean {
  return ip.family === 4 ? ip.value >>> 24 === 127 : ip.value === 1n;
}

export function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
