import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/api-problems';
import { AuthContext, CurrentAuth } from '../../common/auth';
import { UuidParam } from '../../common/params';
import { NamespacedPageArgs } from '../topology/paging';
import { CreatePodInput, PodPage, PodView, UpdatePodInput } from './pod.dto';
import { PodsService } from './pods.service';

@ApiTags('pods')
@ApiBearerAuth()
@ApiProblems()
@Controller('v1/clusters/:clusterId/pods')
export class PodsController {
  constructor(private readonly service: PodsService) {}

  @Post()
  @ApiCreatedResponse({ type: PodView })
  create(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Body() input: CreatePodInput): Promise<PodView> {
    return this.service.create(auth.tenantId, clusterId, input);
  }

  @Get()
  @ApiOkResponse({ type: PodPage })
  list(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Query() page: NamespacedPageArgs) {
    return this.service.list(auth.tenantId, clusterId, page);
  }

  @Get(':podId')
  @ApiOkResponse({ type: PodView })
  get(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @UuidParam('podId') id: string): Promise<PodView> {
    return this.service.get(auth.tenantId, clusterId, id);
  }

  @Patch(':podId')
  @ApiOkResponse({ type: PodView })
  update(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @UuidParam('podId') id: string, @Body() input: UpdatePodInput): Promise<PodView> {
    return this.service.update(auth.tenantId, clusterId, id, input);
  }

  @Delete(':podId')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @UuidParam('podId') id: string): Promise<void> {
    return this.service.remove(auth.tenantId, clusterId, id);
  }
}
