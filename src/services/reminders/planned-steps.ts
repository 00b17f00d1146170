// Which steps of the flow each invoice has still to reach, and on which day: the one rule behind a run's selection,
// Invoice.nextStep and Debtor.plannedSteps, in set-based SQL.
import { IN_ACTIVE_PLAN_SQL } from '../ledger/phases';

export interface PlannedRow {
  invoice_id: string;
  debtor_id: string;
  step_id: string;
  key: string;
  action: string;
  days_after_due: number;
  position: number;
  planned_on: string;
  /** What a reminder email lists of the invoice and needs of its debtor, read along (a run needs no second read). */
  number: string;
  due_date: string;
  open_amount: string;
  currency: string;
  debtor_name: string;
  debtor_email: string | null;
  portal_link_nonce: string;
}

/**
 * The administration's open invoices in the flow (`candidates`) and its steps (`flow`). Bindings: administration,
 * today, administration, then `filter`'s (SQL over `i` narrowing the invoices).
 * The invoices are read first, by the administration's index, and everything else is joined to them by key: no plan
 * may walk the administration's invoices once per debtor, or hash every debtor or case of every administration
 * (either makes each run slower as the database grows). Facts of other tables are scalar subqueries (phases.ts),
 * which are never hashed. In the flow: not paid, not on hold, not in a case, not covered by an active plan.
 */
function flowCtes(filter: string): string {
  return `
    with params as (select ?::uuid as administration_id, ?::date as today),
    candidates as materialized (
      select i.id, i.debtor_id, i.due_date, i.letter_deadline, i.reminder_step_days, i.number, i.open_amount, i.currency from invoices i
       where i.administration_id = ? and i.status = 'OPEN' and i.open_amount > 0 and not i.on_hold
         and (i.case_id is null or (select c.status = 'CLOSED' from cases c where c.id = i.case_id and c.administration_id = i.administration_id) is true)
         and not ${IN_ACTIVE_PLAN_SQL}
         and ${filter}
    ),
    -- The flow's steps, each with the days of the latest 14-day letter before it (for a private debtor's case),
    -- computed once per step rather than once per debtor and step.
    flow as materialized (
      select s.*, (select max(ls.days_after_due) from reminder_steps ls
                    where ls.administration_id = s.administration_id and ls.action = 'FOURTEEN_DAY_LETTER'
                      and ls.applies_to in ('ALL', 'PRIVATE') and ls.days_after_due < s.days_after_due) as letter_days
        from reminder_steps s where s.administration_id = (select administration_id from params)
    )`;
}

/** The debtor of each candidate invoice `i`, as `d`. */
const DEBTOR_JOIN = `join debtors d on d.id = i.debtor_id and d.administration_id = (select administration_id from params)`;

/**
 * Step `s` applies to invoice `i` of debtor `d`: to the debtor's type, its days past the days of the step the
 * invoice last reached, and for a private debtor's case with a 14-day letter before it.
 */
const APPLIES = `(s.applies_to = 'ALL' or s.applies_to::text = d.type::text)
       and (i.reminder_step_days is null or s.days_after_due > i.reminder_step_days)
       and not (s.action = 'OPEN_CASE' and d.type = 'PRIVATE' and i.letter_deadline is null and s.letter_days is null)`;

/** Step `s` was never sent to invoice `i` (a changed flow can bring back the days of a step it reached). */
const NOT_SENT = `not exists (select 1 from reminder_sends r where r.invoice_id = i.id and r.step_key = s.key)`;

/**
 * The day step `s` comes for invoice `i`: the due date plus its days, except that a private debtor's case waits for
 * the day after the 14-day letter's term (a letter sent on day D gives until D + 15; a letter still to be sent goes
 * no earlier than today).
 */
const PLANNED_ON = `(case when s.action = 'OPEN_CASE' and d.type = 'PRIVATE'
                 then greatest(i.due_date + s.days_after_due,
                               case when i.letter_deadline is not null then i.letter_deadline + 1
                                    else greatest(i.due_date + s.letter_days, (select today from params)) + 16 end)
                 else i.due_date + s.days_after_due end)`;

/** The flow's steps, each with its day for invoice `i` of debtor `d` as `planned_on`. */
const STEPS_WITH_DAY = `(select s.*, ${PLANNED_ON} as planned_on from flow s)`;

/** The columns of a PlannedRow, from `i`, `d` and `s` (which carries `planned_on`). */
const PLANNED_COLUMNS = `i.id as invoice_id, i.debtor_id, s.id as step_id, s.key, s.action::text as action, s.days_after_due, s.position,
           s.planned_on::text as planned_on, i.number, i.due_date::text as due_date, i.open_amount::text as open_amount, i.currency,
           d.name as debtor_name, d.email as debtor_email, d.portal_link_nonce`;

/**
 * Bindings: administration, today, administration, then `filter`'s.
 * Every remaining step of the open invoices in the flow (`filter` narrows the invoices), with its day.
 */
export function remainingStepsSql(filter: string): string {
  return `${flowCtes(filter)}
    select ${PLANNED_COLUMNS}
      from candidates i
      ${DEBTOR_JOIN}
      cross join lateral ${STEPS_WITH_DAY} s
     where ${APPLIES} and ${NOT_SENT}`;
}

/**
 * Per invoice the latest step whose day has come (earlier ones it skips): what a run sends. Bindings: administration,
 * today, administration, today. Each invoice's applicable steps are put latest first, and reminder_sends is asked
 * about them in that order until one was not sent (`offset 0` keeps that question out of the sorted subquery): an
 * invoice costs one look, not one per step, and no (invoice, step) pair of the whole administration is sorted.
 */
export const DUE_STEPS_SQL = `${flowCtes('true')}
    select ${PLANNED_COLUMNS}
      from candidates i
      ${DEBTOR_JOIN}
      cross join lateral (
        select s.* from (
          select s.* from ${STEPS_WITH_DAY} s
           where s.planned_on <= ?::date and ${APPLIES}
           order by s.days_after_due desc, s.position desc
          offset 0) s
         where ${NOT_SENT}
         limit 1
      ) s
     order by i.id`;
