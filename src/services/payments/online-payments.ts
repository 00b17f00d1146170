// Online payments from the customer portal: starting one for the invoices a debtor chose, and following the
// provider's word on it (its webhook) through the one payment path.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { todayIn } from '../../clock';
import type { Config } from '../../config';
import { tenantEm, type RequestContext } from '../../context';
import { Administration } from '../../entities/Administration';
import { Debtor } from '../../entities/Debtor';
import { Invoice, InvoiceStatus } from '../../entities/Invoice';
import { OnlinePaymentInvoice } from '../../entities/OnlinePayment';
import { Payment, PaymentSource, PaymentStatus } from '../../entities/Payment';
import { TENANT_FILTER, newId } from '../../entities/base';
import { isUuid } from '../../auth/tenant-source';
import { paymentProviderFor, paymentWebhookUrl } from '../../integrations/payments';
import { movesForward, paymentStatusOf, PaymentProviderError, type PaymentProvider } from '../../integrations/payments/provider';
import type { Logger } from '../../logger';
import { badInput, conflict, notFound, serviceUnavailable } from '../../schema/errors';
import { requirePortalData } from '../portal/portal-guard';
import { centsToDecimal } from '../../domain/money';
import { publishEvent, Topic } from '../events/events';
import { execute } from '../ledger/sql';
import { portalReturnUrl } from './portal-return';
import { recordOnlinePaymentPaid, recordOnlinePaymentRefund } from './record-payment';

export interface PaymentCheckout {
  payment: Payment;
  checkoutUrl: string;
}

/** Mollie takes a description of at most 255 characters. */
const MAX_DESCRIPTION = 255;

function describe(administrationName: string, numbers: string[]): string {
  const lead = `${administrationName}: ${numbers.length === 1 ? 'invoice' : 'invoices'} `;
  let text = lead + numbers.join(', ');
  for (let shown = numbers.length - 1; text.length > MAX_DESCRIPTION && shown > 0; shown--) {
    text = `${lead}${numbers.slice(0, shown).join(', ')} and ${numbers.length - shown} more`;
  }
  return text.slice(0, MAX_DESCRIPTION);
}

/**
 * An OPEN ONLINE payment of the open amounts of the chosen invoices of the portal's debtor, created at the provider
 * in the same transaction: if the provider refuses or cannot be reached, nothing is written. Any id that is not an
 * invoice of this debtor (malformed, unknown, another debtor's or administration's) is NOT_FOUND.
 */
export async function startOnlinePayment(ctx: RequestContext, invoiceIds: string[]): Promise<PaymentCheckout> {
  // A live session of this debtor, verified where the administration's level asks it before any portal data.
  const { administrationId, debtorId } = await requirePortalData(ctx);
  if (invoiceIds.length === 0) throw badInput('Choose at least one invoice to pay', 'invoiceIds');
  if (new Set(invoiceIds).size !== invoiceIds.length) throw badInput('Each invoice can be chosen once', 'invoiceIds');
  if (!invoiceIds.every(isUuid)) throw notFound('Invoice not found');
  const provider = paymentProviderFor(ctx.config);
  const now = ctx.clock.now();

  return tenantEm(ctx, administrationId).transactional(async (em) => {
    const invoices = await em.find(Invoice, { id: { $in: invoiceIds }, debtor: debtorId }, { orderBy: { dueDate: 'asc', number: 'asc', id: 'asc' } });
    if (invoices.length !== invoiceIds.length) throw notFound('Invoice not found');
    for (const invoice of invoices) {
      if (invoice.status !== InvoiceStatus.OPEN || invoice.openAmount <= 0n) {
        throw conflict(`Invoice ${invoice.number} is ${invoice.status === InvoiceStatus.OPEN ? 'settled' : invoice.status.toLowerCase()}: nothing is left to pay on it`);
      }
    }
    const currency = invoices[0].currency;
    if (invoices.some((i) => i.currency !== currency)) throw badInput('Invoices in different currencies are paid separately', 'invoiceIds');
    const debtor = await em.findOneOrFail(Debtor, { id: debtorId });
    const administration = await em.findOneOrFail(Administration, { id: administrationId });

    const payment = em.create(Payment, {
      id: newId(),
      administration: administrationId,
      debtor,
      amount: invoices.reduce((sum, i) => sum + i.openAmount, 0n),
      currency,
      status: PaymentStatus.OPEN,
      source: PaymentSource.ONLINE,
      createdAt: now,
    });
    for (const invoice of invoices) em.create(OnlinePaymentInvoice, { administration: administrationId, payment, invoice, amount: invoice.openAmount });
    await em.flush();

    let created;
    try {
      created = await provider.createPayment(em, {
        paymentId: payment.id,
        amount: payment.amount,
        currency,
        description: describe(administration.name, invoices.map((i) => i.number)),
        redirectUrl: portalReturnUrl(ctx, debtor),
        webhookUrl: paymentWebhookUrl(ctx.config),
      });
    } catch (error) {
      if (!(error instanceof PaymentProviderError)) throw error;
      ctx.logger.warn({ err: error, administrationId, debtorId, paymentId: payment.id }, 'the payment provider did not create the payment');
      throw serviceUnavailable('The payment could not be started: the payment provider did not accept it. Nothing was charged; please try again later.');
    }
    payment.providerReference = created.id;
    await em.flush();
    await publishEvent(em, Topic.PAYMENT_UPDATED, administrationId, [payment.id]);
    ctx.logger.info({ administrationId, debtorId, paymentId: payment.id, providerReference: created.id, amount: centsToDecimal(payment.amount) }, 'online payment started');
    return { payment, checkoutUrl: created.checkoutUrl };
  });
}

