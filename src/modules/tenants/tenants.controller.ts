import { Body, Controller, Delete, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBodyExamples, ApiIdParam, PLACEHOLDER, TENANT_EXAMPLES, TENANT_PROBLEMS } from '../../common/api-examples';
import { ApiProblems } from '../../common/api-problems';
import { AuthContext, CurrentAuth, OperatorOnly } from '../../common/auth';
import {
  Created,
  IdempotencyKey,
  IdempotencyKeyHeader,
  IdempotentCreate,
  REPLAYED_HEADER,
} from '../../common/idempotency';
import { UuidParam } from '../../common/params';
import {
  ApiKeyView,
  CreateApiKeyInput,
  CreatedApiKeyView,
  CreatedTenantView,
  CreateTenantInput,
  TenantView,
} from './tenant.dto';
import { TenantsService } from './tenants.service';

@ApiTags('tenants')
@ApiBearerAuth()
@ApiProblems()
@Controller('v1')
export class TenantsController {
  constructor(private readonly service: TenantsService) {}

  @Post('tenants')
  @OperatorOnly()
  @ApiBodyExamples(CreateTenantInput, TENANT_EXAMPLES.createTenant)
  @ApiProblems(TENANT_PROBLEMS.createTenant)
  @ApiOperation({ summary: 'Create a tenant and its first API key (operator token: Bearer SVCPATH_ADMIN_TOKEN).' })
  @IdempotentCreate(true)
  @ApiCreatedResponse({ type: CreatedTenantView, headers: REPLAYED_HEADER })
  createTenant(
    @Body() input: CreateTenantInput,
    @IdempotencyKeyHeader() key: IdempotencyKey | null,
  ): Promise<Created<CreatedTenantView>> {
    return this.service.createTenant(input.name, key);
  }

  @Get('tenant')
  @ApiOperation({ summary: 'The tenant of the calling API key.' })
  @ApiOkResponse({ type: TenantView })
  tenant(@CurrentAuth() auth: AuthContext): Promise<TenantView> {
    return this.service.getTenant(auth.tenantId);
  }

  @Get('api-keys')
  @ApiOperation({ summary: "List the tenant's API keys" })
  @ApiOkResponse({ type: ApiKeyView, isArray: true })
  listKeys(@CurrentAuth() auth: AuthContext): Promise<ApiKeyView[]> {
    return this.service.listKeys(auth.tenantId);
  }

  @Post('api-keys')
  @ApiOperation({ summary: 'Create an API key' })
  @ApiBodyExamples(CreateApiKeyInput, TENANT_EXAMPLES.createKey)
  @ApiProblems(TENANT_PROBLEMS.createKey)
  @IdempotentCreate(true)
  @ApiCreatedResponse({ type: CreatedApiKeyView, headers: REPLAYED_HEADER })
  createKey(
    @CurrentAuth() auth: AuthContext,
    @Body() input: CreateApiKeyInput,
    @IdempotencyKeyHeader() key: IdempotencyKey | null,
  ): Promise<Created<CreatedApiKeyView>> {
    return this.service.createKey(auth.tenantId, input, key);
  }

  @Delete('api-keys/:keyId')
  @ApiIdParam('keyId', PLACEHOLDER.newKey)
  @ApiProblems(TENANT_PROBLEMS.revokeKey)
  @ApiOperation({ summary: 'Revoke a key (it stops working at once; it stays listed with revokedAt).' })
  @ApiOkResponse({ type: ApiKeyView })
  revokeKey(@CurrentAuth() auth: AuthContext, @UuidParam('keyId') keyId: string): Promise<ApiKeyView> {
    return this.service.revokeKey(auth.tenantId, keyId);
  }
}
