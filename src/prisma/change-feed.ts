import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client, Notification } from 'pg';
import { LISTEN_DATABASE_URL } from './database-url';

/** An object of a cluster's topology, as a change names it: `settings` (the cluster's own fields) has key ''. */
export interface ObjectRef {
  readonly kind: ObjectKind;
  readonly key: string;
}
export type ObjectKind = 'node' | 'pod' | 'service' | 'endpointSlice' | 'settings';

export type Change =
  /**
   * `version`: the cluster's version after the change, when the announcer knew it. `objects`: what
   * the change touched, when it was announced (a listener may read just those and patch its model).
   */
  | {
      readonly kind: 'cluster';
      readonly tenantId: string;
      readonly clusterId: string;
      readonly version?: number;
      readonly objects?: readonly ObjectRef[];
    }
  | { readonly kind: 'api-key'; readonly keyHash: string };

export const CHANGE_CHANNEL = 'svcpath_changes';
/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more: a change naming more is announced without its objects. */
const MAX_PAYLOAD = 7_900;

const LETTER: Record<ObjectKind, string> = { node: 'n', pod: 'p', service: 's', endpointSlice: 'e', settings: 'c' };
const KIND_OF = new Map(Object.entries(LETTER).map(([kind, letter]) => [letter, kind as ObjectKind]));

/** `cluster:<tenant>:<cluster>:<version>[:<objects>]`, objects as `<letter><key>` joined by commas (names hold neither ':' nor ','). */
export function encodeChange(change: Change): string {
  if (change.kind === 'api-key') return `api-key:${change.keyHash}`;
  const base = `cluster:${change.tenantId}:${change.clusterId}${change.version === undefined ? '' : `:${change.version}`}`;
  if (change.version === undefined || change.objects === undefined) return base;
  const full = `${base}:${change.objects.map((o) => `${LETTER[o.kind]}${o.key}`).join(',')}`;
  return full.length < MAX_PAYLOAD ? full : base;
}

function decodeObjects(text: string): ObjectRef[] | undefined {
  const out: ObjectRef[] = [];
  for (const part of text === '' ? [] : text.split(',')) {
    const kind = KIND_OF.get(part[0]);
    if (kind === undefined) return undefined;
    out.push({ kind, key: part.slice(1) });
  }
  return out;
}

export function decodeChange(payload: string): Change | null {
  const [kind, a, b, c, d] = payload.split(':');
  const version = c === undefined ? undefined : Number(c);
  const objects = d === undefined || !Number.isSafeInteger(version) ? undefined : decodeObjects(d);
  if (kind === 'cluster' && a && b) {
    return {
      kind,
      tenantId: a,
      clusterId: b,
      ...(Number.isSafeInteger(version) ? { version } : {}),
      ...(objects ? { objects } : {}),
    };
  }
  if (kind === 'api-key' && a) return { kind, keyHash: a };
  return null;
}

/**
 * Tells every app instance sharing the database what changed: PostgreSQL NOTIFY, sent inside the
 * writing transaction (so only committed changes are announced), heard here through LISTEN. It is
 * a hint — notifications can be lost while the listener reconnects — so caches also re-validate
 * against the database on their own schedule; this only makes them fresh sooner.
 *
 * LISTEN needs a session of its own that stays on one server connection: it connects with
 * LISTEN_DATABASE_URL (APP_LISTEN_DATABASE_URL; default: the URL requests use), which must reach
 * PostgreSQL directly when requests go through a transaction-mode pooler such as PgBouncer.
 */
@Injectable()
export class ChangeFeed implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ChangeFeed');
  private readonly subscribers = new Set<(change: Change) => void>();
  private client: Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(@Inject(LISTEN_DATABASE_URL) private readonly url: string) {}

  subscribe(fn: (change: Change) => void): void {
    this.subscribers.add(fn);
  }

  /** Called by this instance after its own commit (its NOTIFY may arrive later than its next request). */
  publishLocal(change: Change): void {
    for (const fn of this.subscribers) fn(change);
  }

  async onModuleInit(): Promise<void> {
    await this.connect().catch(() => this.scheduleReconnect());
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.url,
      connectionTimeoutMillis: 5_000,
      application_name: 'svcpath-listen',
    });
    client.on('error', () => this.scheduleReconnect());
    client.on('notification', (msg: Notification) => {
      const change = msg.payload ? decodeChange(msg.payload) : null;
      if (change) this.publishLocal(change);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    this.client = client;
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retry) return;
    const old = this.client;
    this.client = null;
    void old?.end().catch(() => undefined);
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect().catch((error: unknown) => {
        this.logger.warn(
          `LISTEN connection failed, retrying: ${error instanceof Error ? error.message : String(error)}`,
        );
        this.scheduleReconnect();
      });
    }, 1_000);
    this.retry.unref();
  }
}
