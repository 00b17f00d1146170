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
}

/**
 * Bindings: administration, today, administration, then `filter`'s.
 * The remaining steps of the open invoices of the administration that are in the flow: not paid,
 * not on hold, not in a case, not covered by an active plan. A step is remaining when its days are past the days
 * of the step the invoice last reached and it was never sent to it. Its day is the due date plus its days, except
 * that a private debtor's case waits for the day after the 14-day letter's term (a letter sent on day D gives until
 * D + 15; a letter still to be sent goes no earlier than today).
 * `filter` narrows the invoices (SQL over `i`).
 */
export function remainingStepsSql(filter: string): string {
  // The flow's steps, each with the days of the latest 14-day letter before it (for a private debtor's case).
  return `
    -- Every join and probe names the administration as well, so the planner stays inside its rows (a hash join over
    -- every debtor or case of every administration would make each run slower as the database grows).
    with flow as (
      select s.*, (select max(ls.days_after_due) from reminder_steps ls
                    where ls.administration_id = s.administration_id and ls.action = 'FOURTEEN_DAY_LETTER'
                      and ls.applies_to in ('ALL', 'PRIVATE') and ls.days_after_due < s.days_after_due) as letter_days
        from reminder_steps s where s.administration_id = ?
    )
    select i.id as invoice_id, i.debtor_id, s.id as step_id, s.key, s.action::text as action, s.days_after_due, s.position,
           (case when s.action = 'OPEN_CASE' and d.type = 'PRIVATE'
                 then greatest(i.due_date + s.days_after_due,
                               case when i.letter_deadline is not null then i.letter_deadline + 1
                                    else greatest(i.due_date + s.letter_days, ?::date) + 16 end)
                 else i.due_date + s.days_after_due end)::text as planned_on
      from invoices i
      join debtors d on d.id = i.debtor_id and d.administration_id = i.administration_id
      join flow s on s.applies_to = 'ALL' or s.applies_to::text = d.type::text
     where i.administration_id = ? and i.status = 'OPEN' and i.open_amount > 0 and not i.on_hold
       and (i.case_id is null or not exists (select 1 from cases c where c.id = i.case_id and c.administration_id = i.administration_id and c.status <> 'CLOSED'))
       and not ${IN_ACTIVE_PLAN_SQL}
       and (i.reminder_step_days is null or s.days_after_due > i.reminder_step_days)
       and not exists (select 1 from reminder_sends r where r.invoice_id = i.id and r.step_key = s.key)
       and not (s.action = 'OPEN_CASE' and d.type = 'PRIVATE' and i.letter_deadline is null and s.letter_days is null)
       and ${filter}`;
}

/** Per invoice the latest step whose day has come (earlier ones it skips): what a run sends. Bindings: administration, today, administration, today. */
export const DUE_STEPS_SQL = `
  select distinct on (x.invoice_id) x.* from (${remainingStepsSql('true')}) x
   where x.planned_on::date <= ?::date
   order by x.invoice_id, x.days_after_due desc, x.position desc`;
