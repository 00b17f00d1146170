// The server's clock at the API: reading it, and moving the test clock forward (TEST_CLOCK=true only).
import type { RequestContext } from '../../context';
import { DatabaseClock, readTestClockOffset, TEST_CLOCK_CHANNEL } from '../../clock-database';
import { badInput, forbidden } from '../../schema/errors';
import { execute } from '../ledger/sql';
import { enqueueJob } from '../outbox/outbox';
import { DAILY_WORK_JOB } from '../daily/daily-work';

/** The server's now: the test clock where one is set. */
export function clockNow(ctx: RequestContext): Date {
  return ctx.clock.now();
}

/**
 * Moves the clock of every process sharing the database to `to`, never backwards, and has the daily work that
 * has come due by then run at once. The offset, its notification and the job commit together.
 */
export async function setTestClock(ctx: RequestContext, to: Date): Promise<Date> {
  if (!ctx.config.testClock) throw forbidden('The test clock is off: it needs a server started with TEST_CLOCK=true (never in production)');
  // Calendar dates are written with four-digit years everywhere.
  if (to.getUTCFullYear() > 9999) throw badInput('now must be before the year 10000', 'now');
  const offsetMs = await ctx.em.fork().transactional(async (em) => {
    // The row is locked while it is read and written, so two settings at once cannot pass each other.
    await execute(em, 'insert into test_clock (id, offset_ms) values (true, 0) on conflict (id) do nothing');
    const current = new Date(Date.now() + (await readTestClockOffset(em, true)));
    if (to < current) {
      throw badInput(`The test clock only moves forward: it is ${current.toISOString()}, after ${to.toISOString()}`, 'now');
    }
    const offset = to.getTime() - Date.now();
    await execute(em, 'update test_clock set offset_ms = ?', [offset]);
    await execute(em, 'select pg_notify(?, ?)', [TEST_CLOCK_CHANNEL, String(offset)]);
    await enqueueJob(em, DAILY_WORK_JOB, {});
    return offset;
  });
  // This process sees it at once; the others on the notification (or their next poll).
  if (ctx.clock instanceof DatabaseClock) ctx.clock.advance(offsetMs);
  return to;
}
