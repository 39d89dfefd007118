import { ObjectType, registerEnumType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import { REACH_VERDICTS, TRACE_VERDICTS } from '../../engine/vocabulary';
import { A } from './answer.enums';
import { ViaView } from './answer.views';
import { DIFFERENCE_FIELDS } from './differences';

// The what-if differences (differences.ts) as GraphQL and OpenAPI see them: typed values on
// both sides, never JSON text.

/** A reachability verdict (a way of addressing) or a trace verdict (the trace). */
const OutcomeVerdict = Object.fromEntries([...REACH_VERDICTS, ...TRACE_VERDICTS].map((v) => [v, v])) as Readonly<
  Record<string, string>
>;
registerEnumType(OutcomeVerdict, {
  name: 'OutcomeVerdict',
  description:
    'A reachability verdict for a way of addressing (REACHABLE, PARTIAL, UNREACHABLE, UNKNOWN), a trace verdict for the trace (FORWARD, REJECT, DROP, NOT_INTERCEPTED, ACCEPT_LOCAL).',
});

@ObjectType('Outcome')
export class OutcomeView {
  @Prop({ enum: OutcomeVerdict, name: 'OutcomeVerdict' }, { example: 'REACHABLE' }) verdict!: string;
  @Prop('boolean', {
    nullable: true,
    description:
      "Whether the backend sees the client's own address; null where no connection completes or nothing is delivered.",
  })
  sourceIpPreserved!: boolean | null;
  @Prop(A.SourceIpReason, { example: 'SNAT_ETP_CLUSTER' }) sourceIpReason!: string;
  @Prop('string', {
    array: true,
    description: '`ip:port` of the endpoints a connection completes to (a trace: its candidate endpoints), sorted.',
    example: ['172.16.0.11:80'],
  })
  endpoints!: string[];
}

@ObjectType('Difference')
export class DifferenceView {
  @Prop('string', {
    description: 'Which answer: "trace", or the way of addressing (e.g. "NODE_PORT 192.168.0.10:30000/TCP PRIVATE").',
  })
  subject!: string;
  @Prop(ViaView, { nullable: true, description: 'The way of addressing; null for a trace.' }) via!: ViaView | null;
  @Prop('string', {
    array: true,
    description: `The fields that differ, among: ${DIFFERENCE_FIELDS.join(', ')} ("present": the subject exists on one side only).`,
    example: ['verdict', 'sourceIp.preserved'],
  })
  changed!: string[];
  @Prop(OutcomeView, { nullable: true, description: "The subject's answer before the change; null when it had none." })
  before!: OutcomeView | null;
  @Prop(OutcomeView, {
    nullable: true,
    description: "The subject's answer with the change applied; null when it has none.",
  })
  after!: OutcomeView | null;
}
