// Rendering: the HTML part escapes everything (placeholder values included), links web addresses, keeps paragraphs,
// and shows a reminder's invoice table as a table; an email stored rendered (before envelopes) goes as it is.
import type { RenderedEmail } from '../../entities/Message';
import { composeEmail, emailEnvelope } from './compose';
import { invoiceTable } from './invoice-table';
import { fillPlaceholders } from './placeholders';

const addressing = { senderName: 'Ann "A" Smith', administrationName: 'Acme, BV', fromAddress: 'billing@example.com', replyTo: 'reply+t@example.com', tags: ['message'] };

describe('composeEmail', () => {
  it('quotes the From name and escapes the HTML part', () => {
    const body = fillPlaceholders('Dear {{debtor.name}},\n\nSee https://x.example/a?b=1&c=2.\nBye', { 'debtor.name': '<script>alert(1)</script> & Co' }, 'body');
    const email = composeEmail('S', body, emailEnvelope({ ...addressing, signature: 'Regards' }));
    expect(email.from).toBe('"Ann \\"A\\" Smith via Acme, BV" <billing@example.com>');
    expect(email.replyTo).toBe('reply+t@example.com');
    expect(email.tags).toEqual(['message']);
    expect(email.text).toBe('Dear <script>alert(1)</script> & Co,\n\nSee https://x.example/a?b=1&c=2.\nBye\n\nRegards\n');
    expect(email.html).toContain('<p>Dear &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co,</p>');
    expect(email.html).toContain('<p>See <a href="https://x.example/a?b=1&amp;c=2">https://x.example/a?b=1&amp;c=2</a>.<br>\nBye</p>');
    expect(email.html).toContain('<div class="signature"><p>Regards</p></div>');
    expect(email.html).not.toContain('<script>');
  });

  it('puts the notice after the body, before the signature', () => {
    const email = composeEmail('S', 'Hello\r\n', emailEnvelope({ ...addressing, signature: 'Regards', notice: 'Documents: https://p.example/x' }));
    expect(email.text).toBe('Hello\n\nDocuments: https://p.example/x\n\nRegards\n');
    expect(email.html).toContain('<p>Hello</p>\n<p>Documents: <a href="https://p.example/x">https://p.example/x</a></p>');
  });

  it("shows the table of invoices in the body as an HTML table, its text as it is in the text part", () => {
    const invoices = [
      { number: '2026-<1>', dueDate: '2026-02-20', openAmount: '8000', currency: 'EUR' },
      { number: '2026-2', dueDate: '2026-03-01', openAmount: '123456', currency: 'USD' },
    ];
    const table = invoiceTable(invoices);
    expect(table.text).toBe('Invoice   Due date    Open amount\n2026-<1>  2026-02-20    EUR 80.00\n2026-2    2026-03-01  USD 1234.56');
    const body = `Dear Ann,\n\n${table.text}\n\nTotal: EUR 80.00`;
    const email = composeEmail('S', body, emailEnvelope({ ...addressing, senderName: null, signature: null, invoices }));
    expect(email.from).toBe('"Acme, BV" <billing@example.com>');
    expect(email.text).toBe(`${body}\n`);
    expect(email.html).toContain(`<p>Dear Ann,</p>\n${table.html}\n<p>Total: EUR 80.00</p>`);
    expect(table.html).toContain('<td style="padding: 2px 12px 2px 0">2026-&lt;1&gt;</td>');
    expect(email.html).not.toContain('Invoice   Due date');
  });

  it('sends an email stored rendered as it is', () => {
    const rendered: RenderedEmail = { from: 'a@example.com', replyTo: 'r@example.com', text: 'T', html: '<p>H</p>', tags: [] };
    expect(composeEmail('S', 'other body', rendered)).toBe(rendered);
  });

  it('fills a template it has seen before with the new values, spacing and $ signs as they are', () => {
    const template = 'Dear {{ debtor.name }}, {{debtor.name}}{{user.name}}: $1 & $$';
    expect(fillPlaceholders(template, { 'debtor.name': 'A', 'user.name': 'B' }, 'body')).toBe('Dear A, AB: $1 & $$');
    expect(fillPlaceholders(template, { 'debtor.name': '$&', 'user.name': '' }, 'body')).toBe('Dear $&, $&: $1 & $$');
    expect(fillPlaceholders('No placeholders', {}, 'body')).toBe('No placeholders');
    expect(() => fillPlaceholders(template, { 'debtor.name': 'A' }, 'body')).toThrow(/\{\{user.name\}\} in body needs a message about a user/);
  });

  it('refuses unknown placeholders and ones the target cannot fill', () => {
    expect(() => fillPlaceholders('{{debtor.nam}}', {}, 'body')).toThrow(/Unknown placeholder \{\{debtor.nam\}\}/);
    expect(() => fillPlaceholders('{{invoice.number}}', { 'debtor.name': 'x' }, 'body')).toThrow(/needs a message about an invoice/);
  });
});
