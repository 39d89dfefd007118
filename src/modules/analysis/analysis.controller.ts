import { Body, Controller, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/api-problems';
import { AuthContext, CurrentAuth, ReadOnlyOperation } from '../../common/auth';
import { UuidParam } from '../../common/params';
import { ReachabilityInput, TraceInput } from './analysis.dto';
import { ReachabilityView, TraceView } from './answer.views';
import { AnalysisService } from './analysis.service';
import { AnswerSourceInterceptor } from './answer-memo';
import { MatrixView, NamespaceMatrixView, WhatIfInput, WhatIfView } from './what-if.dto';
import { NamePipe } from './name.pipe';

@ApiTags('analysis')
@ApiBearerAuth()
@ApiProblems()
@Controller('v1/clusters/:clusterId')
export class AnalysisController {
  constructor(private readonly service: AnalysisService) {}

  @Post('reachability')
  @UseInterceptors(AnswerSourceInterceptor)
  @HttpCode(200)
  @ReadOnlyOperation()
  @ApiOperation({ summary: 'Can the client reach the Service, and will its source IP survive? One answer per way of addressing it.' })
  @ApiOkResponse({ type: ReachabilityView })
  reachability(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Body() input: ReachabilityInput) {
    return this.service.reachability(auth.tenantId, clusterId, input);
  }

  @Post('trace')
  @UseInterceptors(AnswerSourceInterceptor)
  @HttpCode(200)
  @ReadOnlyOperation()
  @ApiOperation({ summary: 'What happens to one packet: FORWARD (with the exact endpoints), REJECT, DROP, NOT_INTERCEPTED or ACCEPT_LOCAL.' })
  @ApiOkResponse({ type: TraceView })
  trace(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Body() input: TraceInput) {
    return this.service.trace(auth.tenantId, clusterId, input);
  }

  @Get('services/:namespace/:name/matrix')
  @UseInterceptors(AnswerSourceInterceptor)
  @ApiOperation({ summary: 'Every client location (each node, a pod on each node, outside on the internet and the VPC) × every way of addressing the Service.' })
  @ApiOkResponse({ type: MatrixView })
  matrix(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string,
    @Param('namespace', new NamePipe('namespace')) namespace: string, @Param('name', new NamePipe('name')) name: string) {
    return this.service.matrix(auth.tenantId, clusterId, namespace, name);
  }

  @Get('namespaces/:namespace/matrix')
  @UseInterceptors(AnswerSourceInterceptor)
  @ApiOperation({ summary: 'The matrix of every Service in a namespace.' })
  @ApiOkResponse({ type: NamespaceMatrixView })
  namespaceMatrix(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Param('namespace', new NamePipe('namespace')) namespace: string) {
    return this.service.namespaceMatrix(auth.tenantId, clusterId, namespace);
  }

  @Post('what-if')
  @HttpCode(200)
  @ReadOnlyOperation()
  @ApiOperation({ summary: 'Ask reachability or trace with a proposed change applied in memory: before, after and the differences. Nothing is written.' })
  @ApiOkResponse({ type: WhatIfView })
  whatIf(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Body() input: WhatIfInput) {
    return this.service.whatIf(auth.tenantId, clusterId, input);
  }
}
