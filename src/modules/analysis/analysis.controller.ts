import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ANALYSIS_EXAMPLES,
  ANALYSIS_PROBLEMS,
  ApiBodyExamples,
  ApiIdParam,
  ApiNameParam,
  PLACEHOLDER,
} from '../../common/api-examples';
import { ApiProblems } from '../../common/api-problems';
import { AuthContext, CurrentAuth, ReadOnlyOperation } from '../../common/auth';
import { UuidParam } from '../../common/params';
import { ReachabilityInput, TraceInput } from './analysis.dto';
import { ReachabilityView, TraceView } from './answer.views';
import { AnalysisService } from './analysis.service';
import { AnswerArgs } from './answer.args';
import { WhatIfInput, WhatIfView } from './what-if.dto';
import { MatrixView, NamespaceMatrixView } from './matrix.views';
import { NamePipe } from './name.pipe';
import { ReachabilityArgs, ReachabilityBody } from './reachability-body';

@ApiTags('analysis')
@ApiBearerAuth()
@ApiProblems()
@ApiIdParam('clusterId', PLACEHOLDER.demoCluster)
@Controller('v1/clusters/:clusterId')
export class AnalysisController {
  constructor(private readonly service: AnalysisService) {}

  @Post('reachability')
  @HttpCode(200)
  @ReadOnlyOperation()
  @ApiOperation({
    summary: 'Can the client reach the Service, and will its source IP survive? One answer per way of addressing it.',
  })
  @ApiBodyExamples(ReachabilityInput, ANALYSIS_EXAMPLES.reachability)
  @ApiProblems(ANALYSIS_PROBLEMS.reachability)
  @ApiOkResponse({ type: ReachabilityView })
  reachability(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @ReachabilityBody() input: ReachabilityInput,
    @ReachabilityArgs() args: AnswerArgs,
  ) {
    return this.service.reachability(auth.tenantId, clusterId, input, args);
  }

  @Post('trace')
  @HttpCode(200)
  @ReadOnlyOperation()
  @ApiOperation({
    summary:
      'What happens to one packet: FORWARD (with the exact endpoints), REJECT, DROP, NOT_INTERCEPTED or ACCEPT_LOCAL.',
  })
  @ApiBodyExamples(TraceInput, ANALYSIS_EXAMPLES.trace)
  @ApiProblems(ANALYSIS_PROBLEMS.trace)
  @ApiOkResponse({ type: TraceView })
  trace(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Body() input: TraceInput) {
    return this.service.trace(auth.tenantId, clusterId, input);
  }

  @Get('services/:namespace/:name/matrix')
  @ApiOperation({
    summary:
      'Every client location (per class of node: its host and a pod that is not a backend; the internet; the VPC) × every way of addressing the Service, each cell with its verdict, source-IP fate and deciding rule.',
  })
  @ApiNameParam('namespace', 'default', "The Service's namespace.")
  @ApiNameParam('name', 'backend-nodeport', "The Service's name.")
  @ApiProblems(ANALYSIS_PROBLEMS.matrix)
  @ApiOkResponse({ type: MatrixView })
  matrix(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @Param('namespace', new NamePipe('namespace')) namespace: string,
    @Param('name', new NamePipe('name')) name: string,
  ) {
    return this.service.matrix(auth.tenantId, clusterId, namespace, name);
  }

  @Get('namespaces/:namespace/matrix')
  @ApiOperation({ summary: 'The matrix of every Service in a namespace.' })
  @ApiNameParam('namespace', 'default', 'The namespace.')
  @ApiProblems(ANALYSIS_PROBLEMS.namespaceMatrix)
  @ApiOkResponse({ type: NamespaceMatrixView })
  namespaceMatrix(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') clusterId: string,
    @Param('namespace', new NamePipe('namespace')) namespace: string,
  ) {
    return this.service.namespaceMatrix(auth.tenantId, clusterId, namespace);
  }

  @Post('what-if')
  @HttpCode(200)
  @ReadOnlyOperation()
  @ApiOperation({
    summary:
      'Ask reachability or trace with a proposed change applied in memory: before, after and the differences. Nothing is written.',
  })
  @ApiBodyExamples(WhatIfInput, ANALYSIS_EXAMPLES.whatIf)
  @ApiProblems(ANALYSIS_PROBLEMS.whatIf)
  @ApiOkResponse({ type: WhatIfView })
  whatIf(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Body() input: WhatIfInput) {
    return this.service.whatIf(auth.tenantId, clusterId, input);
  }
}
