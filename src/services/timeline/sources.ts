// What timelines are made of: one source per kind of entry, each a select of its rows in the shared entry columns.
// A page unions the sources' selects into one statement (timeline-page.ts); a new kind of entry (a reminder sent,
// a case opened, a note) is one more element of TIMELINE_SOURCES, and nothing else changes.
import type { Knex } from '@mikro-orm/knex';
import { TimelineKind } from '../../domain/timeline';
import { centsToDecimal } from '../../domain/money';
import { InvoiceStatus } from '../../entities/Invoice';
import { MessageDirection, TargetType } from '../../entities/Message';
import { PaymentStatus } from '../../entities/Payment';

/** Whose timeline: an invoice's, a debtor's or a case's, always inside one administration. */
export type TimelineOwnerKind = 'invoice' | 'debtor' | 'case';

export interface TimelineOwner {
  administrationId: string;
  kind: TimelineOwnerKind;
  id: string;
}

/**
 * SQL expressions over the source's table (and its joins) for the columns every entry has. Left out: null.
 * `data` is a jsonb object of what `summary` needs, so the page's sentences cost no query of their own.
 */
export interface EntryColumns {
  /** The row the entry is about (uuid); with the kind it makes the entry's id. */
  sourceId: string;
  /** When it happened (timestamptz). */
  at: string;
  /** The user who did it. */
  actorId?: string;
  messageId?: string;
  paymentId?: string;
  data: string;
}

export type EntryData = Record<string, unknown>;

export interface TimelineSource {
  kind: TimelineKind;
  /**
   * Among entries at the same instant the higher rank shows first, as if it were newer: an invoice is imported
   * before anything else happens to it, and a payment comes before the invoice it pays is paid.
   */
  rank: number;
  /** The source's table as `name as alias`; every select is scoped by the alias's administration_id. */
  table: string;
  alias: string;
  /** Joins and conditions that make the table's rows this kind of entry. */
  narrow?(query: Knex.QueryBuilder): void;
  /** How the rows on one owner's timeline are found; an owner kind left out has no entries from this source. */
  on: Partial<Record<TimelineOwnerKind, (query: Knex.QueryBuilder, ownerId: string) => void>>;
  columns: EntryColumns;
  /** A short sentence for people, from the row's `data`. */
  summary(data: EntryData): string;
}

const text = (data: EntryData, key: string): string => (typeof data[key] === 'string' ? (data[key] as string) : '');
const texts = (data: EntryData, key: string): string[] => (Array.isArray(data[key]) ? (data[key] as string[]) : []);

function sentSummary(data: EntryData): string {
  const to = texts(data, 'to');
  const sender = text(data, 'sender');
  const by = sender ? ` by ${sender}` : '';
  const subject = text(data, 'subject');
  // No address to send to: the message was written (and is on the record) but not emailed.
  if (to.length === 0) return `Message written${by}, not emailed: ${subject}`;
  return `Email sent to ${to.join(', ')}${by}: ${subject}`;
}

/** A message about an invoice has both columns; one about the debtor only debtor_id; one about a case names it as target. */
const messagesOn: TimelineSource['on'] = {
  invoice: (query, id) => query.where('m.invoice_id', id),
  debtor: (query, id) => query.where('m.debtor_id', id),
  case: (query, id) => query.where('m.target_id', id).where('m.target_type', TargetType.CASE),
};

const invoicesOn: TimelineSource['on'] = {
  invoice: (query, id) => query.where('i.id', id),
  debtor: (query, id) => query.where('i.debtor_id', id),
};

