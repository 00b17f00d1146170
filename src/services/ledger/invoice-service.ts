// Invoices: listing with filters, reading, putting on hold.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { Invoice, InvoiceStatus } from '../../entities/Invoice';
import { isUuid } from '../../auth/tenant-source';
import { badInput, notFound } from '../../schema/errors';
import type { AttentionReason } from '../../domain/attention';
import { listPage, validDateAndId, type ListSpec, type Page } from '../lists/list-page';
import { FIXED_PHASE_KEYS, wherePhase, whereInvoiceAttention } from './phases';
import { execute, knex, likePattern } from './sql';
import { todayOf } from './today';

export interface InvoiceFilterInput {
  status?: InvoiceStatus | null;
  phase?: string | null;
  attention?: boolean | null;
  attentionReason?: AttentionReason | null;
  debtorId?: string | null;
  overdue?: boolean | null;
  search?: string | null;
}

const INVOICE_LIST: ListSpec<Invoice> = {
  entity: Invoice,
  alias: 'i',
  columns: ['due_date', 'id'],
  direction: 'asc',
  keyOf: (invoice) => [invoice.dueDate, invoice.id],
  valid: validDateAndId,
};

/** Invoices of an administration by due date, then id; every filter narrows the same query. */
/** A key of the flow's steps, or one an invoice reached under an earlier flow. */
async function isStepPhase(em: EntityManager, administrationId: string, key: string): Promise<boolean> {
  const rows = await execute(
    em,
    `select 1 from reminder_steps where administration_id = ? and key = ?
     union all select 1 from invoices where administration_id = ? and reminder_step_key = ? limit 1`,
    [administrationId, key, administrationId, key],
  );
  return rows.length > 0;
}

export async function listInvoices(
  ctx: RequestContext,
  administrationId: string,
  filter: InvoiceFilterInput | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<Invoice>> {
  const em = ctx.em; // plain SQL that names its administration: no tenant-filtered fork needed
  const today = await todayOf(ctx, administrationId);
  const base = knex(em)('invoices as i').join('debtors as d', 'd.id', 'i.debtor_id').where('i.administration_id', administrationId);
  const f = filter ?? {};
  if (f.status) base.where('i.status', f.status);
  if (f.phase) {
    if (!FIXED_PHASE_KEYS.has(f.phase) && !(await isStepPhase(em, administrationId, f.phase))) throw badInput(`Unknown phase '${f.phase}'`, 'phase');
    wherePhase(base, f.phase, today);
  }
  if (f.debtorId) {
    if (!isUuid(f.debtorId)) throw badInput('debtorId is not a valid id', 'debtorId');
    base.where('i.debtor_id', f.debtorId);
  }
  if (f.overdue === true) base.where('i.status', InvoiceStatus.OPEN).where('i.due_date', '<', today);
  if (f.overdue === false) base.where((q) => q.whereNot('i.status', InvoiceStatus.OPEN).orWhere('i.due_date', '>=', today));
  if (f.attention === true || f.attentionReason) whereInvoiceAttention(base, f.attentionReason ?? null, today);
  if (f.attention === false) base.whereNot((q) => whereInvoiceAttention(q, null, today));
  const search = f.search?.trim();
  if (search) base.where((q) => q.whereILike('i.number', likePattern(search)).orWhereILike('d.name', likePattern(search)));

  return listPage(em, base, INVOICE_LIST, { first, after });
}

export async function getInvoice(ctx: RequestContext, administrationId: string, id: string): Promise<Invoice> {
  const invoice = await tenantEm(ctx, administrationId).findOne(Invoice, { id });
  if (!invoice) throw notFound('Invoice not found');
  return invoice;
}

/** On hold takes the invoice out of the flow (phase ON_HOLD) and flags it DISPUTED until released. */
export async function setInvoiceOnHold(ctx: RequestContext, administrationId: string, id: string, onHold: boolean): Promise<Invoice> {
  const em = tenantEm(ctx, administrationId);
  const invoice = await em.findOne(Invoice, { id });
  if (!invoice) throw notFound('Invoice not found');
  if (onHold && invoice.status !== InvoiceStatus.OPEN) throw badInput('Only an open invoice can be put on hold', 'onHold');
  invoice.onHold = onHold;
  invoice.updatedAt = ctx.clock.now();
  await em.flush();
  return invoice;
}
