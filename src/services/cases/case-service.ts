// Cases: reading one, the administration's list (newest first), deciding on the collection costs; the rate table.
import { LockMode } from '@mikro-orm/core';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { Case, CaseStatus, CollectionCostsMode, InterestKind } from '../../entities/Case';
import { addDays } from '../../domain/dates';
import { INTEREST_RATES, type InterestRate } from '../../domain/interest-rates';
import { conflict, notFound } from '../../schema/errors';
import { byCreatedAt, listPage, type ListSpec, type Page } from '../lists/list-page';
import { execute, knex } from '../ledger/sql';
import { readRows } from '../lists/read-rows';
import { todayOf } from '../ledger/today';
import { closeSettledCases } from './close-cases';

export async function getCase(ctx: RequestContext, administrationId: string, id: string): Promise<Case> {
  const found = await tenantEm(ctx, administrationId).findOne(Case, { id });
  if (!found) throw notFound('Case not found');
  return found;
}

const CASE_LIST: ListSpec<Case> = {
  entity: Case,
  alias: 'c',
  columns: ['opened_at', 'id'],
  direction: 'desc',
  keyOf: (c) => [c.openedAt.toISOString(), c.id],
  valid: byCreatedAt.valid,
};

/** The administration's cases, newest first. */
export async function listCases(
  ctx: RequestContext,
  administrationId: string,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<Case>> {
  const em = ctx.em; // plain SQL that names its administration: no tenant-filtered fork needed
  const base = knex(em)('cases as c').where('c.administration_id', administrationId);
  return listPage(em, base, CASE_LIST, { first, after });
}

/**
 * COLLECT or WAIVE the statutory collection costs (they start UNDECIDED). A private debtor owes them only after a
 * 14-day letter's term has run (art. 6:96 lid 6 BW): COLLECT is refused before the day after its deadline, and
 * always for a case without a letter. A closed case stays as it was closed. Waiving may settle a case whose
 * invoices are paid.
 */
export async function setCollectionCosts(ctx: RequestContext, administrationId: string, id: string, mode: CollectionCostsMode): Promise<Case> {
  const today = await todayOf(ctx, administrationId);
  const now = ctx.clock.now();
  return tenantEm(ctx, administrationId).transactional(async (em) => {
    const found = await em.findOne(Case, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!found) throw notFound('Case not found');
    if (found.status === CaseStatus.CLOSED) throw conflict(`Case ${found.number} is closed; its collection costs no longer change`);
    if (mode === CollectionCostsMode.COLLECT && found.interestKind === InterestKind.STATUTORY) {
      if (found.letterDeadline === null) {
        throw conflict(
          `Case ${found.number} has no 14-day letter for all its invoices: a private debtor owes collection costs only after one (art. 6:96 lid 6 BW)`,
        );
      }
      if (today <= found.letterDeadline) {
        throw conflict(
          `The 14-day letter of case ${found.number} gives the debtor until ${found.letterDeadline}; ` +
            `collection costs can be collected from ${addDays(found.letterDeadline, 1)}`,
        );
      }
    }
    if (found.collectionCostsMode === mode) return found;
    found.collectionCostsMode = mode;
    await em.flush();
    if ((await closeSettledCases(em, administrationId, [found.id], now)).length === 0) return found;
    // Closed by SQL just now: the case as it stands (a read-only snapshot, as lists give).
    const [closed] = readRows(em, Case, await execute(em, knex(em)('cases').where({ id: found.id })));
    return closed;
  });
}

/** The dated rate table, per kind oldest first. */
export function interestRates(): readonly InterestRate[] {
  return INTEREST_RATES;
}
