// Housekeeping jobs.
import type { MikroORM } from '@mikro-orm/postgresql';
import { purgeExpiredCounters } from '../auth/rate-limit';
import type { AppServices } from '../context';
import { createJobContext } from './job-context';
import type { JobDefinition } from './agenda';

export const PURGE_RATE_LIMITS = 'maintenance:purge-rate-limits';

export function purgeRateLimitsJob(app: AppServices, orm: MikroORM): JobDefinition<Record<string, never>> {
  return {
    name: PURGE_RATE_LIMITS,
    concurrency: 1,
    async run() {
      const ctx = createJobContext(app, orm);
      const purged = await purgeExpiredCounters(ctx.em, ctx.clock.now());
      app.logger.info({ purged }, 'expired rate-limit counters purged');
    },
  };
}
