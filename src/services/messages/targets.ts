// What a message can be about. Each kind of target says which table its ids live in (for the tenant check)
// and how to load it with its debtor and placeholder values; a case becomes one more entry in both.
import type { RefTables } from '../../auth/tenant-source';
import type { RequestContext } from '../../context';
import type { EntityClass } from '@mikro-orm/core';
import { Debtor } from '../../entities/Debtor';
import { Invoice } from '../../entities/Invoice';
import { TargetType } from '../../entities/Message';
import { centsToDecimal } from '../../domain/money';
import { notFound } from '../../schema/errors';
import { readRows } from '../lists/read-rows';
import { execute, knex } from '../ledger/sql';
import type { PlaceholderValues } from './placeholders';

/** For `@TenantFrom`: CASE has no table yet, so a CASE target is NOT_FOUND like any id that does not exist. */
export const TARGET_TABLES: RefTables = {
  kindField: 'type',
  idField: 'id',
  tables: { [TargetType.INVOICE]: 'invoices', [TargetType.DEBTOR]: 'debtors' },
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
    const invoices = await rowsOf(ctx, Invoice, 'invoices', administrationId, ids);
    const debtors = new Map(
      (await rowsOf(ctx, Debtor, 'debtors', administrationId, [...new Set(invoices.map((i) => i.debtor.id))])).map((d) => [d.id, d]),
    );
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
