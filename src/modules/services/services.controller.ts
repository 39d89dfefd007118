import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiBodyExamples, ApiIdParam, SERVICE_EXAMPLES, SERVICE_PROBLEMS, PLACEHOLDER } from '../../common/api-examples';
import { ApiProblems } from '../../common/api-problems';
import { AuthContext, CurrentAuth } from '../../common/auth';
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
  @ApiBodyExamples(CreateServiceInput, SERVICE_EXAMPLES.create)
  @ApiProblems(SERVICE_PROBLEMS.create)
  @ApiCreatedResponse({ type: ServiceView })
  create(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Body() input: CreateServiceInput): Promise<ServiceView> {
    return this.service.create(auth.tenantId, clusterId, input);
  }

  @Get()
  @ApiProblems(SERVICE_PROBLEMS.list)
  @ApiOkResponse({ type: ServicePage })
  list(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Query() page: NamespacedPageArgs) {
    return this.service.list(auth.tenantId, clusterId, page);
  }

  @Get(':serviceId')
  @ApiIdParam('serviceId', PLACEHOLDER.backendNodePort)
  @ApiProblems(SERVICE_PROBLEMS.get)
  @ApiOkResponse({ type: ServiceView })
  get(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @UuidParam('serviceId') id: string): Promise<ServiceView> {
    return this.service.get(auth.tenantId, clusterId, id);
  }

  @Patch(':serviceId')
  @ApiIdParam('serviceId', PLACEHOLDER.backendNodePort)
  @ApiBodyExamples(UpdateServiceInput, SERVICE_EXAMPLES.update)
  @ApiProblems(SERVICE_PROBLEMS.update)
  @ApiOkResponse({ type: ServiceView })
  update(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @UuidParam('serviceId') id: string, @Body() input: UpdateServiceInput): Promise<ServiceView> {
    return this.service.update(auth.tenantId, clusterId, id, input);
  }

  @Delete(':serviceId')
  @HttpCode(204)
  @ApiIdParam('serviceId', PLACEHOLDER.newService)
  @ApiProblems(SERVICE_PROBLEMS.remove)
  @ApiNoContentResponse()
  remove(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @UuidParam('serviceId') id: string): Promise<void> {
    return this.service.remove(auth.tenantId, clusterId, id);
  }
}
