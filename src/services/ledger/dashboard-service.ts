// The dashboard: open invoices per phase, attention counts and totals per currency, in one aggregate query.
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { InvoiceStatus } from '../../entities/Invoice';
import { AttentionReason } from '../../domain/attention';
import { addTo, centsToDecimal, moneyPerCurrency } from '../../domain/money';
import { importSourceFailing } from '../imports/import-source-service';
import { loadAdministration } from './loaders';
import { attentionSql, FIXED_PHASES, phaseSql } from './phases';
import { loadFlow } from '../reminders/flow';
import { execute } from './sql';
import { todayOf } from './today';

interface Group {
  phase: string;
  currency: string;
  invoices: number;
  open: string;
  overdue_open: string;
  missing_email: number;
  disputed: number;
  costs_undecided: number;
  plan_breached: number;
}

export async function dashboard(ctx: RequestContext, administrationId: string) {
  const em = tenantEm(ctx, administrationId);
  const today = await todayOf(ctx, administrationId);
  const { currency: primary } = await loadAdministration(ctx, administrationId);
  // Phases and attention come from the rules in phases.ts, compiled to SQL: the dashboard cannot disagree with a list.
  const [phase, phaseBindings] = phaseSql(today);
  const [missingSql, missingBindings] = attentionSql(AttentionReason.MISSING_EMAIL, today);
  const [disputedSql, disputedBindings] = attentionSql(AttentionReason.DISPUTED, today);
  const [undecidedSql, undecidedBindings] = attentionSql(AttentionReason.COLLECTION_COSTS_UNDECIDED, today);
  const [breachedSql, breachedBindings] = attentionSql(AttentionReason.PAYMENT_PLAN_BREACHED, today);
  const groups = await execute<Group>(
    em,
    `select ${phase} as phase, i.currency,
       count(*)::int as invoices,
       sum(i.open_amount)::text as open,
       coalesce(sum(i.open_amount) filter (where i.due_date < ?), 0)::text as overdue_open,
       count(*) filter (where ${missingSql})::int as missing_email,
       count(*) filter (where ${disputedSql})::int as disputed,
       count(*) filter (where ${undecidedSql})::int as costs_undecided,
       count(*) filter (where ${breachedSql})::int as plan_breached
     from invoices i join debtors d on d.id = i.debtor_id
     where i.administration_id = ? and i.status = ?
     group by 1, 2`,
    [...phaseBindings, today, ...missingBindings, ...disputedBindings, ...undecidedBindings, ...breachedBindings, administrationId, InvoiceStatus.OPEN],
  );

  const open = new Map<string, bigint>();
  // Overdue money includes overdue invoices on hold: they are still late, just not chased.
  const overdue = new Map<string, bigint>();
  // In dashboard order: before the flow, its steps, any key an invoice reached under an earlier flow, after it.
  const steps = (await loadFlow(em, administrationId)).map((s) => ({ key: s.key, label: s.name }));
  const known = new Set([...FIXED_PHASES.before, ...steps, ...FIXED_PHASES.after].map((p) => p.key));
  const earlier = [...new Set(groups.map((g) => g.phase))].filter((key) => !known.has(key)).map((key) => ({ key, label: key }));
  const phases = [...FIXED_PHASES.before, ...steps, ...earlier, ...FIXED_PHASES.after];
  const perPhase = new Map<string, { invoices: number; open: bigint }>(phases.map((p) => [p.key, { invoices: 0, open: 0n }]));
  let missingEmail = 0;
  let disputed = 0;
  let costsUndecided = 0;
  let planBreached = 0;
  for (const g of groups) {
    addTo(open, g.currency, BigInt(g.open));
    addTo(overdue, g.currency, BigInt(g.overdue_open));
    const phase = perPhase.get(g.phase)!;
    phase.invoices += g.invoices;
    // A single Money covers the administration's currency only; other currencies are in the *Amounts lists.
    if (g.currency === primary) phase.open += BigInt(g.open);
    missingEmail += g.missing_email;
    disputed += g.disputed;
    costsUndecided += g.costs_undecided;
    planBreached += g.plan_breached;
  }
  const money = (cents: bigint) => ({ amount: centsToDecimal(cents), currency: primary });
  return {
    phases: phases.map(({ key, label }) => ({
      key,
      label,
      invoiceCount: perPhase.get(key)!.invoices,
      openAmount: money(perPhase.get(key)!.open),
    })),
    attention: [
      { reason: AttentionReason.MISSING_EMAIL, count: missingEmail },
      { reason: AttentionReason.PAYMENT_PLAN_BREACHED, count: planBreached },
      { reason: AttentionReason.COLLECTION_COSTS_UNDECIDED, count: costsUndecided },
      { reason: AttentionReason.DISPUTED, count: disputed },
      // The administration itself needs attention until its daily import succeeds again.
      { reason: AttentionReason.IMPORT_FAILED, count: (await importSourceFailing(ctx, administrationId)) ? 1 : 0 },
    ],
    openAmount: money(open.get(primary) ?? 0n),
    overdueAmount: money(overdue.get(primary) ?? 0n),
    openAmounts: moneyPerCurrency(open, primary),
    overdueAmounts: moneyPerCurrency(overdue, primary),
  };
}
