import { Transform, Type as TransformType } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Args, ArgsType, Field, Int } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import type { Detail } from '../../engine';
import { A } from './answer.enums';

/** How much of a reachability answer to send: compact by default, complete on request (paged when limit is set). */
@ArgsType()
export class AnswerArgs {
  @Field(() => A.Detail.enum, {
    nullable: true,
    description: 'COMPACT (default): ways of addressing grouped by outcome. FULL: also every per-address result.',
  })
  @ApiPropertyOptional({
    enum: ['compact', 'full', 'COMPACT', 'FULL'],
    description: 'compact (default) or full: also every per-address result.',
    example: 'full',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsIn(['COMPACT', 'FULL'], { message: 'detail must be compact or full' })
  detail?: Detail;

  @Field(() => Int, {
    nullable: true,
    description: 'detail=FULL: at most this many per-address results (1-10000); all when omitted.',
  })
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 10000,
    description: 'detail=full: at most this many per-address results; all when omitted.',
  })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  limit?: number;

  @Field({
    nullable: true,
    description: "detail=FULL: the nextCursor of the previous page, or a group's cursor (the rest of its addresses).",
  })
  @ApiPropertyOptional({
    description:
      "The nextCursor of the previous page, or a group's cursor (the rest of its addresses, in full detail).",
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;

  @Field({
    nullable: true,
    description:
      'Only the results of this group (an id of the same answer, e.g. g2), in full detail, paged with limit and cursor.',
  })
  @ApiPropertyOptional({
    description:
      'Only the results of this group (an id of the same answer, e.g. g2), in full detail, paged with limit and cursor.',
    example: 'g2',
  })
  @IsOptional()
  @IsString()
  @Matches(/^g[1-9][0-9]{0,5}$/, { message: 'group must be a group id of the answer, e.g. g2' })
  group?: string;
}

/** The same three as GraphQL arguments beside others (an @Args() object would also take the query's other arguments). */
export const DetailArg = () =>
  Args('detail', {
    type: () => A.Detail.enum,
    nullable: true,
    description: 'COMPACT (default) or FULL: also every per-address result.',
  });
export const LimitArg = () =>
  Args('limit', {
    type: () => Int,
    nullable: true,
    description: 'detail FULL: at most this many per-address results (1-10000); all when omitted.',
  });
export const CursorArg = () =>
  Args('cursor', {
    type: () => String,
    nullable: true,
    description: "The nextCursor of the previous page, or a group's cursor (the rest of its addresses).",
  });
export const GroupArg = () =>
  Args('group', {
    type: () => String,
    nullable: true,
    description:
      'Only the results of this group (an id of the same answer, e.g. g2), in full detail, paged with limit and cursor.',
  });
