// The daily-work job: runs every daily task (services/daily/daily-tasks.ts) on the app clock.
import type { MikroORM } from '@mikro-orm/postgresql';
import { DatabaseClock } from '../clock-database';
import type { AppServices } from '../context';
import { DAILY_TASKS } from '../services/daily/daily-tasks';
import { DAILY_WORK_JOB, runDailyWork } from '../services/daily/daily-work';
import { createJobContext } from './job-context';
import type { JobDefinition } from './agenda';

export function dailyWorkJob(app: AppServices, orm: MikroORM): JobDefinition<Record<string, never>> {
  return {
    name: DAILY_WORK_JOB,
    concurrency: 1,
    async run() {
      // Queued by setTestClock in another process, this job may start before its notification arrived here.
      if (app.clock instanceof DatabaseClock) await app.clock.sync();
      const report = await runDailyWork(() => createJobContext(app, orm), DAILY_TASKS);
      if (report.failed.length > 0) app.logger.warn({ failed: report.failed }, 'daily work done with failures');
    },
  };
}
