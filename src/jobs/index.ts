// Registers every job and the recurring schedule of the worker.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppServices } from '../context';
import { defineJob, type Agenda } from './agenda';
import { PURGE_RATE_LIMITS, purgeRateLimitsJob } from './maintenance';
import { importRunJob } from './imports';
import { RUN_DUE_IMPORT_SOURCES, runDueImportSourcesJob } from './import-sources';
import { deliverMessageJob } from './messages';

export function defineJobs(agenda: Agenda, app: AppServices, orm: MikroORM): void {
  defineJob(agenda, app.logger, purgeRateLimitsJob(app, orm));
  defineJob(agenda, app.logger, importRunJob(app, orm));
  defineJob(agenda, app.logger, runDueImportSourcesJob(app, orm));
  defineJob(agenda, app.logger, deliverMessageJob(app, orm));
}

/** Recurring jobs; `every` is idempotent, so every worker may call it at start. */
export async function scheduleRecurringJobs(agenda: Agenda): Promise<void> {
  await agenda.every('1 hour', PURGE_RATE_LIMITS, {});
  await agenda.every('5 minutes', RUN_DUE_IMPORT_SOURCES, {});
}
