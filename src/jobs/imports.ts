// The import job: runs one queued import run.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppServices } from '../context';
import { IMPORT_JOB } from '../services/imports/run-lease';
import { runImport } from '../services/imports/run-import';
import { createJobContext } from './job-context';
import type { JobDefinition } from './agenda';

export function importRunJob(app: AppServices, orm: MikroORM): JobDefinition<{ administrationId: string; runId: string }> {
  return {
    name: IMPORT_JOB,
    // Each run is one long transaction; two at once per worker keeps the pool free for the rest.
    concurrency: 2,
    async run({ administrationId, runId }, job) {
      await runImport(createJobContext(app, orm), administrationId, runId, () => job.touch());
    },
  };
}
