import { Args, Query, Resolver } from '@nestjs/graphql';
import { AuthContext, CurrentAuth } from '../../common/auth';
import { UuidArg } from '../../common/params';
import { ReachabilityInput, ReachabilityView, TraceInput, TraceView } from './analysis.dto';
import { AnalysisService } from './analysis.service';

@Resolver()
export class AnalysisResolver {
  constructor(private readonly service: AnalysisService) {}

  @Query(() => ReachabilityView, { description: 'Can the client reach the Service, and will its source IP survive?' })
  reachability(@CurrentAuth() auth: AuthContext, @UuidArg('clusterId') clusterId: string, @Args('input') input: ReachabilityInput) {
    return this.service.reachability(auth.tenantId, clusterId, input);
  }

  @Query(() => TraceView, { description: 'What happens to one packet.' })
  trace(@CurrentAuth() auth: AuthContext, @UuidArg('clusterId') clusterId: string, @Args('input') input: TraceInput) {
    return this.service.trace(auth.tenantId, clusterId, input);
  }
}
