// Small constructors for Decisions, shared by data planes.
import type { CompiledEndpoint, CompiledServicePort } from '../compiled';
import type { SourceIpReason, TraceVerdict, ViaKind } from '../results';
import type { RuleId } from '../rules';
import type { Act, Decision } from './dataplane';

export interface Forward {
  readonly endpoints: readonly CompiledEndpoint[];
  readonly masquerade: boolean;
  readonly reason: SourceIpReason;
  readonly rule: RuleId;
}

export function stop(
  verdict: Exclude<TraceVerdict, 'FORWARD'>,
  acts: readonly Act[],
  sp: CompiledServicePort | null = null,
  via: ViaKind | null = null,
): Decision {
  return {
    verdict,
    servicePort: sp,
    via,
    endpoints: [],
    masquerade: false,
    masqueradeReason: 'NOT_DELIVERED',
    masqueradeRule: null,
    acts,
  };
}

export function forward(sp: CompiledServicePort, via: ViaKind, f: Forward, acts: readonly Act[]): Decision {
  return {
    verdict: 'FORWARD',
    servicePort: sp,
    via,
    endpoints: f.endpoints,
    masquerade: f.masquerade,
    masqueradeReason: f.reason,
    masqueradeRule: f.rule,
    acts,
  };
}

export function act(rule: RuleId, note: string): Act {
  return { rule, note };
}
