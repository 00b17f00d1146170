// The dashboard: open invoices per phase, attention counts and totals, in one aggregate query.
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { InvoiceStatus } from '../../entities/Invoice';
import { centsToDecimal } from '../../schema/money';
import { AttentionReason } from '../../schema/types/ledger';
import { loadersFor } from './loaders';
import { PHASES } from './phases';
import { execute } from './sql';
import { importSourceFailing } from '../imports/import-source-service';
import { todayOf } from './today';

interface Totals {
  not_due_count: number;
  not_due_open: string;
  overdue_count: number;
  overdue_open: string;
  on_hold_count: number;
  on_hold_open: string;
  on_hold_overdue_open: string;
  missing_email: number;
  disputed: number;
}

export async function dashboard(ctx: RequestContext, administrationId: string) {
  const em = tenantEm(ctx, administrationId);
  const today = await todayOf(ctx, administrationId);
  const { currency } = await loadersFor(ctx).administration.load(administrationId);
  // The FILTER conditions mirror phaseOf and invoiceAttention (phases.ts).
  const [t] = await execute<Totals>(
    em,
    `select
       count(*) filter (where not i.on_hold and i.due_date >= ?)::int as not_due_count,
       coalesce(sum(i.open_amount) filter (where not i.on_hold and i.due_date >= ?), 0)::text as not_due_open,
       count(*) filter (where not i.on_hold and i.due_date < ?)::int as overdue_count,
       coalesce(sum(i.open_amount) filter (where not i.on_hold and i.due_date < ?), 0)::text as overdue_open,
       count(*) filter (where i.on_hold)::int as on_hold_count,
       coalesce(sum(i.open_amount) filter (where i.on_hold), 0)::text as on_hold_open,
       coalesce(sum(i.open_amount) filter (where i.on_hold and i.due_date < ?), 0)::text as on_hold_overdue_open,
       count(*) filter (where d.email is null)::int as missing_email,
       count(*) filter (where i.on_hold)::int as disputed
     from invoices i join debtors d on d.id = i.debtor_id
     where i.administration_id = ? and i.status = ?`,
    [today, today, today, today, today, administrationId, InvoiceStatus.OPEN],
  );
  const money = (cents: string | bigint) => ({ amount: centsToDecimal(cents), currency });
  const perPhase: Record<string, [number, string]> = {
    NOT_DUE: [t.not_due_count, t.not_due_open],
    OVERDUE: [t.overdue_count, t.overdue_open],
    ON_HOLD: [t.on_hold_count, t.on_hold_open],
  };
  const phases = PHASES.map(({ key, label }) => ({ key, label, invoiceCount: perPhase[key][0], openAmount: money(perPhase[key][1]) }));
  const open = BigInt(t.not_due_open) + BigInt(t.overdue_open) + BigInt(t.on_hold_open);
  return {
    phases,
    attention: [
      { reason: AttentionReason.MISSING_EMAIL, count: t.missing_email },
      { reason: AttentionReason.DISPUTED, count: t.disputed },
      // The administration itself needs attention until its daily import succeeds again.
      { reason: AttentionReason.IMPORT_FAILED, count: (await importSourceFailing(ctx, administrationId)) ? 1 : 0 },
    ],
    openAmount: money(open),
    // Overdue money includes overdue invoices on hold: they are still late, just not chased.
    overdueAmount: money(BigInt(t.overdue_open) + BigInt(t.on_hold_overdue_open)),
  };
}
