import { createParamDecorator, ExecutionContext, Inject, Injectable, PipeTransform } from '@nestjs/common';
import { VALIDATION_PIPE } from '../../common/validation-pipe';
import { ApiQuery, ApiQueryOptions } from '@nestjs/swagger';
import { ClientInput, NS_NAME, ReachabilityInput } from './analysis.dto';
import { AnswerArgs } from './answer.args';

/** The keys a body may have to be taken on the fast path. */
const BODY_KEYS: ReadonlySet<string> = new Set(['client', 'service', 'port']);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * The instance the global validation pipe makes of a body it accepts, for the bodies almost every
 * question has: `{client: {pod}, service}` or `{client: {node}, service}`, with or without `port`.
 * Only when every rule of ReachabilityInput and ClientInput, and the pipe's own shape checks
 * (no NUL character, nesting), certainly hold for it; null for anything else, including every body
 * that the pipe would refuse, so that it alone answers them, with its own errors.
 */
export function plainReachabilityInput(body: unknown): ReachabilityInput | null {
  if (!isPlainObject(body)) return null;
  let keys = 0;
  for (const key in body) {
    if (!Object.hasOwn(body, key) || !BODY_KEYS.has(key)) return null;
    keys++;
  }
  const { client, service, port } = body;
  if (
    keys !== (port === undefined ? 2 : 3) ||
    !isPlainObject(client) ||
    typeof service !== 'string' ||
    !NS_NAME.test(service)
  )
    return null;
  if (port !== undefined && !(typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535))
    return null;
  const clientKeys = Object.keys(client);
  if (clientKeys.length !== 1) return null;
  const { pod, node } = client;
  const out = new ClientInput();
  if (clientKeys[0] === 'pod' && typeof pod === 'string' && NS_NAME.test(pod)) out.pod = pod;
  else if (clientKeys[0] === 'node' && typeof node === 'string' && node.length <= 253 && !node.includes('\u0000'))
    out.node = node;
  else return null;
  const input = new ReachabilityInput();
  input.client = out;
  input.service = service;
  if (port !== undefined) input.port = port;
  return input;
}

/** The AnswerArgs the validation pipe makes of a query without parameters (all are optional); null for any other. */
export function plainAnswerArgs(query: unknown): AnswerArgs | null {
  return typeof query === 'object' && query !== null && Object.keys(query).length === 0 ? new AnswerArgs() : null;
}

/**
 * The reachability body, validated: the common bodies at the cost of a few checks
 * (plainReachabilityInput), any other by the application's validation pipe (VALIDATION_PIPE, the global one) exactly as
 * `@Body()` would have it validated, so every refusal keeps its errors. class-transformer and
 * class-validator cost more per request than computing a ClusterIP answer.
 */
@Injectable()
export class ReachabilityBodyPipe implements PipeTransform {
  constructor(@Inject(VALIDATION_PIPE) private readonly pipe: PipeTransform) {}

  transform(value: unknown): unknown {
    return (
      plainReachabilityInput(value) ??
      this.pipe.transform(value, { type: 'body', metatype: ReachabilityInput, data: undefined })
    );
  }
}

/** The answer's query arguments, validated: no parameters at once, any by the global validation pipe as `@Query()` would. */
@Injectable()
export class AnswerArgsPipe implements PipeTransform {
  constructor(@Inject(VALIDATION_PIPE) private readonly pipe: PipeTransform) {}

  transform(value: unknown): unknown {
    return (
      plainAnswerArgs(value) ?? this.pipe.transform(value, { type: 'query', metatype: AnswerArgs, data: undefined })
    );
  }
}

/**
 * `@Body()` for ReachabilityInput, validated by ReachabilityBodyPipe. A custom parameter, which
 * the global validation pipe leaves as it is (validateCustomDecorators is off), so it is not
 * validated twice. The operation documents its body with ApiBody.
 */
export const ReachabilityBody = (): ParameterDecorator =>
  createParamDecorator(
    (_data: unknown, ctx: ExecutionContext): unknown => ctx.switchToHttp().getRequest<{ body?: unknown }>().body,
  )(undefined, ReachabilityBodyPipe);

/**
 * `@Query()` for AnswerArgs, validated by AnswerArgsPipe (a custom parameter too), and documented
 * as `@Query()` documents it: one optional query parameter per AnswerArgs property.
 */
export const ReachabilityArgs = (): ParameterDecorator => {
  const param = createParamDecorator(
    (_data: unknown, ctx: ExecutionContext): unknown => ctx.switchToHttp().getRequest<{ query?: unknown }>().query,
  )(undefined, AnswerArgsPipe);
  return (target, key, index) => {
    param(target, key, index);
    const method = Object.getOwnPropertyDescriptor(target, key as string | symbol) as PropertyDescriptor;
    for (const name of ['detail', 'limit', 'cursor', 'group']) {
      const {
        enum: values,
        type,
        example,
        ...documented
      } = Reflect.getMetadata('swagger/apiModelProperties', AnswerArgs.prototype, name) as Record<string, unknown>;
      // ApiQuery drops the example of an enum it is given as one: an enum goes in as the schema @Query() makes of it.
      const options =
        values === undefined
          ? { ...documented, type, example }
          : { ...documented, schema: { example, type, enum: values } };
      ApiQuery({ ...options, name, required: false } as ApiQueryOptions)(target, key as string | symbol, method);
    }
  };
};
