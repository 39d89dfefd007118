import { DomainError } from '../../common/domain-error';
import { canonicalIp, ipFamily, parseCidr } from '../../common/net';

/** Canonical forms of validated input, so equal addresses are stored (and claimed) the same way. */

export function canonicalIps(field: string, ips: readonly string[], opts: { dualStack?: boolean } = {}): string[] {
  const out = ips.map((ip, i) => {
    const canonical = canonicalIp(ip);
    if (!canonical) throw DomainError.invalid(`${field}[${i}]`, `"${ip}" is not an IP address`);
    return canonical;
  });
  if (new Set(out).size !== out.length) throw DomainError.invalid(field, 'lists the same address twice');
  if (opts.dualStack && out.length === 2 && ipFamily(out[0]) === ipFamily(out[1])) {
    throw DomainError.invalid(field, 'holds at most one address per IP family (dual-stack: one IPv4 and one IPv6)');
  }
  return out;
}

export function canonicalCidrList(field: string, cidrs: readonly string[]): string[] {
  return cidrs.map((text, i) => {
    const cidr = parseCidr(text);
    if (!cidr) throw DomainError.invalid(`${field}[${i}]`, `"${text}" is not a CIDR`);
    return cidr.text;
  });
}

export function ipClaims(field: string, ips: readonly string[]): { key: string; field: string }[] {
  return ips.map((ip, i) => ({ key: `ip/${ip}`, field: `${field}[${i}]` }));
}

/** The fields still unknown (redacted in an import) after a write: those it does not set. */
export function stillUnknown(unknown: readonly string[], input: object): string[] {
  return unknown.filter((field) => (input as Record<string, unknown>)[field] === undefined);
}
