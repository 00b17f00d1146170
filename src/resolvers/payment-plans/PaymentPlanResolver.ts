// Payment plans: reading one, creating and cancelling, the loaded fields of PaymentPlan, and where plans hang off
// an administration (its list), an invoice and a case (the latest plan of each).
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Role } from '../../entities/Membership';
import type { Case } from '../../entities/Case';
import type { Invoice } from '../../entities/Invoice';
import type { PaymentPlan } from '../../entities/PaymentPlan';
import { TenantFrom } from '../../auth/tenant-source';
import { installmentStatus } from '../../domain/installments';
import { centsToDecimal } from '../../domain/money';
import { notFound } from '../../schema/errors';
import { AdministrationType } from '../../schema/types/administration';
import { CaseType } from '../../schema/types/cases';
import { DebtorType_, InvoiceType, MoneyType } from '../../schema/types/ledger';
import { CreatePaymentPlanInput, InstallmentType, PaymentPlanConnection, PaymentPlanType } from '../../schema/types/payment-plans';
import { loadersFor, scopedKey } from '../../services/ledger/loaders';
import { todayOf } from '../../services/ledger/today';
import { createPaymentPlan } from '../../services/payment-plans/create-plan';
import { planLoadersFor } from '../../services/payment-plans/loaders';
import { cancelPaymentPlan, getPaymentPlan, listPaymentPlans } from '../../services/payment-plans/plans';
import { administrationOf } from '../ledger/owner';

@Resolver(() => PaymentPlanType)
export class PaymentPlanResolver {
  @Authorized(Role.VIEWER)
  @TenantFrom({ path: 'id', table: 'payment_plans' })
  @Query(() => PaymentPlanType, { nullable: true })
  async paymentPlan(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return getPaymentPlan(ctx, await administrationOf(ctx, 'payment_plans', id), id);
  }

  @Authorized(Role.MEMBER)
  @TenantFrom(
    { path: 'input.administrationId' },
    { path: 'input.invoiceIds', table: 'invoices' },
    { path: 'input.caseIds', table: 'cases' },
    { path: 'input.debtorId', table: 'debtors' },
  )
  @Mutation(() => PaymentPlanType, { description: 'A plan over open invoices (and/or cases) of one debtor; MEMBER and up.' })
  createPaymentPlan(@Ctx() ctx: RequestContext, @Arg('input', () => CreatePaymentPlanInput) input: CreatePaymentPlanInput) {
    // The auth checker found every id in this one administration.
    return createPaymentPlan(ctx, input.administrationId, input);
  }

  @Authorized(Role.MEMBER)
  @TenantFrom({ path: 'id', table: 'payment_plans' })
  @Mutation(() => PaymentPlanType, { description: 'Ends an ACTIVE plan; its invoices and cases are back in the reminder flow.' })
  async cancelPaymentPlan(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return cancelPaymentPlan(ctx, await administrationOf(ctx, 'payment_plans', id), id);
  }

  @FieldResolver(() => DebtorType_)
  async debtor(@Ctx() ctx: RequestContext, @Root() plan: PaymentPlan) {
    const debtor = await loadersFor(ctx).debtor.load(scopedKey(plan.administration.id, plan.debtor.id));
    if (!debtor) throw notFound('Debtor not found');
    return debtor;
  }

  @FieldResolver(() => [InvoiceType], { description: 'The invoices it covers (not those of its cases), by due date.' })
  invoices(@Ctx() ctx: RequestContext, @Root() plan: PaymentPlan) {
    return planLoadersFor(ctx).invoices.load(scopedKey(plan.administration.id, plan.id));
  }

  @FieldResolver(() => [CaseType], { description: 'The cases it covers, oldest first.' })
  cases(@Ctx() ctx: RequestContext, @Root() plan: PaymentPlan) {
    return planLoadersFor(ctx).cases.load(scopedKey(plan.administration.id, plan.id));
  }

  @FieldResolver(() => MoneyType, { description: "The invoices' open amounts and the cases' outstanding totals when it was made." })
  total(@Root() plan: PaymentPlan): MoneyType {
    return { amount: centsToDecimal(plan.total), currency: plan.currency };
  }

  @FieldResolver(() => MoneyType)
  paid(@Root() plan: PaymentPlan): MoneyType {
    return { amount: centsToDecimal(plan.paid), currency: plan.currency };
  }

  @FieldResolver(() => [InstallmentType])
  async installments(@Ctx() ctx: RequestContext, @Root() plan: PaymentPlan): Promise<InstallmentType[]> {
    const administrationId = plan.administration.id;
    const [installments, today] = await Promise.all([
      planLoadersFor(ctx).installments.load(scopedKey(administrationId, plan.id)),
      todayOf(ctx, administrationId),
    ]);
    return installments.map((i) => ({
      number: i.number,
      dueDate: i.dueDate,
      amount: { amount: centsToDecimal(i.amount), currency: plan.currency },
      paidAmount: { amount: centsToDecimal(i.paidAmount), currency: plan.currency },
      status: installmentStatus(i, today),
    }));
  }
}

@Resolver(() => AdministrationType)
export class AdministrationPaymentPlansResolver {
  @Authorized(Role.VIEWER)
  @FieldResolver(() => PaymentPlanConnection, { description: 'Newest first.' })
  paymentPlans(
    @Ctx() ctx: RequestContext,
    @Root() administration: AdministrationType,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return listPaymentPlans(ctx, administration.id, first, after);
  }
}

@Resolver(() => InvoiceType)
export class InvoicePaymentPlanResolver {
  @FieldResolver(() => PaymentPlanType, {
    nullable: true,
    description: 'The latest plan that covered it, itself or through its case, whatever its status; null if none.',
  })
  async paymentPlan(@Ctx() ctx: RequestContext, @Root() invoice: Invoice) {
    const administrationId = invoice.administration.id;
    const inCase = invoice.case ? await loadersFor(ctx).case.load(scopedKey(administrationId, invoice.case.id)) : null;
    const plans = await Promise.all(
      [invoice.paymentPlan?.id, inCase?.paymentPlan?.id].map((id) => (id ? planLoadersFor(ctx).plan.load(scopedKey(administrationId, id)) : null)),
    );
    return latest(plans);
  }
}

@Resolver(() => CaseType)
export class CasePaymentPlanResolver {
  @FieldResolver(() => PaymentPlanType, { nullable: true, description: 'The latest plan that covered it, whatever its status; null if none.' })
  paymentPlan(@Ctx() ctx: RequestContext, @Root() c: Case) {
    return c.paymentPlan ? planLoadersFor(ctx).plan.load(scopedKey(c.administration.id, c.paymentPlan.id)) : null;
  }
}

function latest(plans: (PaymentPlan | null)[]): PaymentPlan | null {
  return plans.reduce<PaymentPlan | null>((found, plan) => (plan && (!found || plan.createdAt > found.createdAt) ? plan : found), null);
}
