// Debtors: listing with filters and reading. Their details change only through an import.
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { Debtor } from '../../entities/Debtor';
import type { DebtorType } from '../../entities/Debtor';
import { isUuid } from '../../auth/tenant-source';
import { notFound } from '../../schema/errors';
import type { AttentionReason } from '../../domain/attention';
import { listPage, type ListSpec, type Page } from '../lists/list-page';
import { whereDebtorAttention } from './phases';
import { todayOf } from './today';
import { knex, likePattern } from './sql';

export interface DebtorFilterInput {
  attention?: boolean | null;
  attentionReason?: AttentionReason | null;
  type?: DebtorType | null;
  search?: string | null;
}

const DEBTOR_LIST: ListSpec<Debtor> = {
  entity: Debtor,
  alias: 'd',
  columns: ['name', 'id'],
  direction: 'asc',
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
  const em = ctx.em; // plain SQL that names its administration: no tenant-filtered fork needed
  const k = knex(em);
  const today = await todayOf(ctx, administrationId);
  const base = k('debtors as d').where('d.administration_id', administrationId);
  const f = filter ?? {};
  if (f.type) base.where('d.type', f.type);
  if (f.attention === true || f.attentionReason) whereDebtorAttention(base, k, f.attentionReason ?? null, today);
  if (f.attention === false) base.whereNot((q) => whereDebtorAttention(q, k, null, today));
  const search = f.search?.trim();
  if (search) base.where((q) => q.whereILike('d.name', likePattern(search)).orWhereILike('d.external_id', likePattern(search)));

  return listPage(em, base, DEBTOR_LIST, { first, after });
}

export async function getDebtor(ctx: RequestContext, administrationId: string, id: string): Promise<Debtor> {
  const debtor = await tenantEm(ctx, administrationId).findOne(Debtor, { id });
  if (!debtor) throw notFound('Debtor not found');
  return debtor;
}
