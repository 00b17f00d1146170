// The one rule for a payment made here (MANUAL now, ONLINE from the portal): written with its allocations and
// the invoices' open amounts, awaiting the bookkeeping until an import shows it.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Invoice, InvoiceStatus } from '../../entities/Invoice';
import { OnlinePaymentInvoice } from '../../entities/OnlinePayment';
import { Payment, PaymentAllocation, type PaymentSource, PaymentStatus } from '../../entities/Payment';
import { badInput, conflict, notFound } from '../../schema/errors';
import { centsToDecimal } from '../../domain/money';
import { raise } from '../events/domain-events';
import { executeBulk } from '../ledger/sql';

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

type Allocation = { invoice: Invoice; amount: bigint };

/** Locks the invoices in id order, so two payments at once cannot both take the same open amount. */
function lockInvoices(em: EntityManager, ids: string[]): Promise<Invoice[]> {
  return em.find(Invoice, { id: { $in: ids } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } });
}

/**
 * Writes the allocations of a PAID payment and lowers the invoices' open amounts (each allocation at most the open
 * amount: checked by the callers), then raises PaymentRecorded: cases, payment plans and the live push follow.
 */
async function applyPayment(em: EntityManager, administrationId: string, payment: Payment, allocations: Allocation[], now: Date): Promise<void> {
  for (const { invoice, amount } of allocations) {
    // The bookkeeping does not know this money yet: the allocation waits for an import to show it.
    em.create(PaymentAllocation, { administration: administrationId, payment, invoice, amount, awaitingAmount: amount });
    invoice.openAmount -= amount;
    if (invoice.openAmount === 0n) {
      invoice.status = InvoiceStatus.PAID;
      invoice.paidAt = now;
    }
    invoice.updatedAt = now;
  }
  await em.flush();
  await raise(em, { type: 'PaymentRecorded', administrationId, paymentIds: [payment.id] });
}

/**
 * Must run inside a transaction (`em` is its manager, tenant-scoped). The invoices are locked, so two payments
 * at once cannot both take the same open amount, and an import cannot interleave with the change.
 */
export async function recordPaymentMadeHere(em: EntityManager, input: PaymentMadeHere): Promise<Payment> {
  const ids = input.allocations.map((a) => a.invoiceId);
  if (ids.length === 0 || new Set(ids).size !== ids.length) throw badInput('Each invoice may be paid once per payment', 'invoiceIds');
  const invoices = await lockInvoices(em, ids);
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
  await applyPayment(
    em,
    input.administrationId,
    payment,
    input.allocations.map(({ invoiceId, amount }) => ({ invoice: byId.get(invoiceId)!, amount })),
    input.now,
  );
  return payment;
}

export interface OnlinePaymentPaid {
  administrationId: string;
  paidOn: string;
  now: Date;
  method: string | null;
}

/**
 * An OPEN (or PENDING) ONLINE payment that the provider says is paid becomes PAID, with allocations to the invoices
 * the debtor chose. The money came in whatever happened meanwhile, so nothing is refused: an invoice paid elsewhere
 * in the meantime takes only what is still open on it (never below 0), a paid or cancelled one nothing. What is left
 * over stays on the payment unallocated (its amount is what the debtor paid), for the credit controller to refund or
 * settle in the bookkeeping. `payment` must be locked by the caller, in the same transaction.
 */
export async function recordOnlinePaymentPaid(em: EntityManager, payment: Payment, input: OnlinePaymentPaid): Promise<Allocation[]> {
  const chosen = await em.find(OnlinePaymentInvoice, { payment: payment.id }, { orderBy: { id: 'asc' } });
  const invoices = await lockInvoices(em, chosen.map((c) => c.invoice.id));
  const byId = new Map(invoices.map((i) => [i.id, i]));
  const allocations: Allocation[] = [];
  for (const c of chosen) {
    const invoice = byId.get(c.invoice.id);
    if (!invoice || invoice.status !== InvoiceStatus.OPEN || invoice.openAmount <= 0n) continue;
    const amount = c.amount < invoice.openAmount ? c.amount : invoice.openAmount;
    if (amount > 0n) allocations.push({ invoice, amount });
  }
  payment.status = PaymentStatus.PAID;
  payment.paidOn = input.paidOn;
  payment.paidAt = input.now;
  payment.method = input.method ?? payment.method;
  await applyPayment(em, input.administrationId, payment, allocations, input.now);
  return allocations;
}

