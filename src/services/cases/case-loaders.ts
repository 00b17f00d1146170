// Per-request loaders of cases (part of the request's loaders): a page of cases, invoices or debtors with their
// cases, invoices and balances costs a fixed number of queries.
import DataLoader from 'dataloader';
import type { RequestContext } from '../../context';
import { Case, CaseStatus, CollectionCostsMode } from '../../entities/Case';
import { Invoice, InvoiceStatus } from '../../entities/Invoice';
import type { CaseBalance } from '../../domain/interest';
import { readRows } from '../lists/read-rows';
import { execute, knex } from '../ledger/sql';
import { todayOf } from '../ledger/today';
import { balanceOf, loadCaseFacts } from './case-balance';

export interface CaseLoaders {
  /** Keys are `${administrationId}:${id}`, like every tenant-owned loader. */
  case: DataLoader<string, Case | null>;
  /** A case's invoices, oldest due date first. */
  caseInvoices: DataLoader<string, Invoice[]>;
  /** A case's balance today: interest accrued, paid and outstanding. */
  caseBalance: DataLoader<string, CaseBalance | null>;
  /** A debtor's cases, newest first. */
  debtorCases: DataLoader<string, Case[]>;
  /** An open invoice of the debtor is in a case whose collection costs wait for collect-or-waive. */
  debtorHasUndecidedCase: DataLoader<string, boolean>;
}

type Scoped = <V>(load: (administrationId: string, ids: string[]) => Promise<Map<string, V>>, fallback: V) => (keys: readonly string[]) => Promise<V[]>;

function grouped<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(keyOf(item), [...(map.get(keyOf(item)) ?? []), item]);
  return map;
}

/** Made with the request's other loaders (services/ledger/loaders.ts), which hands over its per-tenant batching. */
export function createCaseLoaders(ctx: RequestContext, scoped: Scoped): CaseLoaders {
  const loaders: CaseLoaders = {
    case: new DataLoader(
      scoped(async (administrationId, ids) => {
        const em = ctx.em;
        const rows = await execute(em, knex(em)('cases').where({ administration_id: administrationId }).whereIn('id', ids));
        return new Map(readRows(em, Case, rows).map((c) => [c.id, c]));
      }, null),
    ),
    caseInvoices: new DataLoader(
      scoped(async (administrationId, ids) => {
        const em = ctx.em;
        // Through the lists of the cases (Case.invoiceIds): the invoices still in them.
        const rows = await execute(
          em,
          knex(em)('cases as c')
            .join('invoices as i', (on) => on.on(knex(em).raw('i.id = any(c.invoice_ids)')).andOn('i.case_id', 'c.id'))
            .select('i.*')
            .where({ 'c.administration_id': administrationId })
            .whereIn('c.id', ids)
            .orderBy([{ column: 'i.due_date' }, { column: 'i.id' }]),
        );
        return grouped(readRows(em, Invoice, rows), (i) => i.case!.id);
      }, [] as Invoice[]),
    ),
    caseBalance: new DataLoader(
      scoped(async (administrationId, ids) => {
        const [cases, facts, today] = await Promise.all([
          loaders.case.loadMany(ids.map((id) => `${administrationId}:${id}`)),
          loadCaseFacts(ctx.em, administrationId, ids),
          todayOf(ctx, administrationId),
        ]);
        const balances = new Map<string, CaseBalance>();
        for (const c of cases) if (c && !(c instanceof Error)) balances.set(c.id, balanceOf(c, facts.get(c.id)!, today));
        return balances;
      }, null),
    ),
    debtorCases: new DataLoader(
      scoped(async (administrationId, ids) => {
        const em = ctx.em;
        const rows = await execute(
          em,
          knex(em)('cases')
            .where({ administration_id: administrationId })
            .whereIn('debtor_id', ids)
            .orderBy([{ column: 'opened_at', order: 'desc' }, { column: 'id', order: 'desc' }]),
        );
        const cases = readRows(em, Case, rows);
        for (const c of cases) loaders.case.prime(`${administrationId}:${c.id}`, c);
        return grouped(cases, (c) => c.debtor.id);
      }, [] as Case[]),
    ),
    debtorHasUndecidedCase: new DataLoader(
      scoped(async (administrationId, ids) => {
        const em = ctx.em;
        const rows = await execute<{ debtor_id: string }>(
          em,
          knex(em)('invoices as i')
            .distinct('i.debtor_id')
            .join('cases as c', 'c.id', 'i.case_id')
            .where({ 'i.administration_id': administrationId, 'i.status': InvoiceStatus.OPEN, 'c.collection_costs_mode': CollectionCostsMode.UNDECIDED })
            .whereNot('c.status', CaseStatus.CLOSED)
            .whereIn('i.debtor_id', ids),
        );
        return new Map(rows.map((r) => [r.debtor_id, true]));
      }, false),
    ),
  };
  return loaders;
}
