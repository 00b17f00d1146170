// Where an invoice stands (its phase) and why it needs attention, each written once. The phase is one SQL CASE
// expression that the dashboard, the lists and the invoice's own field all use; attention rules are data evaluated
// in JavaScript (one invoice) and compiled to SQL (lists, the dashboard), so neither can disagree with itself.
import type { Knex } from '@mikro-orm/knex';
import { type Case, CaseStatus, CollectionCostsMode } from '../../entities/Case';
import type { Debtor } from '../../entities/Debtor';
import { InvoiceStatus, type Invoice } from '../../entities/Invoice';
import { AttentionReason } from '../../domain/attention';

/** A conjunction of facts about an invoice `i` (and its debtor `d`); an absent fact does not matter. */
interface Condition {
  status?: InvoiceStatus;
  onHold?: boolean;
  /** Due date before today. */
  overdue?: boolean;
  debtorHasEmail?: boolean;
  /** In a collection case that is OPEN (a case under a payment plan is the plan's to show). */
  inOpenCase?: boolean;
  /** In a case, not closed, whose collection costs wait for collect-or-waive. */
  caseCostsUndecided?: boolean;
  /** Its latest payment plan, or that of its case (not closed), was BREACHED. */
  planBreached?: boolean;
}

/** The case an invoice is in (null: none), as far as its phase and attention go; the caller loads it. */
export type InvoiceCaseFacts = Pick<Case, 'status' | 'collectionCostsMode'> | null;

/** Facts of other tables the caller loads: the invoice's case, and whether its plan (or its case's) was breached. */
type InvoiceFacts = Pick<Invoice, 'status' | 'onHold' | 'dueDate'> & { caseFacts: InvoiceCaseFacts; planBreached?: boolean };

/** Facts that live in other tables, as SQL over `i`: one probe of a primary key each. */
// Each probe is a scalar subquery guarded by its column being set: PostgreSQL then looks the one row up by its key.
// An EXISTS (even under such a guard) may be planned as a hashed subplan instead, which reads every case or plan of
// every administration to answer a few hundred invoices of one; a scalar subquery is never hashed.
export const IN_OPEN_CASE_SQL = `(i.case_id is not null and (select c.status = 'OPEN' from cases c where c.id = i.case_id) is true)`;
export const IN_ACTIVE_PLAN_SQL =
  `((i.payment_plan_id is not null and (select p.status = 'ACTIVE' from payment_plans p where p.id = i.payment_plan_id) is true)` +
  ` or (i.case_id is not null and (select c.status = 'PAYMENT_PLAN' from cases c where c.id = i.case_id) is true))`;
export const IN_BREACHED_PLAN_SQL =
  `((i.payment_plan_id is not null and (select p.status = 'BREACHED' from payment_plans p where p.id = i.payment_plan_id) is true)` +
  ` or (i.case_id is not null and (select c.status <> 'CLOSED' and p.status = 'BREACHED' from cases c join payment_plans p on p.id = c.payment_plan_id where c.id = i.case_id) is true))`;

/** The phase of `i` as one CASE expression, arms in precedence order; a step's phase is the key of the step it reached. */
const PHASE_ARMS: readonly { key: string | null; sql: string }[] = [
  { key: InvoiceStatus.PAID, sql: `i.status = 'PAID'` },
  { key: InvoiceStatus.CANCELLED, sql: `i.status = 'CANCELLED'` },
  { key: 'ON_HOLD', sql: 'i.on_hold' },
  { key: 'COLLECTION', sql: IN_OPEN_CASE_SQL },
  { key: 'PAYMENT_PLAN', sql: IN_ACTIVE_PLAN_SQL },
  { key: null, sql: 'i.reminder_step_key is not null' },
  { key: 'OVERDUE', sql: 'i.due_date < ?' },
];

