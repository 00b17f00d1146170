// Dashboard phases and attention reasons: the one place that decides where an invoice stands.
import type { Knex } from '@mikro-orm/knex';
import type { Debtor } from '../../entities/Debtor';
import { InvoiceStatus, type Invoice } from '../../entities/Invoice';
import { AttentionReason } from '../../schema/types/ledger';

/** Every OPEN invoice is in exactly one of these; later areas (reminders, cases) add phases here. */
export const PHASES = [
  { key: 'NOT_DUE', label: 'Not due yet' },
  { key: 'OVERDUE', label: 'Overdue' },
  { key: 'ON_HOLD', label: 'On hold' },
] as const;

export type PhaseKey = (typeof PHASES)[number]['key'] | 'PAID' | 'CANCELLED';
export const PHASE_KEYS = new Set<string>([...PHASES.map((p) => p.key), 'PAID', 'CANCELLED']);

export function phaseOf(invoice: Pick<Invoice, 'status' | 'onHold' | 'dueDate'>, today: string): PhaseKey {
  if (invoice.status !== InvoiceStatus.OPEN) return invoice.status;
  if (invoice.onHold) return 'ON_HOLD';
  return invoice.dueDate < today ? 'OVERDUE' : 'NOT_DUE';
}

/** SQL twin of phaseOf over `i` (invoices); `today` is bound as a parameter. */
export function wherePhase(qb: Knex.QueryBuilder, phase: PhaseKey, today: string): void {
  if (phase === 'PAID' || phase === 'CANCELLED') {
    qb.where('i.status', phase);
    return;
  }
  qb.where('i.status', InvoiceStatus.OPEN).where('i.on_hold', phase === 'ON_HOLD');
  if (phase === 'OVERDUE') qb.where('i.due_date', '<', today);
  if (phase === 'NOT_DUE') qb.where('i.due_date', '>=', today);
}

/** Only open invoices need attention; a paid one is done. */
export function invoiceAttention(invoice: Pick<Invoice, 'status' | 'onHold'>, debtor: Pick<Debtor, 'email'>): AttentionReason[] {
  if (invoice.status !== InvoiceStatus.OPEN) return [];
  const reasons: AttentionReason[] = [];
  if (!debtor.email) reasons.push(AttentionReason.MISSING_EMAIL);
  if (invoice.onHold) reasons.push(AttentionReason.DISPUTED);
  return reasons;
}

export const SUPPORTED_ATTENTION = [AttentionReason.MISSING_EMAIL, AttentionReason.DISPUTED];

/** SQL twin of invoiceAttention over `i` joined with its debtor `d`; null reason: any reason. */
export function whereInvoiceAttention(qb: Knex.QueryBuilder, reason: AttentionReason | null): void {
  qb.where('i.status', InvoiceStatus.OPEN);
  qb.where((inner) => {
    if (reason === null || reason === AttentionReason.MISSING_EMAIL) inner.orWhereNull('d.email');
    if (reason === null || reason === AttentionReason.DISPUTED) inner.orWhere('i.on_hold', true);
    if (reason !== null && !SUPPORTED_ATTENTION.includes(reason)) inner.whereRaw('false');
  });
}

/** A debtor needs attention for a missing email, or for any open invoice of theirs on hold. */
export function whereDebtorAttention(qb: Knex.QueryBuilder, knex: Knex, reason: AttentionReason | null): void {
  const disputed = knex('invoices as h')
    .select(knex.raw('1'))
    .whereRaw('h.debtor_id = d.id')
    .where('h.status', InvoiceStatus.OPEN)
    .where('h.on_hold', true);
  qb.where((inner) => {
    if (reason === null || reason === AttentionReason.MISSING_EMAIL) inner.orWhereNull('d.email');
    if (reason === null || reason === AttentionReason.DISPUTED) inner.orWhereExists(disputed);
    if (reason !== null && !SUPPORTED_ATTENTION.includes(reason)) inner.whereRaw('false');
  });
}
