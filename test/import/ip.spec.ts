// One IP/CIDR module for the API and the engine (src/engine/ip.ts): the engine reads leniently
// (imported data, as Kubernetes' sloppy parsers do), the API strictly (a client's input: a 400);
// src/common/net.ts only names the strict functions. Checked here: a table of tricky inputs with
// both answers, the API's helpers against the engine's (the same functions), and the strict
// reading against what the API did before with node:net (isIP and the URL parser), by enumeration.
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import * as net from '../../src/common/net';
import {
  canonicalIp,
  canonicalIpStrict,
  cidrBase,
  cidrNetwork,
  cidrSize,
  ipBigint,
  ipText,
  parseCidr,
  parseCidrStrict,
  parseIp,
  parseIpStrict,
} from '../../src/engine/ip';

/** input, lenient text (engine parseIp/canonicalIp), strict text (parseIpStrict, the API's canonicalIp). */
const IPS: [string, string | null, string | null][] = [
  // zone ids: no address a cluster object can have, either way
  ['fe80::1%eth0', null, null],
  ['fe80::1%25eth0', null, null],
  ['fe80::1%1', null, null],
  ['::ffff:1.2.3.4%eth0', null, null],
  // leading zeros: read as decimal leniently (ParseIPSloppy), refused strictly
  ['01.2.3.4', '1.2.3.4', null],
  ['001.002.003.004', '1.2.3.4', null],
  ['10.0.0.010', '10.0.0.10', null],
  ['0.0.0.0', '0.0.0.0', '0.0.0.0'],
  ['255.255.255.255', '255.255.255.255', '255.255.255.255'],
  ['0001:0db8::0001', '1:db8::1', '1:db8::1'], // leading zeros in an IPv6 group are standard
  // surrounding whitespace: trimmed leniently, refused strictly
  [' 1.2.3.4', '1.2.3.4', null],
  ['1.2.3.4\n', '1.2.3.4', null],
  ['\t::1 ', '::1', null],
  ['1.2. 3.4', null, null],
  // upper-case hex
  ['FE80::ABCD', 'fe80::abcd', 'fe80::abcd'],
  ['2001:DB8::A:b', '2001:db8::a:b', '2001:db8::a:b'],
  // '::' and compression (RFC 5952: the first longest run of two or more zero groups)
  ['::', '::', '::'],
  ['::1', '::1', '::1'],
  ['1::', '1::', '1::'],
  ['1:0:0:0:1:0:0:1', '1::1:0:0:1', '1::1:0:0:1'],
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
  ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0', '1:2:3:4:5:6:7:0'],
  ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
  // IPv4-mapped and embedded IPv4 (written as hex groups, as the URL parser writes them)
  ['::ffff:1.2.3.4', '::ffff:102:304', '::ffff:102:304'],
  ['::FFFF:192.168.0.1', '::ffff:c0a8:1', '::ffff:c0a8:1'],
  ['64:ff9b::192.0.2.33', '64:ff9b::c000:221', '64:ff9b::c000:221'],
  ['::1.2.3.4', '::102:304', '::102:304'],
  ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304', '1:2:3:4:5:6:102:304'],
  ['::ffff:01.2.3.4', '::ffff:102:304', null],
  ['1.2.3.4::', '102:304::', null], // an embedded IPv4 is an address's last 32 bits
  ['1.2.3.4::1.2.3.4', '102:304::102:304', null],
  ['::ffff:1.2.3', null, null],
  ['::ffff:256.2.3.4', null, null],
  ['1:2:3:4:5:6:7:1.2.3.4', null, null],
  // too many groups, '::' twice, '::' standing for no group
  ['1:2:3:4:5:6:7:8:9', null, null],
  ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ['1::2::3', null, null],
  ['1::2:3:4:5:6:7:8', null, null],
  ['1:2:3:4:5:6::1.2.3.4', null, null],
  [':::', null, null],
  [':1:2:3:4:5:6:7', null, null],
  ['1:2:3:4:5:6:7:', null, null],
  ['12345::', null, null],
  ['g::1', null, null],
  // not IPs
  ['', null, null],
  ['256.1.1.1', null, null],
  ['1.2.3', null, null],
  ['1.2.3.4.5', null, null],
  ['1..2.3', null, null],
  ['1.2.3.4/32', null, null],
  ['[::1]', null, null],
  ['localhost', null, null],
  ['0x7f.0.0.1', null, null],
  ['１.2.3.4', null, null], // a full-width digit
];

