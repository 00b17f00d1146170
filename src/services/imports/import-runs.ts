// Reading import runs: the administration's history, newest first, and single runs for live events.
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { ImportRun } from '../../entities/ImportRun';
import { byCreatedAt, listPage, type ListSpec, type Page } from '../lists/list-page';
import { knex } from '../ledger/sql';

// Newest first.
const RUN_LIST: ListSpec<ImportRun> = { entity: ImportRun, alias: 'r', direction: 'desc', ...byCreatedAt };

export async function listImportRuns(
  ctx: RequestContext,
  administrationId: string,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<ImportRun>> {
  const em = ctx.em; // plain SQL that names its administration: no tenant-filtered fork needed
  const base = knex(em)('import_runs as r').where('r.administration_id', administrationId);
  return listPage(em, base, RUN_LIST, { first, after });
}

export async function findImportRun(ctx: RequestContext, administrationId: string, id: string): Promise<ImportRun | null> {
  return tenantEm(ctx, administrationId).fork().findOne(ImportRun, { id });
}
