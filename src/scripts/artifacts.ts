import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import { stringify } from 'yaml';
import { createApp, openApiDocument } from '../app.factory';

/** The checked-in descriptions of the API, generated from the code (a test fails when they drift). */
export const ARTIFACTS = { openapi: 'openapi.yaml', graphql: 'schema.graphql' } as const;

export function renderOpenApi(app: NestFastifyApplication): string {
  return stringify(openApiDocument(app), { aliasDuplicateObjects: false, lineWidth: 0 });
}

export function renderGraphqlSchema(app: NestFastifyApplication): string {
  return `${printSchema(app.get(GraphQLSchemaHost).schema)}\n`;
}

/** An app that never touches its database: building routes and the schema needs none. */
export function createOfflineApp(): Promise<NestFastifyApplication> {
  return createApp({ databaseUrl: 'postgresql://unused@127.0.0.1:1/unused', adminToken: null, logLevel: 'silent' });
}
