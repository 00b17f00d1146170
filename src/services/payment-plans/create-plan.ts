// createPaymentPlan: the one rule for what a plan may cover, its total and its installments.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { Case, CaseStatus } from '../../entities/Case';
import { Invoice, InvoiceStatus } from '../../entities/Invoice';
import { Installment, PaymentPlan, PaymentPlanStatus, type PlanInterval } from '../../entities/PaymentPlan';
import { PaymentPlanItem } from '../../entities/PaymentPlanItem';
import { isCalendarDate } from '../../domain/dates';
import { planInstallments } from '../../domain/installments';
import { centsToDecimal } from '../../domain/money';
import { badInput, conflict } from '../../schema/errors';
import { balanceOf, loadCaseFacts } from '../cases/case-balance';
import { addDays } from '../../domain/dates';
import { todayOf } from '../ledger/today';
import { execute, knex } from '../ledger/sql';

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

/** What the plan will cover, locked for the rest of the transaction, each with what it adds to the total. */
interface Covered {
  invoices: { invoice: Invoice; amount: bigint }[];
  cases: { case: Case; amount: bigint }[];
}

function checkArguments(input: CreatePlanInput, today: string): void {
  const invoiceIds = input.invoiceIds ?? [];
  const caseIds = input.caseIds ?? [];
  const byItems = invoiceIds.length + caseIds.length > 0;
  if (byItems && input.debtorId) throw badInput('Pick what the plan covers in one way: invoiceIds and/or caseIds, or debtorId', 'debtorId');
  if (!byItems && !input.debtorId) throw badInput('Pick what the plan covers: invoiceIds and/or caseIds, or debtorId', 'invoiceIds');
  if (new Set(invoiceIds).size !== invoiceIds.length) throw badInput('An invoice is listed twice', 'invoiceIds');
  if (new Set(caseIds).size !== caseIds.length) throw badInput('A case is listed twice', 'caseIds');
  if (!Number.isInteger(input.installmentCount) || input.installmentCount < 1 || input.installmentCount > MAX_INSTALLMENTS) {
    throw badInput(`installmentCount must be from 1 to ${MAX_INSTALLMENTS}`, 'installmentCount');
  }
  if (!isCalendarDate(input.firstDueDate)) throw badInput('firstDueDate must be a date (YYYY-MM-DD)', 'firstDueDate');
  if (input.firstDueDate < today) throw badInput(`firstDueDate cannot be before today (${today})`, 'firstDueDate');
  const latest = addDays(today, MAX_FIRST_DUE_DAYS);
  if (input.firstDueDate > latest) throw badInput(`firstDueDate can be at most ${MAX_FIRST_DUE_DAYS} days ahead (${latest})`, 'firstDueDate');
}

/** The invoices the cases of the administration were opened with (Case.invoiceIds). */
async function invoiceIdsOfCases(em: EntityManager, administrationId: string, caseIds: string[]): Promise<string[]> {
  if (caseIds.length === 0) return [];
  const rows = await execute<{ id: string }>(em, knex(em)('cases').select(knex(em).raw('unnest(invoice_ids) as id')).where({ administration_id: administrationId }).whereIn('id', caseIds));
  return rows.map((row) => row.id);
}

/** Fresh options per query: the ORM writes into the options object it is given. */
const lock = () => ({ lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } }) as const;
const caseIdOf = (invoice: Invoice) => invoice.case?.id ?? null;

/**
 * The invoices and cases named, or for debtorId the debtor's open invoices: those outside a case directly, those in a
 * case (not closed) through their case. Locked as a payment locks them (invoices in id order, then their cases), so
 * a plan and a payment, or two plans, at once take turns.
 */
async function lockCovered(em: EntityManager, input: CreatePlanInput, today: string, administrationId: string): Promise<Covered> {
  let invoices: Invoice[];
  let caseIds: string[];
  if (input.debtorId) {
    const open = await em.find(Invoice, { debtor: input.debtorId, status: InvoiceStatus.OPEN, openAmount: { $gt: 0n } }, lock());
    if (open.length === 0) throw conflict('The debtor has no open invoices');
    const inCase = new Set(open.flatMap((i) => caseIdOf(i) ?? []));
    const openCases = new Set(
      inCase.size === 0 ? [] : (await em.find(Case, { id: { $in: [...inCase] }, status: { $ne: CaseStatus.CLOSED } })).map((c) => c.id),
    );
    invoices = open.filter((i) => !openCases.has(caseIdOf(i) ?? ''));
    caseIds = [...openCases];
  } else {
    const ids = input.invoiceIds ?? [];
    caseIds = input.caseIds ?? [];
    // The invoices of the cases too: a payment to one of them changes what the case owes. A case lists its invoices
    // (never changed once written, so read unlocked); those still in it are its own.
    const listed = await invoiceIdsOfCases(em, administrationId, caseIds);
    invoices =
      ids.length + listed.length > 0 ? await em.find(Invoice, { $or: [{ id: { $in: ids } }, { id: { $in: listed }, case: { $in: caseIds } }] }, lock()) : [];
    invoices = invoices.filter((i) => ids.includes(i.id));
  }
  const cases = caseIds.length > 0 ? await em.find(Case, { id: { $in: caseIds } }, lock()) : [];
  // A case owes its outstanding total due today: principal, interest accrued to today and collected costs, less payments.
  const facts = await loadCaseFacts(em, administrationId, cases.map((c) => c.id));
  return {
    invoices: invoices.map((invoice) => ({ invoice, amount: invoice.openAmount })),
    cases: cases.map((c) => ({ case: c, amount: balanceOf(c, facts.get(c.id)!, today).outstanding.total })),
  };
}