/** input, lenient text (engine parseCidr; undefined: not asserted), exact text (the API's parseCidr), masked text. */
const CIDRS: [string, string | null | undefined, string | null, string | null][] = [
  ['10.0.0.0/8', '10.0.0.0/8', '10.0.0.0/8', '10.0.0.0/8'],
  ['10.0.0.1/8', '10.0.0.0/8', null, '10.0.0.0/8'], // host bits set
  ['10.0.0.1/32', '10.0.0.1/32', '10.0.0.1/32', '10.0.0.1/32'],
  ['1.2.3.4/0', '0.0.0.0/0', null, '0.0.0.0/0'],
  ['0.0.0.0/0', '0.0.0.0/0', '0.0.0.0/0', '0.0.0.0/0'],
  ['10.0.0.0/33', null, null, null],
  ['10.0.0.0/08', '10.0.0.0/8', '10.0.0.0/8', '10.0.0.0/8'], // a length's leading zero, as the API took it before
  ['10.0.0.0/008', '10.0.0.0/8', '10.0.0.0/8', '10.0.0.0/8'],
  ['10.0.0.0/0008', undefined, null, null],
  ['10.0.0.0/1000', null, null, null],
  ['10.0.0.0/-1', null, null, null],
  ['10.0.0.0/8/8', null, null, null],
  ['10.0.0.0', '10.0.0.0/32', null, null], // the engine reads a bare address as a host CIDR
  ['/8', null, null, null],
  ['01.2.3.0/24', '1.2.3.0/24', null, null],
  [' 10.0.0.0/8', '10.0.0.0/8', null, null],
  ['10.0.0.0/8 ', '10.0.0.0/8', null, null],
  ['FD00::/8', 'fd00::/8', 'fd00::/8', 'fd00::/8'],
  ['fd00::1/64', undefined, null, 'fd00::/64'], // host bits set (the engine keeps the address's own text for IPv6)
  ['fd00:0:0:0:0:0:0:0/64', 'fd00::/64', 'fd00::/64', 'fd00::/64'],
  ['::/0', '::/0', '::/0', '::/0'],
  ['::1/128', '::1/128', '::1/128', '::1/128'],
  ['fd00::/129', null, null, null],
  ['fd00::/0128', undefined, null, null],
  ['fe80::%eth0/64', null, null, null],
  ['fe80::/64%eth0', null, null, null],
  ['::ffff:1.2.3.0/120', '::ffff:102:300/120', '::ffff:102:300/120', '::ffff:102:300/120'],
  ['::ffff:1.2.3.4/120', undefined, null, '::ffff:102:300/120'],
];

