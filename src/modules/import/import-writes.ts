import { EndpointSlice, Node, Pod, Service } from '../../generated/prisma/client';
import { TenantTx } from '../../prisma/prisma.service';
import { Claim, ClaimOwner, ClusterRow } from '../topology/cluster-store';
import { ImportCounts } from './import.dto';
import { ItemFailure, NODE_FIELDS, POD_FIELDS, SERVICE_FIELDS } from './import-errors';

/**
 * Set-based writes of an import: a dump holds hundreds of thousands of objects, one transaction
 * must take them all, so each table is written by a few statements (one JSON or array parameter
 * per chunk of rows), never row by row.
 */

/** The kinds written in bulk (Namespaces and NetworkPolicies, few, are import-policies.ts's). */
export type Kind = Exclude<keyof ImportCounts, 'namespaces' | 'networkPolicies'>;

/** One object of the document to write: its id (the stored row's, or a new one), its stored row if any, the data the document gives it. */
export interface Change<Row = unknown, Data = unknown> {
  kind: Kind;
  key: string;
  id: string;
  row: Row | undefined;
  data: Data;
  claims: Claim[];
}

export type AnyRow = Node | Pod | Service | EndpointSlice;

const OWNER_KIND: Record<Kind, ClaimOwner['kind'] | null> = {
  nodes: 'node',
  pods: 'pod',
  services: 'service',
  endpointSlices: null,
};
const ITEM_KIND: Record<Kind, string> = {
  nodes: 'Node',
  pods: 'Pod',
  services: 'Service',
  endpointSlices: 'EndpointSlice',
};
const FIELDS: Record<Kind, (field: string) => string> = {
  nodes: NODE_FIELDS,
  pods: POD_FIELDS,
  services: SERVICE_FIELDS,
  endpointSlices: (f) => f,
};
/** Rows per statement: big enough that a 150,000-pod dump takes a handful of statements, small enough to keep each parameter in tens of MB. */
const CHUNK = 20_000;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A PostgreSQL array literal (`{"a","b"}`), every element quoted: one text parameter however many elements. */
function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

/**
 * The big writes of one transaction, sent without waiting for each other: each statement goes to
 * the connection as soon as the one before it completes, and in the meantime the next one is built
 * (the database and this process work at once). One statement at a time on the connection: pg
 * refuses (and pg 8 warns about) a query issued while another is running on the same client. Only
 * for statements that do not depend on each other's results; after a failed one none is sent, and
 * `drain` waits for all of them and fails as the failed one did (the transaction then rolls back).
 */
export class WriteBatch {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly tx: TenantTx) {}

  async send(sql: string, ...params: unknown[]): Promise<void> {
    const sent = this.tail.then(() => this.tx.$executeRawUnsafe(sql, ...params)).then(() => undefined);
    sent.catch(() => undefined); // reported by drain
    this.tail = sent;
    // Let the running statement progress before the next one is built.
    await new Promise((resolve) => setImmediate(resolve));
  }

  async drain(): Promise<void> {
    const tail = this.tail;
    this.tail = Promise.resolve();
    await tail;
  }
}

interface Holder {
  key: string;
  ownerKind: string;
  ownerName: string;
  ownerId: string;
}

/** The savepoint before an import's claims: a claim refused by the database is rolled back to it, then explained (claimAll). */
const CLAIMS_SAVEPOINT = 'svcpath_import_claims';

/**
 * The claims of every changing object, as ClusterStore.claim takes them one object at a time, in
 * bulk: the claims of the objects that change are given back first (so addresses may move between
 * them), then the new ones are inserted after a savepoint, sent with the rows' writes. The
 * database's primary key refuses an address that is taken, by the cluster or by another object of
 * the document; when it does, `explainFailedClaims` rolls back to the savepoint and finds the
 * clash as ClusterStore.claim would have. So the usual import never looks the addresses up.
 */
