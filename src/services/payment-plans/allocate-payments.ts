// The PaymentRecorded subscriber of payment plans: money paid on a covered invoice pays the plan's installments in order.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PaymentRecorded } from '../events/domain-events';
import { executeBulk } from '../ledger/sql';
import { completeDonePlans } from './settle';

/**
 * Per ACTIVE plan, what these payments paid on the invoices it covers (directly, or through a case it covers), and
 * the moment of the last of them. An invoice's or case's payment_plan_id is its latest plan, and only that one can
 * be ACTIVE. Only PAID payments are money that came in.
 */
const PAID_PER_PLAN = `
select pl.id as plan_id, sum(pa.amount)::text as amount, max(coalesce(p.paid_at, p.created_at)) as at
  from payment_allocations pa
  join payments p on p.id = pa.payment_id and p.status = 'PAID'
  join invoices i on i.id = pa.invoice_id
  left join cases c on c.id = i.case_id
  join payment_plans pl on pl.id in (i.payment_plan_id, c.payment_plan_id) and pl.status = 'ACTIVE'
 where pa.administration_id = ?::uuid and pa.payment_id = any(?::uuid[])
 group by pl.id
 order by pl.id`;

// Locked first, in id order, so that two payments of one plan at once take turns and the statement after it (a new
// snapshot in READ COMMITTED) sees what the other one paid.
const LOCK = `select id from payment_plans where id = any(?::uuid[]) and status = 'ACTIVE' order by id for update`;

/**
 * Pays the locked plans' installments oldest first: `before` is what the earlier installments still want, so each
 * takes what is left after them. The plan's paid never exceeds its total (a bookkeeping that raised an invoice after
 * the plan was made can pay more).
 */
const ALLOCATE = `
with pay as (
  select r.plan_id, r.amount, r.at from jsonb_to_recordset(?::jsonb) as r(plan_id uuid, amount bigint, at timestamptz)
), live as (
  select pl.id, pay.amount, pay.at from payment_plans pl join pay on pay.plan_id = pl.id
   where pl.status = 'ACTIVE'
), due as (
  select ins.id, ins.plan_id, ins.amount - ins.paid_amount as wanted,
         coalesce(sum(ins.amount - ins.paid_amount) over (partition by ins.plan_id order by ins.number
                  rows between unbounded preceding and 1 preceding), 0) as before
    from installments ins where ins.plan_id in (select id from live)
), paid_installments as (
  update installments ins set paid_amount = ins.paid_amount + least(due.wanted, greatest(live.amount - due.before, 0))
    from due join live on live.id = due.plan_id
   where ins.id = due.id and least(due.wanted, greatest(live.amount - due.before, 0)) > 0
  returning ins.id
)
update payment_plans pl set paid = least(pl.total, pl.paid + live.amount)
  from live
 where pl.id = live.id
returning pl.id, live.at`;

/**
 * In the raising transaction: a rollback of the payment takes the allocation with it. A plan paid in full, or whose
 * invoices and cases are all settled now (the cases' subscriber ran first), is COMPLETED at the moment of the payment.
 */
export async function allocateToInstallments(em: EntityManager, event: PaymentRecorded): Promise<void> {
  const perPlan = await executeBulk<{ plan_id: string; amount: string; at: Date }>(em, PAID_PER_PLAN, [
    event.administrationId,
    `{${event.paymentIds.join(',')}}`,
  ]);
  if (perPlan.length === 0) return;
  await executeBulk(em, LOCK, [`{${perPlan.map((p) => p.plan_id).join(',')}}`]);
  const paid = await executeBulk<{ id: string; at: Date }>(em, ALLOCATE, [JSON.stringify(perPlan)]);
  for (const { id, at } of paid) await completeDonePlans(em, [id], new Date(at));
}
