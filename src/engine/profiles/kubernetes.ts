// Profile KUBERNETES: upstream kube-proxy (ground truth: kube-proxy's own tests).
import { kubernetesDataPlane } from '../dataplane/kubernetes';
import type { EngineProfile } from '../reach/types';
import { kubernetesSharing } from '../sharing/kubernetes';

export const KUBERNETES: EngineProfile = {
  name: 'KUBERNETES',
  dataPlane: kubernetesDataPlane,
  sharing: kubernetesSharing,
  notes: [],
};
