// Conformance: packetFlowTest rows of kube-proxy's nftables proxier tests, replayed through trace().
import { describe, it } from 'vitest';
import { compile } from './compile';
import type { Suite } from './testing/cases';
import { internalTrafficPolicy, terminatingCluster, terminatingLocal } from './testing/cases-shared';
import { internalExternalMasquerade, NFT_BASE_SUITES, NFT_FILE } from './testing/cases-nftables';
import { nftIpModeSuites } from './testing/cases-ipmode';
import { expectRow } from './testing/packet-flow';

export const NFTABLES_SUITES: readonly Suite[] = [
  ...NFT_BASE_SUITES(),
  ...terminatingLocal(NFT_FILE, 'NFTABLES'),
  ...terminatingCluster(NFT_FILE, 'NFTABLES'),
  ...internalExternalMasquerade(NFT_FILE, 'NFTABLES'),
  ...internalTrafficPolicy(NFT_FILE, 'TestInternalTrafficPolicy', 'NFTABLES', true),
  ...nftIpModeSuites(),
];

describe('kube-proxy nftables packet flows', () => {
  for (const s of NFTABLES_SUITES) {
    describe(s.source, () => {
      const cc = compile(s.cluster);
      for (const row of s.rows) it(row.name, () => expectRow(cc, row));
    });
  }
});
