import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/api-problems';
import { AuthContext, CurrentAuth, ReadOnlyOperation } from '../../common/auth';
import { UuidParam } from '../../common/params';
import { ReachabilityInput, ReachabilityView, TraceInput, TraceView } from './analysis.dto';
import { AnalysisService } from './analysis.service';

@ApiTags('analysis')
@ApiBearerAuth()
@ApiProblems()
@Controller('v1/clusters/:clusterId')
export class AnalysisController {
  constructor(private readonly service: AnalysisService) {}

  @Post('reachability')
  @HttpCode(200)
  @ReadOnlyOperation()
  @ApiOperation({ summary: 'Can the client reach the Service, and will its source IP survive? One answer per way of addressing it.' })
  @ApiOkResponse({ type: ReachabilityView })
  reachability(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Body() input: ReachabilityInput) {
    return this.service.reachability(auth.tenantId, clusterId, input);
  }

  @Post('trace')
  @HttpCode(200)
  @ReadOnlyOperation()
  @ApiOperation({ summary: 'What happens to one packet: FORWARD (with the exact endpoints), REJECT, DROP, NOT_INTERCEPTED or ACCEPT_LOCAL.' })
  @ApiOkResponse({ type: TraceView })
  trace(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') clusterId: string, @Body() input: TraceInput) {
    return this.service.trace(auth.tenantId, clusterId, input);
  }
}
