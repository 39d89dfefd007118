import { canonicalIpStrict, parseCidrStrict, parseIpStrict, type Cidr, type IpFamily } from '../engine/ip';

/**
 * The API's IP and CIDR vocabulary: the engine's IP module (src/engine/ip.ts, the one
 * implementation), read strictly. What a client sends is validated as node:net's isIP would
 * (no surrounding whitespace, no leading zeros, no IPv6 zone id: a 400), and stored in canonical
 * text so equal addresses compare equal; stored cluster CIDRs have no host bits set. Nothing here
 * parses: each helper is a name for the engine's strict functions, on text.
 */

export { cidrBase, cidrNetwork, cidrSize, ipText, type Cidr, type IpFamily } from '../engine/ip';

/** Canonical text of an IP (IPv6 lower-case and compressed), or null when it is not one (zone ids included). */
export const canonicalIp = canonicalIpStrict;

/** `address/length` with no host bits set, in canonical text; null otherwise. */
export function parseCidr(text: string): Cidr | null {
  return parseCidrStrict(text);
}

/** As parseCidr, but a CIDR with host bits set is taken as its masked network (legacy fields: check `text` against the input to warn). */
export function parseMaskedCidr(text: string): Cidr | null {
  return parseCidrStrict(text, { exact: false });
}

/** 4 or 6, or 0 when not an IP. */
export function ipFamily(ip: string): IpFamily | 0 {
  return parseIpStrict(ip)?.family ?? 0;
}

/** Whether the IP (text) lies in the CIDR; false when it is no IP or of the other family. */
export function cidrContains(cidr: Cidr, ip: string): boolean {
  const parsed = parseIpStrict(ip);
  return parsed !== null && cidr.contains(parsed);
}
