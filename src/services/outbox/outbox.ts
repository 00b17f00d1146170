// The transactional outbox: a job is enqueued by a row written in the transaction of the change it belongs to.
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute } from '../ledger/sql';

/** Commits or rolls back with the caller's transaction; the dispatcher hands it to the job queue after commit. */
export async function enqueueJob(em: EntityManager, job: string, data: object): Promise<void> {
  await execute(em, 'insert into job_outbox (job, data) values (?, ?::jsonb)', [job, JSON.stringify(data)]);
}

/** Many jobs of one kind in one statement (a bulk send queues up to a thousand). */
export async function enqueueJobs(em: EntityManager, job: string, data: readonly object[]): Promise<void> {
  if (data.length === 0) return;
  await execute(em, 'insert into job_outbox (job, data) select ?, value from jsonb_array_elements(?::jsonb)', [job, JSON.stringify(data)]);
}
