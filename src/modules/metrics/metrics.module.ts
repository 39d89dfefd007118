import { Provider, Type } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';
import { METRICS_DISABLED, METRICS_OPTIONS, Metrics, MetricsOptions } from './metrics';
import { PoolMetrics } from './pool-metrics';

export { Metrics, METRICS_DISABLED, MetricsOptions };

/**
 * The metrics' part of AppModule (their providers need AppModule's own: PrismaService and
 * TopologyLoader for the pool gauges; the analysis, cache and import services record into Metrics).
 * Metrics is always provided (the services record whether or not /metrics is served; that costs a
 * few counter increments per analysis); the HTTP measurements are installed only when it is served.
 */
export function metricsProviders(options: MetricsOptions = METRICS_DISABLED): Provider[] {
  return [{ provide: METRICS_OPTIONS, useValue: options }, Metrics, PoolMetrics, MetricsServer];
}

export const METRICS_CONTROLLERS: Type[] = [MetricsController];
