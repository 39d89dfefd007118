import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthContext, CurrentAuth } from '../../common/auth';
import { UuidArg } from '../../common/params';
import { ClusterPageArgs } from '../topology/paging';
import { CreateNodeInput, NodePage, NodeView, UpdateNodeInput } from './node.dto';
import { NodesService } from './nodes.service';

@Resolver(() => NodeView)
export class NodesResolver {
  constructor(private readonly service: NodesService) {}

  @Query(() => NodePage)
  nodes(@CurrentAuth() auth: AuthContext, @Args() page: ClusterPageArgs) {
    return this.service.list(auth.tenantId, page.clusterId, page);
  }

  @Query(() => NodeView)
  node(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
  ): Promise<NodeView> {
    return this.service.get(auth.tenantId, clusterId, id);
  }

  @Mutation(() => NodeView)
  async createNode(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @Args('input') input: CreateNodeInput,
  ): Promise<NodeView> {
    return (await this.service.create(auth.tenantId, clusterId, input)).body;
  }

  @Mutation(() => NodeView)
  updateNode(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
    @Args('input') input: UpdateNodeInput,
  ): Promise<NodeView> {
    return this.service.update(auth.tenantId, clusterId, id, input);
  }

  @Mutation(() => Boolean)
  async deleteNode(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
  ): Promise<boolean> {
    await this.service.remove(auth.tenantId, clusterId, id);
    return true;
  }
}
