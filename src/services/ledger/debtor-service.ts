// Debtors: listing with filters and reading. Their details change only through an import.
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { Debtor } from '../../entities/Debtor';
import type { DebtorType } from '../../entities/Debtor';
import { isUuid } from '../../auth/tenant-source';
import { notFound } from '../../schema/errors';
import type { AttentionReason } from '../../schema/types/ledger';
import { applyKeyset, toPage, type KeysetSpec, type Page } from './connection';
import { whereDebtorAttention } from './phases';
import { execute, knex, likePattern, type Row } from './sql';

export interface DebtorFilterInput {
  attention?: boolean | null;
  attentionReason?: AttentionReason | null;
  type?: DebtorType | null;
  search?: string | null;
}

const DEBTOR_KEYSET: KeysetSpec<Debtor> = {
  columns: ['d.name', 'd.id'],
  keyOf: (debtor) => [debtor.name, debtor.id],
  valid: ([name, id]) => typeof name === 'string' && typeof id === 'string' && isUuid(id),
};

export async function listDebtors(
  ctx: RequestContext,
  administrationId: string,
  filter: DebtorFilterInput | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<Debtor>> {
  const em = tenantEm(ctx, administrationId);
  const k = knex(em);
  const base = k('debtors as d').where('d.administration_id', administrationId);
  const f = filter ?? {};
  if (f.type) base.where('d.type', f.type);
  if (f.attention === true || f.attentionReason) whereDebtorAttention(base, k, f.attentionReason ?? null);
  if (f.attention === false) base.whereNot((q) => whereDebtorAttention(q, k, null));
  const search = f.search?.trim();
  if (search) base.where((q) => q.whereILike('d.name', likePattern(search)).orWhereILike('d.external_id', likePattern(search)));

  const [{ count }] = await execute<{ count: number }>(em, base.clone().select(k.raw('count(*)::int as count')));
  const pageQuery = base.clone().select('d.*');
  const size = applyKeyset(pageQuery, DEBTOR_KEYSET as KeysetSpec<unknown>, first, after);
  const rows = await execute<Row>(em, pageQuery);
  return toPage(rows.map((row) => em.map(Debtor, row)), size, count, DEBTOR_KEYSET);
}

export async function getDebtor(ctx: RequestContext, administrationId: string, id: string): Promise<Debtor> {
  const debtor = await tenantEm(ctx, administrationId).findOne(Debtor, { id });
  if (!debtor) throw notFound('Debtor not found');
  return debtor;
}