/** The open phases that are not steps of the flow, with the place of the flow's steps among them (dashboard order). */
export const FIXED_PHASES = {
  before: [
    { key: 'NOT_DUE', label: 'Not due yet' },
    { key: 'OVERDUE', label: 'Overdue' },
  ],
  after: [
    { key: 'PAYMENT_PLAN', label: 'Payment plan' },
    { key: 'COLLECTION', label: 'Collection case' },
    { key: 'ON_HOLD', label: 'On hold' },
  ],
} as const;

/** Keys a phase filter accepts besides the keys of the administration's flow. */
export const FIXED_PHASE_KEYS = new Set<string>([
  ...FIXED_PHASES.before.map((p) => p.key),
  ...FIXED_PHASES.after.map((p) => p.key),
  InvoiceStatus.PAID,
  InvoiceStatus.CANCELLED,
]);

/**
 * `case when … end`: the phase of `i` (the one rule: the dashboard groups by it, a list filters on it, an
 * invoice's phase field reads it), so every invoice is in exactly one phase and the three cannot disagree.
 */
export function phaseSql(today: string): [string, unknown[]] {
  const bindings: unknown[] = [];
  const arms = PHASE_ARMS.map((arm) => {
    if (arm.sql.includes('?')) bindings.push(today);
    if (arm.key === null) return `when ${arm.sql} then i.reminder_step_key`;
    bindings.push(arm.key);
    return `when ${arm.sql} then ?`;
  });
  bindings.push('NOT_DUE');
  return [`(case ${arms.join(' ')} else ? end)`, bindings];
}

export function wherePhase(qb: Knex.QueryBuilder, phase: string, today: string): void {
  const [sql, bindings] = phaseSql(today);
  qb.whereRaw(`${sql} = ?`, [...bindings, phase] as Knex.RawBinding[]);
}

/** Only open invoices need attention; a paid one is done. */
const ATTENTION_RULES = [
  { reason: AttentionReason.MISSING_EMAIL, when: { status: InvoiceStatus.OPEN, debtorHasEmail: false } },
  { reason: AttentionReason.DISPUTED, when: { status: InvoiceStatus.OPEN, onHold: true } },
  { reason: AttentionReason.PAYMENT_PLAN_BREACHED, when: { status: InvoiceStatus.OPEN, planBreached: true } },
  { reason: AttentionReason.COLLECTION_COSTS_UNDECIDED, when: { status: InvoiceStatus.OPEN, caseCostsUndecided: true } },
] as const satisfies readonly { reason: AttentionReason; when: Condition }[];

export const SUPPORTED_ATTENTION: AttentionReason[] = ATTENTION_RULES.map((r) => r.reason);

function holds(when: Condition, invoice: InvoiceFacts, debtor: Pick<Debtor, 'email'> | null, today: string): boolean {
  if (when.status !== undefined && invoice.status !== when.status) return false;
  if (when.onHold !== undefined && invoice.onHold !== when.onHold) return false;
  if (when.overdue !== undefined && invoice.dueDate < today !== when.overdue) return false;
  if (when.debtorHasEmail !== undefined && Boolean(debtor?.email) !== when.debtorHasEmail) return false;
  const c = invoice.caseFacts;
  if (when.inOpenCase !== undefined && (c?.status === CaseStatus.OPEN) !== when.inOpenCase) return false;
  const undecided = c !== null && c.status !== CaseStatus.CLOSED && c.collectionCostsMode === CollectionCostsMode.UNDECIDED;
  if (when.caseCostsUndecided !== undefined && undecided !== when.caseCostsUndecided) return false;
  if (when.planBreached !== undefined && Boolean(invoice.planBreached) !== when.planBreached) return false;
  return true;
}

