// The email of one reminder step to one debtor: its template filled in with all that debtor's invoices at the step.
import type { RequestContext } from '../../context';
import { statutoryCollectionCosts } from '../../domain/collection-costs';
import type { EmailEnvelope, InvoiceLine } from '../../entities/Message';
import { type ReminderAction } from '../../entities/ReminderStep';
import { emailEnvelope } from '../messages/compose';
import { invoiceTable, money } from '../messages/invoice-table';
import { fillPlaceholders } from '../messages/placeholders';
import { newThreadToken, replyAddress } from '../messages/send';
import { REMINDER_PLACEHOLDERS } from './reminder-placeholders';

export interface ReminderDraft {
  step: { key: string; action: ReminderAction; subject: string; body: string };
  administrationName: string;
  signature: string | null;
  /** The debtor, with their link into the customer portal. */
  debtor: { name: string; portalUrl: string };
  invoices: InvoiceLine[];
  /** The 14-day letter's deadline (that step only). */
  letterDeadline: string | null;
}

/** Amounts per currency, joined: sums never mix currencies. */
function perCurrency(invoices: InvoiceLine[], amount: (cents: bigint) => bigint): string {
  const sums = new Map<string, bigint>();
  for (const i of invoices) sums.set(i.currency, (sums.get(i.currency) ?? 0n) + BigInt(i.openAmount));
  return [...sums].map(([currency, cents]) => money(currency, amount(cents))).join(' + ');
}

export interface RenderedReminder {
  token: string;
  subject: string;
  body: string;
  email: EmailEnvelope;
}

/** Placeholder values are plain text; the HTML part escapes all of it (the table is built escaped). */
export function renderReminder(ctx: RequestContext, draft: ReminderDraft): RenderedReminder {
  const values: Record<string, string> = {
    'debtor.name': draft.debtor.name,
    'administration.name': draft.administrationName,
    // A paragraph of its own: the HTML part shows it as a table (compose.ts). A subject leaves it out.
    'invoices.table': `\n\n${invoiceTable(draft.invoices).text}\n\n`,
    'invoices.total': perCurrency(draft.invoices, (cents) => cents),
    'invoices.count': String(draft.invoices.length),
    'portal.url': draft.debtor.portalUrl,
    'letter.deadline': draft.letterDeadline ?? '',
    'collection.costs': perCurrency(draft.invoices, statutoryCollectionCosts),
  };
  const subject = fillPlaceholders(draft.step.subject, { ...values, 'invoices.table': ' ' }, 'subject', REMINDER_PLACEHOLDERS).replace(/[\r\n]+/g, ' ').trim();
  const body = fillPlaceholders(draft.step.body, values, 'body', REMINDER_PLACEHOLDERS).replace(/\n{3,}/g, '\n\n');
  const token = newThreadToken();
  const email = emailEnvelope({
    signature: draft.signature,
    senderName: null,
    administrationName: draft.administrationName,
    fromAddress: ctx.config.mail.from,
    replyTo: replyAddress(ctx, token),
    tags: ['reminder', `step-${draft.step.key.toLowerCase()}`],
    invoices: draft.invoices,
  });
  return { token, subject, body, email };
}
