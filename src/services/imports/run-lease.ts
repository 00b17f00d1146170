// Who runs an import: an atomic claim, a lease kept alive by a heartbeat, and recovery of runs whose worker died.
import type { EntityManager } from '@mikro-orm/postgresql';
import { ImportStatus } from '../../entities/ImportRun';
import type { Logger } from '../../logger';
import { publishEvent, Topic } from '../events/events';
import { execute } from '../ledger/sql';
import { enqueueJob } from '../outbox/outbox';

export const IMPORT_JOB = 'imports:run';

/** A run this worker holds; `attempt` fences every write, so a worker that lost the lease changes nothing. */
export interface RunClaim {
  runId: string;
  administrationId: string;
  attempt: number;
}

/** Leases are measured on the database's clock, which every process shares (never the app's test clock). */
const leaseFromNow = `now() + make_interval(secs => ?)`;

/**
 * Gives a freshly created run its first lease and enqueues its job, in the caller's transaction: the run and
 * its job commit together or not at all.
 */
export async function queueRun(em: EntityManager, administrationId: string, runId: string, leaseSeconds: number): Promise<void> {
  await execute(em, `update import_runs set lease_until = ${leaseFromNow} where id = ?`, [leaseSeconds, runId]);
  await enqueueJob(em, IMPORT_JOB, { administrationId, runId });
}

/**
 * Takes a QUEUED run. Only one worker gets it: a job delivered twice, or a second worker, finds it no
 * longer QUEUED and does nothing. The counters start over: a crashed attempt's writes were rolled back.
 */
export async function claimRun(em: EntityManager, administrationId: string, runId: string, leaseSeconds: number, now: Date): Promise<RunClaim | null> {
  const [claimed] = await execute<{ attempts: number }>(
    em,
    `update import_runs set status = 'RUNNING', attempts = attempts + 1, lease_until = ${leaseFromNow},
            started_at = coalesce(started_at, ?::timestamptz), rows_read = 0, invoices_created = 0, invoices_updated = 0,
            invoices_closed = 0, debtors_created = 0, debtors_updated = 0, errors = '[]'::jsonb
      where id = ? and administration_id = ? and status = 'QUEUED'
      returning attempts`,
    [leaseSeconds, now.toISOString(), runId, administrationId],
  );
  return claimed ? { runId, administrationId, attempt: claimed.attempts } : null;
}

/** Renews the lease; false when it was lost (recovered after a stall), and the holder must stop. */
export async function renewLease(em: EntityManager, claim: RunClaim, leaseSeconds: number): Promise<boolean> {
  const rows = await execute(em, `update import_runs set lease_until = ${leaseFromNow} where id = ? and attempts = ? and status = 'RUNNING' returning id`, [
    leaseSeconds,
    claim.runId,
    claim.attempt,
  ]);
  return rows.length > 0;
}

export class LeaseLostError extends Error {
  constructor() {
    super('The import was taken over by another worker after this one stalled');
  }
}

/**
 * Inside the import's transaction, just before it commits: locks the run row and checks the claim still holds,
 * so a stalled worker whose run was recovered cannot commit a second copy of the import.
 */
export async function assertStillHeld(tx: EntityManager, claim: RunClaim): Promise<void> {
  const rows = await execute(tx, `select id from import_runs where id = ? and attempts = ? and status = 'RUNNING' for update`, [claim.runId, claim.attempt]);
  if (rows.length === 0) throw new LeaseLostError();
}

/** Two attempts of one run never write at the same time: the second waits for the first transaction to end. */
export async function lockRunForImport(tx: EntityManager, claim: RunClaim): Promise<void> {
  await execute(tx, `select pg_advisory_xact_lock(hashtextextended('import-run:' || ?, 0))`, [claim.runId]);
}

export interface Recovered {
  requeued: number;
  /** Storage keys of the inputs of the runs ended FAILED, to remove once committed. */
  failedSources: string[];
}

// Runs whose lease ran out: their worker died or hung. QUEUED ones get their job again (Agenda lost it, or
// every worker was busy: a second job is harmless); RUNNING ones are re-queued, or ended FAILED once they have
// used up their attempts. SKIP LOCKED passes over a run whose import is committing right now.
const RECOVER = `
with expired as (
  select id, administration_id, status, attempts from import_runs
   where status in ('QUEUED', 'RUNNING') and coalesce(lease_until, '-infinity') < now()
   order by lease_until nulls first limit 100
   for update skip locked
), failed as (
  update import_runs r set status = 'FAILED', lease_until = null, finished_at = ?::timestamptz,
         invoices_created = 0, invoices_updated = 0, invoices_closed = 0, debtors_created = 0, debtors_updated = 0,
         errors = jsonb_build_array(jsonb_build_object('row', 0, 'field', null, 'message',
                  'The worker stopped ' || e.attempts || ' times while running this import; nothing was imported'))
    from expired e where r.id = e.id and e.status = 'RUNNING' and e.attempts >= ?
  returning r.id, r.administration_id, 'FAILED' as outcome, r.source_key
), requeued as (
  update import_runs r set status = 'QUEUED', lease_until = ${leaseFromNow}
    from expired e where r.id = e.id and not (e.status = 'RUNNING' and e.attempts >= ?)
  returning r.id, r.administration_id, 'QUEUED' as outcome, null as source_key
)
select * from failed union all select * from requeued`;

/** One recovery round, in one transaction: the re-queued runs' jobs commit with their status. */
export async function recoverExpiredRuns(em: EntityManager, opts: { leaseSeconds: number; maxAttempts: number; now: Date; logger: Logger }): Promise<Recovered> {
  return em.transactional(async (tx) => {
    const rows = await execute<{ id: string; administration_id: string; outcome: ImportStatus; source_key: string | null }>(tx, RECOVER, [
      opts.now.toISOString(),
      opts.maxAttempts,
      opts.leaseSeconds,
      opts.maxAttempts,
    ]);
    for (const row of rows) {
      if (row.outcome === ImportStatus.QUEUED) await enqueueJob(tx, IMPORT_JOB, { administrationId: row.administration_id, runId: row.id });
      await publishEvent(tx, Topic.IMPORT_RUN_UPDATED, row.administration_id, [row.id]);
      opts.logger.warn({ runId: row.id, administrationId: row.administration_id, outcome: row.outcome }, 'import run recovered after its lease expired');
    }
    const failed = rows.filter((r) => r.outcome === ImportStatus.FAILED);
    return { requeued: rows.length - failed.length, failedSources: failed.flatMap((r) => (r.source_key ? [r.source_key] : [])) };
  });
}