/** The condition as SQL over `i` (and `d` for debtor facts), with its bindings. */
function sqlOf(when: Condition, today: string): [string, unknown[]] {
  const parts: string[] = [];
  const bindings: unknown[] = [];
  if (when.status !== undefined) {
    parts.push('i.status = ?');
    bindings.push(when.status);
  }
  if (when.onHold !== undefined) parts.push(when.onHold ? 'i.on_hold' : 'not i.on_hold');
  if (when.overdue !== undefined) {
    parts.push(when.overdue ? 'i.due_date < ?' : 'i.due_date >= ?');
    bindings.push(today);
  }
  if (when.debtorHasEmail !== undefined) parts.push(when.debtorHasEmail ? 'd.email is not null' : 'd.email is null');
  // Correlated probes of the case by its primary key: one index lookup per invoice, whatever the page.
  if (when.inOpenCase !== undefined) {
    parts.push(`${when.inOpenCase ? '' : 'not '}exists (select 1 from cases ic where ic.id = i.case_id and ic.status = ?)`);
    bindings.push(CaseStatus.OPEN);
  }
  if (when.caseCostsUndecided !== undefined) {
    parts.push(
      `${when.caseCostsUndecided ? '' : 'not '}exists (select 1 from cases ic where ic.id = i.case_id and ic.status <> ? and ic.collection_costs_mode = ?)`,
    );
    bindings.push(CaseStatus.CLOSED, CollectionCostsMode.UNDECIDED);
  }
  if (when.planBreached !== undefined) parts.push(when.planBreached ? IN_BREACHED_PLAN_SQL : `not ${IN_BREACHED_PLAN_SQL}`);
  return [parts.length > 0 ? `(${parts.join(' and ')})` : 'true', bindings];
}

export function invoiceAttention(invoice: InvoiceFacts, debtor: Pick<Debtor, 'email'>, today: string): AttentionReason[] {
  return ATTENTION_RULES.filter((r) => holds(r.when, invoice, debtor, today)).map((r) => r.reason);
}

/** SQL of an attention reason over `i` joined with its debtor `d`; null reason: any reason. */
export function attentionSql(reason: AttentionReason | null, today: string): [string, unknown[]] {
  const rules = ATTENTION_RULES.filter((r) => reason === null || r.reason === reason);
  if (rules.length === 0) return ['false', []];
  const compiled = rules.map((r) => sqlOf(r.when, today));
  return [`(${compiled.map(([sql]) => sql).join(' or ')})`, compiled.flatMap(([, values]) => values)];
}

export function whereInvoiceAttention(qb: Knex.QueryBuilder, reason: AttentionReason | null, today: string): void {
  qb.whereRaw(...(attentionSql(reason, today) as [string, Knex.RawBinding[]]));
}

/**
 * Reasons that are facts of the debtor itself, as SQL over `d`: a missing or bounced address, a reply nobody has read
 * (one probe of a small partial index per debtor, so a page of debtors stays a constant number of queries).
 */
const DEBTOR_ATTENTION_SQL: Partial<Record<AttentionReason, string>> = {
  [AttentionReason.MISSING_EMAIL]: 'd.email is null',
  [AttentionReason.EMAIL_BOUNCED]: 'd.email_bounced_at is not null',
  [AttentionReason.UNREAD_REPLY]: `exists (select 1 from messages m where m.debtor_id = d.id and m.direction = 'INBOUND' and m.read_at is null)`,
};

/** A debtor needs attention for a fact of its own (whatever their invoices), or when one of their open invoices does. */
export function whereDebtorAttention(qb: Knex.QueryBuilder, knex: Knex, reason: AttentionReason | null, today: string): void {
  qb.where((inner) => {
    for (const [debtorReason, sql] of Object.entries(DEBTOR_ATTENTION_SQL)) {
      if (reason === null || reason === debtorReason) inner.orWhereRaw(sql);
    }
    if (reason === null || !(reason in DEBTOR_ATTENTION_SQL)) {
      const [sql, bindings] = attentionSql(reason, today);
      inner.orWhereExists(
        knex('invoices as i')
          .select(knex.raw('1'))
          .whereRaw('i.debtor_id = d.id')
          .whereRaw(sql, bindings as Knex.RawBinding[]),
      );
    }
  });
}
