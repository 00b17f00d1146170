// The email of one reminder step to one debtor: its template filled in with all that debtor's invoices at the step.
import type { RequestContext } from '../../context';
import { centsToDecimal } from '../../domain/money';
import { statutoryCollectionCosts } from '../../domain/collection-costs';
import type { RenderedEmail } from '../../entities/Message';
import { type ReminderAction } from '../../entities/ReminderStep';
import { composeEmail, escapeHtml } from '../messages/compose';
import { fillPlaceholders } from '../messages/placeholders';
import { newThreadToken, replyAddress } from '../messages/send';
import { REMINDER_PLACEHOLDERS } from './reminder-placeholders';

export interface ReminderInvoice {
  number: string;
  dueDate: string;
  openAmount: bigint;
  currency: string;
}

export interface ReminderDraft {
  step: { key: string; action: ReminderAction; subject: string; body: string };
  administrationName: string;
  signature: string | null;
  /** The debtor, with their link into the customer portal. */
  debtor: { name: string; portalUrl: string };
  invoices: ReminderInvoice[];
  /** The 14-day letter's deadline (that step only). */
  letterDeadline: string | null;
}

// A paragraph of its own in the filled body, replaced by the table (characters no template contains).
const TABLE_MARK = '\u2063INVOICE-TABLE\u2063';

const money = (currency: string, cents: bigint) => `${currency} ${centsToDecimal(cents)}`;

/** Amounts per currency, joined: sums never mix currencies. */
function perCurrency(invoices: ReminderInvoice[], amount: (cents: bigint) => bigint): string {
  const sums = new Map<string, bigint>();
  for (const i of invoices) sums.set(i.currency, (sums.get(i.currency) ?? 0n) + i.openAmount);
  return [...sums].map(([currency, cents]) => money(currency, amount(cents))).join(' + ');
}

function invoiceTable(invoices: ReminderInvoice[]): { text: string; html: string } {
  const rows = invoices.map((i) => [i.number, i.dueDate, money(i.currency, i.openAmount)]);
  const header = ['Invoice', 'Due date', 'Open amount'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const cell = (tag: string, value: string, right = false) => `<${tag} style="padding: 2px 12px 2px 0${right ? '; text-align: right' : ''}">${escapeHtml(value)}</${tag}>`;
  const html =
    `<table style="border-collapse: collapse">\n<tr>${header.map((h, c) => cell('th', h, c === 2)).join('')}</tr>\n` +
    rows.map((r) => `<tr>${r.map((v, c) => cell('td', v, c === 2)).join('')}</tr>`).join('\n') +
    '\n</table>';
  return { text: [line(header), ...rows.map(line)].join('\n'), html };
}

export interface RenderedReminder {
  token: string;
  subject: string;
  body: string;
  email: RenderedEmail;
}

/** Placeholder values are plain text; the HTML part escapes all of it (the table is built escaped). */
export function renderReminder(ctx: RequestContext, draft: ReminderDraft): RenderedReminder {
  const values: Record<string, string> = {
    'debtor.name': draft.debtor.name,
    'administration.name': draft.administrationName,
    'invoices.table': `\n\n${TABLE_MARK}\n\n`,
    'invoices.total': perCurrency(draft.invoices, (cents) => cents),
    'invoices.count': String(draft.invoices.length),
    'portal.url': draft.debtor.portalUrl,
    'letter.deadline': draft.letterDeadline ?? '',
    'collection.costs': perCurrency(draft.invoices, statutoryCollectionCosts),
  };
  const subject = fillPlaceholders(draft.step.subject, values, 'subject', REMINDER_PLACEHOLDERS).replace(/[\r\n\u2063]+/g, ' ').trim();
  const marked = fillPlaceholders(draft.step.body, values, 'body', REMINDER_PLACEHOLDERS).replace(/\n{3,}/g, '\n\n');
  const token = newThreadToken();
  const table = invoiceTable(draft.invoices);
  const email = composeEmail({
    subject,
    body: marked,
    signature: draft.signature,
    senderName: null,
    administrationName: draft.administrationName,
    fromAddress: ctx.config.mail.from,
    replyTo: replyAddress(ctx, token),
    tags: ['reminder', `step-${draft.step.key.toLowerCase()}`],
    blocks: { [TABLE_MARK]: table },
  });
  return { token, subject, body: marked.replaceAll(TABLE_MARK, table.text), email };
}
