// Profile name -> the engine's behaviour for it. Each profile assembles, in its own module, its
// data plane (packet semantics), its sharing (how reachability may share work between nodes;
// NO_SHARING unless proven), its notes, and what it adds to answers (CCE: Table 1 and remedies).
import type { Profile } from '../model';
import type { EngineProfile } from '../reach/types';
import { CCE, CCE_TURBO } from './cce';
import { KUBERNETES } from './kubernetes';

export function profileFor(profile: Profile): EngineProfile {
  switch (profile) {
    case 'KUBERNETES':
      return KUBERNETES;
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
