// The SMS delivery job (portal verification codes).
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppServices } from '../context';
import { createSmsTransport } from '../integrations/sms';
import { SEND_SMS_JOB, sendQueuedSms, type SendSmsJobData } from '../services/sms/sms-outbox';
import type { JobDefinition } from './agenda';

export function sendSmsJob(app: AppServices, orm: MikroORM): JobDefinition<SendSmsJobData> {
  const deps = {
    config: app.config,
    transport: createSmsTransport(app.config, app.logger),
    logger: app.logger,
    now: () => app.clock.now(),
    retryDelaysMs: [1000, 4000],
  };
  return {
    name: SEND_SMS_JOB,
    concurrency: 10,
    async run(data) {
      await sendQueuedSms(orm.em.fork(), deps, data);
    },
  };
}
