// createPaymentPlan: the one rule for what a plan may cover, its total and its installments.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { Invoice, InvoiceStatus } from '../../entities/Invoice';
import { Installment, PaymentPlan, PaymentPlanStatus, type PlanInterval } from '../../entities/PaymentPlan';
import { PaymentPlanItem } from '../../entities/PaymentPlanItem';
import { isCalendarDate } from '../../domain/dates';
import { planInstallments } from '../../domain/installments';
import { centsToDecimal } from '../../domain/money';
import { badInput, conflict } from '../../schema/errors';
import { addDays, todayOf } from '../ledger/today';

/** More would be a plan of over ten years at one a month. */
export const MAX_INSTALLMENTS = 120;
/** How far ahead the first installment may fall. */
export const MAX_FIRST_DUE_DAYS = 365;

export interface CreatePlanInput {
  invoiceIds?: string[] | null;
  caseIds?: string[] | null;
  debtorId?: string | null;
  installmentCount: number;
  firstDueDate: string;
  interval: PlanInterval;
}

/** What the plan will cover, locked for the rest of the transaction. */
interface Covered {
  invoices: Invoice[];
}

function checkArguments(input: CreatePlanInput, today: string): void {
  const invoiceIds = input.invoiceIds ?? [];
  const caseIds = input.caseIds ?? [];
  const byItems = invoiceIds.length + caseIds.length > 0;
  if (byItems && input.debtorId) throw badInput('Pick what the plan covers in one way: invoiceIds and/or caseIds, or debtorId', 'debtorId');
  if (!byItems && !input.debtorId) throw badInput('Pick what the plan covers: invoiceIds and/or caseIds, or debtorId', 'invoiceIds');
  if (new Set(invoiceIds).size !== invoiceIds.length) throw badInput('An invoice is listed twice', 'invoiceIds');
  if (new Set(caseIds).size !== caseIds.length) throw badInput('A case is listed twice', 'caseIds');
  if (caseIds.length > 0) throw badInput('Payment plans over cases are not available yet', 'caseIds');
  if (!Number.isInteger(input.installmentCount) || input.installmentCount < 1 || input.installmentCount > MAX_INSTALLMENTS) {
    throw badInput(`installmentCount must be from 1 to ${MAX_INSTALLMENTS}`, 'installmentCount');
  }
  if (!isCalendarDate(input.firstDueDate)) throw badInput('firstDueDate must be a date (YYYY-MM-DD)', 'firstDueDate');
  if (input.firstDueDate < today) throw badInput(`firstDueDate cannot be before today (${today})`, 'firstDueDate');
  const latest = addDays(today, MAX_FIRST_DUE_DAYS);
  if (input.firstDueDate > latest) throw badInput(`firstDueDate can be at most ${MAX_FIRST_DUE_DAYS} days ahead (${latest})`, 'firstDueDate');
}

/** The invoices named, or the debtor's open ones, locked (in id order, as a payment locks them) against a plan or payment at once. */
async function lockCovered(em: EntityManager, input: CreatePlanInput): Promise<Covered> {
  const lock = { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } } as const;
  if (input.debtorId) {
    const invoices = await em.find(Invoice, { debtor: input.debtorId, status: InvoiceStatus.OPEN, openAmount: { $gt: 0n } }, lock);
    if (invoices.length === 0) throw conflict('The debtor has no open invoices');
    return { invoices };
  }
  const ids = input.invoiceIds ?? [];
  const invoices = ids.length > 0 ? await em.find(Invoice, { id: { $in: ids } }, lock) : [];
  return { invoices };
}

async function checkCovered(em: EntityManager, input: CreatePlanInput, covered: Covered): Promise<void> {
  const { invoices } = covered;
  const field = input.debtorId ? 'debtorId' : 'invoiceIds';
  for (const invoice of invoices) {
    if (invoice.status !== InvoiceStatus.OPEN || invoice.openAmount <= 0n) {
      throw conflict(`Invoice ${invoice.number} is ${invoice.status === InvoiceStatus.OPEN ? 'paid off' : invoice.status}; a plan covers open invoices only`);
    }
  }
  if (new Set(invoices.map((i) => i.debtor.id)).size > 1) throw badInput('A payment plan covers the invoices of one debtor', field);
  const currencies = [...new Set(invoices.map((i) => i.currency))].sort();
  if (currencies.length > 1) {
    throw badInput(`A payment plan is in one currency; these invoices are in ${currencies.join(', ')}: pick those of one currency with invoiceIds`, field);
  }
  const planIds = [...new Set(invoices.flatMap((i) => (i.paymentPlan ? [i.paymentPlan.id] : [])))];
  if (planIds.length > 0) {
    const active = new Set((await em.find(PaymentPlan, { id: { $in: planIds }, status: PaymentPlanStatus.ACTIVE })).map((p) => p.id));
    const taken = invoices.find((i) => i.paymentPlan && active.has(i.paymentPlan.id));
    if (taken) throw conflict(`Invoice ${taken.number} is already in an active payment plan`);
  }
}

/**
 * A plan over open invoices of one debtor in one currency, none of them in an active plan. Its total is the sum of
 * their open amounts, paid in `installmentCount` installments from `firstDueDate`, a week or a month apart. All or
 * nothing: any refusal leaves no trace.
 */
export async function createPaymentPlan(ctx: RequestContext, administrationId: string, input: CreatePlanInput): Promise<PaymentPlan> {
  checkArguments(input, await todayOf(ctx, administrationId));
  return tenantEm(ctx, administrationId).transactional(async (em) => {
    const covered = await lockCovered(em, input);
    await checkCovered(em, input, covered);
    const { invoices } = covered;
    const total = invoices.reduce((sum, i) => sum + i.openAmount, 0n);
    if (total < BigInt(input.installmentCount)) {
      throw badInput(`A total of ${centsToDecimal(total)} cannot be split into ${input.installmentCount} installments of at least 0.01`, 'installmentCount');
    }
    const now = ctx.clock.now();
    const plan = em.create(PaymentPlan, {
      administration: administrationId,
      debtor: invoices[0].debtor,
      currency: invoices[0].currency,
      total,
      interval: input.interval,
      createdBy: ctx.userId,
      createdAt: now,
    });
    for (const installment of planInstallments(total, input.installmentCount, input.firstDueDate, input.interval)) {
      em.create(Installment, { administration: administrationId, plan, ...installment });
    }
    for (const invoice of invoices) {
      em.create(PaymentPlanItem, { administration: administrationId, plan, invoice, amount: invoice.openAmount });
      invoice.paymentPlan = plan;
      invoice.updatedAt = now;
    }
    await em.flush();
    return plan;
  });
}
