import { applyDecorators, Type } from '@nestjs/common';
import { Field, Float, Int } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { GraphQLScalarType } from 'graphql';
import { IntOrStringScalar, SourceIpFateScalar, StringMapScalar } from './graphql-scalars';

/**
 * One declaration of a field for both GraphQL (code-first) and OpenAPI, so the two descriptions of
 * an input or output cannot drift apart. Validation stays explicit (class-validator decorators).
 */
type Kind =
  | 'string'
  | 'int'
  | 'float'
  | 'boolean'
  | 'stringMap'
  | 'intOrString'
  | 'sourceIpFate'
  | { enum: Record<string, string>; name: string }
  | Type<unknown>;

interface PropOptions {
  readonly description?: string;
  readonly nullable?: boolean;
  readonly array?: boolean;
  readonly example?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
}

function graphqlType(kind: Kind): Type<unknown> | GraphQLScalarType | object {
  if (kind === 'string') return String;
  if (kind === 'int') return Int;
  if (kind === 'float') return Float;
  if (kind === 'boolean') return Boolean;
  if (kind === 'stringMap') return StringMapScalar;
  if (kind === 'intOrString') return IntOrStringScalar;
  if (kind === 'sourceIpFate') return SourceIpFateScalar;
  if (typeof kind === 'object' && 'enum' in kind) return kind.enum;
  return kind;
}

type ApiOptions = NonNullable<Parameters<typeof ApiProperty>[0]>;

/**
 * The document is OpenAPI 3.0, where `nullable: true` only adds null to the `type` of the same schema
 * object (3.0.3): next to a bare `oneOf`/`allOf` it means nothing, and `enum` or a `$ref` still refuse null.
 * So a nullable union puts `nullable` on one of its typed members, and a nullable enum is written
 * inline with its type and null among its values (not as a `$ref` to the shared, non-nullable enum).
 */
function nullableOneOf(
  members: readonly Record<string, unknown>[],
  nullable: boolean | undefined,
): Record<string, unknown>[] {
  return members.map((m, i) => (nullable && i === 0 ? { ...m, nullable: true } : m));
}

function openApi(kind: Kind, options: PropOptions): ApiOptions {
  const common = {
    description: options.description,
    example: options.example,
    required: !options.nullable,
    nullable: options.nullable,
    minimum: options.minimum,
    maximum: options.maximum,
    isArray: options.array,
  };
  if (kind === 'string') return { ...common, type: String };
  if (kind === 'int') return { ...common, type: 'integer' };
  if (kind === 'float') return { ...common, type: Number };
  if (kind === 'boolean') return { ...common, type: Boolean };
  if (kind === 'stringMap')
    return { ...common, type: 'object', additionalProperties: { type: 'string' } } as unknown as ApiOptions;
  if (kind === 'intOrString')
    return {
      ...common,
      nullable: undefined,
      oneOf: nullableOneOf([{ type: 'integer' }, { type: 'string' }], options.nullable),
    };
  if (kind === 'sourceIpFate')
    return {
      ...common,
      nullable: undefined,
      oneOf: nullableOneOf([{ type: 'boolean' }, { type: 'string', enum: ['MIXED'] }], options.nullable),
    };
  if (typeof kind === 'object' && 'enum' in kind) {
    return options.nullable && !options.array
      ? { ...common, type: 'string', enum: [...Object.values(kind.enum), null] }
      : { ...common, enum: Object.values(kind.enum), enumName: kind.name };
  }
  return { ...common, type: kind };
}

export function Prop(kind: Kind, options: PropOptions = {}): PropertyDecorator {
  const gql = graphqlType(kind);
  return applyDecorators(
    Field(() => (options.array ? [gql] : gql), { nullable: options.nullable, description: options.description }),
    ApiProperty(openApi(kind, options)),
  );
}
