// Profile -> data plane. The CCE data planes (cce.ts) wrap the upstream one and override
// `decide`/`connection` where the CCE page (reference/cce-service-overview.rst) says otherwise,
// citing its own rule ids; where the page is silent they say they fell back to upstream.
import type { Profile } from '../model';
import { cceStandardDataPlane, cceTurboDataPlane } from './cce';
import type { DataPlane } from './dataplane';
import { kubernetesDataPlane } from './kubernetes';

const CCE = cceStandardDataPlane;
const CCE_TURBO = cceTurboDataPlane;

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
