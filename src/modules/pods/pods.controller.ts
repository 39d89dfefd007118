import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiBodyExamples, ApiIdParam, POD_EXAMPLES, POD_PROBLEMS, PLACEHOLDER } from '../../common/api-examples';
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
import { CreatePodInput, PodPage, PodView, UpdatePodInput } from './pod.dto';
import { PodsService } from './pods.service';

@ApiTags('pods')
@ApiBearerAuth()
@ApiProblems()
@ApiIdParam('clusterId', PLACEHOLDER.demoCluster)
@Controller('v1/clusters/:clusterId/pods')
export class PodsController {
  constructor(private readonly service: PodsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a pod' })
  @ApiBodyExamples(CreatePodInput, POD_EXAMPLES.create)
  @ApiProblems(POD_PROBLEMS.create)
  @IdempotentCreate()
  @ApiCreatedResponse({ type: PodView, headers: REPLAYED_HEADER })
  create(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @Body() input: CreatePodInput,
    @IdempotencyKeyHeader() key: IdempotencyKey | null,
  ): Promise<Created<PodView>> {
    return this.service.create(auth.tenantId, clusterId, input, key);
  }

  @Get()
  @ApiOperation({ summary: 'List pods' })
  @ApiProblems(POD_PROBLEMS.list)
  @ApiOkResponse({ type: PodPage })
  list(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Query() page: NamespacedPageArgs) {
    return this.service.list(auth.tenantId, clusterId, page);
  }

  @Get(':podId')
  @ApiOperation({ summary: 'Get a pod' })
  @ApiIdParam('podId', PLACEHOLDER.backend1)
  @ApiProblems(POD_PROBLEMS.get)
  @ApiOkResponse({ type: PodView, headers: ETAG_HEADER })
  @ReturnsEtag()
  get(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('podId') id: string,
  ): Promise<PodView> {
    return this.service.get(auth.tenantId, clusterId, id);
  }

  @Patch(':podId')
  @ApiOperation({ summary: 'Update a pod' })
  @ApiIdParam('podId', PLACEHOLDER.backend3)
  @ApiBodyExamples(UpdatePodInput, POD_EXAMPLES.update)
  @ApiProblems(POD_PROBLEMS.update)
  @ApiIfMatch()
  @ApiOkResponse({ type: PodView, headers: ETAG_HEADER })
  @ReturnsEtag()
  update(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('podId') id: string,
    @Body() input: UpdatePodInput,
    @IfMatchHeader() ifMatch: IfMatch | null,
  ): Promise<PodView> {
    return this.service.update(auth.tenantId, clusterId, id, input, ifMatch);
  }

  @Delete(':podId')
  @ApiOperation({ summary: 'Delete a pod' })
  @HttpCode(204)
  @ApiIdParam('podId', PLACEHOLDER.newPod)
  @ApiProblems(POD_PROBLEMS.remove)
  @ApiIfMatch()
  @ApiNoContentResponse()
  remove(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('podId') id: string,
    @IfMatchHeader() ifMatch: IfMatch | null,
  ): Promise<void> {
    return this.service.remove(auth.tenantId, clusterId, id, ifMatch);
  }
}
