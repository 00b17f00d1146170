// A case's balance: its invoices' parts of the principal with their interest starts, and the payments toward it,
// read for many cases at once (two statements), then computed by the pure rules of domain/interest.
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Case, CollectionCostsMode, InterestKind } from '../../entities/Case';
import { caseBalance, type CaseBalance, type DatedPayment, type InterestTranche } from '../../domain/interest';
import { executeBulk } from '../ledger/sql';

export interface CaseFacts {
  /** Oldest invoice first (art. 6:43 lid 2 BW): the order its interest and principal are paid in. */
  tranches: InterestTranche[];
  payments: DatedPayment[];
}

/**
 * Each invoice earns interest from its own start: a business debtor's from the day after its due date (art. 6:119a
 * BW), a private debtor's from the day after its 14-day letter's deadline (none without a letter).
 */
const TRANCHES = `
select i.case_id, i.case_principal::text as principal,
       (case when c.interest_kind = ? then i.due_date + 1 else i.letter_deadline + 1 end)::text as start
  from cases c join invoices i on i.id = any(c.invoice_ids) and i.case_id = c.id
 where c.administration_id = ?::uuid and c.id = any(array(select jsonb_array_elements_text(?::jsonb))::uuid[])
 order by i.due_date, i.id`;

const PAYMENTS = `
select cp.case_id, cp.paid_on::text as date, cp.amount::text as amount
  from case_payments cp
 where cp.administration_id = ?::uuid and cp.case_id = any(array(select jsonb_array_elements_text(?::jsonb))::uuid[])`;

export async function loadCaseFacts(em: EntityManager, administrationId: string, caseIds: string[]): Promise<Map<string, CaseFacts>> {
  const facts = new Map<string, CaseFacts>(caseIds.map((id) => [id, { tranches: [], payments: [] }]));
  if (caseIds.length === 0) return facts;
  const ids = JSON.stringify(caseIds);
  const tranches = await executeBulk<{ case_id: string; principal: string | null; start: string | null }>(em, TRANCHES, [
    InterestKind.COMMERCIAL,
    administrationId,
    ids,
  ]);
  const payments = await executeBulk<{ case_id: string; date: string; amount: string }>(em, PAYMENTS, [administrationId, ids]);
  for (const t of tranches) facts.get(t.case_id)?.tranches.push({ start: t.start, principal: BigInt(t.principal ?? 0) });
  for (const p of payments) facts.get(p.case_id)?.payments.push({ date: p.date, amount: BigInt(p.amount) });
  return facts;
}

/** The costs a case is owed: its statutory costs once it collects them, nothing while undecided or waived. */
export const costsOwed = (c: Pick<Case, 'collectionCosts' | 'collectionCostsMode'>): bigint =>
  c.collectionCostsMode === CollectionCostsMode.COLLECT ? c.collectionCosts : 0n;

/** The balance on `to` (interest up to that day, payments to it). */
export function balanceOf(c: Pick<Case, 'interestKind' | 'collectionCosts' | 'collectionCostsMode'>, facts: CaseFacts, to: string): CaseBalance {
  return caseBalance({ kind: c.interestKind, tranches: facts.tranches, costs: costsOwed(c), payments: facts.payments, to });
}
