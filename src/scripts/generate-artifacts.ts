import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, createOfflineApp, renderGraphqlSchema, renderOpenApi } from './artifacts';

async function main(): Promise<void> {
  const app = await createOfflineApp();
  const root = join(__dirname, '..', '..');
  writeFileSync(join(root, ARTIFACTS.openapi), renderOpenApi(app));
  writeFileSync(join(root, ARTIFACTS.graphql), renderGraphqlSchema(app));
  await app.close();
  process.stdout.write(`wrote ${ARTIFACTS.openapi} and ${ARTIFACTS.graphql}\n`);
}

void main();
