// Reading payment plans (one, or an administration's list) and cancelling one.
import { LockMode } from '@mikro-orm/core';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { PaymentPlan, PaymentPlanStatus } from '../../entities/PaymentPlan';
import { conflict, notFound } from '../../schema/errors';
import { byCreatedAt, listPage, type ListSpec, type Page } from '../lists/list-page';
import { knex } from '../ledger/sql';
import { scopedKey } from '../ledger/loaders';
import { planLoadersFor } from './loaders';
import { reopenCasesOf } from './plan-cases';

const PLAN_LIST: ListSpec<PaymentPlan> = { entity: PaymentPlan, alias: 'p', direction: 'desc', ...byCreatedAt };

/** Newest first. */
export async function listPaymentPlans(ctx: RequestContext, administrationId: string, first?: number | null, after?: string | null): Promise<Page<PaymentPlan>> {
  const em = ctx.em; // plain SQL that names its administration
  return listPage(em, knex(em)('payment_plans as p').where('p.administration_id', administrationId), PLAN_LIST, { first, after });
}

export async function getPaymentPlan(ctx: RequestContext, administrationId: string, id: string): Promise<PaymentPlan | null> {
  return planLoadersFor(ctx).plan.load(scopedKey(administrationId, id));
}

/** An ACTIVE plan ends CANCELLED: its invoices and cases are back in the reminder flow from the next run. */
export async function cancelPaymentPlan(ctx: RequestContext, administrationId: string, id: string): Promise<PaymentPlan> {
  return tenantEm(ctx, administrationId).transactional(async (em) => {
    const found = await em.findOne(PaymentPlan, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!found) throw notFound('Payment plan not found');
    if (found.status !== PaymentPlanStatus.ACTIVE) throw conflict(`The payment plan is ${found.status}; only an ACTIVE plan can be cancelled`);
    found.status = PaymentPlanStatus.CANCELLED;
    found.endedAt = ctx.clock.now();
    await em.flush();
    await reopenCasesOf(em, [found.id]);
    return found;
  });
}
