// The daily-import scheduler: every few minutes, runs the import sources whose time has come.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppServices } from '../context';
import { runDueImportSources } from '../services/imports/import-source-service';
import { createJobContext } from './job-context';
import type { JobDefinition } from './agenda';

export const RUN_DUE_IMPORT_SOURCES = 'imports:run-due-sources';

export function runDueImportSourcesJob(app: AppServices, orm: MikroORM): JobDefinition<Record<string, never>> {
  return {
    name: RUN_DUE_IMPORT_SOURCES,
    concurrency: 1,
    async run() {
      const started = await runDueImportSources(createJobContext(app, orm));
      if (started > 0) app.logger.info({ started }, 'daily imports started');
    },
  };
}
