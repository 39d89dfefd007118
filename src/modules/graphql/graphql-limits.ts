import {
  ASTVisitor,
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLSchema,
  isIntrospectionType,
  getNamedType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { STATUS_OF } from '../../common/domain-error';
import { GraphqlLimits } from '../../config/limits';
import { costEstimator, fieldCounter } from './cost-model';

/**
 * The bounds on a GraphQL document, checked before anything runs (README, "Configuration"):
 *   - maxTokens at parse (graphql-js `parse(…, { maxTokens })`: the lexer stops at the first token
 *     over, so a 1 MiB document costs no more than its first maxTokens tokens);
 *   - maxDepth and maxAliases as validation rules (Mercurius caches a document with its
 *     validation result, so a document is judged once);
 *   - maxFields and maxCost per request, with the request's variables (a page's `limit` may be
 *     a variable, `@skip`/`@include` too), by graphql-query-complexity over the document with
 *     fragments expanded, in Mercurius's preExecution hook.
 * Each refusal is a QUERY_TOO_COMPLEX (400) naming the limit, its maximum, the value found when it
 * is known, and the environment variable that sets it.
 */
export type GraphqlLimitName = 'maxDepth' | 'maxAliases' | 'maxFields' | 'maxCost' | 'maxTokens';

export const LIMIT_ENV: Readonly<Record<GraphqlLimitName, string>> = {
  maxDepth: 'SVCPATH_GRAPHQL_MAX_DEPTH',
  maxAliases: 'SVCPATH_GRAPHQL_MAX_ALIASES',
  maxFields: 'SVCPATH_GRAPHQL_MAX_FIELDS',
  maxCost: 'SVCPATH_GRAPHQL_MAX_COST',
  maxTokens: 'SVCPATH_GRAPHQL_MAX_TOKENS',
};

const WHAT: Readonly<Record<GraphqlLimitName, string>> = {
  maxDepth: 'selection depth',
  maxAliases: 'aliases',
  maxFields: 'field selections (fragments expanded)',
  maxCost: 'cost',
  maxTokens: 'tokens',
};

/** The typed refusal: `extensions` {code, status, limit, max, actual?}. */
export function limitError(
  limit: GraphqlLimitName,
  max: number,
  actual?: number,
  nodes?: readonly FieldNode[],
): GraphQLError {
  const found = actual === undefined ? `more than ${max}` : String(actual);
  return new GraphQLError(
    `Query too complex: ${WHAT[limit]} ${found}, over ${limit} ${max} (set by ${LIMIT_ENV[limit]})`,
    {
      nodes,
      extensions: {
        code: 'QUERY_TOO_COMPLEX',
        status: STATUS_OF.QUERY_TOO_COMPLEX,
        limit,
        max,
        ...(actual === undefined ? {} : { actual }),
      },
    },
  );
}

/** Introspection turned off: `__schema` and `__type` are refused (a typed validation error naming the setting). */
export function introspectionError(node: FieldNode): GraphQLError {
  return new GraphQLError(
    `GraphQL introspection is disabled on this server (SVCPATH_GRAPHQL_INTROSPECTION=false): "${node.name.value}" is not answered`,
    { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED', status: 400, reason: 'INTROSPECTION_DISABLED' } },
  );
}

const TOKEN_LIMIT = /^Syntax Error: Document contains more th[ae]t? (\d+) tokens\. Parsing aborted\.$/;

/**
 * graphql-js reports maxTokens as a syntax error ("Document contains more that N tokens", its
 * spelling), which Mercurius rethrows without trying the source as a JSON AST: this turns it into
 * the typed refusal, or returns null for any other error.
 */
export function tokenLimitError(error: GraphQLError): GraphQLError | null {
  const match = TOKEN_LIMIT.exec(error.message);
  return match ? limitError('maxTokens', Number(match[1])) : null;
}

function isIntrospectionRoot(node: FieldNode): boolean {
  return node.name.value === '__schema' || node.name.value === '__type';
}

/**
 * Deepest field nesting of each operation, fragments expanded (a spread or an inline fragment adds
 * no level), introspection left out (the IDE's introspection query is 15 deep; its answer is
 * bounded by the schema). A fragment's depth is computed once; a fragment cycle (refused by
 * graphql-js's NoFragmentCyclesRule) counts as no deeper.
 */
export function maxDepthRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragmentDepth = new Map<string, number>();
    const visiting = new Set<string>();
    const depthOf = (set: SelectionSetNode | undefined): number => {
      let deepest = 0;
      for (const selection of set?.selections ?? []) {
        if (selection.kind === Kind.FIELD) {
          if (!isIntrospectionRoot(selection)) deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet));
        } else {
          deepest = Math.max(deepest, spreadDepth(selection.name.value));
        }
      }
      return deepest;
    };
    const spreadDepth = (name: string): number => {
      const known = fragmentDepth.get(name);
      if (known !== undefined) return known;
      const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
      if (!fragment || visiting.has(name)) return 0;
      visiting.add(name);
      const depth = depthOf(fragment.selectionSet);
      visiting.delete(name);
      fragmentDepth.set(name, depth);
      return depth;
    };
    return {
      OperationDefinition(operation: OperationDefinitionNode) {
        const depth = depthOf(operation.selectionSet);
        if (depth > max) context.reportError(limitError('maxDepth', max, depth));
        return false;
      },
    };
  };
}

