// Cases under a payment plan: PAYMENT_PLAN while their plan is ACTIVE, OPEN again (back in collection) when it ends unpaid.
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute } from '../ledger/sql';

/** In the caller's transaction: the cases of plans that were breached or cancelled. */
export async function reopenCasesOf(em: EntityManager, planIds: string[]): Promise<void> {
  if (planIds.length === 0) return;
  await execute(em, `update cases set status = 'OPEN' where payment_plan_id = any(?::uuid[]) and status = 'PAYMENT_PLAN'`, [`{${planIds.join(',')}}`]);
}
