// A message's email: its envelope is fixed when the message is written, and every delivery attempt composes the
// same text and HTML parts from it with the message's subject and body.
import { formatMailbox } from '../../domain/email-address';
import type { EmailEnvelope, InvoiceLine, RenderedEmail, StoredEmail } from '../../entities/Message';
import { escapeHtml, paragraphToHtml, textToHtml } from './html';
import { invoiceTable } from './invoice-table';

export interface Addressing {
  /** The user on whose behalf it goes; null for the administration's own mail (reminders). */
  senderName: string | null;
  administrationName: string;
  fromAddress: string;
  replyTo: string;
  tags: string[];
  signature: string | null;
  /** A paragraph added after the body (where an invoice's documents can be found), before the signature. */
  notice?: string | null;
  /** Invoices whose table (invoiceTable's text) is a paragraph of the body. */
  invoices?: InvoiceLine[] | null;
}

/** From: the administration, or "<user> via <administration>" for a user's message. */
export function fromMailbox(senderName: string | null, administrationName: string, fromAddress: string): string {
  return formatMailbox(senderName ? `${senderName} via ${administrationName}` : administrationName, fromAddress);
}

export function emailEnvelope(a: Addressing): EmailEnvelope {
  return {
    from: fromMailbox(a.senderName, a.administrationName, a.fromAddress),
    replyTo: a.replyTo,
    tags: a.tags,
    signature: a.signature,
    notice: a.notice ?? null,
    invoices: a.invoices ?? null,
  };
}

export function normalizeNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** The last signature made into HTML: a reminder run composes thousands of emails with its administration's one. */
let lastSignature = { text: '', html: '' };
function signatureToHtml(signature: string): string {
  if (lastSignature.text !== signature) lastSignature = { text: signature, html: textToHtml(signature) };
  return lastSignature.html;
}

/** The email of a message with this subject and body (placeholders filled in); a rendered one is sent as it is. */
export function composeEmail(subject: string, body: string, stored: StoredEmail): RenderedEmail {
  if ('html' in stored) return stored;
  const content = [normalizeNewlines(body).trim(), stored.notice?.trim()].filter(Boolean).join('\n\n');
  const signature = stored.signature ? normalizeNewlines(stored.signature).trim() : '';
  const text = signature ? `${content}\n\n${signature}\n` : `${content}\n`;
  let html = textToHtml(content);
  if (stored.invoices) {
    // The table's paragraph becomes an HTML table.
    const table = invoiceTable(stored.invoices);
    html = html.replaceAll(paragraphToHtml(table.text), table.html);
  }
  const signatureHtml = signature ? `\n<div class="signature">${signatureToHtml(signature)}</div>` : '';
  return {
    from: stored.from,
    replyTo: stored.replyTo,
    text,
    html:
      `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>\n` +
      `<body style="font-family: Arial, Helvetica, sans-serif; font-size: 14px; line-height: 1.5">\n${html}${signatureHtml}\n</body></html>\n`,
    tags: stored.tags,
  };
}
