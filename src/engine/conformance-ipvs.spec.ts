// IPVS differences from iptables/nftables, replayed through trace().
import { describe, it } from 'vitest';
import { compile } from './compile';
import { ipvsSuites } from './testing/cases-ipvs';
import { expectRow } from './testing/packet-flow';

describe('kube-proxy IPVS differences', () => {
  for (const s of ipvsSuites()) {
    describe(s.source, () => {
      const cc = compile(s.cluster);
      for (const row of s.rows) it(row.name, () => expectRow(cc, row));
    });
  }
});
