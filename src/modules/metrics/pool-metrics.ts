import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { Gauge } from 'prom-client';
import { PrismaService } from '../../prisma/prisma.service';
import { TopologyLoader } from '../analysis/topology-loader';
import { Metrics } from './metrics';

/**
 * The database pools, read at scrape time (collect callbacks; nothing runs between scrapes):
 * `prisma` (every request's queries and transactions) and `loader` (the analyses' model snapshots).
 */
@Injectable()
export class PoolMetrics {
  constructor(metrics: Metrics, prisma: PrismaService, loader: TopologyLoader) {
    const pools: readonly (readonly [string, Pool])[] = [
      ['prisma', prisma.pool],
      ['loader', loader.pool],
    ];
    const registers = [metrics.registry];
    new Gauge({
      name: 'svcpath_db_pool_connections',
      help: 'Connections a database pool holds, by pool and state (in_use: checked out; idle: ready for the next query).',
      labelNames: ['pool', 'state'] as const,
      registers,
      collect() {
        for (const [pool, p] of pools) {
          this.set({ pool, state: 'in_use' }, p.totalCount - p.idleCount);
          this.set({ pool, state: 'idle' }, p.idleCount);
        }
      },
    });
    new Gauge({
      name: 'svcpath_db_pool_waiting_requests',
      help: 'Queries (or transactions) waiting for a connection of a database pool, by pool.',
      labelNames: ['pool'] as const,
      registers,
      collect() {
        for (const [pool, p] of pools) this.set({ pool }, p.waitingCount);
      },
    });
    new Gauge({
      name: 'svcpath_db_pool_max_connections',
      help: 'The most connections a database pool opens, by pool.',
      labelNames: ['pool'] as const,
      registers,
      collect() {
        for (const [pool, p] of pools) this.set({ pool }, p.options.max ?? 10);
      },
    });
  }
}
