import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthContext, CurrentAuth } from '../../common/auth';
import { UuidArg } from '../../common/params';
import { NamespacedClusterPageArgs } from '../topology/paging';
import { CreateServiceInput, ServicePage, ServiceView, UpdateServiceInput } from './service.dto';
import { ServicesService } from './services.service';

@Resolver(() => ServiceView)
export class ServicesResolver {
  constructor(private readonly svc: ServicesService) {}

  @Query(() => ServicePage)
  services(@CurrentAuth() auth: AuthContext, @Args() page: NamespacedClusterPageArgs) {
    return this.svc.list(auth.tenantId, page.clusterId, page);
  }

  @Query(() => ServiceView)
  service(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
  ): Promise<ServiceView> {
    return this.svc.get(auth.tenantId, clusterId, id);
  }

  @Mutation(() => ServiceView)
  async createService(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @Args('input') input: CreateServiceInput,
  ): Promise<ServiceView> {
    return (await this.svc.create(auth.tenantId, clusterId, input)).body;
  }

  @Mutation(() => ServiceView)
  updateService(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
    @Args('input') input: UpdateServiceInput,
  ): Promise<ServiceView> {
    return this.svc.update(auth.tenantId, clusterId, id, input);
  }

  @Mutation(() => Boolean)
  async deleteService(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @UuidArg('id') id: string,
  ): Promise<boolean> {
    await this.svc.remove(auth.tenantId, clusterId, id);
    return true;
  }
}
