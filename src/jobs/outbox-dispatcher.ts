// The thin dispatcher of the transactional outbox: hands committed outbox rows to Agenda, in the worker.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import { execute } from '../services/ledger/sql';
import type { Agenda } from './agenda';

const BATCH = 100;

// Claimed rows are deleted in the same transaction that hands them over: a crash before the commit leaves
// them for the next round (a job may then reach Agenda twice, which every job tolerates: see the atomic claim
// of import runs), and SKIP LOCKED lets several workers dispatch side by side without waiting on each other.
const CLAIM = `
with claimed as (select id from job_outbox order by id limit ${BATCH} for update skip locked)
delete from job_outbox o using claimed where o.id = claimed.id
returning o.id, o.job, o.data`;

export interface Dispatcher {
  /** One round: returns how many jobs were handed over. */
  dispatch(): Promise<number>;
  stop(): Promise<void>;
}

export function startOutboxDispatcher(orm: MikroORM, agenda: Agenda, logger: Logger, pollMs: number): Dispatcher {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let round: Promise<unknown> = Promise.resolve();

  const dispatch = () =>
    orm.em.fork().transactional(async (em) => {
      const rows = await execute<{ id: string; job: string; data: Record<string, unknown> }>(em, CLAIM);
      for (const row of rows.sort((a, b) => Number(a.id) - Number(b.id))) await agenda.now(row.job, row.data);
      return rows.length;
    });

  const loop = async () => {
    if (stopped) return;
    let handed = 0;
    try {
      handed = await dispatch();
    } catch (error) {
      logger.warn({ err: error }, 'outbox dispatch failed; retrying');
    }
    if (stopped) return;
    // A full batch means more are waiting: go on at once.
    timer = setTimeout(() => (round = loop()), handed === BATCH ? 0 : pollMs);
  };
  round = loop();

  return {
    dispatch,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await round.catch(() => undefined);
    },
  };
}
