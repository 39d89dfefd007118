import { ValidationPipe } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { ReachabilityInput } from './analysis.dto';
import { AnswerArgs } from './answer.args';
import { plainAnswerArgs, plainReachabilityInput } from './reachability-body';

// The global pipe's class-validator options (app.module.ts); its own shape checks refuse more, never less.
const pipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => errors,
});
const metadata = { type: 'body' as const, metatype: ReachabilityInput, data: undefined };

/** What the validation pipe makes of a body: the instance, or 'refused'. */
async function piped(body: unknown): Promise<unknown> {
  try {
    return await pipe.transform(structuredClone(body), metadata);
  } catch {
    return 'refused';
  }
}

const ROWS: [string, unknown, 'fast' | 'pipe'][] = [
  ['pod client, Service', { client: { pod: 'default/frontend-1' }, service: 'default/backend' }, 'fast'],
  ['node client, Service', { client: { node: 'node-1' }, service: 'default/backend' }, 'fast'],
  ['with a port', { client: { pod: 'a/b' }, service: 'a/b', port: 80 }, 'fast'],
  ['port 65535', { client: { pod: 'a/b' }, service: 'a/b', port: 65535 }, 'fast'],
  ['keys in another order', { service: 'a/b', port: 1, client: { pod: 'a/b' } }, 'fast'],
  ['node name of 253 characters', { client: { node: 'n'.repeat(253) }, service: 'a/b' }, 'fast'],
  ['node name of 254 characters', { client: { node: 'n'.repeat(254) }, service: 'a/b' }, 'pipe'],
  ['port 0', { client: { pod: 'a/b' }, service: 'a/b', port: 0 }, 'pipe'],
  ['port 65536', { client: { pod: 'a/b' }, service: 'a/b', port: 65536 }, 'pipe'],
  ['port 1.5', { client: { pod: 'a/b' }, service: 'a/b', port: 1.5 }, 'pipe'],
  ['port as a string', { client: { pod: 'a/b' }, service: 'a/b', port: '80' }, 'pipe'],
  ['port null', { client: { pod: 'a/b' }, service: 'a/b', port: null }, 'pipe'],
  ['service null', { client: { pod: 'a/b' }, service: null }, 'pipe'],
  ['no service', { client: { pod: 'a/b' } }, 'pipe'],
  ['no client', { service: 'a/b' }, 'pipe'],
  ['client null', { client: null, service: 'a/b' }, 'pipe'],
  ['client an array', { client: [], service: 'a/b' }, 'pipe'],
  ['empty client', { client: {}, service: 'a/b' }, 'pipe'],
  ['pod and node', { client: { pod: 'a/b', node: 'n' }, service: 'a/b' }, 'pipe'],
  ['external client', { client: { external: { network: 'PUBLIC' } }, service: 'a/b' }, 'pipe'],
  ['pod not namespace/name', { client: { pod: 'frontend' }, service: 'a/b' }, 'pipe'],
  ['pod in capitals', { client: { pod: 'A/b' }, service: 'a/b' }, 'pipe'],
  ['service not namespace/name', { client: { pod: 'a/b' }, service: 'backend' }, 'pipe'],
  ['pod a number', { client: { pod: 1 }, service: 'a/b' }, 'pipe'],
  ['node a number', { client: { node: 1 }, service: 'a/b' }, 'pipe'],
  ['node with NUL', { client: { node: 'a\u0000b' }, service: 'a/b' }, 'pipe'],
  ['unknown key', { client: { pod: 'a/b' }, service: 'a/b', extra: 1 }, 'pipe'],
  ['unknown client key', { client: { pod: 'a/b', extra: 1 }, service: 'a/b' }, 'pipe'],
  ['pod target', { client: { pod: 'a/b' }, pod: 'a/c', port: 80 }, 'pipe'],
  ['ip target', { client: { pod: 'a/b' }, ip: '10.0.0.1', port: 80 }, 'pipe'],
  ['with a protocol', { client: { pod: 'a/b' }, service: 'a/b', protocol: 'TCP' }, 'pipe'],
  ['undefined port', { client: { pod: 'a/b' }, service: 'a/b', port: undefined }, 'pipe'],
  ['not an object', 'a/b', 'pipe'],
  ['an array', [], 'pipe'],
  ['null', null, 'pipe'],
];

describe("plainReachabilityInput: the validation pipe's own instance, for the bodies it takes, and nothing else", () => {
  it.each(ROWS)('%s', async (_name, body, path) => {
    const fast = plainReachabilityInput(body);
    expect(fast === null ? 'pipe' : 'fast').toBe(path);
    // Whatever it takes, the pipe takes too, into an equal instance of the same classes.
    if (fast !== null) expect(fast).toStrictEqual(await piped(body));
  });

  it('takes only bodies the pipe takes, over many variations of the common one', async () => {
    const values = [
      undefined,
      null,
      0,
      1,
      80,
      65535,
      65536,
      -1,
      1.5,
      '',
      'a/b',
      'A/b',
      'a/',
      'node-1',
      'a\u0000/b',
      [],
      {},
      { pod: 'a/b' },
      { node: 'n' },
      true,
    ];
    let taken = 0;
    for (const client of values)
      for (const service of values)
        for (const port of values) {
          const body: Record<string, unknown> = { client, service };
          if (port !== undefined) body.port = port;
          const fast = plainReachabilityInput(body);
          if (fast === null) continue;
          taken++;
          expect(fast).toStrictEqual(await piped(body));
        }
    expect(taken).toBeGreaterThan(0);
  });
});

describe("plainAnswerArgs: the validation pipe's own AnswerArgs for a query without parameters, and for nothing else", () => {
  const query = { type: 'query' as const, metatype: AnswerArgs, data: undefined };

  it('a query without parameters (as fastify parses it, or a plain object)', async () => {
    for (const q of [{}, Object.create(null) as object])
      expect(plainAnswerArgs(q)).toStrictEqual(await pipe.transform(q, query));
  });

  it.each([
    [{ detail: 'full' }],
    [{ limit: '5' }],
    [{ group: 'g2' }],
    [{ cursor: 'x' }],
    [{ other: '1' }],
    [null],
    ['detail=full'],
  ])('%j goes to the pipe', (q) => {
    expect(plainAnswerArgs(q)).toBeNull();
  });
});
