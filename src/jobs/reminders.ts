// The reminder run job: one run of one administration (queued by runReminders or the daily task).
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppServices } from '../context';
import { REMINDER_RUN_JOB } from '../services/reminders/reminder-runs';
import { executeReminderRun } from '../services/reminders/run-reminders';
import { createJobContext } from './job-context';
import type { JobDefinition } from './agenda';

export function reminderRunJob(app: AppServices, orm: MikroORM): JobDefinition<{ runId: string }> {
  return {
    name: REMINDER_RUN_JOB,
    // Each run is one transaction of one administration. More than one at once keeps both the database and this
    // process busy (a run alternates between rendering emails here and writing them there); see the setting.
    concurrency: app.config.jobs.reminderRunConcurrency,
    async run({ runId }) {
      await executeReminderRun(createJobContext(app, orm), runId);
    },
  };
}
