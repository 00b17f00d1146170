// Registers every job and the recurring schedule of the worker.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppServices } from '../context';
import { defineJob, type Agenda } from './agenda';
import { PURGE_RATE_LIMITS, purgeRateLimitsJob } from './maintenance';
import { importRunJob } from './imports';
import { dailyWorkJob } from './daily-work';
import { DAILY_WORK_JOB } from '../services/daily/daily-work';
import { deliverMessageJob } from './messages';
import { reminderRunJob } from './reminders';
import { sendSmsJob } from './sms';

export function defineJobs(agenda: Agenda, app: AppServices, orm: MikroORM): void {
  defineJob(agenda, app.logger, purgeRateLimitsJob(app, orm));
  defineJob(agenda, app.logger, importRunJob(app, orm));
  defineJob(agenda, app.logger, dailyWorkJob(app, orm));
  defineJob(agenda, app.logger, deliverMessageJob(app, orm));
  defineJob(agenda, app.logger, reminderRunJob(app, orm));
  defineJob(agenda, app.logger, sendSmsJob(app, orm));
}

const RETIRED_IMPORT_SOURCES_JOB = 'imports:run-due-sources';

/** Recurring jobs; `every` is idempotent, so every worker may call it at start. */
export async function scheduleRecurringJobs(agenda: Agenda): Promise<void> {
  await agenda.every('1 hour', PURGE_RATE_LIMITS, {});
  await agenda.every('1 minute', DAILY_WORK_JOB, {});
  // The daily-work job took over the 5-minute scheduler of import sources; a database made before still has it.
  await agenda.cancel({ name: RETIRED_IMPORT_SOURCES_JOB });
}
