import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

class FieldIssueView {
  @ApiProperty({ example: 'ports[0].nodePort' }) field!: string;
  @ApiProperty({ example: "must be in the cluster's NodePort range 30000-32767" }) message!: string;
}

/** RFC 9457 problem details, as every 4xx/5xx answer carries them. */
export class ProblemView {
  @ApiProperty({ example: 'https://svcpath.dev/problems/validation-failed' }) type!: string;
  @ApiProperty({ example: 'Invalid input' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({ example: "ports[0].nodePort: must be in the cluster's NodePort range 30000-32767" }) detail!: string;
  @ApiProperty({ example: 'VALIDATION_FAILED', enum: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'UNPROCESSABLE', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'INTERNAL'] })
  code!: string;
  @ApiPropertyOptional({ type: [FieldIssueView] }) errors?: FieldIssueView[];
  @ApiPropertyOptional({ description: 'The id of the rule the input broke, when one did.' }) rule?: string;
  @ApiProperty({ description: 'Quote it when reporting a problem.' }) requestId!: string;
}

const PROBLEMS: [number, string][] = [
  [400, 'Invalid input: `errors` names each offending field.'],
  [401, 'No valid API key.'],
  [403, 'The key may not do this (e.g. a read-scoped key and a change).'],
  [404, 'No such object for this tenant.'],
  [409, 'Clashes with an existing object (name, IP, NodePort).'],
  [422, 'Well-formed but refers to something that does not exist or breaks a platform rule.'],
];

/** Documents the problem+json answers every authenticated route can give. */
export function ApiProblems(): ClassDecorator & MethodDecorator {
  const content = { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemView) } } };
  return applyDecorators(
    ApiExtraModels(ProblemView, FieldIssueView),
    ...PROBLEMS.map(([status, description]) => ApiResponse({ status, description, content })),
  );
}