export const TIMELINE_SOURCES: readonly TimelineSource[] = [
  {
    kind: TimelineKind.INVOICE_IMPORTED,
    rank: 0,
    table: 'invoices as i',
    alias: 'i',
    on: invoicesOn,
    // created_at is written once, by the import that first brings the invoice in.
    columns: { sourceId: 'i.id', at: 'i.created_at', data: `jsonb_build_object('number', i.number)` },
    summary: (data) => `Invoice ${text(data, 'number')} imported`,
  },
  {
    kind: TimelineKind.MESSAGE_SENT,
    rank: 1,
    table: 'messages as m',
    alias: 'm',
    narrow: (query) => query.where('m.direction', MessageDirection.OUTBOUND).leftJoin('users as u', 'u.id', 'm.sender_id'),
    on: messagesOn,
    // When it was written, not when a delivery attempt went out: a retry must not move the entry.
    columns: {
      sourceId: 'm.id',
      at: 'm.created_at',
      actorId: 'm.sender_id',
      messageId: 'm.id',
      data: `jsonb_build_object('to', m."to", 'subject', m.subject, 'sender', u.name)`,
    },
    summary: sentSummary,
  },
  {
    kind: TimelineKind.MESSAGE_RECEIVED,
    rank: 1,
    table: 'messages as m',
    alias: 'm',
    narrow: (query) => query.where('m.direction', MessageDirection.INBOUND),
    on: messagesOn,
    columns: { sourceId: 'm.id', at: 'm.created_at', messageId: 'm.id', data: `jsonb_build_object('subject', m.subject)` },
    summary: (data) => `Reply received: ${text(data, 'subject')}`,
  },
  {
    // The step an invoice reached, with the email that listed it (that email is on the debtor's timeline itself).
    kind: TimelineKind.REMINDER_SENT,
    // Above a case opened at the same instant: the step opened the case, then its email went about it.
    rank: 2,
    table: 'reminder_sends as rs',
    alias: 'rs',
    narrow: (query) => query.leftJoin('messages as m', 'm.id', 'rs.message_id'),
    on: { invoice: (query, id) => query.where('rs.invoice_id', id) },
    columns: {
      sourceId: 'rs.id',
      at: 'rs.created_at',
      messageId: 'rs.message_id',
      data: `jsonb_build_object('step', rs.step_key, 'to', m."to", 'subject', m.subject)`,
    },
    summary: (data) => {
      const to = texts(data, 'to');
      return `Reminder ${text(data, 'step')} ${to.length > 0 ? `sent to ${to.join(', ')}` : 'written, not emailed'}: ${text(data, 'subject')}`;
    },
  },
  {
    kind: TimelineKind.PAYMENT,
    rank: 1,
    table: 'payments as p',
    alias: 'p',
    // Money that came in; an online payment still open, failed or expired is not an event of the ledger.
    narrow: (query) => query.whereIn('p.status', [PaymentStatus.PAID, PaymentStatus.REFUNDED]),
    on: {
      invoice: (query, id) =>
        query.whereExists((allocations) => allocations.select(1).from('payment_allocations as pa').whereRaw('pa.payment_id = p.id').where('pa.invoice_id', id)),
      debtor: (query, id) => query.where('p.debtor_id', id),
      // What was paid toward the case: payments to its invoices recorded while they were in it.
      case: (query, id) =>
        query.whereExists((paid) => paid.select(1).from('case_payments as cp').whereRaw('cp.payment_id = p.id').where('cp.case_id', id)),
    },
    columns: {
      sourceId: 'p.id',
      at: 'coalesce(p.paid_at, p.created_at)',
      paymentId: 'p.id',
      data: `jsonb_build_object('amount', p.amount::text, 'currency', p.currency, 'status', p.status)`,
    },
    summary: (data) =>
      `Payment of ${text(data, 'currency')} ${centsToDecimal(text(data, 'amount') || 0)} received` +
      (text(data, 'status') === PaymentStatus.REFUNDED ? ' (refunded since)' : ''),
  },
  {
    kind: TimelineKind.CASE_OPENED,
    rank: 1,
    table: 'cases as c',
    alias: 'c',
    on: {
      case: (query, id) => query.where('c.id', id),
      debtor: (query, id) => query.where('c.debtor_id', id),
      // The case the invoice is in (an invoice is in one case at a time).
      invoice: (query, id) => query.whereRaw('c.id = (select ci.case_id from invoices ci where ci.id = ?)', [id]),
    },
    columns: {
      sourceId: 'c.id',
      at: 'c.opened_at',
      data: `jsonb_build_object('number', c.number, 'principal', c.principal::text, 'currency', c.currency)`,
    },
    summary: (data) => `Case ${text(data, 'number')} opened for ${text(data, 'currency')} ${centsToDecimal(text(data, 'principal') || 0)}`,
  },
  {
    // One entry per plan: on the debtor's timeline and on those of every invoice and case it covers.
    kind: TimelineKind.PAYMENT_PLAN_CREATED,
    rank: 1,
    table: 'payment_plans as pp',
    alias: 'pp',
    on: {
      // An invoice it covers, directly or through the case the invoice is in.
      invoice: (query, id) =>
        query.whereExists((items) =>
          items
            .select(1)
            .from('payment_plan_items as ppi')
            .whereRaw('ppi.plan_id = pp.id')
            .whereRaw('(ppi.invoice_id = ? or ppi.case_id = (select ci.case_id from invoices ci where ci.id = ?))', [id, id]),
        ),
      debtor: (query, id) => query.where('pp.debtor_id', id),
      case: (query, id) => query.whereExists((items) => items.select(1).from('payment_plan_items as ppi').whereRaw('ppi.plan_id = pp.id').where('ppi.case_id', id)),
    },
    columns: {
      sourceId: 'pp.id',
      at: 'pp.created_at',
      actorId: 'pp.created_by',
      data:
        `jsonb_build_object('total', pp.total::text, 'currency', pp.currency, 'interval', pp.interval, ` +
        `'count', (select count(*) from installments ins where ins.plan_id = pp.id), ` +
        `'first', (select min(ins.due_date)::text from installments ins where ins.plan_id = pp.id))`,
    },
    summary: (data) => {
      const count = Number(data.count ?? 0);
      const interval = text(data, 'interval') === 'WEEKLY' ? 'weekly' : 'monthly';
      return (
        `Payment plan created: ${text(data, 'currency')} ${centsToDecimal(text(data, 'total') || 0)} in ${count} ` +
        `${count === 1 ? 'installment' : `${interval} installments`} from ${text(data, 'first')}`
      );
    },
  },
  {
    kind: TimelineKind.INVOICE_PAID,
    rank: 2,
    table: 'invoices as i',
    alias: 'i',
    narrow: (query) => query.where('i.status', InvoiceStatus.PAID).whereNotNull('i.paid_at'),
    on: invoicesOn,
    columns: { sourceId: 'i.id', at: 'i.paid_at', data: `jsonb_build_object('number', i.number)` },
    summary: (data) => `Invoice ${text(data, 'number')} paid`,
  },
];

export const sourceOfKind = new Map(TIMELINE_SOURCES.map((source) => [source.kind, source]));