/** Aliased fields in the whole document (as written: each alias is a separately resolved field). */
export function maxAliasesRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node: FieldNode) {
        if (node.alias) aliases += 1;
      },
      Document: {
        leave() {
          if (aliases > max) context.reportError(limitError('maxAliases', max, aliases));
        },
      },
    };
  };
}

/** Refuses introspection fields (graphql-js's NoSchemaIntrospectionCustomRule, with a typed error). */
export const noIntrospectionRule: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  Field(node: FieldNode) {
    const type = context.getType();
    if (type && isIntrospectionType(getNamedType(type))) context.reportError(introspectionError(node));
  },
});

/** The validation rules the limits add to graphql-js's (static: cached with the document). */
export function limitRules(limits: GraphqlLimits): ValidationRule[] {
  return [
    maxDepthRule(limits.maxDepth),
    maxAliasesRule(limits.maxAliases),
    ...(limits.introspection ? [] : [noIntrospectionRule]),
  ];
}

const NODES_EXCEEDED = 'Query exceeds the maximum allowed number of nodes.';

/**
 * The fields and cost of the operation about to run, with its variables: the maxFields refusal,
 * the maxCost refusal, or null when both hold. Fragment expansion stops after 4 × maxFields
 * selection nodes (a spread of a spread of … refused without being walked to the end).
 */
export function checkFieldsAndCost(
  limits: GraphqlLimits,
  schema: GraphQLSchema,
  query: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): GraphQLError | null {
  const measure = (estimator: typeof costEstimator): number | GraphQLError | null => {
    try {
      return getComplexity({
        schema,
        query,
        variables: variables ?? {},
        operationName,
        estimators: [estimator],
        maxQueryNodes: 4 * limits.maxFields + 16,
      });
    } catch (error) {
      if (error instanceof GraphQLError && error.message === NODES_EXCEEDED)
        return limitError('maxFields', limits.maxFields);
      // Variables that do not fit the operation: execution refuses them without running anything.
      return null;
    }
  };
  const fields = measure(fieldCounter);
  if (fields === null || fields instanceof GraphQLError) return fields;
  if (fields > limits.maxFields) return limitError('maxFields', limits.maxFields, fields);
  const cost = measure(costEstimator);
  if (cost === null || cost instanceof GraphQLError) return cost;
  return cost > limits.maxCost ? limitError('maxCost', limits.maxCost, cost) : null;
}
