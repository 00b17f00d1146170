// Payments: registering a manual payment against an invoice, and listing payments.
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { Payment, PaymentSource, type PaymentStatus } from '../../entities/Payment';
import { isUuid } from '../../auth/tenant-source';
import { badInput } from '../../schema/errors';
import { decimalToCents } from '../../schema/money';
import { isCalendarDate } from '../../schema/scalars';
import { recordPaymentMadeHere } from '../payments/record-payment';
import { applyKeyset, toPage, type KeysetSpec, type Page } from './connection';
import { execute, knex, type Row } from './sql';
import { todayOf } from './today';

/**
 * A MANUAL payment settles (part of) one invoice through the one payment rule (services/payments): it lowers the
 * open amount at once and awaits the bookkeeping until an import shows it.
 */
export async function registerPayment(
  ctx: RequestContext,
  administrationId: string,
  invoiceId: string,
  amount: string,
  paidOn: string | null | undefined,
): Promise<Payment> {
  const cents = decimalToCents(amount);
  if (cents <= 0n) throw badInput('amount must be greater than zero', 'amount');
  const today = await todayOf(ctx, administrationId);
  if (paidOn && (!isCalendarDate(paidOn) || paidOn > today)) throw badInput('paidOn cannot be in the future', 'paidOn');
  return tenantEm(ctx, administrationId).transactional((em) =>
    recordPaymentMadeHere(em, {
      administrationId,
      source: PaymentSource.MANUAL,
      allocations: [{ invoiceId, amount: cents }],
      paidOn: paidOn ?? today,
      now: ctx.clock.now(),
    }),
  );
}

const PAYMENT_KEYSET: KeysetSpec<Payment> = {
  columns: ['p.created_at', 'p.id'],
  keyOf: (payment) => [payment.createdAt.toISOString(), payment.id],
  valid: ([at, id]) => typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && isUuid(id),
};

/** Payments in the order they were created. */
export async function listPayments(
  ctx: RequestContext,
  administrationId: string,
  filter: { status?: PaymentStatus | null; source?: PaymentSource | null } | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<Payment>> {
  const em = tenantEm(ctx, administrationId);
  const base = knex(em)('payments as p').where('p.administration_id', administrationId);
  if (filter?.status) base.where('p.status', filter.status);
  if (filter?.source) base.where('p.source', filter.source);
  const [{ count }] = await execute<{ count: number }>(em, base.clone().select(knex(em).raw('count(*)::int as count')));
  const pageQuery = base.clone().select('p.*');
  const size = applyKeyset(pageQuery, PAYMENT_KEYSET as KeysetSpec<unknown>, first, after);
  const rows = await execute<Row>(em, pageQuery);
  return toPage(rows.map((row) => em.map(Payment, row)), size, count, PAYMENT_KEYSET);
}

/** Loads a payment for a live event, scoped to the subscriber's administration. */
export async function findPayment(ctx: RequestContext, administrationId: string, id: string): Promise<Payment | null> {
  return tenantEm(ctx, administrationId).fork().findOne(Payment, { id });
}
