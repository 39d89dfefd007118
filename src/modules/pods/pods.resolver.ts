import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthContext, CurrentAuth } from '../../common/auth';
import { UuidArg } from '../../common/params';
import { NamespacedClusterPageArgs } from '../topology/paging';
import { CreatePodInput, PodPage, PodView, UpdatePodInput } from './pod.dto';
import { PodsService } from './pods.service';

@Resolver(() => PodView)
export class PodsResolver {
  constructor(private readonly service: PodsService) {}

  @Query(() => PodPage)
  pods(@CurrentAuth() auth: AuthContext, @Args() page: NamespacedClusterPageArgs) {
    return this.service.list(auth.tenantId, page.clusterId, page);
  }

  @Query(() => PodView)
  pod(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
  ): Promise<PodView> {
    return this.service.get(auth.tenantId, clusterId, id);
  }

  @Mutation(() => PodView)
  async createPod(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @Args('input') input: CreatePodInput,
  ): Promise<PodView> {
    return (await this.service.create(auth.tenantId, clusterId, input)).body;
  }

  @Mutation(() => PodView)
  updatePod(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
    @Args('input') input: UpdatePodInput,
  ): Promise<PodView> {
    return this.service.update(auth.tenantId, clusterId, id, input);
  }

  @Mutation(() => Boolean)
  async deletePod(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
  ): Promise<boolean> {
    await this.service.remove(auth.tenantId, clusterId, id);
    return true;
  }
}
