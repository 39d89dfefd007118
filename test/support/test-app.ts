import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { afterAll, beforeAll, inject } from 'vitest';
import { createApp, CreateAppOptions } from '../../src/app.factory';
import { provisionRuntimeRole } from '../../src/db/runtime-role';
import { withDatabase } from './global-setup';

export const ADMIN_TOKEN = 'test-operator-token-0123456789';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly http: TestAgent;
  /** Owner of the schema (migrations). */
  readonly adminUrl: string;
  /** The role the app runs as (row-level security applies). */
  readonly runtimeUrl: string;
  close(): Promise<void>;
}

/** A database of its own (a clone of the migrated template) and the app built as main.ts builds it. */
export async function createTestDatabase(): Promise<{ adminUrl: string; runtimeUrl: string; drop(): Promise<void> }> {
  const { serverUrl, template } = inject('db');
  // Named after this run's template: a run cleans up only its own databases, never a concurrent run's.
  const name = `svcpath_t_${template.slice('svcpath_tpl_'.length)}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  const adminUrl = withDatabase(serverUrl, name);
  const runtimeUrl = await provisionRuntimeRole(adminUrl);
  return {
    adminUrl,
    runtimeUrl,
    drop: async () => {
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function startTestApp(options: Partial<CreateAppOptions> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const app = await createApp({ databaseUrl: db.runtimeUrl, adminToken: ADMIN_TOKEN, logLevel: 'silent', ...options });
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: request(app.getHttpServer()),
    adminUrl: db.adminUrl,
    runtimeUrl: db.runtimeUrl,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

/** A second app instance on the same database (as a second replica would run). */
export async function startSecondInstance(first: TestApp, options: Partial<CreateAppOptions> = {}): Promise<TestApp> {
  const app = await createApp({
    databaseUrl: first.runtimeUrl,
    adminToken: ADMIN_TOKEN,
    logLevel: 'silent',
    ...options,
  });
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: request(app.getHttpServer()),
    adminUrl: first.adminUrl,
    runtimeUrl: first.runtimeUrl,
    close: () => app.close(),
  };
}

/** Polls `check` every 25 ms until it holds; returns how long that took, or throws after `ms`. */
export async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await check()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not within ${ms} ms`);
}

export interface TestTenant {
  id: string;
  name: string;
  apiKey: string;
}

/**
 * A test file's app and tenant, started before its tests and closed after them: read `ctx.t` and
 * `ctx.tenant` inside the tests (they are set once the file's beforeAll has run).
 */
export function appWithTenant(options: Partial<CreateAppOptions> = {}): { t: TestApp; tenant: TestTenant } {
  const ctx = {} as { t: TestApp; tenant: TestTenant };
  beforeAll(async () => {
    ctx.t = await startTestApp(options);
    ctx.tenant = await createTenant(ctx.t);
  });
  afterAll(async () => ctx.t?.close());
  return ctx;
}

export async function createTenant(t: TestApp, name = `t-${randomBytes(3).toString('hex')}`): Promise<TestTenant> {
  const res = await t.http.post('/v1/tenants').set('authorization', `Bearer ${ADMIN_TOKEN}`).send({ name }).expect(201);
  return res.body as TestTenant;
}

/**
 * Two app instances on one database, a tenant, and its cluster: node n1, pod default/a
 * (10.244.0.1, app=x) behind Service default/x (ClusterIP 10.96.0.10, port 80).
 */
export async function twoInstancesWithOneService(): Promise<{
  one: TestApp;
  two: TestApp;
  tenant: TestTenant;
  clusterId: string;
}> {
  const one = await startTestApp();
  const two = await startSecondInstance(one);
  const tenant = await createTenant(one);
  const clusterId = (
    await one.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .send({ name: 'c', clusterCidrs: ['10.244.0.0/16'] })
      .expect(201)
  ).body.id as string;
  const post = (path: string, body: object) =>
    one.http.post(`/v1/clusters/${clusterId}${path}`).set(bearer(tenant.apiKey)).send(body).expect(201);
  await post('/nodes', { name: 'n1', internalIps: ['192.168.0.1'] });
  await post('/pods', { namespace: 'default', name: 'a', nodeName: 'n1', ips: ['10.244.0.1'], labels: { app: 'x' } });
  await post('/services', {
    namespace: 'default',
    name: 'x',
    selector: { app: 'x' },
    clusterIps: ['10.96.0.10'],
    ports: [{ port: 80 }],
  });
  return { one, two, tenant, clusterId };
}

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data: T | null;
  errors?: {
    message: string;
    path?: string[];
    extensions: { code: string; status?: number; errors?: { field: string; message: string }[] };
  }[];
}

export async function gql<T = Record<string, unknown>>(
  t: TestApp,
  key: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlResult<T>> {
  const res = await t.http.post('/graphql').set('authorization', `Bearer ${key}`).send({ query, variables });
  return { status: res.status, ...(res.body as Omit<GqlResult<T>, 'status'>) };
}

/** Reads tables as the schema owner (bypassing nothing: used to prove a failed request changed nothing). */
export async function snapshot(
  t: TestApp,
  tables = ['tenants', 'api_keys', 'clusters', 'nodes', 'pods', 'services', 'address_claims'],
): Promise<Record<string, unknown[]>> {
  const c = new Client({ connectionString: t.adminUrl });
  await c.connect();
  try {
    const out: Record<string, unknown[]> = {};
    for (const table of tables) out[table] = (await c.query(`SELECT * FROM ${table} t ORDER BY t::text`)).rows;
    return out;
  } finally {
    await c.end();
  }
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