describe('the IP module', () => {
  it.each(IPS)('%j: lenient %j, strict %j', (input, lenient, strict) => {
    expect(parseIp(input)?.text ?? null).toBe(lenient);
    expect(canonicalIp(input)).toBe(lenient);
    expect(parseIpStrict(input)?.text ?? null).toBe(strict);
    expect(canonicalIpStrict(input)).toBe(strict);
    // Strict is lenient with refusals: what both read, they read the same.
    if (strict !== null) expect(parseIpStrict(input)).toEqual(parseIp(input));
  });

  it.each(CIDRS)('%j: lenient %j, exact %j, masked %j', (input, lenient, exact, masked) => {
    if (lenient !== undefined) expect(parseCidr(input)?.text ?? null).toBe(lenient);
    expect(parseCidrStrict(input)?.text ?? null).toBe(exact);
    expect(parseCidrStrict(input, { exact: false })?.text ?? null).toBe(masked);
    // A strict CIDR holds the addresses the lenient one holds.
    const strictCidr = parseCidrStrict(input, { exact: false });
    const lenientCidr = parseCidr(input);
    if (strictCidr !== null && lenientCidr !== null) {
      expect([strictCidr.family, strictCidr.bits, strictCidr.prefix]).toEqual([
        lenientCidr.family,
        lenientCidr.bits,
        lenientCidr.prefix,
      ]);
    }
  });

  it('gives the API its ClusterIP arithmetic', () => {
    const v4 = parseCidrStrict('10.96.0.0/12')!;
    expect([cidrSize(v4), cidrBase(v4), cidrNetwork(v4)]).toEqual([1n << 20n, 0x0a600000n, parseIp('10.96.0.0')]);
    expect(ipText(cidrBase(v4) + 10n, 4)).toBe('10.96.0.10');
    const v6 = parseCidrStrict('fd00:10:96::/108')!;
    expect([cidrSize(v6), cidrNetwork(v6)]).toEqual([1n << 20n, parseIp('fd00:10:96::')]);
    expect(ipText(cidrBase(v6) + 0xan, 6)).toBe('fd00:10:96::a');
    expect([ipText(0n, 4), ipText(0n, 6), ipText((1n << 128n) - 1n, 6)]).toEqual([
      '0.0.0.0',
      '::',
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ]);
    for (const text of ['1.2.3.4', '255.255.255.255', '::', '::ffff:102:304', '2001:db8::1:0:0:1', 'fd00:10:96::a']) {
      const ip = parseIp(text)!;
      expect(ipText(ipBigint(ip), ip.family)).toBe(text);
    }
    const all = parseCidrStrict('0.0.0.0/0')!;
    expect([cidrSize(all), cidrBase(all), all.contains(parseIp('255.1.2.3')!)]).toEqual([1n << 32n, 0n, true]);
  });

  it("is the API's, by construction", () => {
    expect(net.canonicalIp).toBe(canonicalIpStrict);
    expect([net.cidrBase, net.cidrNetwork, net.cidrSize, net.ipText]).toEqual([
      cidrBase,
      cidrNetwork,
      cidrSize,
      ipText,
    ]);
    for (const [input, , strict] of IPS) {
      expect(net.canonicalIp(input)).toBe(strict);
      expect(net.ipFamily(input)).toBe(parseIpStrict(input)?.family ?? 0);
    }
    for (const [input, , exact, masked] of CIDRS) {
      expect(net.parseCidr(input)?.text ?? null).toBe(exact);
      expect(net.parseMaskedCidr(input)?.text ?? null).toBe(masked);
    }
    const c = net.parseCidr('10.0.0.0/8')!;
    expect(['10.1.2.3', '11.0.0.0', '::a00:1', ' 10.0.0.1', 'x'].map((ip) => net.cidrContains(c, ip))).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});

// What the API did before, with node:net (kept here as the reference the strict reading must match).
const old = {
  canonicalIp(ip: string): string | null {
    const family = isIP(ip);
    if (family === 4) return ip;
    if (family === 6 && !ip.includes('%')) return new URL(`http://[${ip}]`).hostname.slice(1, -1);
    return null;
  },
  parseCidr(text: string): string | null {
    const slash = text.indexOf('/');
    if (slash < 0) return null;
    const ip = old.canonicalIp(text.slice(0, slash));
    const prefixText = text.slice(slash + 1);
    if (!ip || !/^\d{1,3}$/.test(prefixText)) return null;
    const family = isIP(ip);
    const prefix = Number(prefixText);
    const bits = family === 4 ? 32 : 128;
    if (prefix > bits) return null;
    const base = parseIp(ip)!;
    const value = base.family === 4 ? BigInt(base.value) : base.value;
    if ((value & ((1n << BigInt(bits - prefix)) - 1n)) !== 0n) return null;
    return `${ip}/${prefix}`;
  },
};

/** A small deterministic PRNG (mulberry32), so a failure names an input that fails again. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  '0',
  '1',
  '9',
  '00',
  '01',
  '10',
  '99',
  '255',
  '256',
  '0255',
  'a',
  'F',
  'ff',
  'FFFF',
  'fFfF',
  'abcd',
  '0db8',
  '12345',
  'g',
  ':',
  ':',
  ':',
  '::',
  '.',
  '.',
  '.',
  '%',
  '%eth0',
  ' ',
  '\n',
  '/',
  '1.2.3.4',
  '01.2.3.4',
  'ffff:',
  ':ffff',
];

function inputs(seed: number, count: number, pieces: number): string[] {
  const next = random(seed);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let s = '';
    const k = 1 + Math.floor(next() * pieces);
    for (let i = 0; i < k; i++) s += TOKENS[Math.floor(next() * TOKENS.length)];
    out.push(s);
  }
  return out;
}

/** Well-formed-looking addresses: 1-9 hex groups, maybe a '::', maybe an embedded dotted quad, maybe a flaw. */
function addresses(seed: number, count: number): string[] {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    if (next() < 0.3) {
      out.push(
        Array.from({ length: pick([3, 4, 4, 4, 5]) }, () =>
          pick(['0', '1', '10', '127', '255', '256', '01', '00']),
        ).join('.'),
      );
      continue;
    }
    const groups = Array.from({ length: Math.floor(next() * 10) }, () =>
      pick(['0', '0', '0', '1', 'a', 'ff', 'FFFF', '0db8', '00000', '']),
    );
    if (next() < 0.6) groups.splice(Math.floor(next() * (groups.length + 1)), 0, '');
    if (next() < 0.2) groups.splice(Math.floor(next() * (groups.length + 1)), 0, '');
    if (next() < 0.3) groups.push(pick(['1.2.3.4', '192.168.0.1', '01.2.3.4', '1.2.3', '0.0.0.0']));
    let s = groups.join(':');
    if (next() < 0.1) s += pick(['%eth0', ' ', '%1']);
    out.push(s);
  }
  return out;
}

describe('the strict reading is what the API did with node:net', () => {
  const all = [...IPS.map(([input]) => input), ...inputs(1, 30_000, 8), ...addresses(2, 30_000)];

  it('canonicalIpStrict and parseIpStrict', () => {
    // The enumeration reaches both answers, for both families.
    expect(all.filter((s) => isIP(s) === 4).length).toBeGreaterThan(1_000);
    expect(all.filter((s) => isIP(s) === 6 && !s.includes('%')).length).toBeGreaterThan(1_000);
    for (const s of all) {
      expect([s, canonicalIpStrict(s)]).toEqual([s, old.canonicalIp(s)]);
      expect([s, parseIpStrict(s)?.family ?? 0]).toEqual([s, isIP(s) !== 0 && !s.includes('%') ? isIP(s) : 0]);
    }
  });

  it('parseCidrStrict (exact)', () => {
    const next = random(3);
    const lengths = ['0', '8', '08', '12', '24', '32', '33', '64', '96', '120', '128', '129', '', '1000', ' 8', '8 '];
    const cidrs = [
      ...CIDRS.map(([input]) => input),
      ...all.map((ip) => `${ip}/${lengths[Math.floor(next() * lengths.length)]}`),
      ...inputs(4, 10_000, 10),
    ];
    expect(cidrs.filter((c) => old.parseCidr(c) !== null).length).toBeGreaterThan(400);
    for (const c of cidrs) expect([c, parseCidrStrict(c)?.text ?? null]).toEqual([c, old.parseCidr(c)]);
  });
});
