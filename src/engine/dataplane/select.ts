// Profile -> data plane. This is the seam for the CCE profiles: a CCE data plane wraps the
// upstream one and overrides `decide`/`connection`/`loadBalancerTargets` where the CCE
// tables (reference/cce-service-overview.rst) say otherwise, appending its own rule ids.
import type { Profile } from '../model';
import type { DataPlane } from './dataplane';
import { kubernetesDataPlane } from './kubernetes';

/** Until the CCE tables are encoded, CCE answers are upstream answers that say so. */
function upstreamFallback(profile: 'CCE' | 'CCE_TURBO'): DataPlane {
  return { ...kubernetesDataPlane, profile, notes: ['CCE-UPSTREAM-FALLBACK'] };
}

const CCE = upstreamFallback('CCE');
const CCE_TURBO = upstreamFallback('CCE_TURBO');

export function dataPlaneFor(profile: Profile): DataPlane {
  switch (profile) {
    case 'KUBERNETES':
      return kubernetesDataPlane;
    case 'CCE':
      return CCE;
    case 'CCE_TURBO':
      return CCE_TURBO;
    default: {
      const unreachable: never = profile;
      return unreachable;
    }
  }
}
