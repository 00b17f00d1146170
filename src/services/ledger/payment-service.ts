// Payments: registering a manual payment against an invoice, and listing payments.
import { LockMode } from '@mikro-orm/core';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { Invoice, InvoiceStatus } from '../../entities/Invoice';
import { Payment, PaymentAllocation, PaymentSource, PaymentStatus } from '../../entities/Payment';
import { isUuid } from '../../auth/tenant-source';
import { badInput, conflict, notFound } from '../../schema/errors';
import { centsToDecimal, decimalToCents } from '../../schema/money';
import { isCalendarDate } from '../../schema/scalars';
import { publishEvent, Topic } from '../events/events';
import { applyKeyset, toPage, type KeysetSpec, type Page } from './connection';
import { execute, knex, type Row } from './sql';
import { todayOf } from './today';

/**
 * A MANUAL payment settles (part of) one invoice: the open amount drops by the amount,
 * and an invoice with nothing left open is PAID. The invoice row is locked, so two
 * payments at once cannot both take the same open amount.
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
  return tenantEm(ctx, administrationId).transactional(async (em) => {
    const invoice = await em.findOne(Invoice, { id: invoiceId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!invoice) throw notFound('Invoice not found');
    if (invoice.status !== InvoiceStatus.OPEN) throw conflict(`The invoice is ${invoice.status}; only an open invoice takes a payment`);
    if (cents > invoice.openAmount) {
      throw badInput(`amount exceeds the open amount of ${centsToDecimal(invoice.openAmount)}`, 'amount');
    }
    const now = ctx.clock.now();
    const payment = em.create(Payment, {
      administration: administrationId,
      debtor: invoice.debtor,
      amount: cents,
      currency: invoice.currency,
      status: PaymentStatus.PAID,
      source: PaymentSource.MANUAL,
      paidOn: paidOn ?? today,
      paidAt: now,
      createdAt: now,
    });
    em.create(PaymentAllocation, { administration: administrationId, payment, invoice, amount: cents });
    invoice.openAmount -= cents;
    if (invoice.openAmount === 0n) invoice.status = InvoiceStatus.PAID;
    invoice.updatedAt = now;
    await em.flush();
    await publishEvent(em, Topic.PAYMENT_UPDATED, administrationId, [payment.id]);
    return payment;
  });
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
