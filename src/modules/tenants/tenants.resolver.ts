import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthContext, CurrentAuth } from '../../common/auth';
import { UuidArg } from '../../common/params';
import { ApiKeyView, CreateApiKeyInput, CreatedApiKeyView, TenantView } from './tenant.dto';
import { TenantsService } from './tenants.service';

@Resolver()
export class TenantsResolver {
  constructor(private readonly service: TenantsService) {}

  @Query(() => TenantView, { description: 'The tenant of the calling API key.' })
  tenant(@CurrentAuth() auth: AuthContext): Promise<TenantView> {
    return this.service.getTenant(auth.tenantId);
  }

  @Query(() => [ApiKeyView])
  apiKeys(@CurrentAuth() auth: AuthContext): Promise<ApiKeyView[]> {
    return this.service.listKeys(auth.tenantId);
  }

  @Mutation(() => CreatedApiKeyView)
  async createApiKey(
    @CurrentAuth() auth: AuthContext,
    @Args('input', { nullable: true }) input?: CreateApiKeyInput,
  ): Promise<CreatedApiKeyView> {
    return (await this.service.createKey(auth.tenantId, input ?? {})).body;
  }

  @Mutation(() => ApiKeyView)
  revokeApiKey(@CurrentAuth() auth: AuthContext, @UuidArg('id') id: string): Promise<ApiKeyView> {
    return this.service.revokeKey(auth.tenantId, id);
  }
}
