import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { InputType, ObjectType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import { ApiKeyScope, E } from '../topology/enums';

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;

@InputType('CreateTenantInput')
export class CreateTenantInput {
  @Prop('string', { example: 'acme', description: '1-100 characters: letters, digits, space, ".", "_", "-".' })
  @IsString()
  @Length(1, 100)
  @Matches(NAME, {
    message: 'name must start with a letter or digit and hold only letters, digits, space, ".", "_" and "-"',
  })
  name!: string;
}

@InputType('CreateApiKeyInput')
export class CreateApiKeyInput {
  @Prop('string', { nullable: true, example: 'dashboard', description: 'A label for the key (default "key").' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(NAME, {
    message: 'name must start with a letter or digit and hold only letters, digits, space, ".", "_" and "-"',
  })
  name?: string;

  @Prop(E.ApiKeyScope, { nullable: true, description: 'write (default) or read. Read keys get 403 on every change.' })
  @IsOptional()
  @IsIn(Object.values(ApiKeyScope))
  scope?: ApiKeyScope;
}

@ObjectType('Tenant')
export class TenantView {
  @Prop('string') id!: string;
  @Prop('string') name!: string;
}

@ObjectType('CreatedTenant')
export class CreatedTenantView extends TenantView {
  @Prop('string', { description: 'The first API key (write scope). Shown once: only its hash is stored.' })
  apiKey!: string;
}

@ObjectType('ApiKey')
export class ApiKeyView {
  @Prop('string') id!: string;
  @Prop('string') name!: string;
  @Prop('string', { description: 'The start of the key, to recognise it; the secret is never shown again.' })
  prefix!: string;
  @Prop(E.ApiKeyScope) scope!: ApiKeyScope;
  @Prop('string') createdAt!: string;
  @Prop('string', { nullable: true }) revokedAt!: string | null;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyView extends ApiKeyView {
  @Prop('string', { description: 'The key itself. Shown once: only its hash is stored.' }) apiKey!: string;
}
