// Payments: registering a manual payment against an invoice, and listing payments.
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { Payment, PaymentSource, type PaymentStatus } from '../../entities/Payment';
import { badInput } from '../../schema/errors';
import { decimalToCents } from '../../domain/money';
import { isCalendarDate } from '../../domain/dates';
import { recordPaymentMadeHere } from '../payments/record-payment';
import { byCreatedAt, listPage, type ListSpec, type Page } from '../lists/list-page';
import { knex } from './sql';
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

const PAYMENT_LIST: ListSpec<Payment> = { entity: Payment, alias: 'p', direction: 'asc', ...byCreatedAt };

/** Payments in the order they were created. */
export async function listPayments(
  ctx: RequestContext,
  administrationId: string,
  filter: { status?: PaymentStatus | null; source?: PaymentSource | null } | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<Payment>> {
  const em = ctx.em; // plain SQL that names its administration: no tenant-filtered fork needed
  const base = knex(em)('payments as p').where('p.administration_id', administrationId);
  if (filter?.status) base.where('p.status', filter.status);
  if (filter?.source) base.where('p.source', filter.source);
  return listPage(em, base, PAYMENT_LIST, { first, after });
}

/** Loads a payment for a live event, scoped to the subscriber's administration. */
export async function findPayment(ctx: RequestContext, administrationId: string, id: string): Promise<Payment | null> {
  return tenantEm(ctx, administrationId).fork().findOne(Payment, { id });
}
