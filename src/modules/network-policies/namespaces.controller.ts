import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiBodyExamples, ApiIdParam, PLACEHOLDER } from '../../common/api-examples';
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
import { CreateNamespaceInput, NamespacePage, NamespaceView, UpdateNamespaceInput } from './namespace.dto';
import { NAMESPACE_EXAMPLES, NAMESPACE_PROBLEMS, NETPOL_PLACEHOLDER } from './network-policy.examples';
import { NamespacesService } from './namespaces.service';

@ApiTags('namespaces')
@ApiBearerAuth()
@ApiProblems()
@ApiIdParam('clusterId', PLACEHOLDER.demoCluster)
@Controller('v1/clusters/:clusterId/namespaces')
export class NamespacesController {
  constructor(private readonly service: NamespacesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a namespace' })
  @ApiBodyExamples(CreateNamespaceInput, NAMESPACE_EXAMPLES.create)
  @ApiProblems(NAMESPACE_PROBLEMS.create)
  @IdempotentCreate()
  @ApiCreatedResponse({ type: NamespaceView, headers: REPLAYED_HEADER })
  create(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @Body() input: CreateNamespaceInput,
    @IdempotencyKeyHeader() key: IdempotencyKey | null,
  ): Promise<Created<NamespaceView>> {
    return this.service.create(auth.tenantId, clusterId, input, key);
  }

  @Get()
  @ApiOperation({ summary: 'List namespaces' })
  @ApiProblems(NAMESPACE_PROBLEMS.list)
  @ApiOkResponse({ type: NamespacePage })
  list(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Query() page: PageArgs) {
    return this.service.list(auth.tenantId, clusterId, page);
  }

  @Get(':namespaceId')
  @ApiOperation({ summary: 'Get a namespace' })
  @ApiIdParam('namespaceId', NETPOL_PLACEHOLDER.newNamespace)
  @ApiProblems(NAMESPACE_PROBLEMS.get)
  @ApiOkResponse({ type: NamespaceView, headers: ETAG_HEADER })
  @ReturnsEtag()
  get(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('namespaceId') id: string,
  ): Promise<NamespaceView> {
    return this.service.get(auth.tenantId, clusterId, id);
  }

  @Patch(':namespaceId')
  @ApiOperation({ summary: 'Update a namespace' })
  @ApiIdParam('namespaceId', NETPOL_PLACEHOLDER.newNamespace)
  @ApiBodyExamples(UpdateNamespaceInput, NAMESPACE_EXAMPLES.update)
  @ApiProblems(NAMESPACE_PROBLEMS.update)
  @ApiIfMatch()
  @ApiOkResponse({ type: NamespaceView, headers: ETAG_HEADER })
  @ReturnsEtag()
  update(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('namespaceId') id: string,
    @Body() input: UpdateNamespaceInput,
    @IfMatchHeader() ifMatch: IfMatch | null,
  ): Promise<NamespaceView> {
    return this.service.update(auth.tenantId, clusterId, id, input, ifMatch);
  }

  @Delete(':namespaceId')
  @ApiOperation({ summary: 'Delete a namespace' })
  @HttpCode(204)
  @ApiIdParam('namespaceId', NETPOL_PLACEHOLDER.newNamespace)
  @ApiProblems(NAMESPACE_PROBLEMS.remove)
  @ApiIfMatch()
  @ApiNoContentResponse()
  remove(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('namespaceId') id: string,
    @IfMatchHeader() ifMatch: IfMatch | null,
  ): Promise<void> {
    return this.service.remove(auth.tenantId, clusterId, id, ifMatch);
  }
}
