import { GraphQLError, GraphQLScalarType, Kind, ValueNode } from 'graphql';

function literalToJs(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.INT:
      return Number(node.value);
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literalToJs);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalToJs(f.value)]));
    case Kind.VARIABLE:
      throw new GraphQLError('variables inside a StringMap literal are not supported');
  }
}

function asStringMap(value: unknown): Record<string, string> {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === 'string')
  ) {
    throw new GraphQLError('StringMap must be an object whose values are strings');
  }
  return value as Record<string, string>;
}

/** Labels, annotations and selectors: a JSON object of string values, e.g. {"app": "nginx"}. */
export const StringMapScalar = new GraphQLScalarType({
  name: 'StringMap',
  description: 'A JSON object whose values are strings (Kubernetes labels, annotations, selectors).',
  serialize: (value) => value,
  parseValue: (value) => asStringMap(value),
  parseLiteral: (node) => asStringMap(literalToJs(node)),
});

function asIntOrString(value: unknown): number | string {
  if (typeof value === 'number' || typeof value === 'string') return value;
  throw new GraphQLError('IntOrString must be an integer or a string');
}

/** A Kubernetes IntOrString, e.g. a targetPort that is a number or a named container port. */
export const IntOrStringScalar = new GraphQLScalarType({
  name: 'IntOrString',
  description: 'An integer or a string (e.g. targetPort: 8080 or "http").',
  serialize: (value) => value,
  parseValue: (value) => asIntOrString(value),
  parseLiteral: (node) => asIntOrString(literalToJs(node)),
});

function asSourceIpFate(value: unknown): boolean | 'MIXED' | null {
  if (value === null || typeof value === 'boolean' || value === 'MIXED') return value;
  throw new GraphQLError('SourceIpFate must be true, false, "MIXED" or null');
}

/** Whether the client's source IP survives: true, false, "MIXED" (kept on some ways, lost on others) or null (nothing connects). */
export const SourceIpFateScalar = new GraphQLScalarType({
  name: 'SourceIpFate',
  description:
    'true (the backend sees the client\'s own address), false (it sees another), "MIXED" (kept on some ways of addressing, lost on others) or null (nothing connects).',
  serialize: (value) => asSourceIpFate(value),
  parseValue: (value) => asSourceIpFate(value),
  parseLiteral: (node) => asSourceIpFate(literalToJs(node)),
});
