// The worker's recovery loop: import runs whose lease expired (their worker died) are re-queued or ended.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppServices } from '../context';
import { storageFor } from '../integrations/storage/storage';
import { recoverExpiredRuns } from '../services/imports/run-lease';

export interface RecoveryLoop {
  stop(): Promise<void>;
}

/** Looks every quarter lease, so a dead worker's run waits at most about 1.25 leases before it is picked up again. */
export function startLeaseRecovery(app: AppServices, orm: MikroORM): RecoveryLoop {
  const { leaseSeconds, maxAttempts } = app.config.jobs;
  const storage = storageFor(app.config);
  let stopped = false;
  let round: Promise<void> = Promise.resolve();

  const recover = async () => {
    try {
      const { failedSources } = await recoverExpiredRuns(orm.em.fork(), { leaseSeconds, maxAttempts, now: app.clock.now(), logger: app.logger });
      await Promise.all(failedSources.map((key) => storage.remove(key).catch(() => undefined)));
    } catch (error) {
      app.logger.warn({ err: error }, 'import run recovery failed; retrying');
    }
  };
  const timer = setInterval(() => {
    if (!stopped) round = recover();
  }, (leaseSeconds * 1000) / 4);
  round = recover();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await round;
    },
  };
}
