// Fields of Invoice that are derived or loaded: money, debtor, phase, days overdue, documents, attention.
import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { type Invoice, InvoiceStatus } from '../../entities/Invoice';
import { centsToDecimal } from '../../domain/money';
import { DebtorType_, DocumentType, InvoiceType, MoneyType } from '../../schema/types/ledger';
import { AttentionReason } from '../../domain/attention';
import { loadersFor, scopedKey } from '../../services/ledger/loaders';
import { invoiceAttention, type InvoiceCaseFacts } from '../../services/ledger/phases';
import { reminderLoadersFor } from '../../services/reminders/loaders';
import { daysBetween } from '../../domain/dates';
import { todayOf } from '../../services/ledger/today';
import { notFound } from '../../schema/errors';
import { CaseStatus } from '../../entities/Case';
import { PaymentPlanStatus } from '../../entities/PaymentPlan';
import { planLoadersFor } from '../../services/payment-plans/loaders';

/** The case the invoice is in, through the request's loader (a page of invoices loads their cases at once). */
async function caseFactsOf(ctx: RequestContext, invoice: Invoice): Promise<InvoiceCaseFacts> {
  return invoice.case ? loadersFor(ctx).case.load(scopedKey(invoice.administration.id, invoice.case.id)) : null;
}

/** Its latest plan, or that of its case (not closed), was BREACHED: the JavaScript twin of IN_BREACHED_PLAN_SQL. */
async function planBreachedOf(ctx: RequestContext, invoice: Invoice): Promise<boolean> {
  const administrationId = invoice.administration.id;
  const inCase = invoice.case ? await loadersFor(ctx).case.load(scopedKey(administrationId, invoice.case.id)) : null;
  const planIds = [invoice.paymentPlan?.id, inCase && inCase.status !== CaseStatus.CLOSED ? inCase.paymentPlan?.id : undefined];
  const plans = await Promise.all(planIds.map((id) => (id ? planLoadersFor(ctx).plan.load(scopedKey(administrationId, id)) : null)));
  return plans.some((plan) => plan?.status === PaymentPlanStatus.BREACHED);
}

@Resolver(() => InvoiceType)
export class InvoiceResolver {
  @FieldResolver(() => MoneyType)
  amount(@Root() invoice: Invoice): MoneyType {
    return { amount: centsToDecimal(invoice.amount), currency: invoice.currency };
  }

  @FieldResolver(() => MoneyType)
  openAmount(@Root() invoice: Invoice): MoneyType {
    return { amount: centsToDecimal(invoice.openAmount), currency: invoice.currency };
  }

  @FieldResolver(() => DebtorType_)
  async debtor(@Ctx() ctx: RequestContext, @Root() invoice: Invoice) {
    const debtor = await loadersFor(ctx).debtor.load(scopedKey(invoice.administration.id, invoice.debtor.id));
    if (!debtor) throw notFound('Debtor not found');
    return debtor;
  }

  /** Days past the due date, today in the administration's time zone; 0 when not due or no longer open. */
  @FieldResolver(() => Int)
  async daysOverdue(@Ctx() ctx: RequestContext, @Root() invoice: Invoice): Promise<number> {
    if (invoice.status !== InvoiceStatus.OPEN) return 0;
    return Math.max(0, daysBetween(invoice.dueDate, await todayOf(ctx, invoice.administration.id)));
  }

  @FieldResolver(() => String)
  async phase(@Ctx() ctx: RequestContext, @Root() invoice: Invoice): Promise<string> {
    const phase = await reminderLoadersFor(ctx).phase.load(scopedKey(invoice.administration.id, invoice.id));
    if (!phase) throw notFound('Invoice not found');
    return phase;
  }

  @FieldResolver(() => [AttentionReason])
  async attentionReasons(@Ctx() ctx: RequestContext, @Root() invoice: Invoice): Promise<AttentionReason[]> {
    if (invoice.status !== InvoiceStatus.OPEN) return [];
    const administrationId = invoice.administration.id;
    const [debtor, today, caseFacts, planBreached] = await Promise.all([
      loadersFor(ctx).debtor.load(scopedKey(administrationId, invoice.debtor.id)),
      todayOf(ctx, administrationId),
      caseFactsOf(ctx, invoice),
      planBreachedOf(ctx, invoice),
    ]);
    return invoiceAttention({ ...invoice, caseFacts, planBreached }, debtor ?? { email: null }, today);
  }

  @FieldResolver(() => [DocumentType])
  documents(@Ctx() ctx: RequestContext, @Root() invoice: Invoice) {
    return loadersFor(ctx).invoiceDocuments.load(scopedKey(invoice.administration.id, invoice.id));
  }
}
