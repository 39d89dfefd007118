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
import { NamespacedPageArgs } from '../topology/paging';
import {
  CreateNetworkPolicyInput,
  NetworkPolicyPage,
  NetworkPolicyView,
  UpdateNetworkPolicyInput,
} from './network-policy.dto';
import { NETWORK_POLICY_EXAMPLES, NETWORK_POLICY_PROBLEMS, NETPOL_PLACEHOLDER } from './network-policy.examples';
import { NetworkPoliciesService } from './network-policies.service';

@ApiTags('networkpolicies')
@ApiBearerAuth()
@ApiProblems()
@ApiIdParam('clusterId', PLACEHOLDER.demoCluster)
@Controller('v1/clusters/:clusterId/networkpolicies')
export class NetworkPoliciesController {
  constructor(private readonly service: NetworkPoliciesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a NetworkPolicy' })
  @ApiBodyExamples(CreateNetworkPolicyInput, NETWORK_POLICY_EXAMPLES.create)
  @ApiProblems(NETWORK_POLICY_PROBLEMS.create)
  @IdempotentCreate()
  @ApiCreatedResponse({ type: NetworkPolicyView, headers: REPLAYED_HEADER })
  create(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @Body() input: CreateNetworkPolicyInput,
    @IdempotencyKeyHeader() key: IdempotencyKey | null,
  ): Promise<Created<NetworkPolicyView>> {
    return this.service.create(auth.tenantId, clusterId, input, key);
  }

  @Get()
  @ApiOperation({ summary: 'List NetworkPolicies' })
  @ApiProblems(NETWORK_POLICY_PROBLEMS.list)
  @ApiOkResponse({ type: NetworkPolicyPage })
  list(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Query() page: NamespacedPageArgs) {
    return this.service.list(auth.tenantId, clusterId, page);
  }

  @Get(':networkPolicyId')
  @ApiOperation({ summary: 'Get a NetworkPolicy' })
  @ApiIdParam('networkPolicyId', NETPOL_PLACEHOLDER.newNetworkPolicy)
  @ApiProblems(NETWORK_POLICY_PROBLEMS.get)
  @ApiOkResponse({ type: NetworkPolicyView, headers: ETAG_HEADER })
  @ReturnsEtag()
  get(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('networkPolicyId') id: string,
  ): Promise<NetworkPolicyView> {
    return this.service.get(auth.tenantId, clusterId, id);
  }

  @Patch(':networkPolicyId')
  @ApiOperation({ summary: 'Update a NetworkPolicy' })
  @ApiIdParam('networkPolicyId', NETPOL_PLACEHOLDER.newNetworkPolicy)
  @ApiBodyExamples(UpdateNetworkPolicyInput, NETWORK_POLICY_EXAMPLES.update)
  @ApiProblems(NETWORK_POLICY_PROBLEMS.update)
  @ApiIfMatch()
  @ApiOkResponse({ type: NetworkPolicyView, headers: ETAG_HEADER })
  @ReturnsEtag()
  update(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('networkPolicyId') id: string,
    @Body() input: UpdateNetworkPolicyInput,
    @IfMatchHeader() ifMatch: IfMatch | null,
  ): Promise<NetworkPolicyView> {
    return this.service.update(auth.tenantId, clusterId, id, input, ifMatch);
  }

  @Delete(':networkPolicyId')
  @ApiOperation({ summary: 'Delete a NetworkPolicy' })
  @HttpCode(204)
  @ApiIdParam('networkPolicyId', NETPOL_PLACEHOLDER.newNetworkPolicy)
  @ApiProblems(NETWORK_POLICY_PROBLEMS.remove)
  @ApiIfMatch()
  @ApiNoContentResponse()
  remove(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @UuidParam('networkPolicyId') id: string,
    @IfMatchHeader() ifMatch: IfMatch | null,
  ): Promise<void> {
    return this.service.remove(auth.tenantId, clusterId, id, ifMatch);
  }
}
