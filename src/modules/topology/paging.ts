import { Type as TransformType } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { Prop } from '../../common/prop';

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'Items per page (1-500, default 50).' })
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @Field({ nullable: true, description: 'The nextCursor of the previous page.' })
  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Keyset pagination: the cursor is the sort key of the last item, opaque to clients. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, parts: number): string[] | null {
  if (cursor === undefined) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === parts && key.every((k) => typeof k === 'string')) return key as string[];
  } catch {
    /* fall through */
  }
  throw DomainError.invalid('cursor', 'is not a cursor this API returned');
}

export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => string[]): Page<T> {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  return { items, nextCursor: more && items.length ? encodeCursor(keyOf(items[items.length - 1])) : null };
}

export function Paginated<T>(item: Type<T>, name: string): Type<Page<T>> {
  @ObjectType(name)
  class PageClass implements Page<T> {
    @Prop(item, { array: true }) items!: T[];
    @Prop('string', { nullable: true, description: 'Pass as cursor to get the next page; null on the last page.' })
    nextCursor!: string | null;
  }
  Object.defineProperty(PageClass, 'name', { value: name });
  return PageClass;
}

@ArgsType()
export class NamespacedPageArgs extends PageArgs {
  @Field({ nullable: true, description: 'Only this namespace.' })
  @ApiPropertyOptional({ description: 'Only this namespace.', example: 'default' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  namespace?: string;
}

/** GraphQL list arguments: the cluster and a page (validated as one object). */
@ArgsType()
export class ClusterPageArgs extends PageArgs {
  @Field({ description: 'The cluster (UUID).' })
  @IsUUID('all', { message: 'clusterId must be a UUID' })
  clusterId!: string;
}

@ArgsType()
export class NamespacedClusterPageArgs extends ClusterPageArgs {
  @Field({ nullable: true, description: 'Only this namespace.' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  namespace?: string;
}

/** The keyset query of a page of namespaced objects (ordered by namespace, then name). */
export function namespacedPageQuery(args: { limit?: number; cursor?: string; namespace?: string }) {
  const limit = args.limit ?? 50;
  const after = decodeCursor(args.cursor, 2);
  return {
    limit,
    where: {
      ...(args.namespace ? { namespace: args.namespace } : {}),
      ...(after ? { OR: [{ namespace: { gt: after[0] } }, { namespace: after[0], name: { gt: after[1] } }] } : {}),
    },
    orderBy: [{ namespace: 'asc' as const }, { name: 'asc' as const }],
    take: limit + 1,
    pageOf: <T extends { namespace: string; name: string }>(rows: T[]) =>
      pageOf(rows, limit, (row) => [row.namespace, row.name]),
  };
}
