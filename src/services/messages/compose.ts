// Renders a message into the email every delivery attempt sends: From, Reply-To, text and HTML parts.
import { formatMailbox } from '../../domain/email-address';
import type { RenderedEmail } from '../../entities/Message';

export interface Composition {
  subject: string;
  /** The message's text with placeholders filled in. */
  body: string;
  signature: string | null;
  /** A paragraph added after the body (where an invoice's documents can be found), before the signature. */
  notice?: string | null;
  /** The user on whose behalf it goes; null for the administration's own mail (reminders). */
  senderName: string | null;
  administrationName: string;
  /**
   * Parts with a richer HTML form than their text (a table of invoices): the body holds each key as a paragraph of
   * its own; the text part gets `text`, the HTML part `html` (escaped text where the key is not a paragraph alone).
   */
  blocks?: Record<string, { text: string; html: string }>;
  fromAddress: string;
  replyTo: string;
  tags: string[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const NEEDS_ESCAPING = /[&<>"']/;
// Most text has nothing to escape: it is returned as it is, without a pass that replaces nothing.
export const escapeHtml = (text: string) => (NEEDS_ESCAPING.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]) : text);

const URL_PATTERN = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;

/** One line of text as HTML: everything escaped, web addresses made into links. */
function lineToHtml(line: string): string {
  if (!line.includes('http')) return escapeHtml(line);
  let html = '';
  let at = 0;
  for (const match of line.matchAll(URL_PATTERN)) {
    html += escapeHtml(line.slice(at, match.index));
    const url = escapeHtml(match[0]);
    html += `<a href="${url}">${url}</a>`;
    at = match.index + match[0].length;
  }
  return html + escapeHtml(line.slice(at));
}

/** Blank lines separate paragraphs; single line breaks stay line breaks. */
function textToHtml(text: string): string {
  return text
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => `<p>${paragraph.split('\n').map(lineToHtml).join('<br>\n')}</p>`)
    .join('\n');
}

export function normalizeNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

function withBlocks(body: string, blocks: Composition['blocks'], html: boolean): string {
  let out = body;
  for (const [key, block] of Object.entries(blocks ?? {})) {
    out = html ? out.replaceAll(`<p>${key}</p>`, block.html).replaceAll(key, escapeHtml(block.text)) : out.replaceAll(key, block.text);
  }
  return out;
}

/** The last signature made into HTML: a reminder run composes thousands of emails with its administration's one. */
let lastSignature = { text: '', html: '' };
function signatureToHtml(signature: string): string {
  if (lastSignature.text !== signature) lastSignature = { text: signature, html: textToHtml(signature) };
  return lastSignature.html;
}

export function composeEmail(c: Composition): RenderedEmail {
  const marked = [normalizeNewlines(c.body).trim(), c.notice?.trim()].filter(Boolean).join('\n\n');
  const body = withBlocks(marked, c.blocks, false);
  const signature = c.signature ? normalizeNewlines(c.signature).trim() : '';
  const text = signature ? `${body}\n\n${signature}\n` : `${body}\n`;
  const signatureHtml = signature ? `\n<div class="signature">${signatureToHtml(signature)}</div>` : '';
  const html =
    `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(c.subject)}</title></head>\n` +
    `<body style="font-family: Arial, Helvetica, sans-serif; font-size: 14px; line-height: 1.5">\n${withBlocks(textToHtml(marked), c.blocks, true)}${signatureHtml}\n</body></html>\n`;
  return {
    from: formatMailbox(c.senderName ? `${c.senderName} via ${c.administrationName}` : c.administrationName, c.fromAddress),
    replyTo: c.replyTo,
    text,
    html,
    tags: c.tags,
  };
}
