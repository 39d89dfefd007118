import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiBodyExamples, ApiIdParam, NODE_EXAMPLES, NODE_PROBLEMS, PLACEHOLDER } from '../../common/api-examples';
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
import { PageArgs } from '../topology/paging';
import { CreateNodeInput, NodePage, NodeView, UpdateNodeInput } from './node.dto';
import { NodesService } from './nodes.service';

@ApiTags('nodes')
@ApiBearerAuth()
@ApiProblems()
@ApiIdParam('clusterId', PLACEHOLDER.demoCluster)
@Controller('v1/clusters/:clusterId/nodes')
export class NodesController {
  constructor(private readonly service: NodesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a node' })
  @ApiBodyExamples(CreateNodeInput, NODE_EXAMPLES.create)
  @ApiProblems(NODE_PROBLEMS.create)
  @IdempotentCreate()
  @ApiCreatedResponse({ type: NodeView, headers: REPLAYED_HEADER })
  create(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @Body() input: CreateNodeInput,
    @IdempotencyKeyHeader() key: IdempotencyKey | null,
  ): Promise<Created<NodeView>> {
    return this.service.create(auth.tenantId, clusterId, input, key);
  }

  @Get()
  @ApiOperation({ summary: 'List nodes' })
  @ApiProblems(NODE_PROBLEMS.list)
  @ApiOkResponse({ type: NodePage })
  list(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Query() page: PageArgs) {
    return this.service.list(auth.tenantId, clusterId, page);
  }

  @Get(':nodeId')
  @ApiOperation({ summary: 'Get a node' })
  @ApiIdParam('nodeId', PLACEHOLDER.node1)
  @ApiProblems(NODE_PROBLEMS.get)
  @ApiOkResponse({ type: NodeView, headers: ETAG_HEADER })
  @ReturnsEtag()
  get(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('nodeId') id: string,
  ): Promise<NodeView> {
    return this.service.get(auth.tenantId, clusterId, id);
  }

  @Patch(':nodeId')
  @ApiOperation({ summary: 'Update a node' })
  @ApiIdParam('nodeId', PLACEHOLDER.node1)
  @ApiBodyExamples(UpdateNodeInput, NODE_EXAMPLES.update)
  @ApiProblems(NODE_PROBLEMS.update)
  @ApiIfMatch()
  @ApiOkResponse({ type: NodeView, headers: ETAG_HEADER })
  @ReturnsEtag()
  update(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('nodeId') id: string,
    @Body() input: UpdateNodeInput,
    @IfMatchHeader() ifMatch: IfMatch | null,
  ): Promise<NodeView> {
    return this.service.update(auth.tenantId, clusterId, id, input, ifMatch);
  }

  @Delete(':nodeId')
  @ApiOperation({ summary: 'Delete a node' })
  @HttpCode(204)
  @ApiIdParam('nodeId', PLACEHOLDER.newNode)
  @ApiProblems(NODE_PROBLEMS.remove)
  @ApiIfMatch()
  @ApiNoContentResponse()
  remove(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('nodeId') id: string,
    @IfMatchHeader() ifMatch: IfMatch | null,
  ): Promise<void> {
    return this.service.remove(auth.tenantId, clusterId, id, ifMatch);
  }
}
