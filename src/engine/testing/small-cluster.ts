// Small generated clusters for property tests (same generator as the benchmark).
import { generateCluster } from '../../../bench/engine/generate';
import type { ClusterModel, LocalDetector, ProxyMode } from '../model';

export function smallCluster(seed: number, mode: ProxyMode, detector: LocalDetector): ClusterModel {
  const base = generateCluster({
    seed,
    nodes: 6,
    pods: 80,
    services: 10,
    maxEndpointsPerService: 12,
    proxyMode: mode,
    eipShare: 0.5,
  });
  return { ...base, kubeProxy: { ...base.kubeProxy, localDetector: detector } };
}

/** Fisher-Yates with a seeded generator, so failures replay. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let a = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    a = (Math.imul(a ^ (a >>> 15), 2654435761) + 0x9e3779b9) >>> 0;
    const j = a % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