export async function claimAll(tx: TenantTx, batch: WriteBatch, cluster: ClusterRow, changes: Change[]): Promise<void> {
  const { tenantId, id: clusterId } = cluster;
  const owned = changes.filter((c) => OWNER_KIND[c.kind]);
  const moving = owned.filter((c) => c.row).map((c) => c.id);
  for (const ids of chunks(moving)) {
    await tx.$executeRawUnsafe(
      'DELETE FROM address_claims WHERE tenant_id = $1::uuid AND owner_id = ANY($2::uuid[])',
      tenantId,
      pgArray(ids),
    );
  }
  // An object's claims name each address once (nodeClaims, podClaims and serviceClaims see to it).
  const rows = owned.flatMap((c) =>
    c.claims.map((claim) => ({ key: claim.key, ownerKind: OWNER_KIND[c.kind]!, ownerId: c.id, ownerName: c.key })),
  );
  await batch.send(`SAVEPOINT ${CLAIMS_SAVEPOINT}`);
  for (const part of chunks(rows, 50_000)) {
    await batch.send(
      `INSERT INTO address_claims (tenant_id, cluster_id, key, owner_kind, owner_id, owner_name)
        SELECT $1::uuid, $2::uuid, u.key, u.kind, u.id, u.name FROM unnest($3::text[], $4::text[], $5::uuid[], $6::text[]) AS u(key, kind, id, name)`,
      tenantId,
      clusterId,
      pgArray(part.map((r) => r.key)),
      pgArray(part.map((r) => r.ownerKind)),
      pgArray(part.map((r) => r.ownerId)),
      pgArray(part.map((r) => r.ownerName)),
    );
  }
}

/**
 * After claimAll's writes failed: if an address was taken (the savepoint can be rolled back to),
 * throws the clash as ClusterStore.claim names it: the first changing object, in document order,
 * that claims an address held by anything else or by an earlier object of the document.
 */