/**
 * Applies what the provider refunded of a PAID online payment since the last time (`refunded` is its running total).
 * The refund first takes back what the payment paid beyond its invoices (an overpayment refunded), then reopens the
 * rest on the invoices through the ledger: the debtor has the money back, so the invoice is owed again.
 */
export async function recordOnlinePaymentRefund(em: EntityManager, payment: Payment, refunded: bigint, now: Date): Promise<string[]> {
  const capped = refunded > payment.amount ? payment.amount : refunded;
  if (capped <= payment.refundedAmount) return [];
  const [{ allocated }] = await executeBulk<{ allocated: string }>(em, `select coalesce(sum(amount), 0)::text as allocated from payment_allocations where payment_id = ?::uuid`, [
    payment.id,
  ]);
  const surplus = payment.amount - BigInt(allocated);
  const reopenable = (total: bigint) => (total > surplus ? total - surplus : 0n);
  const reopen = reopenable(capped) - reopenable(payment.refundedAmount);
  payment.refundedAmount = capped;
  if (capped >= payment.amount) payment.status = PaymentStatus.REFUNDED;
  await em.flush();
  if (reopen <= 0n) return [];
  return reopenInvoices(em, payment.id, reopen, now);
}

// A refund takes back, oldest allocation first, what still awaits the bookkeeping; each invoice's open amount is then
// what the bookkeeping says minus what still awaits it (the rule of bookkeeping-payments.ts). Money the bookkeeping
// already shows is the bookkeeping's to reopen: the refund is booked there, and the next import brings it.
const TAKE_BACK = `
with ordered as (
  select pa.id, pa.awaiting_amount,
         coalesce(sum(pa.awaiting_amount) over (order by pa.id rows between unbounded preceding and 1 preceding), 0) as before
    from payment_allocations pa
   where pa.payment_id = ?::uuid and pa.awaiting_amount > 0
)
update payment_allocations pa set awaiting_amount = pa.awaiting_amount - least(o.awaiting_amount, greatest(?::bigint - o.before, 0))
  from ordered o
 where pa.id = o.id and least(o.awaiting_amount, greatest(?::bigint - o.before, 0)) > 0
returning pa.invoice_id`;

const RESET_OPEN = `
with next as (
  select i.id, case when i.bookkeeping_open_amount <= 0 then i.bookkeeping_open_amount
                    else greatest(i.bookkeeping_open_amount - coalesce(w.awaiting, 0), 0) end as open
    from invoices i
    left join (select invoice_id, sum(awaiting_amount) as awaiting from payment_allocations
                where invoice_id = any(?::uuid[]) and awaiting_amount > 0 group by invoice_id) w on w.invoice_id = i.id
   where i.id = any(?::uuid[]) and i.status <> 'CANCELLED'
)
update invoices i set open_amount = n.open, status = (case when n.open = 0 then 'PAID' else 'OPEN' end)::invoice_status,
       paid_at = case when n.open = 0 then i.paid_at else null end, updated_at = ?::timestamptz
  from next n where i.id = n.id`;

async function reopenInvoices(em: EntityManager, paymentId: string, amount: bigint, now: Date): Promise<string[]> {
  const taken = await executeBulk<{ invoice_id: string }>(em, TAKE_BACK, [paymentId, amount.toString(), amount.toString()]);
  const invoiceIds = [...new Set(taken.map((t) => t.invoice_id))];
  if (invoiceIds.length === 0) return [];
  const ids = `{${invoiceIds.join(',')}}`;
  await executeBulk(em, RESET_OPEN, [ids, ids, now.toISOString()]);
  return invoiceIds;
}
