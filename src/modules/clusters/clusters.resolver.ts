import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthContext, CurrentAuth } from '../../common/auth';
import { UuidArg } from '../../common/params';
import { PageArgs } from '../topology/paging';
import { ClusterPage, ClusterView, CreateClusterInput, UpdateClusterInput } from './cluster.dto';
import { ClustersService } from './clusters.service';

@Resolver(() => ClusterView)
export class ClustersResolver {
  constructor(private readonly service: ClustersService) {}

  @Query(() => ClusterPage)
  clusters(@CurrentAuth() auth: AuthContext, @Args() page: PageArgs) {
    return this.service.list(auth.tenantId, page);
  }

  @Query(() => ClusterView)
  cluster(@CurrentAuth() auth: AuthContext, @UuidArg('id') id: string): Promise<ClusterView> {
    return this.service.get(auth.tenantId, id);
  }

  @Mutation(() => ClusterView)
  async createCluster(
    @CurrentAuth() auth: AuthContext,
    @Args('input') input: CreateClusterInput,
  ): Promise<ClusterView> {
    return (await this.service.create(auth.tenantId, input)).body;
  }

  @Mutation(() => ClusterView)
  updateCluster(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('id') id: string,
    @Args('input') input: UpdateClusterInput,
  ): Promise<ClusterView> {
    return this.service.update(auth.tenantId, id, input);
  }

  @Mutation(() => Boolean, { description: 'Deletes the cluster and everything in it.' })
  async deleteCluster(@CurrentAuth() auth: AuthContext, @UuidArg('id') id: string): Promise<boolean> {
    await this.service.remove(auth.tenantId, id);
    return true;
  }
}
