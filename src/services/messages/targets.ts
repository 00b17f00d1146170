// What a message can be about. Each kind of target says which table its ids live in (for the tenant check)
// and how to load it with its debtor and placeholder values.
import type { RefTables } from '../../auth/tenant-source';
import type { RequestContext } from '../../context';
import type { EntityClass } from '@mikro-orm/core';
import { Case } from '../../entities/Case';
import { Debtor } from '../../entities/Debtor';
import { Invoice } from '../../entities/Invoice';
import { TargetType } from '../../entities/Message';
import { centsToDecimal } from '../../domain/money';
import { notFound } from '../../schema/errors';
import { readRows } from '../lists/read-rows';
import { execute, knex, type Row } from '../ledger/sql';
import { todayOf } from '../ledger/today';
import { balanceOf, costsOwed, loadCaseFacts } from '../cases/case-balance';
import type { PlaceholderValues } from './placeholders';

/** For `@TenantFrom`: the table each kind's ids live in. */
export const TARGET_TABLES: RefTables = {
  kindField: 'type',
  idField: 'id',
  tables: { [TargetType.INVOICE]: 'invoices', [TargetType.DEBTOR]: 'debtors', [TargetType.CASE]: 'cases' },
};

export interface TargetRef {
  type: TargetType;
  id: string;
}

export interface ResolvedTarget {
  type: TargetType;
  id: string;
  debtor: Debtor;
  /** The invoice of a message about an invoice (it goes on the invoice's timeline as well). */
  invoice: Invoice | null;
  /** The placeholder values this target supplies. */
  values: PlaceholderValues;
}

type Loaded = Omit<ResolvedTarget, 'type' | 'id'>;
type TargetLoader = (ctx: RequestContext, administrationId: string, ids: string[]) => Promise<Map<string, Loaded>>;

const debtorValues = (debtor: Debtor): PlaceholderValues => ({ 'debtor.name': debtor.name });

/** Read-only snapshots by plain SQL that names its administration: a bulk send reads a thousand at once. */
async function rowsOf<T extends object>(ctx: RequestContext, entity: EntityClass<T>, table: string, administrationId: string, ids: string[]): Promise<T[]> {
  const em = ctx.em;
  return readRows(em, entity, await execute(em, knex(em)(table).where({ administration_id: administrationId }).whereIn('id', ids)));
}

const LOADERS: Partial<Record<TargetType, TargetLoader>> = {
  async [TargetType.INVOICE](ctx, administrationId, ids) {
    // Each invoice with its debtor in one statement (every send about an invoice reads both); the debtor travels as
    // JSON, which holds its columns (text and timestamps) without loss.
    const em = ctx.em;
    const rows = await execute<Row & { debtor_row: Row }>(
      em,
      `select i.*, to_jsonb(d) as debtor_row from invoices i join debtors d on d.id = i.debtor_id and d.administration_id = i.administration_id
        where i.administration_id = ? and i.id = any(?::uuid[])`,
      [administrationId, `{${ids.join(',')}}`],
    );
    const invoices = readRows(em, Invoice, rows);
    const debtors = new Map(readRows(em, Debtor, rows.map((row) => row.debtor_row)).map((d) => [d.id, d]));
    return new Map(
      invoices.map((invoice) => [
        invoice.id,
        {
          debtor: debtors.get(invoice.debtor.id)!,
          invoice,
          values: {
            ...debtorValues(debtors.get(invoice.debtor.id)!),
            'invoice.number': invoice.number,
            'invoice.openAmount': `${invoice.currency} ${centsToDecimal(invoice.openAmount)}`,
            'invoice.dueDate': invoice.dueDate,
          },
        },
      ]),
    );
  },
  async [TargetType.DEBTOR](ctx, administrationId, ids) {
    const debtors = await rowsOf(ctx, Debtor, 'debtors', administrationId, ids);
    return new Map(debtors.map((debtor) => [debtor.id, { debtor, invoice: null, values: debtorValues(debtor) }]));
  },
  // Its amounts as they stand today: interest accrued to today, costs once they are collected.
  async [TargetType.CASE](ctx, administrationId, ids) {
    const cases = await rowsOf(ctx, Case, 'cases', administrationId, ids);
    const debtors = new Map(
      (await rowsOf(ctx, Debtor, 'debtors', administrationId, [...new Set(cases.map((c) => c.debtor.id))])).map((d) => [d.id, d]),
    );
    const facts = await loadCaseFacts(ctx.em, administrationId, cases.map((c) => c.id));
    const today = await todayOf(ctx, administrationId);
    return new Map(
      cases.map((c) => {
        const debtor = debtors.get(c.debtor.id)!;
        const balance = balanceOf(c, facts.get(c.id)!, today);
        const money = (cents: bigint) => `${c.currency} ${centsToDecimal(cents)}`;
        const costs = costsOwed(c);
        return [
          c.id,
          {
            debtor,
            invoice: null,
            values: {
              ...debtorValues(debtor),
              'case.number': c.number,
              'case.principal': money(c.principal),
              'case.collectionCosts': money(costs),
              'case.interest': money(balance.interest),
              'case.totalDue': money(c.principal + costs + balance.interest),
              'case.outstanding': money(balance.outstanding.total),
            },
          },
        ];
      }),
    );
  },
};

/** Loads every target in one query per kind, in the order given; any that is missing is NOT_FOUND. */
export async function resolveTargets(ctx: RequestContext, administrationId: string, refs: TargetRef[]): Promise<ResolvedTarget[]> {
  const loaded = new Map<TargetType, Map<string, Loaded>>();
  for (const type of new Set(refs.map((ref) => ref.type))) {
    const loader = LOADERS[type];
    if (!loader) throw notFound();
    loaded.set(type, await loader(ctx, administrationId, [...new Set(refs.filter((r) => r.type === type).map((r) => r.id))]));
  }
  return refs.map((ref) => {
    const target = loaded.get(ref.type)?.get(ref.id);
    if (!target) throw notFound();
    return { type: ref.type, id: ref.id, ...target };
  });
}
