import { UseInterceptors } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { AuthContext, CurrentAuth } from '../../common/auth';
import { UuidArg } from '../../common/params';
import { ReachabilityInput, TraceInput } from './analysis.dto';
import { ReachabilityView, TraceView } from './answer.views';
import { AnalysisService } from './analysis.service';
import { CursorArg, DetailArg, GroupArg, LimitArg } from './answer.args';
import type { Detail } from '../../engine';
import { AnswerSourceInterceptor } from './answer-memo';
import { WhatIfInput, WhatIfView } from './what-if.dto';
import { MatrixView, NamespaceMatrixView } from './matrix.views';

@Resolver()
export class AnalysisResolver {
  constructor(private readonly service: AnalysisService) {}

  @UseInterceptors(AnswerSourceInterceptor)
  @Query(() => ReachabilityView, { description: 'Can the client reach the Service, and will its source IP survive?' })
  reachability(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @Args('input') input: ReachabilityInput,
    @DetailArg() detail?: Detail,
    @LimitArg() limit?: number,
    @CursorArg() cursor?: string,
    @GroupArg() group?: string,
  ) {
    return this.service.reachability(auth.tenantId, clusterId, input, {
      detail: detail ?? undefined,
      limit: limit ?? undefined,
      cursor: cursor ?? undefined,
      group: group ?? undefined,
    });
  }

  @UseInterceptors(AnswerSourceInterceptor)
  @Query(() => TraceView, { description: 'What happens to one packet.' })
  trace(@CurrentAuth() auth: AuthContext, @UuidArg('clusterId') clusterId: string, @Args('input') input: TraceInput) {
    return this.service.trace(auth.tenantId, clusterId, input);
  }

  @UseInterceptors(AnswerSourceInterceptor)
  @Query(() => MatrixView, { description: 'Every client location × every way of addressing one Service.' })
  matrix(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @Args('namespace') namespace: string,
    @Args('name') name: string,
  ) {
    return this.service.matrix(auth.tenantId, clusterId, namespace, name);
  }

  @UseInterceptors(AnswerSourceInterceptor)
  @Query(() => NamespaceMatrixView, { description: 'The matrix of every Service in a namespace.' })
  namespaceMatrix(
    @CurrentAuth() auth: AuthContext,
    @UuidArg('clusterId') clusterId: string,
    @Args('namespace') namespace: string,
  ) {
    return this.service.namespaceMatrix(auth.tenantId, clusterId, namespace);
  }

  @Query(() => WhatIfView, {
    description: 'The same question with a proposed change applied in memory; nothing is written.',
  })
  whatIf(@CurrentAuth() auth: AuthContext, @UuidArg('clusterId') clusterId: string, @Args('input') input: WhatIfInput) {
    return this.service.whatIf(auth.tenantId, clusterId, input);
  }
}
