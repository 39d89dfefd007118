import { isIP } from 'node:net';

/** IP and CIDR helpers. Addresses are kept in canonical text form so equal addresses compare equal. */

/** 4 or 6, or 0 when not an IP (an IPv6 zone id included: see canonicalIp). */
export function ipFamily(ip: string): 4 | 6 | 0 {
  return ip.includes('%') ? 0 : (isIP(ip) as 4 | 6 | 0);
}

/**
 * Canonical text of an IP (IPv6 lower-case and compressed), or null when it is not an IP. An IPv6
 * zone id (`fe80::1%eth0`), which node:net accepts, is not an address a cluster object can have:
 * null, as the engine's parseIp says too.
 */
export function canonicalIp(ip: string): string | null {
  const family = isIP(ip);
  if (family === 4) return ip;
  if (family === 6 && !ip.includes('%')) return new URL(`http://[${ip}]`).hostname.slice(1, -1);
  return null;
}

export function ipToBigInt(ip: string): bigint {
  if (isIP(ip) === 4) {
    return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
  }
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const groups = tail === undefined ? headParts : [...headParts, ...Array<string>(missing).fill('0'), ...tailParts];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group || '0', 16)), 0n);
}

export function bigIntToIp(value: bigint, family: 4 | 6): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
  return canonicalIp(groups.join(':')) ?? groups.join(':');
}

export interface Cidr {
  readonly family: 4 | 6;
  readonly base: bigint;
  readonly prefix: number;
  readonly text: string;
}

/** Parses `a.b.c.d/n` or `x::/n`; null when malformed or when host bits are set. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const ip = canonicalIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return null;
  const family = ipFamily(ip) as 4 | 6;
  const prefix = Number(prefixText);
  const bits = family === 4 ? 32 : 128;
  if (prefix > bits) return null;
  const base = ipToBigInt(ip);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((base & hostMask) !== 0n) return null;
  return { family, base, prefix, text: `${ip}/${prefix}` };
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  if (ipFamily(ip) !== cidr.family) return false;
  const bits = cidr.family === 4 ? 32 : 128;
  return ipToBigInt(ip) >> BigInt(bits - cidr.prefix) === cidr.base >> BigInt(bits - cidr.prefix);
}

export function cidrSize(cidr: Cidr): bigint {
  return 1n << BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefix);
}
