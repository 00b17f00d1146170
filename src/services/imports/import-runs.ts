// Reading import runs: the administration's history, newest first, and single runs for live events.
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { ImportRun } from '../../entities/ImportRun';
import { isUuid } from '../../auth/tenant-source';
import { applyKeyset, toPage, type KeysetSpec, type Page } from '../ledger/connection';
import { execute, knex, type Row } from '../ledger/sql';

// Newest first: keyset on (created_at, id) descending.
const RUN_KEYSET: KeysetSpec<ImportRun> = {
  columns: ['r.created_at', 'r.id'],
  keyOf: (run) => [run.createdAt.toISOString(), run.id],
  valid: ([at, id]) => typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && isUuid(id),
};

export async function listImportRuns(
  ctx: RequestContext,
  administrationId: string,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<ImportRun>> {
  const em = tenantEm(ctx, administrationId);
  const base = knex(em)('import_runs as r').where('r.administration_id', administrationId);
  const [{ count }] = await execute<{ count: number }>(em, base.clone().select(knex(em).raw('count(*)::int as count')));
  const pageQuery = base.clone().select('r.*');
  const size = applyKeyset(pageQuery, RUN_KEYSET as KeysetSpec<unknown>, first, after, 'desc');
  const rows = await execute<Row>(em, pageQuery);
  return toPage(rows.map((row) => em.map(ImportRun, row)), size, count, RUN_KEYSET);
}

export async function findImportRun(ctx: RequestContext, administrationId: string, id: string): Promise<ImportRun | null> {
  return tenantEm(ctx, administrationId).fork().findOne(ImportRun, { id });
}
