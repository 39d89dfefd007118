import { Param, PipeTransform } from '@nestjs/common';
import { Args } from '@nestjs/graphql';
import { DomainError } from './domain-error';
import { shown } from './validators';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class UuidPipe implements PipeTransform<string, string> {
  constructor(private readonly field: string) {}
  transform(value: string): string {
    if (typeof value !== 'string' || !UUID.test(value))
      throw DomainError.invalid(this.field, `must be a UUID, got ${shown(value)}`);
    return value.toLowerCase();
  }
}

/** A UUID path parameter, rejected with a 400 naming it when malformed. */
export const UuidParam = (name: string) => Param(name, new UuidPipe(name));

/** A UUID GraphQL argument. */
export const UuidArg = (name: string) => Args(name, { type: () => String }, new UuidPipe(name));
