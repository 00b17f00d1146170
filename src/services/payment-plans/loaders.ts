// Per-request loaders of payment plans and what hangs off them, so a page of plans (or of invoices with their plan)
// costs one query per field, whatever its size.
import DataLoader from 'dataloader';
import type { RequestContext } from '../../context';
import { Case } from '../../entities/Case';
import { Invoice } from '../../entities/Invoice';
import { Installment, PaymentPlan } from '../../entities/PaymentPlan';
import { IN_BREACHED_PLAN_SQL } from '../ledger/phases';
import { scopedKey } from '../ledger/loaders';
import { execute } from '../ledger/sql';
import { readRows } from '../lists/read-rows';

interface PlanLoaders {
  /** Keys `${administrationId}:${planId}`. */
  plan: DataLoader<string, PaymentPlan | null>;
  installments: DataLoader<string, Installment[]>;
  invoices: DataLoader<string, Invoice[]>;
  cases: DataLoader<string, Case[]>;
  /** Keys `${administrationId}:${debtorId}`: an open invoice of the debtor whose plan was breached. */
  debtorHasBreachedPlan: DataLoader<string, boolean>;
}

const byContext = new WeakMap<RequestContext, PlanLoaders>();

/** Groups `admin:id` keys per administration and runs one query per administration (in practice: one). */
function scoped<V>(load: (administrationId: string, ids: string) => Promise<Map<string, V>>, fallback: () => V) {
  return async (keys: readonly string[]): Promise<V[]> => {
    const groups = new Map<string, string[]>();
    for (const key of keys) {
      const [administrationId, id] = key.split(':');
      groups.set(administrationId, [...(groups.get(administrationId) ?? []), id]);
    }
    const results = new Map<string, V>();
    for (const [administrationId, ids] of groups) {
      for (const [id, value] of await load(administrationId, `{${ids.join(',')}}`)) results.set(scopedKey(administrationId, id), value);
    }
    return keys.map((key) => results.get(key) ?? fallback());
  };
}

function grouped<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(keyOf(row), [...(map.get(keyOf(row)) ?? []), row]);
  return map;
}

function createLoaders(ctx: RequestContext): PlanLoaders {
  const em = () => ctx.em;
  return {
    plan: new DataLoader(
      scoped(async (administrationId, ids) => {
        const rows = await execute(em(), 'select * from payment_plans where administration_id = ? and id = any(?::uuid[])', [administrationId, ids]);
        return new Map(readRows(em(), PaymentPlan, rows).map((p) => [p.id, p]));
      }, () => null),
    ),
    installments: new DataLoader(
      scoped(async (administrationId, ids) => {
        const rows = await execute(em(), 'select * from installments where administration_id = ? and plan_id = any(?::uuid[]) order by plan_id, number', [
          administrationId,
          ids,
        ]);
        return grouped(readRows(em(), Installment, rows), (i) => i.plan.id);
      }, () => []),
    ),
    invoices: new DataLoader(
      scoped(async (administrationId, ids) => {
        const rows = await execute<Record<string, unknown> & { plan_id: string }>(
          em(),
          `select i.*, it.plan_id from payment_plan_items it join invoices i on i.id = it.invoice_id
            where it.administration_id = ? and it.plan_id = any(?::uuid[]) order by i.due_date, i.number, i.id`,
          [administrationId, ids],
        );
        const byPlan = new Map<string, Invoice[]>();
        readRows(em(), Invoice, rows).forEach((invoice, n) => byPlan.set(rows[n].plan_id, [...(byPlan.get(rows[n].plan_id) ?? []), invoice]));
        return byPlan;
      }, () => []),
    ),
    cases: new DataLoader(
      scoped(async (administrationId, ids) => {
        const rows = await execute<Record<string, unknown> & { plan_id: string }>(
          em(),
          `select c.*, it.plan_id from payment_plan_items it join cases c on c.id = it.case_id
            where it.administration_id = ? and it.plan_id = any(?::uuid[]) order by c.opened_at, c.id`,
          [administrationId, ids],
        );
        const byPlan = new Map<string, Case[]>();
        readRows(em(), Case, rows).forEach((c, n) => byPlan.set(rows[n].plan_id, [...(byPlan.get(rows[n].plan_id) ?? []), c]));
        return byPlan;
      }, () => []),
    ),
    debtorHasBreachedPlan: new DataLoader(
      scoped(async (administrationId, ids) => {
        const rows = await execute<{ debtor_id: string }>(
          em(),
          `select distinct i.debtor_id from invoices i
            where i.administration_id = ? and i.debtor_id = any(?::uuid[]) and i.status = 'OPEN' and ${IN_BREACHED_PLAN_SQL}`,
          [administrationId, ids],
        );
        return new Map(rows.map((r) => [r.debtor_id, true]));
      }, () => false),
    ),
  };
}

export function planLoadersFor(ctx: RequestContext): PlanLoaders {
  let loaders = byContext.get(ctx);
  if (!loaders) {
    loaders = createLoaders(ctx);
    byContext.set(ctx, loaders);
  }
  return loaders;
}
