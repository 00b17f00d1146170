// The test provider's checkout page: plain HTML and a form (no script, no CDN), in English and Dutch side by side.
import { centsToDecimal } from '../domain/money';
import type { TestProviderRow } from '../integrations/payments/test-provider';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const STATUS_TEXT: Record<string, string> = {
  open: 'Waiting for your choice / Wacht op uw keuze',
  paid: 'Paid / Betaald',
  failed: 'Failed / Mislukt',
  canceled: 'Cancelled / Geannuleerd',
};

export function testCheckoutHtml(payment: TestProviderRow | null, notice?: string): string {
  const body = !payment
    ? '<h1>Payment not found / Betaling niet gevonden</h1>'
    : `<h1>Test payment / Testbetaling</h1>
<p class="note">This is the built-in test provider: no money is charged. / Dit is de ingebouwde testbetaalprovider: er wordt niets afgeschreven.</p>
<dl>
  <dt>Description / Omschrijving</dt><dd>${escape(payment.description)}</dd>
  <dt>Amount / Bedrag</dt><dd>${escape(payment.currency)} ${centsToDecimal(payment.amount)}</dd>
  <dt>Status</dt><dd id="status">${escape(STATUS_TEXT[payment.status] ?? payment.status)}</dd>
</dl>
${notice ? `<p role="alert">${escape(notice)}</p>` : ''}
${
  payment.status === 'open'
    ? `<form method="post">
  <button type="submit" name="outcome" value="pay">Pay / Betalen</button>
  <button type="submit" name="outcome" value="fail">Fail / Laten mislukken</button>
  <button type="submit" name="outcome" value="cancel">Cancel / Annuleren</button>
</form>`
    : `<p><a href="${escape(payment.redirect_url)}">Back / Terug</a></p>`
}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Test payment</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
dt { font-weight: bold; } dd { margin: 0 0 .5rem 0; }
.note { background: #fff4d6; padding: .5rem; }
button { font-size: 1rem; padding: .5rem 1rem; margin: 0 .5rem .5rem 0; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
