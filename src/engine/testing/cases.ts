// A conformance suite: one upstream fixture (as a ClusterModel) and its packetFlowTest rows.
import type { ClusterModel } from '../model';
import type { PacketFlowRow } from './packet-flow';
import { fakeCluster, type FakeProxierOptions } from './upstream';
import type { Fixture } from './upstream-services';

export interface Suite {
  /** e.g. `pkg/proxy/nftables/proxier_test.go TestLoadBalancer` */
  readonly source: string;
  readonly cluster: ClusterModel;
  readonly rows: readonly PacketFlowRow[];
}

type RowSpec = Omit<PacketFlowRow, 'test'>;

export function suite(
  file: string,
  test: string,
  opts: FakeProxierOptions,
  fixture: Fixture,
  rows: readonly RowSpec[],
): Suite {
  return {
    source: `${file} ${test}`,
    cluster: fakeCluster(opts, fixture.services, fixture.slices),
    rows: rows.map((r) => ({ test, ...r })),
  };
}

export interface FlowOverride {
  readonly output?: string;
  readonly masq?: boolean;
}

/** Base flow rows merged with per-variant overrides, as TestInternalExternalMasquerade does. */
export function withOverrides(
  rows: readonly RowSpec[],
  overrides: Readonly<Record<string, FlowOverride>>,
  variant: string,
): RowSpec[] {
  const names = new Set(rows.map((r) => r.name));
  for (const name of Object.keys(overrides)) if (!names.has(name)) throw new Error(`override ${name} matches no row`);
  return rows.map((r) => ({ ...r, ...(overrides[r.name] ?? {}), name: `${variant}/${r.name}` }));
}
