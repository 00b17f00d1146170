// Starting reminder runs (daily, or now by an ADMIN) and reading an administration's history of runs.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { ReminderRun } from '../../entities/ReminderRun';
import { byCreatedAt, listPage, type ListSpec, type Page } from '../lists/list-page';
import { execute, knex } from '../ledger/sql';
import { enqueueJob } from '../outbox/outbox';
import { conflict } from '../../schema/errors';
import { todayOf } from '../ledger/today';
import { getSettings } from '../administration/settings-service';
import { readRows } from '../lists/read-rows';
import { isPausedOn, pausedSql } from './pause';

export const REMINDER_RUN_JOB = 'reminders:run';

/** Leases are real time (the database's now), like every job's: the test clock moves business days only. */
export const LEASE_FROM_NOW = `now() + make_interval(secs => ?)`;

async function enqueueRunJobs(em: EntityManager, runIds: string[]): Promise<void> {
  if (runIds.length === 0) return;
  await execute(em, `insert into job_outbox (job, data) select ?, jsonb_build_object('runId', id) from unnest(?::uuid[]) as id`, [
    REMINDER_RUN_JOB,
    `{${runIds.join(',')}}`,
  ]);
}

const RUN_LIST: ListSpec<ReminderRun> = { entity: ReminderRun, alias: 'r', direction: 'desc', ...byCreatedAt };

export async function listReminderRuns(ctx: RequestContext, administrationId: string, first?: number | null, after?: string | null): Promise<Page<ReminderRun>> {
  const em = ctx.em;
  return listPage(em, knex(em)('reminder_runs as r').where('r.administration_id', administrationId), RUN_LIST, { first, after });
}

/** runReminders: a run now, queued for the worker (its status shows in reminderRuns). Refused while paused. */
export async function startReminderRun(ctx: RequestContext, administrationId: string): Promise<ReminderRun> {
  const [settings, today] = await Promise.all([getSettings(ctx, administrationId), todayOf(ctx, administrationId)]);
  if (isPausedOn(settings, today)) {
    throw conflict(settings.pausedUntil ? `Reminders are paused until ${settings.pausedUntil}` : 'Reminders are paused for this administration');
  }
  return tenantEm(ctx, administrationId).transactional(async (em) => {
    const run = em.create(ReminderRun, { administration: administrationId, createdBy: ctx.userId, createdAt: ctx.clock.now() });
    await em.flush();
    await execute(em, `update reminder_runs set lease_until = ${LEASE_FROM_NOW} where id = ?`, [ctx.config.jobs.leaseSeconds, run.id]);
    await enqueueJob(em, REMINDER_RUN_JOB, { runId: run.id });
    return run;
  });
}

/**
 * The daily runs whose time has come: for every administration that is not paused and where it is now past its
 * run time, today's run unless it exists (the unique (administration, day) lets one worker win), each with its job.
 * Set-based: one statement for all administrations. Returns how many runs were started.
 */
export async function startDueDailyRuns(ctx: RequestContext): Promise<number> {
  const now = ctx.clock.now().toISOString();
  return ctx.em.transactional(async (em) => {
    const started = await execute<{ id: string }>(
      em,
      `with local as (
         select a.id, (?::timestamptz at time zone a.time_zone) as at, s.*
           from administrations a join administration_settings s on s.administration_id = a.id
       )
       insert into reminder_runs (id, administration_id, status, daily_on, created_at, lease_until)
       select gen_random_uuid(), s.id, 'QUEUED', s.at::date, ?::timestamptz, ${LEASE_FROM_NOW}
         from local s
        where s.at::time >= s.reminder_run_time::time and not ${pausedSql('s.at::date')}
       on conflict (administration_id, daily_on) do nothing
       returning id`,
      [now, now, ctx.config.jobs.leaseSeconds],
    );
    await enqueueRunJobs(em, started.map((r) => r.id));
    return started.length;
  });
}

/**
 * Runs whose lease ran out unfinished (their worker died, or Agenda lost the job) get their job again, with a new
 * lease. Running one twice is harmless: a run is one transaction, serialised per administration, and a run
 * that finds itself finished does nothing. Returns how many were queued again.
 */
export async function requeueExpiredRuns(ctx: RequestContext): Promise<number> {
  return ctx.em.transactional(async (em) => {
    const expired = await execute<{ id: string }>(
      em,
      `update reminder_runs set lease_until = ${LEASE_FROM_NOW}
        where id in (select id from reminder_runs where status in ('QUEUED', 'RUNNING') and lease_until < now() limit 100 for update skip locked)
        returning id`,
      [ctx.config.jobs.leaseSeconds],
    );
    await enqueueRunJobs(em, expired.map((r) => r.id));
    return expired.length;
  });
}

export async function findReminderRun(ctx: RequestContext, administrationId: string, id: string): Promise<ReminderRun | null> {
  const rows = await execute(ctx.em, 'select * from reminder_runs where administration_id = ? and id = ?', [administrationId, id]);
  return readRows(ctx.em, ReminderRun, rows)[0] ?? null;
}
