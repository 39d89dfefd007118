import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, createOfflineApp, renderGraphqlSchema, renderOpenApi } from '../../src/scripts/artifacts';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
let app: NestFastifyApplication;

beforeAll(async () => {
  app = await createOfflineApp();
});
afterAll(async () => app?.close());

describe('checked-in API descriptions', () => {
  it(`${ARTIFACTS.openapi} is what the code generates (run \`npm run generate\` after changing the API)`, () => {
    expect(read(ARTIFACTS.openapi)).toBe(renderOpenApi(app));
  });

  it(`${ARTIFACTS.graphql} is what the code generates (run \`npm run generate\` after changing the API)`, () => {
    expect(read(ARTIFACTS.graphql)).toBe(renderGraphqlSchema(app));
  });

  it('the OpenAPI document describes every route with bearer auth and problem responses', () => {
    const doc = parse(read(ARTIFACTS.openapi)) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/v1/tenants',
      '/v1/api-keys',
      '/v1/clusters',
      '/v1/clusters/{clusterId}',
      '/v1/clusters/{clusterId}/nodes/{nodeId}',
      '/v1/clusters/{clusterId}/pods/{podId}',
      '/v1/clusters/{clusterId}/services/{serviceId}',
      '/health/live',
      '/health/ready',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const create = doc.paths['/v1/clusters'].post as {
      security: unknown[];
      responses: Record<string, { content?: Record<string, unknown> }>;
    };
    expect(create.security).toEqual([{ bearer: [] }]);
    for (const status of ['400', '401', '403', '409'])
      expect(Object.keys(create.responses[status].content ?? {})).toEqual(['application/problem+json']);
  });
});

describe('docker-compose.yml', () => {
  it('parses and wires the app to its PostgreSQL', () => {
    const compose = parse(read('docker-compose.yml')) as {
      services: Record<
        string,
        { environment?: Record<string, string>; depends_on?: Record<string, unknown>; image?: string; ports?: string[] }
      >;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'db']);
    expect(compose.services.db.image).toMatch(/^postgres:/);
    expect(compose.services.app.environment?.DATABASE_URL).toMatch(/^postgresql:\/\/.+@db:5432\//);
    expect(compose.services.app.depends_on).toHaveProperty('db');
    expect(compose.services.app.ports).toContain('3000:3000');
  });
});
