// The table of invoices a reminder lists: aligned columns in the text part, an HTML table in the HTML part.
import { centsToDecimal } from '../../domain/money';
import type { InvoiceLine } from '../../entities/Message';
import { escapeHtml } from './html';

const HEADER = ['Invoice', 'Due date', 'Open amount'];

/** An amount as an email shows it: `EUR 1234.56`. */
export const money = (currency: string, cents: bigint | string) => `${currency} ${centsToDecimal(cents)}`;

export function invoiceTable(invoices: InvoiceLine[]): { text: string; html: string } {
  const rows = invoices.map((i) => [i.number, i.dueDate, money(i.currency, i.openAmount)]);
  const widths = HEADER.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const cell = (tag: string, value: string, right = false) => `<${tag} style="padding: 2px 12px 2px 0${right ? '; text-align: right' : ''}">${escapeHtml(value)}</${tag}>`;
  const html =
    `<table style="border-collapse: collapse">\n<tr>${HEADER.map((h, c) => cell('th', h, c === 2)).join('')}</tr>\n` +
    rows.map((r) => `<tr>${r.map((v, c) => cell('td', v, c === 2)).join('')}</tr>`).join('\n') +
    '\n</table>';
  return { text: [line(HEADER), ...rows.map(line)].join('\n'), html };
}
