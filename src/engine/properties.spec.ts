// Property tests: invariants that must hold for any cluster, not just the upstream fixtures.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import type { ClusterModel } from './model';
import { reachability, type ReachabilityClient } from './reachability';
import type { AddressResult } from './results';
import { smallCluster, shuffled } from './testing/small-cluster';
import { trace, type TraceSource } from './trace';

const modes = fc.constantFrom('IPTABLES' as const, 'NFTABLES' as const, 'IPVS' as const);
const detectors = fc.constantFrom('CLUSTER_CIDR' as const, 'NODE_CIDR' as const, 'NONE' as const);
const RUNS = { numRuns: 25 };

function clients(model: ClusterModel): ReachabilityClient[] {
  return [
    { pod: `${model.pods[0].namespace}/${model.pods[0].name}` },
    { node: model.nodes[1].name },
    { external: { network: 'PUBLIC' } },
    { external: { network: 'PRIVATE', ip: '172.31.9.9' } },
  ];
}

/** Order-free summary of an answer (paths keep their order; sets are sorted). */
function summary(model: ClusterModel, who: readonly ReachabilityClient[]): string[][] {
  const cc = compile(model);
  return [...model.services]
    .map((s) => `${s.namespace}/${s.name}`)
    .sort()
    .flatMap((service) =>
      who.map((client) =>
        reachability(cc, { client, service })
          .results.map((r) =>
            JSON.stringify({
              ...JSON.parse(JSON.stringify(r)),
              endpoints: [...r.endpoints].map((e) => JSON.stringify(e)).sort(),
            }),
          )
          .sort(),
      ),
    );
}

function sourceOf(client: ReachabilityClient, family: 4 | 6, r: AddressResult): TraceSource {
  if ('pod' in client) return { pod: client.pod };
  if ('node' in client) return { node: client.node };
  const hop = r.hops[0];
  return {
    external: { ip: hop?.source ?? client.external.ip ?? (family === 4 ? '198.51.100.10' : '2001:db8:ffff::10') },
  };
}

function endpointSet(eps: readonly { ip: string; port: number; masquerade: boolean }[]): string[] {
  return eps.map((e) => `${e.ip}:${e.port}:${e.masquerade}`).sort();
}

describe('engine properties', () => {
  it('answers do not depend on the order objects are given in', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), modes, detectors, fc.integer(), (seed, mode, detector, order) => {
        const model = smallCluster(seed, mode, detector);
        const reordered: ClusterModel = {
          ...model,
          nodes: shuffled(model.nodes, order),
          pods: shuffled(model.pods, order + 1),
          services: shuffled(model.services, order + 2),
          endpointSlices: shuffled(model.endpointSlices, order + 3),
        };
        const who = clients(model);
        const same = JSON.stringify(summary(reordered, who)) === JSON.stringify(summary(model, who));
        expect(same).toBe(true);
      }),
      RUNS,
    );
  });

  it('consistently renaming namespaces and labels changes nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), modes, fc.stringMatching(/^[a-z]{1,8}$/), (seed, mode, prefix) => {
        const model = smallCluster(seed, mode, 'CLUSTER_CIDR');
        const ns = (n: string) => `${prefix}-${n}`;
        const label = (l: Record<string, string>) =>
          Object.fromEntries(Object.entries(l).map(([k, v]) => [`${prefix}.io/${k}`, `${v}-${prefix}`]));
        const renamed: ClusterModel = {
          ...model,
          pods: model.pods.map((p) => ({ ...p, namespace: ns(p.namespace), labels: label(p.labels) })),
          services: model.services.map((s) => ({
            ...s,
            namespace: ns(s.namespace),
            selector: s.selector === null ? null : label(s.selector),
          })),
        };
        const cc1 = compile(model);
        const cc2 = compile(renamed);
        for (const s of model.services) {
          const a = reachability(cc1, {
            client: { node: model.nodes[0].name },
            service: `${s.namespace}/${s.name}`,
          }).results;
          const b = reachability(cc2, {
            client: { node: model.nodes[0].name },
            service: `${ns(s.namespace)}/${s.name}`,
          }).results;
          expect(b.map((r) => [r.via, r.verdict, endpointSet(r.endpoints)])).toEqual(
            a.map((r) => [r.via, r.verdict, endpointSet(r.endpoints)]),
          );
        }
      }),
      RUNS,
    );
  });

  it('reachability agrees with trace on every path it reports', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), modes, detectors, (seed, mode, detector) => {
        const model = smallCluster(seed, mode, detector);
        const cc = compile(model);
        for (const client of clients(model)) {
          for (const s of cc.services) {
            for (const r of reachability(cc, { client, service: s.key }).results) {
              const family = r.via.address.includes(':') ? 6 : 4;
              for (const hop of r.hops) {
                const t = trace(cc, {
                  source: hop.source !== undefined ? { external: { ip: hop.source } } : sourceOf(client, family, r),
                  destination: {
                    ip: hop.destination?.ip ?? r.via.address,
                    port: hop.destination?.port ?? r.via.port,
                    protocol: r.via.protocol,
                  },
                  node: hop.node,
                });
                expect(t.verdict).toBe(hop.verdict);
              }
              for (const d of r.deliveries ?? []) {
                for (const node of d.nodes) {
                  const hop = r.hops.find((h) => h.source !== undefined);
                  const t = trace(cc, {
                    source: hop?.source !== undefined ? { external: { ip: hop.source } } : sourceOf(client, family, r),
                    destination: {
                      ip:
                        hop?.destination === undefined
                          ? r.via.address
                          : cc.nodes[cc.nodeByName.get(node) ?? 0].internalIps[0],
                      port: hop?.destination?.port ?? r.via.port,
                      protocol: r.via.protocol,
                    },
                    node,
                  });
                  expect(t.verdict).toBe(d.verdict);
                  expect(endpointSet(t.endpoints)).toEqual(endpointSet(d.endpoints));
                }
              }
              const last = r.hops[r.hops.length - 1];
              if (r.deliveries === null && last !== undefined && last.verdict === 'FORWARD') {
                const t = trace(cc, {
                  source: sourceOf(client, family, r),
                  destination: { ip: r.via.address, port: r.via.port, protocol: r.via.protocol },
                  node: last.node,
                });
                expect(endpointSet(t.endpoints)).toEqual(endpointSet(r.endpoints));
              }
            }
          }
        }
      }),
      { numRuns: 15 },
    );
  });

  it('eTP Local external traffic is never masqueraded; eTP Cluster external traffic always is', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        modes,
        detectors,
        fc.constantFrom('PUBLIC' as const, 'PRIVATE' as const),
        (seed, mode, detector, network) => {
          const model = smallCluster(seed, mode, detector);
          const cc = compile(model);
          let checked = 0;
          for (const s of cc.services) {
            if (s.model.type === 'ClusterIP') continue;
            for (const r of reachability(cc, { client: { external: { network } }, service: s.key }).results) {
              if (r.via.kind === 'CLUSTER_IP' || r.sourceIp.reason === 'LB_PROXY' || r.endpoints.length === 0) continue;
              const local = s.model.externalTrafficPolicy === 'Local';
              for (const e of r.endpoints) expect(e.masquerade).toBe(!local);
              expect(r.sourceIp.preserved).toBe(local);
              checked++;
            }
          }
          return checked >= 0;
        },
      ),
      RUNS,
    );
  });
});
