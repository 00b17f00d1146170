// Per-request loaders of what the reminder flow says about invoices (phase, next step) and debtors (planned steps):
// one query per page for each, whatever the page's size.
import DataLoader from 'dataloader';
import type { RequestContext } from '../../context';
import { Invoice } from '../../entities/Invoice';
import { ReminderStep } from '../../entities/ReminderStep';
import { phaseSql } from '../ledger/phases';
import { scopedKey } from '../ledger/loaders';
import { execute } from '../ledger/sql';
import { todayOf } from '../ledger/today';
import { readRows } from '../lists/read-rows';
import { remainingStepsSql, type PlannedRow } from './planned-steps';

export interface PlannedStep {
  step: ReminderStep;
  invoice: Invoice;
  plannedOn: string;
}

interface ReminderLoaders {
  /** Keys `${administrationId}:${invoiceId}`. */
  phase: DataLoader<string, string | null>;
  nextStep: DataLoader<string, PlannedStep | null>;
  /** Keys `${administrationId}:${debtorId}`. */
  plannedSteps: DataLoader<string, PlannedStep[]>;
}

const byContext = new WeakMap<RequestContext, ReminderLoaders>();

function splitKeys(keys: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const [administrationId, id] = key.split(':');
    groups.set(administrationId, [...(groups.get(administrationId) ?? []), id]);
  }
  return groups;
}

/** Remaining steps with their step and invoice as snapshots, ordered by day. */
async function plannedFor(ctx: RequestContext, administrationId: string, filter: string, ids: string[]): Promise<PlannedStep[]> {
  const em = ctx.em;
  const today = await todayOf(ctx, administrationId);
  const rows = await execute<PlannedRow>(em, `${remainingStepsSql(filter)} order by planned_on, days_after_due, position`, [administrationId, today, administrationId, `{${ids.join(',')}}`]);
  if (rows.length === 0) return [];
  const [steps, invoices] = await Promise.all([
    execute(em, 'select * from reminder_steps where administration_id = ?', [administrationId]),
    execute(em, 'select * from invoices where administration_id = ? and id = any(?::uuid[])', [administrationId, `{${[...new Set(rows.map((r) => r.invoice_id))].join(',')}}`]),
  ]);
  const stepById = new Map(readRows(em, ReminderStep, steps).map((s) => [s.id, s]));
  const invoiceById = new Map(readRows(em, Invoice, invoices).map((i) => [i.id, i]));
  return rows.map((r) => ({ step: stepById.get(r.step_id)!, invoice: invoiceById.get(r.invoice_id)!, plannedOn: r.planned_on }));
}

/** What happens next: the latest step whose day has come (the next run sends it, skipping earlier ones), else the first to come. */
function nextOf(planned: PlannedStep[], today: string): PlannedStep | null {
  const due = planned.filter((p) => p.plannedOn <= today);
  return due.at(-1) ?? planned[0] ?? null;
}

function createLoaders(ctx: RequestContext): ReminderLoaders {
  return {
    phase: new DataLoader(async (keys) => {
      const result = new Map<string, string>();
      for (const [administrationId, ids] of splitKeys(keys)) {
        const [sql, bindings] = phaseSql(await todayOf(ctx, administrationId));
        const rows = await execute<{ id: string; phase: string }>(
          ctx.em,
          `select i.id, ${sql} as phase from invoices i where i.administration_id = ? and i.id = any(?::uuid[])`,
          [...bindings, administrationId, `{${ids.join(',')}}`],
        );
        for (const row of rows) result.set(scopedKey(administrationId, row.id), row.phase);
      }
      return keys.map((key) => result.get(key) ?? null);
    }),
    nextStep: new DataLoader(async (keys) => {
      const result = new Map<string, PlannedStep | null>();
      for (const [administrationId, ids] of splitKeys(keys)) {
        const today = await todayOf(ctx, administrationId);
        const planned = await plannedFor(ctx, administrationId, 'i.id = any(?::uuid[])', ids);
        for (const id of ids) result.set(scopedKey(administrationId, id), nextOf(planned.filter((p) => p.invoice.id === id), today));
      }
      return keys.map((key) => result.get(key) ?? null);
    }),
    plannedSteps: new DataLoader(async (keys) => {
      const result = new Map<string, PlannedStep[]>();
      for (const [administrationId, ids] of splitKeys(keys)) {
        const planned = await plannedFor(ctx, administrationId, 'i.debtor_id = any(?::uuid[])', ids);
        for (const id of ids) result.set(scopedKey(administrationId, id), planned.filter((p) => p.invoice.debtor.id === id));
      }
      return keys.map((key) => result.get(key) ?? []);
    }),
  };
}

export function reminderLoadersFor(ctx: RequestContext): ReminderLoaders {
  let loaders = byContext.get(ctx);
  if (!loaders) {
    loaders = createLoaders(ctx);
    byContext.set(ctx, loaders);
  }
  return loaders;
}
