import { EndpointSlice, Node, Pod, Prisma, Service } from '../../generated/prisma/client';
import { TenantTx } from '../../prisma/prisma.service';
import { ServiceSpec } from '../services/service-spec';
import { Claim, ClaimOwner, ClusterRow } from '../topology/cluster-store';
import { ImportCounts } from './import.dto';
import { ItemFailure, NODE_FIELDS, POD_FIELDS, SERVICE_FIELDS } from './import-errors';
import { NodeData, PodData, SliceData } from './import-records';

/** Batched writes of an import: a dump holds thousands of objects, one transaction must take them all. */

export type Kind = keyof ImportCounts;

/** One object of the document to write: its id (the stored row's, or a new one), its stored row if any, the data the document gives it. */
export interface Change<Row = unknown, Data = unknown> { kind: Kind; key: string; id: string; row: Row | undefined; data: Data; claims: Claim[] }

export type AnyRow = Node | Pod | Service | EndpointSlice;

const OWNER_KIND: Record<Kind, ClaimOwner['kind'] | null> = { nodes: 'node', pods: 'pod', services: 'service', endpointSlices: null };
const ITEM_KIND: Record<Kind, string> = { nodes: 'Node', pods: 'Pod', services: 'Service', endpointSlices: 'EndpointSlice' };
const FIELDS: Record<Kind, (field: string) => string> = { nodes: NODE_FIELDS, pods: POD_FIELDS, services: SERVICE_FIELDS, endpointSlices: (f) => f };
const CHUNK = 1000;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

const json = (value: unknown) => value as Prisma.InputJsonValue;

/**
 * The claims of every changing object, as ClusterStore.claim takes them one object at a time, in
 * bulk: the claims of the objects that change are given back first (so addresses may move between
 * them), then a claim held by anything else, or by an earlier object of the document, is a 409
 * naming the item and the holder (ClusterStore.claim's wording).
 */
export async function claimAll(tx: TenantTx, cluster: ClusterRow, changes: Change[]): Promise<void> {
  const owned = changes.filter((c) => OWNER_KIND[c.kind]);
  const moving = owned.filter((c) => c.row).map((c) => c.id);
  for (const ids of chunks(moving)) await tx.addressClaim.deleteMany({ where: { tenantId: cluster.tenantId, ownerId: { in: ids } } });
  const keys = [...new Set(owned.flatMap((c) => c.claims.map((claim) => claim.key)))];
  const taken = new Map<string, { ownerKind: string; ownerName: string; ownerId: string }>();
  for (const part of chunks(keys)) {
    const held = await tx.addressClaim.findMany({ where: { tenantId: cluster.tenantId, clusterId: cluster.id, key: { in: part } } });
    for (const h of held) taken.set(h.key, h);
  }
  const rows: Prisma.AddressClaimCreateManyInput[] = [];
  for (const change of owned) {
    const ownerKind = OWNER_KIND[change.kind]!;
    for (const claim of change.claims) {
      const holder = taken.get(claim.key);
      if (holder && holder.ownerId === change.id) continue;
      if (holder) {
        const what = claim.key.startsWith('ip/') ? claim.key.slice(3) : `NodePort ${claim.key.slice('nodeport/'.length)}`;
        throw new ItemFailure('CONFLICT', ITEM_KIND[change.kind], change.key, FIELDS[change.kind](claim.field),
          `${what} is already used by ${holder.ownerKind} ${holder.ownerName} in this cluster`);
      }
      taken.set(claim.key, { ownerKind, ownerName: change.key, ownerId: change.id });
      rows.push({ tenantId: cluster.tenantId, clusterId: cluster.id, key: claim.key, ownerKind, ownerId: change.id, ownerName: change.key });
    }
  }
  for (const part of chunks(rows)) await tx.addressClaim.createMany({ data: part });
}

/** The columns the document gives an object (without its keys). */
function columns(change: Change): Record<string, unknown> {
  switch (change.kind) {
    case 'nodes': return { ...(change.data as NodeData) };
    case 'pods': {
      const d = change.data as PodData;
      return { ...d, containerPorts: json(d.containerPorts) };
    }
    case 'services': {
      const spec = change.data as ServiceSpec;
      return { ...spec, selector: spec.selector ?? Prisma.DbNull, ports: json(spec.ports), loadBalancerIngress: json(spec.loadBalancerIngress) };
    }
    case 'endpointSlices': {
      const s = change.data as SliceData;
      return { ...s, ports: json(s.ports), endpoints: json(s.endpoints) };
    }
  }
}

/** Creates (in batches) and updates the objects. */
export async function writeAll(tx: TenantTx, cluster: ClusterRow, changes: Change[]): Promise<void> {
  const { tenantId, id: clusterId } = cluster;
  const created = (kind: Kind) => changes.filter((c) => c.kind === kind && !c.row).map((c) => {
    const [namespace, name] = kind === 'nodes' ? [undefined, c.key] : c.key.split('/');
    return { tenantId, clusterId, id: c.id, ...(namespace === undefined ? {} : { namespace }), name, ...columns(c) };
  });
  for (const part of chunks(created('nodes'))) await tx.node.createMany({ data: part as Prisma.NodeCreateManyInput[] });
  for (const part of chunks(created('pods'))) await tx.pod.createMany({ data: part as Prisma.PodCreateManyInput[] });
  for (const part of chunks(created('services'))) await tx.service.createMany({ data: part as Prisma.ServiceCreateManyInput[] });
  for (const part of chunks(created('endpointSlices'))) await tx.endpointSlice.createMany({ data: part as Prisma.EndpointSliceCreateManyInput[] });
  for (const change of changes.filter((c) => c.row)) {
    const args = { where: { tenantId_id: { tenantId, id: change.id } }, data: columns(change) as never };
    switch (change.kind) {
      case 'nodes': await tx.node.update(args); break;
      case 'pods': await tx.pod.update(args); break;
      case 'services': await tx.service.update(args); break;
      case 'endpointSlices': await tx.endpointSlice.update(args); break;
    }
  }
}
