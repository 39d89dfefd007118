import { OpenAPIObject } from '@nestjs/swagger';

/**
 * The one clean-up @nestjs/swagger's output needs before it is served and checked in: it wraps every
 * named enum in `allOf: [{ $ref }]` even when nothing stands next to it, which says no more than the
 * `$ref` itself (a standard linter flags it). Such a wrapper becomes the bare `$ref`; an `allOf` with
 * siblings (a description, an example) stays, as OpenAPI 3.0 ignores the siblings of a `$ref`.
 */
export function tidyOpenApi(document: OpenAPIObject): OpenAPIObject {
  return unwrap(document) as OpenAPIObject;
}

/** Keywords whose values are data (example values, enum values), not schemas: left as they are. */
const DATA = new Set(['example', 'examples', 'default', 'enum']);

/** Keywords whose values map names (of properties, paths, components, media types…) to objects. */
const MAPS = new Set([
  'properties',
  'paths',
  'schemas',
  'responses',
  'parameters',
  'requestBodies',
  'headers',
  'securitySchemes',
  'content',
  'links',
  'callbacks',
]);

function unwrap(node: unknown, isMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => unwrap(item));
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node);
  const [only] = entries;
  if (!isMap && entries.length === 1 && only[0] === 'allOf' && Array.isArray(only[1]) && only[1].length === 1)
    return unwrap(only[1][0]);
  // In a map the keys are names (a property may be called `enum`); elsewhere they are keywords.
  return Object.fromEntries(
    entries.map(([key, value]) => [key, !isMap && DATA.has(key) ? value : unwrap(value, !isMap && MAPS.has(key))]),
  );
}
