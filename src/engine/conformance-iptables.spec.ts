// Conformance: packetFlowTest rows of kube-proxy's iptables proxier tests, replayed through trace().
import { describe, it } from 'vitest';
import { compile } from './compile';
import type { Suite } from './testing/cases';
import { IPT_BASE_SUITES, IPT_FILE } from './testing/cases-iptables';
import { internalExternalMasquerade } from './testing/cases-nftables';
import { internalTrafficPolicy, terminatingCluster, terminatingLocal } from './testing/cases-shared';
import { expectRow } from './testing/packet-flow';

export const IPTABLES_SUITES: readonly Suite[] = [
  ...IPT_BASE_SUITES(),
  ...terminatingLocal(IPT_FILE, 'IPTABLES'),
  ...terminatingCluster(IPT_FILE, 'IPTABLES'),
  ...internalExternalMasquerade(IPT_FILE, 'IPTABLES'),
  ...internalTrafficPolicy(IPT_FILE, 'TestInternalTrafficPolicyE2E', 'IPTABLES', false),
];

describe('kube-proxy iptables packet flows', () => {
  for (const s of IPTABLES_SUITES) {
    describe(s.source, () => {
      const cc = compile(s.cluster);
      for (const row of s.rows) it(row.name, () => expectRow(cc, row));
    });
  }
});
