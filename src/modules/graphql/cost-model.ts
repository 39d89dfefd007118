import { ComplexityEstimator } from 'graphql-query-complexity';

/**
 * What a field costs, in units of one scalar field. Measured on the demo cluster (`npm start`
 * seeds it; CCE, 3 nodes, 4 pods, a NodePort and a LoadBalancer Service), Node 20, over HTTP
 * against a local PostgreSQL, marginal times (one more aliased copy of the field in the query):
 *
 *   a scalar field (`tenant { a1: id … a500: id }`)        4 µs   → 1
 *   trace (model cached)                                  0.47 ms → 120
 *   reachability, COMPACT (model cached)                  0.71 ms → 200 (FULL: 1.08 ms, its
 *                                                                   results are counted as children)
 *   whatIf (the question before and after the change)      1.15 ms → 300
 *   matrix, first time for a model version (memoised per
 *     version after that; cold minus cold reachability)   ~1.9 ms → 500
 *   namespaceMatrix (a matrix per Service of the
 *     namespace; two on the demo)                         ~3.5 ms → 1000
 *   a page of 50 rows (`pods(limit: 50) { items { id name } }`) 1.75 ms: 100 for the query plus
 *     the page's selection once per row (see `limit` below)
 *
 * The analyses' weights hold for a small cluster; they grow with it, and the limits on aliases and
 * cost keep the number of analyses in one document small whatever the cluster.
 */
export const ANALYSIS_WEIGHTS: Readonly<Record<string, number>> = {
  reachability: 200,
  trace: 120,
  whatIf: 300,
  matrix: 500,
  namespaceMatrix: 1_000,
};

/** A root read or write that goes to the database (one row, or one transaction). */
export const DATABASE_WEIGHT = 50;
/** A page query (`clusters`, `pods`, …): one query, then the selection once per row. */
export const PAGE_WEIGHT = 100;
/** A kubectl dump imported in one transaction (the REST import's size limits apply to the document). */
export const IMPORT_WEIGHT = 1_000;
/** Rows in a page when `limit` is left out (PageArgs). */
export const DEFAULT_PAGE_SIZE = 50;

const ROOT_TYPES = new Set(['Query', 'Mutation']);

/**
 * The cost model (a graphql-query-complexity estimator): a scalar or a plain object field costs 1
 * plus what its selection costs; a root field costs what the work behind it costs (above); a page
 * field's selection is paid once per row it may return (`limit`, 50 when left out). Introspection
 * (`__schema`, `__type`) costs nothing: its answer is bounded by the schema.
 */
export const costEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (field.name === '__schema' || field.name === '__type') return 0;
  if (!ROOT_TYPES.has(type.name)) return 1 + childComplexity;
  const analysis = ANALYSIS_WEIGHTS[field.name];
  if (analysis !== undefined) return analysis + childComplexity;
  if (field.name === 'importManifests') return IMPORT_WEIGHT + childComplexity;
  if (field.args.some((a) => a.name === 'limit')) {
    const rows = typeof args.limit === 'number' && args.limit > 0 ? args.limit : DEFAULT_PAGE_SIZE;
    return PAGE_WEIGHT + rows * childComplexity;
  }
  return DATABASE_WEIGHT + childComplexity;
};

/** Counts field selections, fragments expanded (introspection left out, as above). */
export const fieldCounter: ComplexityEstimator = ({ field, childComplexity }) =>
  field.name === '__schema' || field.name === '__type' ? 0 : 1 + childComplexity;
