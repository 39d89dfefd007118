// Profiles CCE and CCE_TURBO: Huawei Cloud CCE, layered over upstream kube-proxy. This folder is
// CCE's one home: the CCE page's tables (table.ts), the data planes (dataplane.ts), Table 1
// (affinity.ts), the remedies (suggestions.ts), the annotations and write-time constraints.
import type { EngineProfile } from '../../reach/types';
import { cceAffinity } from './affinity';
import { cceStandardDataPlane, cceTurboDataPlane } from './dataplane';
import { cceSharing } from './sharing';
import { refineCceSuggestions } from './suggestions';

export const CCE: EngineProfile = {
  name: 'CCE',
  dataPlane: cceStandardDataPlane,
  sharing: cceSharing('CCE'),
  notes: [],
  affinity: cceAffinity,
  refineSuggestions: refineCceSuggestions,
};

export const CCE_TURBO: EngineProfile = {
  name: 'CCE_TURBO',
  dataPlane: cceTurboDataPlane,
  sharing: cceSharing('CCE_TURBO'),
  notes: [],
  affinity: cceAffinity,
  refineSuggestions: refineCceSuggestions,
};
