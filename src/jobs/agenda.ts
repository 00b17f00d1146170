// Agenda 6 with its PostgreSQL backend: jobs live in our own database (table agenda_jobs).
import type { Agenda, Job } from 'agenda' with { 'resolution-mode': 'import' };
import type { Logger } from '../logger';

export type { Agenda, Job };

export interface JobDefinition<Data> {
  name: string;
  /** Like a resolver: builds its own context and calls one service. */
  run(data: Data, job: Job<Data>): Promise<void>;
  concurrency?: number;
}

export async function createAgenda(databaseUrl: string, logger: Logger, name: string): Promise<Agenda> {
  // Both packages are ESM-only; a dynamic import loads them from CommonJS.
  const { Agenda: AgendaClass } = await import('agenda');
  const { PostgresBackend } = await import('@agendajs/postgres-backend');
  const agenda = new AgendaClass({
    backend: new PostgresBackend({ poolConfig: { connectionString: databaseUrl, max: 5 } }),
    name,
    processEvery: '2 seconds',
    defaultLockLifetime: 10 * 60_000,
  });
  agenda.on('error', (error: unknown) => logger.error({ err: error }, 'agenda error'));
  agenda.on('fail', (error: unknown, job: Job) => logger.warn({ err: error, job: job.attrs.name }, 'job failed'));
  await agenda.ready;
  return agenda;
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
