// The message delivery job and the recovery loop that queues due retries and the attempts of dead workers.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppServices } from '../context';
import { createMailTransport } from '../integrations/mail';
import { storageFor } from '../integrations/storage/storage';
import { DELIVER_JOB, deliverMessages, recoverDeliveries, type DeliverJobData } from '../services/messages/delivery';
import type { JobDefinition } from './agenda';

export function deliverMessageJob(app: AppServices, orm: MikroORM): JobDefinition<DeliverJobData> {
  const deps = {
    config: app.config,
    transport: createMailTransport(app.config.mail, orm, app.logger),
    storage: storageFor(app.config),
    logger: app.logger,
    now: () => app.clock.now(),
  };
  return {
    name: DELIVER_JOB,
    // Mostly waiting on the provider: several at once per worker (each delivers its messages one after another).
    concurrency: 10,
    async run(data) {
      await deliverMessages(orm.em.fork(), deps, data);
    },
  };
}

export interface MessageRecoveryLoop {
  stop(): Promise<void>;
}

/**
 * Runs often enough that a retry waits little more than its backoff, and a dead worker's attempt is picked up
 * about a quarter of a job lease after its own lease ran out.
 */
export function startMessageRecovery(app: AppServices, orm: MikroORM): MessageRecoveryLoop {
  const everyMs = Math.max(20, Math.min(app.config.mail.retryBaseMs / 2, (app.config.jobs.leaseSeconds * 1000) / 4));
  let stopped = false;
  let round: Promise<void> = Promise.resolve();
  const recover = async () => {
    try {
      await recoverDeliveries(orm.em.fork(), app.config, app.logger);
    } catch (error) {
      app.logger.warn({ err: error }, 'message delivery recovery failed; retrying');
    }
  };
  const timer = setInterval(() => {
    if (!stopped) round = round.then(recover);
  }, everyMs);
  round = recover();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await round;
    },
  };
}
