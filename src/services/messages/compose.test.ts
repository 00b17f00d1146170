// Rendering: the HTML part escapes everything (placeholder values included), links web addresses, keeps paragraphs.
import { composeEmail } from './compose';
import { fillPlaceholders } from './placeholders';

const base = { subject: 'S', signature: null, senderName: 'Ann "A" Smith', administrationName: 'Acme, BV', fromAddress: 'billing@example.com', replyTo: 'reply+t@example.com', tags: [] };

describe('composeEmail', () => {
  it('quotes the From name and escapes the HTML part', () => {
    const body = fillPlaceholders('Dear {{debtor.name}},\n\nSee https://x.example/a?b=1&c=2.\nBye', { 'debtor.name': '<script>alert(1)</script> & Co' }, 'body');
    const email = composeEmail({ ...base, body, signature: 'Regards' });
    expect(email.from).toBe('"Ann \\"A\\" Smith via Acme, BV" <billing@example.com>');
    expect(email.text).toBe('Dear <script>alert(1)</script> & Co,\n\nSee https://x.example/a?b=1&c=2.\nBye\n\nRegards\n');
    expect(email.html).toContain('<p>Dear &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co,</p>');
    expect(email.html).toContain('<p>See <a href="https://x.example/a?b=1&amp;c=2">https://x.example/a?b=1&amp;c=2</a>.<br>\nBye</p>');
    expect(email.html).not.toContain('<script>');
  });

  it('refuses unknown placeholders and ones the target cannot fill', () => {
    expect(() => fillPlaceholders('{{debtor.nam}}', {}, 'body')).toThrow(/Unknown placeholder \{\{debtor.nam\}\}/);
    expect(() => fillPlaceholders('{{invoice.number}}', { 'debtor.name': 'x' }, 'body')).toThrow(/needs a message about an invoice/);
  });
});
