// Closing cases: a case is CLOSED once everything due on it is paid (principal, the interest accrued to the
// payment, and the collection costs it collects), allocated by art. 6:44 BW. Payments reach it through the one
// payment path, whose PaymentRecorded event this subscribes to.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Case, CaseStatus } from '../../entities/Case';
import { PaymentStatus } from '../../entities/Payment';
import type { PaymentRecorded } from '../events/domain-events';
import { readRows } from '../lists/read-rows';
import { executeBulk } from '../ledger/sql';
import { balanceOf, loadCaseFacts } from './case-balance';

// The payment's allocations to invoices that are in a case not closed count toward that case: written once (the
// subscriber may see a payment again), dated by the payment's business date.
const RECORD = `
insert into case_payments (id, administration_id, case_id, payment_id, invoice_id, amount, paid_on, created_at)
select gen_random_uuid(), p.administration_id, i.case_id, p.id, pa.invoice_id, pa.amount,
       coalesce(p.paid_on, (coalesce(p.paid_at, p.created_at) at time zone a.time_zone)::date), p.created_at
  from payments p
  join administrations a on a.id = p.administration_id
  join payment_allocations pa on pa.payment_id = p.id
  join invoices i on i.id = pa.invoice_id
  join cases c on c.id = i.case_id
 where p.administration_id = ?::uuid and p.id = any(array(select jsonb_array_elements_text(?::jsonb))::uuid[])
   and p.status = ? and c.status <> ?
on conflict (payment_id, invoice_id) do nothing
returning case_id, created_at`;

const OPEN_CASES = `select * from cases where administration_id = ?::uuid and id = any(array(select jsonb_array_elements_text(?::jsonb))::uuid[]) and status <> ?`;

const CLOSE = `
update cases set status = 'CLOSED', closed_at = ?::timestamptz
 where administration_id = ?::uuid and id = any(array(select jsonb_array_elements_text(?::jsonb))::uuid[]) and status <> 'CLOSED'`;

/**
 * Closes the cases (of one administration) that owe nothing any more. Owed is judged on the day of a case's last
 * payment: had nothing been owed after it, nothing is owed later either (no principal left, no interest grows),
 * and if something was, interest only adds to it. A case without payments owes its principal.
 */
export async function closeSettledCases(em: EntityManager, administrationId: string, caseIds: string[], now: Date): Promise<string[]> {
  if (caseIds.length === 0) return [];
  const ids = JSON.stringify([...new Set(caseIds)]);
  const cases = readRows(em, Case, await executeBulk(em, OPEN_CASES, [administrationId, ids, CaseStatus.CLOSED]));
  const facts = await loadCaseFacts(em, administrationId, cases.map((c) => c.id));
  const settled = cases.filter((c) => {
    const f = facts.get(c.id)!;
    if (f.payments.length === 0) return false;
    const lastPayment = f.payments.reduce((last, p) => (p.date > last ? p.date : last), f.payments[0].date);
    return balanceOf(c, f, lastPayment).outstanding.total <= 0n;
  });
  if (settled.length > 0) await executeBulk(em, CLOSE, [now.toISOString(), administrationId, JSON.stringify(settled.map((c) => c.id))]);
  return settled.map((c) => c.id);
}

/** Subscriber of PaymentRecorded: records what the payments paid toward cases, then closes those now settled. */
export async function recordCasePayments(em: EntityManager, event: PaymentRecorded): Promise<void> {
  const rows = await executeBulk<{ case_id: string; created_at: Date | string }>(em, RECORD, [
    event.administrationId,
    JSON.stringify(event.paymentIds),
    PaymentStatus.PAID,
    CaseStatus.CLOSED,
  ]);
  if (rows.length === 0) return;
  // Closed at the moment the payment was recorded (the clock the payment path used).
  const at = new Date(Math.max(...rows.map((r) => new Date(r.created_at).getTime())));
  await closeSettledCases(em, event.administrationId, rows.map((r) => r.case_id), at);
}
