import { PipeTransform } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { isDns1123Subdomain, shown } from '../../common/validators';

/** A namespace or object name in a path, rejected with a 400 naming it when malformed. */
export class NamePipe implements PipeTransform<string, string> {
  constructor(private readonly field: string) {}
  transform(value: string): string {
    if (!isDns1123Subdomain(value))
      throw DomainError.invalid(this.field, `must be a DNS-1123 name, got ${shown(value)}`);
    return value;
  }
}
