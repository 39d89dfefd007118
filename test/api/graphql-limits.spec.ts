import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  DocumentNode,
  getIntrospectionQuery,
  getNamedType,
  GraphQLInputType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  OperationDefinitionNode,
  parse,
  specifiedRules,
  typeFromAST,
  validate,
} from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LIMITS, GraphqlLimits, readLimits } from '../../src/config/limits';
import { AnalysisService } from '../../src/modules/analysis/analysis.service';
import { DEFAULT_QUERY } from '../../src/modules/docs/graphiql.controller';
import { costEstimator, fieldCounter } from '../../src/modules/graphql/cost-model';
import { checkFieldsAndCost, limitRules, maxAliasesRule, maxDepthRule } from '../../src/modules/graphql/graphql-limits';
import { bearer, createTenant, gql, GqlResult, startTestApp, TestApp, TestTenant } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const SCHEMA = buildSchema(readFileSync(join(ROOT, 'schema.graphql'), 'utf8'));

/**
 * Every GraphQL document the project shows or sends: ```graphql blocks of README.md and docs/,
 * the playground's default query, the benchmark's, and every query and mutation literal of the
 * tests (a `${CONST}` of the same file filled in; one built at run time is left out).
 */
function documentedQueries(): { where: string; text: string }[] {
  const found: { where: string; text: string }[] = [];
  const markdown = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  for (const file of markdown) {
    for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g))
      found.push({ where: file, text: m[1] });
  }
  found.push({ where: 'graphiql default query', text: DEFAULT_QUERY });
  const sources: string[] = ['bench/api/api.bench.ts'];
  const walk = (dir: string): void => {
    for (const f of readdirSync(join(ROOT, dir))) {
      const path = `${dir}/${f}`;
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) sources.push(path);
    }
  };
  walk('test');
  for (const file of sources) {
    const src = readFileSync(join(ROOT, file), 'utf8');
    const consts = new Map([...src.matchAll(/const ([A-Z_]+) = (['`])([^'`]*)\2;/g)].map((m) => [m[1], m[3]]));
    for (const m of src.matchAll(/(['`])((?:query|mutation)\b[^'`]*|\{ *[a-z_][^'`]*)\1/g)) {
      const text = m[2].replace(/\$\{([A-Z_]+)\}/g, (all, name: string) => consts.get(name) ?? all);
      if (!text.includes('{') || text.includes('${')) continue;
      try {
        parse(text);
      } catch {
        continue;
      }
      found.push({ where: file, text });
    }
  }
  return found;
}

/** A value for each required variable (the smallest its type takes), so fields and cost are measured as a real request would be. */
function sampleVariables(schema: GraphQLSchema, operation: OperationDefinitionNode): Record<string, unknown> {
  const sample = (type: GraphQLInputType): unknown => {
    if (isNonNullType(type)) return sample(type.ofType);
    if (isListType(type)) return [];
    if (isInputObjectType(type)) {
      return Object.fromEntries(
        Object.values(type.getFields())
          .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
          .map((f) => [f.name, sample(f.type)]),
      );
    }
    if (isEnumType(type)) return type.getValues()[0].value;
    const named = getNamedType(type).name;
    return named === 'Int' || named === 'Float' ? 1 : named === 'Boolean' ? true : 'x';
  };
  const values: Record<string, unknown> = {};
  for (const v of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, v.type as never) as GraphQLInputType | undefined;
    if (type && isNonNullType(type) && !v.defaultValue) values[v.variable.name.value] = sample(type);
  }
  return values;
}

describe('every documented query is under the default limits (no server: the rules against schema.graphql)', () => {
  const schema = SCHEMA;
  const queries = documentedQueries();

  it('finds the documents (the extraction itself is checked)', () => {
    expect(queries.length).toBeGreaterThan(100);
    expect(queries.some((q) => q.where === 'bench/api/api.bench.ts')).toBe(true);
    expect(queries.some((q) => q.text.includes('deliveries { nodes verdict endpoints'))).toBe(true);
  });

  it('each passes depth, aliases, tokens, fields and cost; the largest measured are far under', () => {
    const largest = { tokens: 0, depth: 0, aliases: 0, fields: 0, cost: 0 };
    // With a maximum of 0 the rules report what they found.
    const found = (document: DocumentNode, rule: typeof maxDepthRule): number =>
      Math.max(0, ...validate(SCHEMA, document, [rule(0)]).map((e) => Number(e.extensions.actual)));
    let measured = 0;
    for (const { where, text } of queries) {
      const document: DocumentNode = parse(text, { maxTokens: DEFAULT_LIMITS.graphql.maxTokens });
      // A test's deliberately invalid document (an unknown enum value, …) is refused for that reason, not by a limit.
      if (validate(schema, document, specifiedRules).length > 0) continue;
      expect(
        validate(schema, document, [...specifiedRules, ...limitRules(DEFAULT_LIMITS.graphql)]),
        `${where}: ${text}`,
      ).toEqual([]);
      largest.depth = Math.max(largest.depth, found(document, maxDepthRule));
      largest.aliases = Math.max(largest.aliases, found(document, maxAliasesRule));
      for (const operation of document.definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      )) {
        const variables = sampleVariables(schema, operation);
        const operationName = operation.name?.value;
        const single = {
          ...document,
          definitions: document.definitions.filter((d) => d === operation || d.kind !== Kind.OPERATION_DEFINITION),
        };
        // getComplexity throws where variables do not fit: every document here is measured for real.
        const fields = getComplexity({ schema, query: single, variables, estimators: [fieldCounter] });
        const cost = getComplexity({ schema, query: single, variables, estimators: [costEstimator] });
        expect(
          checkFieldsAndCost(DEFAULT_LIMITS.graphql, schema, document, variables, operationName),
          `${where}: ${text}`,
        ).toBeNull();
        largest.fields = Math.max(largest.fields, fields);
        largest.cost = Math.max(largest.cost, cost);
        measured += 1;
      }
      // The parser counts tokens: the smallest maxTokens that still parses it.
      const tokens = ((): number => {
        for (let n = 1; ; n *= 2) {
          try {
            parse(text, { maxTokens: n });
            return n;
          } catch {
            /* more */
          }
        }
      })();
      largest.tokens = Math.max(largest.tokens, tokens);
    }
    expect(measured).toBeGreaterThan(100);
    // The numbers DEFAULT_LIMITS' comment quotes (tokens: the power of two at or above).
    expect(largest.depth).toBeLessThanOrEqual(7);
    expect(largest.aliases).toBeLessThanOrEqual(3);
    expect(largest.fields).toBeLessThanOrEqual(200);
    expect(largest.cost).toBeLessThanOrEqual(2_000);
    expect(largest.tokens).toBeLessThanOrEqual(256);
  });

  it("the IDE's introspection query passes (introspection is bounded by the schema, not counted)", () => {
    const document = parse(
      getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        inputValueDeprecation: true,
      }),
      { maxTokens: DEFAULT_LIMITS.graphql.maxTokens },
    );
    expect(validate(schema, document, [...specifiedRules, ...limitRules(DEFAULT_LIMITS.graphql)])).toEqual([]);
    expect(checkFieldsAndCost(DEFAULT_LIMITS.graphql, schema, document, {}, undefined)).toBeNull();
  });
});

describe('limits from the environment', () => {
  it.each([
    ['development', {}, { introspection: true, playground: true }],
    ['production', { NODE_ENV: 'production' }, { introspection: false, playground: false }],
    [
      'production, turned on',
      { NODE_ENV: 'production', SVCPATH_GRAPHQL_INTROSPECTION: 'true', SVCPATH_GRAPHIQL: 'true' },
      { introspection: true, playground: true },
    ],
    [
      'numbers',
      {
        SVCPATH_GRAPHQL_MAX_DEPTH: '5',
        SVCPATH_GRAPHQL_MAX_ALIASES: '0',
        SVCPATH_GRAPHQL_MAX_FIELDS: '50',
        SVCPATH_GRAPHQL_MAX_COST: '900',
        SVCPATH_GRAPHQL_MAX_TOKENS: '400',
      },
      { maxDepth: 5, maxAliases: 0, maxFields: 50, maxCost: 900, maxTokens: 400 },
    ],
  ])('%s', (_name, env, expected) => {
    expect(readLimits(env as NodeJS.ProcessEnv).graphql).toMatchObject({ ...DEFAULT_LIMITS.graphql, ...expected });
  });

  it('a bad value stops the boot, naming the variable', () => {
    expect(() => readLimits({ SVCPATH_GRAPHQL_MAX_TOKENS: '10' })).toThrow(/SVCPATH_GRAPHQL_MAX_TOKENS/);
  });
});

/** A tenant with one cluster: node n1, pod default/a (app=x) behind Service default/x. */
async function tenantWithCluster(t: TestApp): Promise<{ tenant: TestTenant; clusterId: string; readKey: string }> {
  const tenant = await createTenant(t);
  const clusterId = (
    await t.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .send({ name: 'c', clusterCidrs: ['10.244.0.0/16'] })
      .expect(201)
  ).body.id as string;
  const post = (path: string, body: object) =>
    t.http.post(`/v1/clusters/${clusterId}${path}`).set(bearer(tenant.apiKey)).send(body).expect(201);
  await post('/nodes', { name: 'n1', internalIps: ['192.168.0.1'] });
  await post('/pods', { namespace: 'default', name: 'a', nodeName: 'n1', ips: ['10.244.0.1'], labels: { app: 'x' } });
  await post('/pods', { namespace: 'default', name: 'client', nodeName: 'n1', ips: ['10.244.0.2'] });
  await post('/services', {
    namespace: 'default',
    name: 'x',
    selector: { app: 'x' },
    clusterIps: ['10.96.0.10'],
    ports: [{ port: 80 }],
  });
  const readKey = (await t.http.post('/v1/api-keys').set(bearer(tenant.apiKey)).send({ scope: 'read' }).expect(201))
    .body.apiKey as string;
  return { tenant, clusterId, readKey };
}

const QUESTION = { client: { pod: 'default/client' }, service: 'default/x' };
const DOCUMENTED = `query($c: String!, $input: ReachabilityInput!) { reachability(clusterId: $c, input: $input, detail: FULL) {
  service detail summary { verdict sourceIpPreserved text } rules { id statement evidence { source case } }
  results { via { kind address port } verdict endpoints { ip port pod node outcome } path { at rule description } deliveries { nodes verdict endpoints { ip outcome } } } } }`;

/** The widest selection of a reachability the tests ask for (analysis.spec.ts), as a fragment. */
const WIDE = `fragment Wide on Reachability {
  service detail nextCursor ignoredBy summary { verdict sourceIpPreserved text } sessionAffinity { type timeoutSeconds }
  rules { id statement evidence { source case } inferred profiles }
  results { via { kind address port protocol portName node network } verdict missingFact
    sourceIp { preserved seenAs seenAsKind reason }
    endpoints { ip port pod node masquerade outcome rule }
    path { at rule description before { source destination } after { source destination } }
    hops { node verdict source destination { ip port } }
    deliveries { nodes verdict endpoints { ip port pod node masquerade outcome rule } }
    rules rule
    suggestions { code message expected { verdict sourceIpPreserved } } } }`;
const wideReachabilities = (n: number) =>
  `${WIDE} query($c: String!, $i: ReachabilityInput!) { ${Array.from({ length: n }, (_, k) => `r${k}: reachability(clusterId: $c, input: $i) { ...Wide }`).join(' ')} }`;
/** Fields of one wide reachability: the field and its fragment's selections, counted against schema.graphql. */
const WIDE_FIELDS = getComplexity({
  schema: SCHEMA,
  query: parse(wideReachabilities(1)),
  variables: { c: 'x', i: QUESTION },
  estimators: [fieldCounter],
});

const aliasedReachabilities = (n: number) =>
  `query($c: String!, $i: ReachabilityInput!) { ${Array.from({ length: n }, (_, k) => `r${k}: reachability(clusterId: $c, input: $i) { service }`).join(' ')} }`;

/** The one typed refusal: 400, no data, a single QUERY_TOO_COMPLEX naming the limit. */
function expectRefused(res: GqlResult, limit: string, max: number, actual?: number): void {
  expect(res.status).toBe(400);
  expect(res.data).toBeNull();
  expect(res.errors).toHaveLength(1);
  const extensions = res.errors![0].extensions as Record<string, unknown>;
  expect(extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', status: 400, limit, max });
  if (actual === undefined) expect(extensions.actual).toBeUndefined();
  else expect(extensions.actual).toBe(actual);
  const env = {
    maxDepth: 'SVCPATH_GRAPHQL_MAX_DEPTH',
    maxAliases: 'SVCPATH_GRAPHQL_MAX_ALIASES',
    maxFields: 'SVCPATH_GRAPHQL_MAX_FIELDS',
    maxCost: 'SVCPATH_GRAPHQL_MAX_COST',
    maxTokens: 'SVCPATH_GRAPHQL_MAX_TOKENS',
  }[limit];
  expect(res.errors![0].message).toContain(limit);
  expect(res.errors![0].message).toContain(env);
}

describe('GraphQL limits, default configuration', () => {
  let t: TestApp;
  let c: { tenant: TestTenant; clusterId: string; readKey: string };
  beforeAll(async () => {
    t = await startTestApp();
    c = await tenantWithCluster(t);
  });
  afterAll(async () => t?.close());

  it('1,000 aliases of reachability: refused at parse, fast, and no analysis runs', async () => {
    const analysis = vi.spyOn(t.app.get(AnalysisService), 'reachability');
    const started = Date.now();
    const res = await gql(t, c.tenant.apiKey, aliasedReachabilities(1_000), { c: c.clusterId, i: QUESTION });
    const ms = Date.now() - started;
    expectRefused(res, 'maxTokens', DEFAULT_LIMITS.graphql.maxTokens);
    expect(analysis).not.toHaveBeenCalled();
    expect(ms).toBeLessThan(1_000);
    analysis.mockRestore();
  });

  it('a 1 MiB document of 55,773 fields is refused at parse', async () => {
    const text = `{ tenant { ${'id '.repeat(55_773)} } }`;
    expect(text.length).toBeGreaterThan(160_000);
    const big = `{ tenant { ${'name '.repeat(55_773)}${' '.repeat(1_048_576 - text.length - 2 * 55_773)} } }`;
    expect(big.length).toBeGreaterThanOrEqual(1_048_576);
    expectRefused(await gql(t, c.tenant.apiKey, big), 'maxTokens', DEFAULT_LIMITS.graphql.maxTokens);
  });

  it('a documented query passes, and so does the same question asked 20 times over under aliases', async () => {
    const res = await gql<{ reachability: { summary: { verdict: string } } }>(t, c.tenant.apiKey, DOCUMENTED, {
      c: c.clusterId,
      input: QUESTION,
    });
    expect(res.errors).toBeUndefined();
    expect(res.status).toBe(200);
    expect(res.data!.reachability.summary.verdict).toBeTruthy();
    const twenty = await gql(t, c.tenant.apiKey, aliasedReachabilities(20), { c: c.clusterId, i: QUESTION });
    expect([twenty.status, twenty.errors]).toEqual([200, undefined]);
  });

  it('a cost-heavy query is refused before anything runs: 26 reachabilities (26 × 201 = 5,226 > 5,000)', async () => {
    const analysis = vi.spyOn(t.app.get(AnalysisService), 'reachability');
    expectRefused(
      await gql(t, c.tenant.apiKey, aliasedReachabilities(26), { c: c.clusterId, i: QUESTION }),
      'maxCost',
      5_000,
      26 * 201,
    );
    expect(analysis).not.toHaveBeenCalled();
    analysis.mockRestore();
  });

  it("a page's selection is paid once per row: 500 pods of 10 fields are over, 50 are not; a variable limit counts", async () => {
    const page =
      'query($c: String!, $n: Int) { pods(clusterId: $c, limit: $n) { items { id name namespace nodeName ips labels phase ready hostNetwork createdAt } nextCursor } }';
    expectRefused(await gql(t, c.tenant.apiKey, page, { c: c.clusterId, n: 500 }), 'maxCost', 5_000, 100 + 500 * 12);
    const fifty = await gql(t, c.tenant.apiKey, page, { c: c.clusterId, n: 50 });
    expect([fifty.status, fifty.errors]).toEqual([200, undefined]);
  });

  it('too many fields are refused: the widest documented reachability selection, as a fragment, under enough aliases', async () => {
    expect(WIDE_FIELDS).toBeGreaterThan(50);
    const over = Math.floor(1_000 / WIDE_FIELDS) + 1;
    expect(over).toBeLessThanOrEqual(DEFAULT_LIMITS.graphql.maxAliases);
    const analysis = vi.spyOn(t.app.get(AnalysisService), 'reachability');
    expectRefused(
      await gql(t, c.tenant.apiKey, wideReachabilities(over), { c: c.clusterId, i: QUESTION }),
      'maxFields',
      1_000,
      over * WIDE_FIELDS,
    );
    expect(analysis).not.toHaveBeenCalled();
    analysis.mockRestore();
    const under = await gql(t, c.tenant.apiKey, wideReachabilities(over - 1), { c: c.clusterId, i: QUESTION });
    expect([under.status, under.errors]).toEqual([200, undefined]);
  });

  it('a selection nested deeper than 12 is refused (whatever else is wrong with it)', async () => {
    const deep = `{ ${'a { '.repeat(13)}b${' }'.repeat(13)} }`;
    const res = await gql(t, c.tenant.apiKey, deep);
    expect(res.status).toBe(400);
    expect(res.data).toBeNull();
    expect(res.errors!.find((e) => e.extensions.code === 'QUERY_TOO_COMPLEX')?.extensions).toMatchObject({
      limit: 'maxDepth',
      max: 12,
      actual: 14,
    });
  });

  it('31 aliases are refused', async () => {
    const res = await gql(
      t,
      c.tenant.apiKey,
      `{ ${Array.from({ length: 31 }, (_, k) => `t${k}: tenant { id }`).join(' ')} }`,
    );
    expectRefused(res, 'maxAliases', 30, 31);
  });

  it('a read-scoped key gets the same limits', async () => {
    expectRefused(
      await gql(t, c.readKey, aliasedReachabilities(26), { c: c.clusterId, i: QUESTION }),
      'maxCost',
      5_000,
      26 * 201,
    );
    const over = Math.floor(1_000 / WIDE_FIELDS) + 1;
    expectRefused(
      await gql(t, c.readKey, wideReachabilities(over), { c: c.clusterId, i: QUESTION }),
      'maxFields',
      1_000,
      over * WIDE_FIELDS,
    );
    const res = await gql(t, c.readKey, DOCUMENTED, { c: c.clusterId, input: QUESTION });
    expect([res.status, res.errors]).toEqual([200, undefined]);
  });

  it("introspection is answered, the IDE's whole query included", async () => {
    const res = await gql<{ __schema: { queryType: { name: string } } }>(
      t,
      c.tenant.apiKey,
      getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }),
    );
    expect([res.status, res.errors]).toEqual([200, undefined]);
    expect(res.data!.__schema.queryType.name).toBe('Query');
  });

  it('the playground is served', async () => {
    const res = await t.http.get('/graphiql').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });
});

describe('GraphQL limits, each one lowered', () => {
  const limits: Partial<GraphqlLimits> = {
    maxDepth: 3,
    maxAliases: 2,
    maxFields: 10,
    maxCost: 300,
    maxTokens: 200,
    introspection: false,
    playground: false,
  };
  let t: TestApp;
  let c: { tenant: TestTenant; clusterId: string; readKey: string };
  beforeAll(async () => {
    t = await startTestApp({ limits: { graphql: limits } });
    c = await tenantWithCluster(t);
  });
  afterAll(async () => t?.close());

  const cases: [string, string, (cl: string) => Record<string, unknown>, string, number, number | undefined][] = [
    ['maxDepth', '{ clusters { items { kubeProxy { clusterCidrs } } } }', () => ({}), 'maxDepth', 3, 4],
    ['maxAliases', '{ a: tenant { id } b: tenant { id } c: tenant { id } }', () => ({}), 'maxAliases', 2, 3],
    [
      'maxFields',
      '{ clusters(limit: 1) { items { id name profile networkModel proxyMode version clusterCidrs serviceCidrs warnings } nextCursor } }',
      () => ({}),
      'maxFields',
      10,
      12,
    ],
    [
      'maxCost',
      'query($c: String!, $i: ReachabilityInput!) { a: reachability(clusterId: $c, input: $i) { service } b: reachability(clusterId: $c, input: $i) { service } }',
      (cl) => ({ c: cl, i: QUESTION }),
      'maxCost',
      300,
      402,
    ],
    ['maxTokens', `{ tenant { ${'id '.repeat(200)} } }`, () => ({}), 'maxTokens', 200, undefined],
  ];
  it.each(cases)('%s applies', async (_name, query, vars, limit, max, actual) => {
    const analysis = vi.spyOn(t.app.get(AnalysisService), 'reachability');
    expectRefused(await gql(t, c.tenant.apiKey, query, vars(c.clusterId)), limit, max, actual);
    expect(analysis).not.toHaveBeenCalled();
    analysis.mockRestore();
  });

  it('a query under every lowered limit still runs', async () => {
    const res = await gql<{ reachability: { service: string } }>(
      t,
      c.readKey,
      'query($c: String!, $i: ReachabilityInput!) { reachability(clusterId: $c, input: $i) { service summary { verdict } } }',
      { c: c.clusterId, i: QUESTION },
    );
    expect([res.status, res.errors]).toEqual([200, undefined]);
    expect(res.data!.reachability.service).toBe('default/x');
  });

  it('introspection is refused with a typed error naming the setting; __typename is still answered', async () => {
    for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "Query") { name } }']) {
      const res = await gql(t, c.tenant.apiKey, query);
      expect(res.status).toBe(400);
      expect(res.data).toBeNull();
      expect(res.errors![0].extensions).toMatchObject({
        code: 'GRAPHQL_VALIDATION_FAILED',
        status: 400,
        reason: 'INTROSPECTION_DISABLED',
      });
      expect(res.errors![0].message).toContain('SVCPATH_GRAPHQL_INTROSPECTION');
    }
    const typename = await gql<{ tenant: { __typename: string } }>(t, c.tenant.apiKey, '{ tenant { __typename } }');
    expect([typename.status, typename.data]).toEqual([200, { tenant: { __typename: 'Tenant' } }]);
  });

  it('the playground is a 404 problem', async () => {
    const res = await t.http.get('/graphiql').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('NOT_FOUND');
  });
});

describe('GraphQL limits, tokens raised', () => {
  let t: TestApp;
  let c: { tenant: TestTenant; clusterId: string; readKey: string };
  beforeAll(async () => {
    t = await startTestApp({ limits: { graphql: { maxTokens: 1_000_000 } } });
    c = await tenantWithCluster(t);
  });
  afterAll(async () => t?.close());

  it('1,000 aliases of reachability past the token limit: refused by maxAliases, before any analysis', async () => {
    const analysis = vi.spyOn(t.app.get(AnalysisService), 'reachability');
    const started = Date.now();
    const res = await gql(t, c.tenant.apiKey, aliasedReachabilities(1_000), { c: c.clusterId, i: QUESTION });
    expect(Date.now() - started).toBeLessThan(2_000);
    expectRefused(res, 'maxAliases', 30, 1_000);
    expect(analysis).not.toHaveBeenCalled();
    analysis.mockRestore();
  });
});
