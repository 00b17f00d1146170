// Agenda 6 with its PostgreSQL backend: jobs live in our own database (table agenda_jobs).
import type { Agenda, Job } from 'agenda' with { 'resolution-mode': 'import' };
import { Pool } from 'pg';
import type { Logger } from '../logger';

export type { Agenda, Job };

// Arbitrary constant, next to the migrations' lock id: serialises Agenda's schema set-up across processes.
const AGENDA_SCHEMA_LOCK_ID = 727_002;

export interface JobDefinition<Data> {
  name: string;
  /** Like a resolver: builds its own context and calls one service. */
  run(data: Data, job: Job<Data>): Promise<void>;
  concurrency?: number;
}

/** Agenda with a pool we own: its idle-connection errors are logged (never an unhandled 'error'), and we end it. */
export async function createAgenda(databaseUrl: string, logger: Logger, name: string): Promise<{ agenda: Agenda; close(): Promise<void> }> {
  const pool = new Pool({ connectionString: databaseUrl, max: 5 });
  pool.on('error', (error) => logger.warn({ err: error }, 'agenda database connection lost'));
  // Both packages are ESM-only; a dynamic import loads them from CommonJS.
  const [{ Agenda: AgendaClass }, { PostgresBackend }] = await Promise.all([import('agenda'), import('@agendajs/postgres-backend')]);
  // Agenda creates its tables and indexes itself when it connects; processes starting together
  // would race on them (a duplicate-key error from pg_class), so they take turns.
  const lock = await pool.connect();
  let agenda: Agenda;
  try {
    await lock.query('select pg_advisory_lock($1)', [AGENDA_SCHEMA_LOCK_ID]);
    const backend = new PostgresBackend({ pool });
    // Its LISTEN connection reconnects by itself; unheard, a lost connection would be an unhandled 'error'.
    backend.notificationChannel?.on('error', (error: unknown) => logger.warn({ err: error }, 'agenda notification connection lost'));
    agenda = new AgendaClass({
      backend,
      name,
      processEvery: '2 seconds',
      defaultLockLifetime: 10 * 60_000,
    });
    agenda.on('error', (error: unknown) => logger.error({ err: error }, 'agenda error'));
    agenda.on('fail', (error: unknown, job: Job) => logger.warn({ err: error, job: job.attrs.name }, 'job failed'));
    await agenda.ready;
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [AGENDA_SCHEMA_LOCK_ID]).catch(() => undefined);
    lock.release();
  }
  return {
    agenda,
    async close() {
      await agenda.stop(true);
      await pool.end();
    },
  };
}

export function defineJob<Data>(agenda: Agenda, logger: Logger, definition: JobDefinition<Data>): void {
  agenda.define<Data>(
    definition.name,
    async (job) => {
      const started = Date.now();
      await definition.run(job.attrs.data, job);
      logger.info({ job: definition.name, ms: Date.now() - started }, 'job done');
    },
    { concurrency: definition.concurrency ?? 5 },
  );
}
