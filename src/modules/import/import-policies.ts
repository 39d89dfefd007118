import { randomUUID } from 'node:crypto';
import { Namespace, NetworkPolicy } from '../../generated/prisma/client';
import { TenantTx } from '../../prisma/prisma.service';
import { namespaceLabels, NetworkPolicySpec, networkPolicySpec } from '../network-policies/network-policy-rules';
import { specColumns, specOf } from '../network-policies/network-policies.service';
import { ClusterRow } from '../topology/cluster-store';
import { forItemSync } from './import-errors';
import { same } from './import-records';
import type { ParsedImport } from './parse';

/**
 * Namespaces and NetworkPolicies of an import: upserted by name through the API's own rules
 * (network-policy-rules), counted in the report, and in replace mode (a kind the document carries
 * or declares) the stored ones it lacks deleted. They are few (tens, not hundreds of thousands), so
 * they are written row by row, apart from the bulk writes of the other kinds (import-writes).
 */

type Kind = 'namespaces' | 'networkPolicies';
interface Planned<Data> {
  key: string;
  id: string;
  row: boolean;
  data: Data;
}
export interface PolicyPlan {
  readonly namespaces: Planned<{ name: string; labels: Record<string, string> }>[];
  readonly policies: Planned<{ namespace: string; name: string; spec: NetworkPolicySpec }>[];
  readonly deleted: Record<Kind, { id: string; key: string }[]>;
  readonly unchanged: Record<Kind, number>;
}

export interface ExistingPolicies {
  namespaces: Map<string, Namespace>;
  policies: Map<string, NetworkPolicy>;
}

export async function readExistingPolicies(tx: TenantTx, cluster: ClusterRow): Promise<ExistingPolicies> {
  const where = { tenantId: cluster.tenantId, clusterId: cluster.id };
  const namespaces = await tx.namespace.findMany({ where });
  const policies = await tx.networkPolicy.findMany({ where });
  return {
    namespaces: new Map(namespaces.map((n) => [n.name, n])),
    policies: new Map(policies.map((p) => [`${p.namespace}/${p.name}`, p])),
  };
}

const identity = (field: string) => field;

export function planPolicies(
  parsed: ParsedImport,
  existing: ExistingPolicies,
  replace: boolean,
  declared: readonly string[],
  warn: (kind: string, name: string, message: string) => void,
): PolicyPlan {
  const unchanged = { namespaces: 0, networkPolicies: 0 };
  const namespaces = parsed.namespaces.flatMap((rec) => {
    const labels = forItemSync('Namespace', rec.name, identity, () =>
      namespaceLabels(rec.name, rec.labels, 'metadata.'),
    );
    const row = existing.namespaces.get(rec.name);
    if (row && same(row.labels, labels)) return ((unchanged.namespaces += 1), []);
    return [{ key: rec.name, id: row?.id ?? randomUUID(), row: row !== undefined, data: { name: rec.name, labels } }];
  });
  const policies = parsed.networkPolicies.flatMap((rec) => {
    const key = `${rec.namespace}/${rec.name}`;
    const { value: spec, warnings } = forItemSync('NetworkPolicy', key, identity, () =>
      networkPolicySpec(rec.spec, 'spec.'),
    );
    for (const message of warnings) warn('NetworkPolicy', key, message);
    const row = existing.policies.get(key);
    if (row && same(specOf(row), spec)) return ((unchanged.networkPolicies += 1), []);
    return [
      {
        key,
        id: row?.id ?? randomUUID(),
        row: row !== undefined,
        data: { namespace: rec.namespace, name: rec.name, spec },
      },
    ];
  });
  const carried = (kind: Kind, count: number) => replace && (count > 0 || declared.includes(kind));
  const lacking = <R extends { id: string }>(rows: Map<string, R>, keep: Set<string>) =>
    [...rows].filter(([key]) => !keep.has(key)).map(([key, row]) => ({ id: row.id, key }));
  const deleted = {
    namespaces: carried('namespaces', parsed.namespaces.length)
      ? lacking(existing.namespaces, new Set(parsed.namespaces.map((n) => n.name)))
      : [],
    networkPolicies: carried('networkPolicies', parsed.networkPolicies.length)
      ? lacking(existing.policies, new Set(parsed.networkPolicies.map((p) => `${p.namespace}/${p.name}`)))
      : [],
  };
  return { namespaces, policies, deleted, unchanged };
}

export const planChanges = (plan: PolicyPlan): boolean =>
  plan.namespaces.length + plan.policies.length + plan.deleted.namespaces.length + plan.deleted.networkPolicies.length >
  0;

/** Writes the plan: only changed objects are in it, so each update bumps the object's version (its ETag). */
export async function writePolicies(tx: TenantTx, cluster: ClusterRow, plan: PolicyPlan): Promise<void> {
  const { tenantId, id: clusterId } = cluster;
  const ids = (list: { id: string }[]) => list.map((d) => d.id);
  if (plan.deleted.namespaces.length)
    await tx.namespace.deleteMany({ where: { tenantId, clusterId, id: { in: ids(plan.deleted.namespaces) } } });
  if (plan.deleted.networkPolicies.length)
    await tx.networkPolicy.deleteMany({
      where: { tenantId, clusterId, id: { in: ids(plan.deleted.networkPolicies) } },
    });
  for (const n of plan.namespaces) {
    if (n.row)
      await tx.namespace.update({
        where: { tenantId_id: { tenantId, id: n.id } },
        data: { labels: n.data.labels, version: { increment: 1 } },
      });
    else await tx.namespace.create({ data: { tenantId, clusterId, id: n.id, ...n.data } });
  }
  for (const p of plan.policies) {
    const columns = specColumns(p.data.spec);
    if (p.row)
      await tx.networkPolicy.update({
        where: { tenantId_id: { tenantId, id: p.id } },
        data: { ...columns, version: { increment: 1 } },
      });
    else
      await tx.networkPolicy.create({
        data: { tenantId, clusterId, id: p.id, namespace: p.data.namespace, name: p.data.name, ...columns },
      });
  }
}
