import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthContext, CurrentAuth } from '../../common/auth';
import { UuidArg } from '../../common/params';
import { NamespacedClusterPageArgs } from '../topology/paging';
import {
  CreateNetworkPolicyInput,
  NetworkPolicyPage,
  NetworkPolicyView,
  UpdateNetworkPolicyInput,
} from './network-policy.dto';
import { NetworkPoliciesService } from './network-policies.service';

@Resolver(() => NetworkPolicyView)
export class NetworkPoliciesResolver {
  constructor(private readonly service: NetworkPoliciesService) {}

  @Query(() => NetworkPolicyPage)
  networkPolicies(@CurrentAuth() auth: AuthContext, @Args() page: NamespacedClusterPageArgs) {
    return this.service.list(auth.tenantId, page.clusterId, page);
  }

  @Query(() => NetworkPolicyView)
  networkPolicy(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
  ): Promise<NetworkPolicyView> {
    return this.service.get(auth.tenantId, clusterId, id);
  }

  @Mutation(() => NetworkPolicyView)
  async createNetworkPolicy(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @Args('input') input: CreateNetworkPolicyInput,
  ): Promise<NetworkPolicyView> {
    return (await this.service.create(auth.tenantId, clusterId, input)).body;
  }

  @Mutation(() => NetworkPolicyView)
  updateNetworkPolicy(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
    @Args('input') input: UpdateNetworkPolicyInput,
  ): Promise<NetworkPolicyView> {
    return this.service.update(auth.tenantId, clusterId, id, input);
  }

  @Mutation(() => Boolean)
  async deleteNetworkPolicy(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
  ): Promise<boolean> {
    await this.service.remove(auth.tenantId, clusterId, id);
    return true;
  }
}
