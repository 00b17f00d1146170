// The daily work of payment plans: plans settled otherwise complete, breaches past the grace period, then overdue
// notices, then alerts before due dates.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { INSTALLMENT_ALERT, INSTALLMENT_OVERDUE, type PlanEmailTemplate } from '../../domain/payment-plan-emails';
import { pausedSql } from '../reminders/pause';
import { executeBulk } from '../ledger/sql';
import { reopenCasesOf } from './plan-cases';
import { completeDonePlans, SETTLED_SQL } from './settle';
import { writePlanEmails } from './plan-emails';

export interface PlanCheckCounts {
  completed: number;
  breached: number;
  overdueNotices: number;
  alerts: number;
}

/**
 * The administrations whose plans are checked now (binding: now): those past their daily run time (reminderRunTime,
 * the reminders' too) and not paused, each with its own "today" in its time zone and its settings.
 */
const DUE = `
local as (
  select a.id, (?::timestamptz at time zone a.time_zone) as at, s.*
    from administrations a join administration_settings s on s.administration_id = a.id
), due as (
  select s.id as administration_id, s.at::date as today, s.installment_alert_days as alert_days, s.installment_grace_days as grace_days
    from local s
   where s.at::time >= s.reminder_run_time::time and not ${pausedSql('s.at::date')}
)`;

/** An installment not paid in full whose due date is more than the grace days past. */
const OVERDUE_PAST_GRACE = `exists (select 1 from installments ins where ins.plan_id = p.id and ins.paid_amount < ins.amount
                                      and ins.due_date < s.today - s.grace_days)`;

/** Which installments of ACTIVE plans get an email of the kind, over `ins`, `p` and `due s`; `column` records it went. */
const EMAILS: { template: PlanEmailTemplate; column: string; condition: string }[] = [
  {
    template: INSTALLMENT_OVERDUE,
    column: 'overdue_notice_sent_at',
    condition: 'ins.overdue_notice_sent_at is null and ins.paid_amount < ins.amount and ins.due_date < s.today',
  },
  {
    // An installment whose due date passed before its alert went gets the overdue notice instead.
    template: INSTALLMENT_ALERT,
    column: 'alert_sent_at',
    condition: 'ins.alert_sent_at is null and ins.paid_amount < ins.amount and ins.due_date >= s.today and ins.due_date <= s.today + s.alert_days',
  },
];

/**
 * Each claim is two statements in one transaction. The first locks the candidates, skipping rows another worker (or a
 * payment) holds; the second, on a fresh snapshot, re-checks them and writes: a payment that committed meanwhile is
 * seen, and what another worker did is not done again. Two workers at once each do a part, never the same part.
 */
async function claim(em: EntityManager, lockSql: string, writeSql: string, now: string, extra: unknown[]): Promise<{ id: string }[]> {
  const locked = await executeBulk<{ id: string }>(em, lockSql, [now]);
  if (locked.length === 0) return [];
  return executeBulk<{ id: string }>(em, writeSql, [now, ...extra, `{${locked.map((r) => r.id).join(',')}}`]);
}

/** ACTIVE plans whose invoices and cases were all settled without paying the installments (a case's costs waived). */
async function completeSettledPlans(ctx: RequestContext, now: string): Promise<number> {
  return ctx.em.fork().transactional(async (em) => {
    const locked = await executeBulk<{ id: string }>(
      em,
      `with ${DUE} select p.id from payment_plans p join due s on s.administration_id = p.administration_id
        where p.status = 'ACTIVE' and ${SETTLED_SQL} order by p.id for update of p skip locked`,
      [now],
    );
    return (await completeDonePlans(em, locked.map((r) => r.id), new Date(now))).length;
  });
}

/** ACTIVE plans with an installment overdue past the grace days: BREACHED, their cases back in collection. */
async function breachPlans(ctx: RequestContext, now: string): Promise<number> {
  return ctx.em.fork().transactional(async (em) => {
    const breached = await claim(
      em,
      `with ${DUE} select p.id from payment_plans p join due s on s.administration_id = p.administration_id
        where p.status = 'ACTIVE' and ${OVERDUE_PAST_GRACE} order by p.id for update of p skip locked`,
      `with ${DUE} update payment_plans p set status = 'BREACHED', ended_at = ?::timestamptz from due s
        where s.administration_id = p.administration_id and p.id = any(?::uuid[]) and p.status = 'ACTIVE' and ${OVERDUE_PAST_GRACE}
       returning p.id`,
      now,
      [now],
    );
    await reopenCasesOf(
      em,
      breached.map((r) => r.id),
    );
    return breached.length;
  });
}

async function sendEmails(ctx: RequestContext, now: string, kind: (typeof EMAILS)[number]): Promise<number> {
  return ctx.em.fork().transactional(async (em) => {
    const claimed = await claim(
      em,
      `with ${DUE} select ins.id from installments ins
         join payment_plans p on p.id = ins.plan_id and p.status = 'ACTIVE'
         join due s on s.administration_id = ins.administration_id
        where ${kind.condition} order by ins.id for update of ins skip locked`,
      `with ${DUE} update installments ins set ${kind.column} = ?::timestamptz from payment_plans p, due s
        where p.id = ins.plan_id and p.status = 'ACTIVE' and s.administration_id = ins.administration_id
          and ins.id = any(?::uuid[]) and ${kind.condition}
       returning ins.id`,
      now,
      [now],
    );
    return writePlanEmails(
      ctx,
      em,
      kind.template,
      claimed.map((r) => r.id),
    );
  });
}

/** The "payment plans" daily task: safe to run often, twice, and on two workers at once. */
export async function checkPaymentPlans(ctx: RequestContext): Promise<PlanCheckCounts> {
  const now = ctx.clock.now().toISOString();
  // Breaches first: a plan that ends today sends no more plan emails, and today's reminder run (the next daily task)
  // already finds its invoices back in the flow.
  const completed = await completeSettledPlans(ctx, now);
  const breached = await breachPlans(ctx, now);
  const [overdueNotices, alerts] = [await sendEmails(ctx, now, EMAILS[0]), await sendEmails(ctx, now, EMAILS[1])];
  return { completed, breached, overdueNotices, alerts };
}