export type WebhookOutcome = 'unknown' | 'unchanged' | 'updated';

export interface PaymentWebhookDeps {
  config: Config;
  logger: Logger;
  now(): Date;
  /** The provider to ask; the process's own by default. */
  provider?: PaymentProvider;
}

/**
 * The provider says "something changed about payment <id>", and nothing more: the post is never trusted. The
 * payment is read from the provider, and our row follows it under a lock, moving only forward: a repeated post, or
 * posts in any order, change nothing twice, and the money of a PAID payment is recorded once.
 */
export async function receivePaymentWebhook(rootEm: EntityManager, deps: PaymentWebhookDeps, providerId: string): Promise<WebhookOutcome> {
  const log = deps.logger.child({ providerReference: providerId });
  const provider = deps.provider ?? paymentProviderFor(deps.config);
  const em = rootEm.fork();
  // Across administrations: the provider's id is all the post carries. Plain SQL, named columns only.
  const [row] = await execute<{ id: string; administration_id: string }>(
    em,
    `select id, administration_id from payments where provider_reference = ? and source = 'ONLINE' limit 1`,
    [providerId],
  );
  if (!row) {
    log.warn('payment webhook for an id we do not know; ignored');
    return 'unknown';
  }
  const remote = await provider.getPayment(em, providerId);
  if (!remote || remote.paymentId !== row.id) {
    log.warn({ paymentId: row.id, providerPaymentId: remote?.paymentId ?? null }, 'the provider does not confirm this payment; ignored');
    return 'unknown';
  }

  em.setFilterParams(TENANT_FILTER, { administrationId: row.administration_id });
  return em.transactional(async (tx) => {
    const payment = await tx.findOneOrFail(Payment, { id: row.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const before = { status: payment.status, refunded: payment.refundedAmount };
    const now = deps.now();
    const target = paymentStatusOf(remote);
    const paidNow = remote.status === 'paid' && payment.status !== PaymentStatus.PAID && payment.status !== PaymentStatus.REFUNDED;
    if (paidNow) {
      if (remote.amount !== payment.amount || remote.currency !== payment.currency) {
        log.error({ paymentId: payment.id, remote: { amount: remote.amount.toString(), currency: remote.currency } }, 'the provider reports another amount than we asked for');
      }
      payment.amount = remote.amount;
      const administration = await tx.findOneOrFail(Administration, { id: row.administration_id });
      const allocations = await recordOnlinePaymentPaid(tx, payment, {
        administrationId: row.administration_id,
        paidOn: todayIn({ now: () => now }, administration.timeZone),
        now,
        method: remote.method,
      });
      const allocated = allocations.reduce((sum, a) => sum + a.amount, 0n);
      if (allocated < payment.amount) {
        log.warn({ paymentId: payment.id, unallocated: centsToDecimal(payment.amount - allocated) }, 'online payment paid more than is still open on its invoices; the rest is left unallocated');
      }
    } else if (target !== PaymentStatus.PAID && target !== PaymentStatus.REFUNDED && movesForward(payment.status, target)) {
      payment.status = target;
      payment.method = remote.method ?? payment.method;
      await tx.flush();
    }
    if (payment.status === PaymentStatus.PAID || payment.status === PaymentStatus.REFUNDED) {
      const reopened = await recordOnlinePaymentRefund(tx, payment, remote.amountRefunded, now);
      if (reopened.length > 0) log.info({ paymentId: payment.id, invoices: reopened }, 'refund reopened the invoices');
    }
    const changed = paidNow || payment.status !== before.status || payment.refundedAmount !== before.refunded;
    // A payment that became PAID was pushed by its PaymentRecorded event; any other change is pushed here.
    if (changed && !(paidNow && payment.status === PaymentStatus.PAID)) await publishEvent(tx, Topic.PAYMENT_UPDATED, row.administration_id, [payment.id]);
    log.info({ paymentId: payment.id, from: before.status, to: payment.status, providerStatus: remote.status, changed }, changed ? 'online payment updated' : 'online payment unchanged');
    return changed ? 'updated' : 'unchanged';
  });
}
