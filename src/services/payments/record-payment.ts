// The one rule for a payment made here (MANUAL now, ONLINE from the portal): written with its allocations and
// the invoices' open amounts, awaiting the bookkeeping until an import shows it.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Invoice, InvoiceStatus } from '../../entities/Invoice';
import { Payment, PaymentAllocation, type PaymentSource, PaymentStatus } from '../../entities/Payment';
import { badInput, conflict, notFound } from '../../schema/errors';
import { centsToDecimal } from '../../domain/money';
import { raise } from '../events/domain-events';

export interface PaymentMadeHere {
  administrationId: string;
  source: PaymentSource.MANUAL | PaymentSource.ONLINE;
  /** Cents per invoice; every invoice must be open, in one currency, and of one debtor. */
  allocations: { invoiceId: string; amount: bigint }[];
  paidOn: string;
  now: Date;
  method?: string | null;
  providerReference?: string | null;
}

/**
 * Must run inside a transaction (`em` is its manager, tenant-scoped). The invoices are locked, so two payments
 * at once cannot both take the same open amount, and an import cannot interleave with the change.
 */
export async function recordPaymentMadeHere(em: EntityManager, input: PaymentMadeHere): Promise<Payment> {
  const ids = input.allocations.map((a) => a.invoiceId);
  if (ids.length === 0 || new Set(ids).size !== ids.length) throw badInput('Each invoice may be paid once per payment', 'invoiceIds');
  const invoices = await em.find(Invoice, { id: { $in: ids } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } });
  if (invoices.length !== ids.length) throw notFound('Invoice not found');
  const byId = new Map(invoices.map((i) => [i.id, i]));
  const first = invoices[0];
  if (invoices.some((i) => i.currency !== first.currency)) throw badInput('A payment cannot span currencies', 'invoiceIds');
  if (invoices.some((i) => i.debtor.id !== first.debtor.id)) throw badInput('A payment cannot span debtors', 'invoiceIds');
  for (const { invoiceId, amount } of input.allocations) {
    const invoice = byId.get(invoiceId)!;
    if (invoice.status !== InvoiceStatus.OPEN) throw conflict(`The invoice is ${invoice.status}; only an open invoice takes a payment`);
    if (amount <= 0n) throw badInput('amount must be greater than zero', 'amount');
    if (amount > invoice.openAmount) throw badInput(`amount exceeds the open amount of ${centsToDecimal(invoice.openAmount)}`, 'amount');
  }

  const payment = em.create(Payment, {
    administration: input.administrationId,
    debtor: first.debtor,
    amount: input.allocations.reduce((sum, a) => sum + a.amount, 0n),
    currency: first.currency,
    status: PaymentStatus.PAID,
    source: input.source,
    method: input.method ?? null,
    providerReference: input.providerReference ?? null,
    paidOn: input.paidOn,
    paidAt: input.now,
    reconciledAt: null,
    createdAt: input.now,
  });
  for (const { invoiceId, amount } of input.allocations) {
    const invoice = byId.get(invoiceId)!;
    // The bookkeeping does not know this money yet: the allocation waits for an import to show it.
    em.create(PaymentAllocation, { administration: input.administrationId, payment, invoice, amount, awaitingAmount: amount });
    invoice.openAmount -= amount;
    if (invoice.openAmount === 0n) {
      invoice.status = InvoiceStatus.PAID;
      invoice.paidAt = input.now;
    }
    invoice.updatedAt = input.now;
  }
  await em.flush();
  await raise(em, { type: 'PaymentRecorded', administrationId: input.administrationId, paymentIds: [payment.id] });
  return payment;
}