export async function explainFailedClaims(tx: TenantTx, cluster: ClusterRow, changes: Change[]): Promise<void> {
  try {
    await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${CLAIMS_SAVEPOINT}`);
  } catch {
    return; // the failure came before the claims: not theirs to explain
  }
  await explainClash(tx, cluster, changes);
}

async function explainClash(tx: TenantTx, cluster: ClusterRow, changes: Change[]): Promise<void> {
  const { tenantId, id: clusterId } = cluster;
  const owned = changes.filter((c) => OWNER_KIND[c.kind]);
  const keys = [...new Set(owned.flatMap((c) => c.claims.map((claim) => claim.key)))];
  const taken = new Map<string, Omit<Holder, 'key'>>();
  for (const part of chunks(keys)) {
    const held = await tx.$queryRawUnsafe<Holder[]>(
      `SELECT key, owner_kind AS "ownerKind", owner_name AS "ownerName", owner_id::text AS "ownerId" FROM address_claims
        WHERE tenant_id = $1::uuid AND cluster_id = $2::uuid AND key = ANY($3::text[])`,
      tenantId,
      clusterId,
      pgArray(part),
    );
    for (const h of held) taken.set(h.key, h);
  }
  for (const change of owned) {
    const ownerKind = OWNER_KIND[change.kind]!;
    for (const claim of change.claims) {
      const holder = taken.get(claim.key);
      if (holder && holder.ownerId === change.id) continue;
      if (holder) {
        const what = claim.key.startsWith('ip/')
          ? claim.key.slice(3)
          : `NodePort ${claim.key.slice('nodeport/'.length)}`;
        throw new ItemFailure(
          'CONFLICT',
          ITEM_KIND[change.kind],
          change.key,
          FIELDS[change.kind](claim.field),
          `${what} is already used by ${holder.ownerKind} ${holder.ownerName} in this cluster`,
        );
      }
      taken.set(claim.key, { ownerKind, ownerName: change.key, ownerId: change.id });
    }
  }
}

/** Stored objects a replace import deletes, per kind: their ids. */
export type Deletions = Record<Kind, { id: string; key: string }[]>;

export const noDeletions = (): Deletions => ({ nodes: [], pods: [], services: [], endpointSlices: [] });

/** Deletes the objects and gives their claims back first, so the import's new claims may take the addresses. */
export async function deleteAll(tx: TenantTx, cluster: ClusterRow, deletions: Deletions): Promise<void> {
  for (const kind of Object.keys(TABLES) as Kind[]) {
    for (const part of chunks(deletions[kind].map((d) => d.id))) {
      const ids = pgArray(part);
      if (OWNER_KIND[kind])
        await tx.$executeRawUnsafe(
          'DELETE FROM address_claims WHERE tenant_id = $1::uuid AND owner_id = ANY($2::uuid[])',
          cluster.tenantId,
          ids,
        );
      await tx.$executeRawUnsafe(
        `DELETE FROM ${TABLES[kind].table} WHERE tenant_id = $1::uuid AND cluster_id = $2::uuid AND id = ANY($3::uuid[])`,
        cluster.tenantId,
        cluster.id,
        ids,
      );
    }
  }
}

/** A column the document sets: its name in the change's data (and so in the JSON rows), its column and type. */
interface Column {
  key: string;
  column: string;
  type: string;
}

const col = (key: string, column: string, type: string): Column => ({ key, column, type });
/** The fields the document redacted (every kind has them). */
const UNKNOWN = col('unknownFields', 'unknown_fields', 'text[]');

/** Per kind: the table, and the columns besides the keys (tenant, cluster, id, namespace, name). */
const TABLES: Record<Kind, { table: string; namespaced: boolean; columns: Column[] }> = {
  nodes: {
    table: 'nodes',
    namespaced: false,
    columns: [
      col('internalIps', 'internal_ips', 'text[]'),
      col('externalIp', 'external_ip', 'text'),
      col('podCidrs', 'pod_cidrs', 'text[]'),
      col('labels', 'labels', 'jsonb'),
      UNKNOWN,
    ],
  },
  pods: {
    table: 'pods',
    namespaced: true,
    columns: [
      col('labels', 'labels', 'jsonb'),
      col('nodeName', 'node_name', 'text'),
      col('ips', 'ips', 'text[]'),
      col('hostNetwork', 'host_network', 'boolean'),
      col('phase', 'phase', 'text'),
      col('ready', 'ready', 'boolean'),
      col('terminating', 'terminating', 'boolean'),
      col('containerPorts', 'container_ports', 'jsonb'),
      UNKNOWN,
    ],
  },
  services: {
    table: 'services',
    namespaced: true,
    columns: [
      col('type', 'type', '"ServiceType"'),
      col('selector', 'selector', 'jsonb'),
      col('ports', 'ports', 'jsonb'),
      col('clusterIps', 'cluster_ips', 'text[]'),
      col('externalIps', 'external_ips', 'text[]'),
      col('loadBalancerIngress', 'load_balancer_ingress', 'jsonb'),
      col('loadBalancerSourceRanges', 'load_balancer_source_ranges', 'text[]'),
      col('loadBalancerHostnames', 'load_balancer_hostnames', 'text[]'),
      col('loadBalancerTarget', 'load_balancer_target', 'text'),
      col('externalTrafficPolicy', 'external_traffic_policy', '"TrafficPolicy"'),
      col('internalTrafficPolicy', 'internal_traffic_policy', '"TrafficPolicy"'),
      col('healthCheckNodePort', 'health_check_node_port', 'integer'),
      col('publishNotReadyAddresses', 'publish_not_ready_addresses', 'boolean'),
      col('sessionAffinity', 'session_affinity', '"SessionAffinity"'),
      col('sessionAffinityTimeoutSeconds', 'session_affinity_timeout_seconds', 'integer'),
      col('trafficDistribution', 'traffic_distribution', 'text'),
      col('labels', 'labels', 'jsonb'),
      col('annotations', 'annotations', 'jsonb'),
      UNKNOWN,
    ],
  },
  endpointSlices: {
    table: 'endpoint_slices',
    namespaced: true,
    columns: [
      col('serviceName', 'service_name', 'text'),
      col('addressType', 'address_type', 'text'),
      col('ports', 'ports', 'jsonb'),
      col('endpoints', 'endpoints', 'jsonb'),
      UNKNOWN,
    ],
  },
};

/**
 * The JSON rows of a chunk of changes: `{...data, id, namespace, name}`, a jsonb column's value as
 * its JSON text (PostgreSQL reads such rows markedly faster than nested JSON it must take apart),
 * a null one (a Service's null selector) as SQL NULL.
 */
function jsonRows(kind: Kind, changes: Change[]): string {
  const { namespaced, columns } = TABLES[kind];
  const jsonb = columns.filter((c) => c.type === 'jsonb').map((c) => c.key);
  return JSON.stringify(
    changes.map((c) => {
      const row: Record<string, unknown> = { ...(c.data as Record<string, unknown>), id: c.id };
      for (const key of jsonb) row[key] = row[key] === null || row[key] === undefined ? null : JSON.stringify(row[key]);
      if (namespaced) {
        const slash = c.key.indexOf('/');
        row.namespace = c.key.slice(0, slash);
        row.name = c.key.slice(slash + 1);
      } else {
        row.name = c.key;
      }
      return row;
    }),
  );
}

/** `x("id" uuid, "name" text, ...)`: the record type of json_to_recordset (jsonb columns come as text, see jsonRows). */
function recordType(kind: Kind): string {
  const { namespaced, columns } = TABLES[kind];
  const keys = [
    ['id', 'uuid'],
    ...(namespaced ? [['namespace', 'text']] : []),
    ['name', 'text'],
    ...columns.map((c) => [c.key, c.type === 'jsonb' ? 'text' : c.type]),
  ];
  return `x(${keys.map(([k, t]) => `"${k}" ${t}`).join(', ')})`;
}

const value = (c: Column) => (c.type === 'jsonb' ? `x."${c.key}"::jsonb` : `x."${c.key}"`);

/** The kinds whose rows carry a version (their REST ETag): an update bumps it; only changed rows are updated (the import leaves unchanged ones out). */
const VERSIONED: ReadonlySet<Kind> = new Set(['nodes', 'pods', 'services']);

/** Creates and updates the objects: per table, one INSERT ... SELECT (version 1) and one UPDATE ... FROM (version + 1) per chunk. */
export async function writeAll(batch: WriteBatch, cluster: ClusterRow, changes: Change[]): Promise<void> {
  const { tenantId, id: clusterId } = cluster;
  for (const kind of Object.keys(TABLES) as Kind[]) {
    const { table, namespaced, columns } = TABLES[kind];
    const ofKind = changes.filter((c) => c.kind === kind);
    const keyColumns = ['id', ...(namespaced ? ['namespace'] : []), 'name'];
    for (const part of chunks(ofKind.filter((c) => !c.row))) {
      await batch.send(
        `INSERT INTO ${table} (tenant_id, cluster_id, ${[...keyColumns, ...columns.map((c) => c.column)].join(', ')}, created_at, updated_at)
          SELECT $1::uuid, $2::uuid, ${[...keyColumns.map((k) => `x."${k}"`), ...columns.map(value)].join(', ')}, now(), now()
          FROM json_to_recordset($3::json) AS ${recordType(kind)}`,
        tenantId,
        clusterId,
        jsonRows(kind, part),
      );
    }
    for (const part of chunks(ofKind.filter((c) => c.row))) {
      await batch.send(
        `UPDATE ${table} AS t SET ${columns.map((c) => `${c.column} = ${value(c)}`).join(', ')}, updated_at = now()${VERSIONED.has(kind) ? ', version = t.version + 1' : ''}
          FROM json_to_recordset($2::json) AS ${recordType(kind)}
          WHERE t.tenant_id = $1::uuid AND t.id = x."id"`,
        tenantId,
        jsonRows(kind, part),
      );
    }
  }
}
