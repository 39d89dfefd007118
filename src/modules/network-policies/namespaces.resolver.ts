import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthContext, CurrentAuth } from '../../common/auth';
import { UuidArg } from '../../common/params';
import { ClusterPageArgs } from '../topology/paging';
import { CreateNamespaceInput, NamespacePage, NamespaceView, UpdateNamespaceInput } from './namespace.dto';
import { NamespacesService } from './namespaces.service';

@Resolver(() => NamespaceView)
export class NamespacesResolver {
  constructor(private readonly service: NamespacesService) {}

  @Query(() => NamespacePage)
  namespaces(@CurrentAuth() auth: AuthContext, @Args() page: ClusterPageArgs) {
    return this.service.list(auth.tenantId, page.clusterId, page);
  }

  @Query(() => NamespaceView)
  namespace(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
  ): Promise<NamespaceView> {
    return this.service.get(auth.tenantId, clusterId, id);
  }

  @Mutation(() => NamespaceView)
  async createNamespace(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @Args('input') input: CreateNamespaceInput,
  ): Promise<NamespaceView> {
    return (await this.service.create(auth.tenantId, clusterId, input)).body;
  }

  @Mutation(() => NamespaceView)
  updateNamespace(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
    @Args('input') input: UpdateNamespaceInput,
  ): Promise<NamespaceView> {
    return this.service.update(auth.tenantId, clusterId, id, input);
  }

  @Mutation(() => Boolean)
  async deleteNamespace(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
  ): Promise<boolean> {
    await this.service.remove(auth.tenantId, clusterId, id);
    return true;
  }
}
