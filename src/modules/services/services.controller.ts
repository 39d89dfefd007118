import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  ApiBodyExamples,
  ApiIdParam,
  SERVICE_EXAMPLES,
  SERVICE_PROBLEMS,
  PLACEHOLDER,
} from '../../common/api-examples';
import { ApiProblems } from '../../common/api-problems';
import { AuthContext, CurrentAuth } from '../../common/auth';
import { ApiIfMatch, ETAG_HEADER, IfMatch, IfMatchHeader, ReturnsEtag } from '../../common/etag';
import {
  Created,
  IdempotencyKey,
  IdempotencyKeyHeader,
  IdempotentCreate,
  REPLAYED_HEADER,
} from '../../common/idempotency';
import { UuidParam } from '../../common/params';
import { NamespacedPageArgs } from '../topology/paging';
import { CreateServiceInput, ServicePage, ServiceView, UpdateServiceInput } from './service.dto';
import { ServicesService } from './services.service';

@ApiTags('services')
@ApiBearerAuth()
@ApiProblems()
@ApiIdParam('clusterId', PLACEHOLDER.demoCluster)
@Controller('v1/clusters/:clusterId/services')
export class ServicesController {
  constructor(private readonly service: ServicesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a Service' })
  @ApiBodyExamples(CreateServiceInput, SERVICE_EXAMPLES.create)
  @ApiProblems(SERVICE_PROBLEMS.create)
  @IdempotentCreate()
  @ApiCreatedResponse({ type: ServiceView, headers: REPLAYED_HEADER })
  create(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @Body() input: CreateServiceInput,
    @IdempotencyKeyHeader() key: IdempotencyKey | null,
  ): Promise<Created<ServiceView>> {
    return this.service.create(auth.tenantId, clusterId, input, key);
  }

  @Get()
  @ApiOperation({ summary: 'List Services' })
  @ApiProblems(SERVICE_PROBLEMS.list)
  @ApiOkResponse({ type: ServicePage })
  list(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Query() page: NamespacedPageArgs) {
    return this.service.list(auth.tenantId, clusterId, page);
  }

  @Get(':serviceId')
  @ApiOperation({ summary: 'Get a Service' })
  @ApiIdParam('serviceId', PLACEHOLDER.backendNodePort)
  @ApiProblems(SERVICE_PROBLEMS.get)
  @ApiOkResponse({ type: ServiceView, headers: ETAG_HEADER })
  @ReturnsEtag()
  get(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('serviceId') id: string,
  ): Promise<ServiceView> {
    return this.service.get(auth.tenantId, clusterId, id);
  }

  @Patch(':serviceId')
  @ApiOperation({ summary: 'Update a Service' })
  @ApiIdParam('serviceId', PLACEHOLDER.backendNodePort)
  @ApiBodyExamples(UpdateServiceInput, SERVICE_EXAMPLES.update)
  @ApiProblems(SERVICE_PROBLEMS.update)
  @ApiIfMatch()
  @ApiOkResponse({ type: ServiceView, headers: ETAG_HEADER })
  @ReturnsEtag()
  update(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('serviceId') id: string,
    @Body() input: UpdateServiceInput,
    @IfMatchHeader() ifMatch: IfMatch | null,
  ): Promise<ServiceView> {
    return this.service.update(auth.tenantId, clusterId, id, input, ifMatch);
  }

  @Delete(':serviceId')
  @ApiOperation({ summary: 'Delete a Service' })
  @HttpCode(204)
  @ApiIdParam('serviceId', PLACEHOLDER.newService)
  @ApiProblems(SERVICE_PROBLEMS.remove)
  @ApiIfMatch()
  @ApiNoContentResponse()
  remove(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('serviceId') id: string,
    @IfMatchHeader() ifMatch: IfMatch | null,
  ): Promise<void> {
    return this.service.remove(auth.tenantId, clusterId, id, ifMatch);
  }
}
