// Daily work: the clock-driven tasks (daily imports, reminder runs, plan checks) that one job runs in order.
import type { RequestContext } from '../../context';

/** The job that runs every daily task: every minute, and at once after setTestClock moved the clock. */
export const DAILY_WORK_JOB = 'daily:work';

/**
 * One kind of due work. It finds by itself what is due at `ctx.clock.now()` and does it, so running it often
 * costs little. It must be safe to run twice and on two workers at once (claim what it does, e.g. SKIP LOCKED).
 */
export interface DailyTask {
  /** For the log. */
  name: string;
  run(ctx: RequestContext): Promise<void>;
}

export interface DailyWorkReport {
  done: string[];
  failed: string[];
}

/**
 * Runs the tasks in order, each on a fresh context: one that fails is logged and the others still run (a broken
 * import source must not stop the reminders).
 */
export async function runDailyWork(newContext: () => RequestContext, tasks: readonly DailyTask[]): Promise<DailyWorkReport> {
  const report: DailyWorkReport = { done: [], failed: [] };
  for (const task of tasks) {
    const ctx = newContext();
    try {
      await task.run(ctx);
      report.done.push(task.name);
    } catch (error) {
      ctx.logger.error({ err: error, task: task.name }, 'daily task failed; the next ones still run');
      report.failed.push(task.name);
    }
  }
  return report;
}