async function checkCovered(em: EntityManager, input: CreatePlanInput, covered: Covered): Promise<void> {
  const field = input.debtorId ? 'debtorId' : (input.invoiceIds ?? []).length > 0 ? 'invoiceIds' : 'caseIds';
  const caseIdsOfInvoices = [...new Set(covered.invoices.flatMap(({ invoice }) => caseIdOf(invoice) ?? []))];
  const casesOfInvoices = caseIdsOfInvoices.length > 0 ? await em.find(Case, { id: { $in: caseIdsOfInvoices }, status: { $ne: CaseStatus.CLOSED } }) : [];
  for (const { invoice } of covered.invoices) {
    if (invoice.status !== InvoiceStatus.OPEN || invoice.openAmount <= 0n) {
      throw conflict(`Invoice ${invoice.number} is ${invoice.status === InvoiceStatus.OPEN ? 'paid off' : invoice.status}; a plan covers open invoices only`);
    }
    const inCase = casesOfInvoices.find((c) => c.id === caseIdOf(invoice));
    if (inCase) throw conflict(`Invoice ${invoice.number} is in case ${inCase.number}: a plan covers the case (caseIds), not its invoices`);
  }
  for (const { case: c, amount } of covered.cases) {
    if (c.status === CaseStatus.PAYMENT_PLAN) throw conflict(`Case ${c.number} is already in an active payment plan`);
    if (c.status !== CaseStatus.OPEN) throw conflict(`Case ${c.number} is ${c.status}; a plan covers open cases only`);
    if (amount <= 0n) throw conflict(`Case ${c.number} owes nothing`);
  }
  const all = [
    ...covered.invoices.map(({ invoice }) => ({ debtorId: invoice.debtor.id, currency: invoice.currency })),
    ...covered.cases.map(({ case: c }) => ({ debtorId: c.debtor.id, currency: c.currency })),
  ];
  if (new Set(all.map((x) => x.debtorId)).size > 1) throw badInput('A payment plan covers the invoices and cases of one debtor', field);
  const currencies = [...new Set(all.map((x) => x.currency))].sort();
  if (currencies.length > 1) {
    throw badInput(`A payment plan is in one currency; these are in ${currencies.join(', ')}: pick those of one currency with invoiceIds or caseIds`, field);
  }
  const planIds = [...new Set(covered.invoices.flatMap(({ invoice }) => (invoice.paymentPlan ? [invoice.paymentPlan.id] : [])))];
  if (planIds.length > 0) {
    const active = new Set((await em.find(PaymentPlan, { id: { $in: planIds }, status: PaymentPlanStatus.ACTIVE })).map((p) => p.id));
    const taken = covered.invoices.find(({ invoice }) => invoice.paymentPlan && active.has(invoice.paymentPlan.id));
    if (taken) throw conflict(`Invoice ${taken.invoice.number} is already in an active payment plan`);
  }
}

/**
 * A plan over open invoices and open cases of one debtor in one currency, none of them in an active plan. Its total
 * is the sum of the invoices' open amounts and the cases' outstanding totals, paid in `installmentCount` installments
 * from `firstDueDate`, a week or a month apart. While it is ACTIVE its cases are PAYMENT_PLAN. All or nothing: any
 * refusal leaves no trace.
 */
export async function createPaymentPlan(ctx: RequestContext, administrationId: string, input: CreatePlanInput): Promise<PaymentPlan> {
  const today = await todayOf(ctx, administrationId);
  checkArguments(input, today);
  return tenantEm(ctx, administrationId).transactional(async (em) => {
    const covered = await lockCovered(em, input, today, administrationId);
    await checkCovered(em, input, covered);
    const total = [...covered.invoices, ...covered.cases].reduce((sum, item) => sum + item.amount, 0n);
    if (total < BigInt(input.installmentCount)) {
      throw badInput(`A total of ${centsToDecimal(total)} cannot be split into ${input.installmentCount} installments of at least 0.01`, 'installmentCount');
    }
    const first = covered.invoices[0]?.invoice ?? covered.cases[0].case;
    const now = ctx.clock.now();
    const plan = em.create(PaymentPlan, {
      administration: administrationId,
      debtor: first.debtor,
      currency: first.currency,
      total,
      interval: input.interval,
      createdBy: ctx.userId,
      createdAt: now,
    });
    for (const installment of planInstallments(total, input.installmentCount, input.firstDueDate, input.interval)) {
      em.create(Installment, { administration: administrationId, plan, ...installment });
    }
    for (const { invoice, amount } of covered.invoices) {
      em.create(PaymentPlanItem, { administration: administrationId, plan, invoice, amount });
      invoice.paymentPlan = plan;
      invoice.updatedAt = now;
    }
    for (const { case: c, amount } of covered.cases) {
      em.create(PaymentPlanItem, { administration: administrationId, plan, case: c, amount });
      c.paymentPlan = plan;
      c.status = CaseStatus.PAYMENT_PLAN;
    }
    await em.flush();
    return plan;
  });
}
