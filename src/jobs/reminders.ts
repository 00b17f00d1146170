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
    // Each run is one transaction per administration; two at once per worker leaves the pool for the rest.
    concurrency: 2,
    async run({ runId }) {
      await executeReminderRun(createJobContext(app, orm), runId);
    },
  };
}
