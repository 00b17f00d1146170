// Ending ACTIVE plans that are done: paid in full, or everything they cover settled some other way.
import type { EntityManager } from '@mikro-orm/postgresql';
import { executeBulk } from '../ledger/sql';
import { reopenCasesOf } from './plan-cases';

/**
 * Over plan `p`: nothing it covers is owed any more (its invoices are no longer OPEN, its cases CLOSED). A case's
 * costs and interest cannot be paid through the ledger (a payment stops at an invoice's open amount), so a case that
 * closes (its costs waived, say) completes its plan even though the installments were not all paid.
 */
export const SETTLED_SQL = `not exists (
  select 1 from payment_plan_items it
    left join invoices si on si.id = it.invoice_id
    left join cases sc on sc.id = it.case_id
   where it.plan_id = p.id and (si.status = 'OPEN' or sc.status <> 'CLOSED'))`;

const COMPLETE = `
update payment_plans p set status = 'COMPLETED', ended_at = ?::timestamptz
 where p.id = any(?::uuid[]) and p.status = 'ACTIVE' and (p.paid >= p.total or ${SETTLED_SQL})
returning p.id`;

/**
 * In the caller's transaction, which holds the plans' locks: completes those of `planIds` that are done, at `at`. Their
 * cases that still owe something (interest that ran during the plan) are back in collection.
 */
export async function completeDonePlans(em: EntityManager, planIds: string[], at: Date): Promise<string[]> {
  if (planIds.length === 0) return [];
  const completed = (await executeBulk<{ id: string }>(em, COMPLETE, [at.toISOString(), `{${planIds.join(',')}}`])).map((r) => r.id);
  await reopenCasesOf(em, completed);
  return completed;
}
