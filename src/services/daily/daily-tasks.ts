// The registry of daily work: every clock-driven task, in the order the daily-work job runs them.
import { runDueImportSources } from '../imports/import-source-service';
import { checkPaymentPlans } from '../payment-plans/daily-plans';
import { requeueExpiredRuns, startDueDailyRuns } from '../reminders/reminder-runs';
import type { DailyTask } from './daily-work';

/**
 * Add a task here to have it run every minute and right after setTestClock. Due imports come first: they are
 * only started here (each runs as its own job), so the tasks after them do not wait for the bookkeeping.
 */
export const DAILY_TASKS: readonly DailyTask[] = [
  {
    name: 'import sources',
    async run(ctx) {
      const started = await runDueImportSources(ctx);
      if (started > 0) ctx.logger.info({ started }, 'daily imports started');
    },
  },
  {
    // Before the reminder runs: an invoice whose plan is breached today is back in today's run.
    name: 'payment plans',
    async run(ctx) {
      const counts = await checkPaymentPlans(ctx);
      if (counts.completed + counts.breached + counts.overdueNotices + counts.alerts > 0) ctx.logger.info(counts, 'payment plans checked');
    },
  },
  {
    name: 'reminder runs',
    async run(ctx) {
      const requeued = await requeueExpiredRuns(ctx);
      if (requeued > 0) ctx.logger.warn({ requeued }, 'reminder runs whose worker stopped queued again');
      const started = await startDueDailyRuns(ctx);
      if (started > 0) ctx.logger.info({ started }, 'daily reminder runs started');
    },
  },
];
