// The debtors' page of the customer portal (GET /portal/<token>) in a real browser (Debian's Chromium via
// playwright-core), on the portal GraphQL operations only: open the link a member reads, verify, download a
// document, reply, pay; in English and in Dutch. Also its security headers, a refused link, and a log without tokens.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DebtorDocument, DebtorPortalUrlDocument, ImportFileDocument, InboxDocument, InvoiceDocument, InvoicesDocument, MessageDocument, RotatePortalAccessDocument, UpdateSettingsDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData } from './support/assertions';
import { importAndWait, invoiceInput, waitForRun } from './support/ledger';
import { freePort } from './support/ports';
import { startTestServer, type TestServer } from './support/server';
import { startFakeTwilio, type FakeTwilio } from './support/fake-twilio';
import { postUpload } from './support/upload';
import { startRuntime } from '../src/runtime';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`Skipping the portal page browser test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
}
const describeWithBrowser = haveChromium ? describe : describe.skip;

let server: TestServer;
let origin: string;
let t: Tenants;
let twilio: FakeTwilio;

beforeAll(async () => {
  // PUBLIC_URL is this server, so the portal links and the checkout's way back lead to it.
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  twilio = await startFakeTwilio();
  server = await startTestServer({
    env: { PORT: String(port), PUBLIC_URL: origin, PORTAL_MAX_ATTEMPTS_PER_DEBTOR: String(MAX_ATTEMPTS_PER_DEBTOR), ...twilio.env() },
  });
  t = await createTenants(server);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await twilio?.close();
});

const A_TOKEN = 'a'.repeat(96);
const MAX_ATTEMPTS_PER_DEBTOR = 3;

describe('GET /portal/<token>', () => {
  it('serves the page with a strict CSP, no referrer and no caching, the same for any token', async () => {
    const response = await fetch(`${origin}/portal/${A_TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp.split('; ')).toEqual(
      expect.arrayContaining(["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"]),
    );
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    // No inline script or style: the CSP would refuse them.
    expect(html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
    expect(html).toContain('src="../portal-assets/portal.js"');
    expect(html).not.toContain(A_TOKEN);

    const script = await fetch(`${origin}/portal-assets/portal.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    const css = await fetch(`${origin}/portal-assets/portal.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);

    // A trailing slash would put the relative asset addresses under the token: not the page.
    expect((await fetch(`${origin}/portal/${A_TOKEN}/`)).status).toBe(404);
    expect((await fetch(`${origin}/portal-assets/portal.html`)).status).toBe(404);
  });

  it('keeps the access token out of the request log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    const second = await startRuntime({ config: { ...server.runtime.app.config, port: 0 }, role: 'api', clock: server.clock, logger });
    try {
      const secondOrigin = new URL(second.url!).origin;
      expect((await fetch(`${secondOrigin}/portal/${A_TOKEN}`)).status).toBe(200);
      expect((await fetch(`${secondOrigin}/Portal/${A_TOKEN}`)).status).toBe(200);
      await fetch(second.url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($a: String!) { portalOpen(accessToken: $a) { token } }', variables: { a: A_TOKEN } }),
      });
    } finally {
      await second.stop();
    }
    const requests = lines.map((line) => JSON.parse(line) as { msg: string; path?: string }).filter((entry) => entry.msg === 'request');
    expect(requests.map((entry) => entry.path)).toEqual(['/portal/[token]', '/portal/[token]', '/graphql']);
    expect(lines.join('')).not.toContain(A_TOKEN);
  });
});

/** The path of a debtor's portalUrl, on this server. */
async function portalUrlOf(debtorId: string): Promise<string> {
  const url = expectData(await server.gql(DebtorPortalUrlDocument, { id: debtorId }, { token: t.member.token })).debtor!.portalUrl;
  expect(url.startsWith(`${origin}/portal/`)).toBe(true);
  return url;
}

async function invoiceByNumber(administrationId: string, number: string, token = t.member.token) {
  const found = expectData(await server.gql(InvoicesDocument, { id: administrationId, filter: { search: number } }, { token }));
  const invoice = found.administration!.invoices.edges.map((edge) => edge.node).find((node) => node.number === number);
  if (!invoice) throw new Error(`no invoice ${number}`);
  return invoice;
}

describeWithBrowser('the portal page in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(() => browser?.close());

  /** A browser context in one language; every request it makes must go to this server. */
  async function openContext(locale: string): Promise<{ context: BrowserContext; page: Page; outside: string[]; problems: string[] }> {
    const context = await browser.newContext({ locale, acceptDownloads: true });
    const page = await context.newPage();
    const outside: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(origin)) outside.push(request.url());
    });
    // A CSP violation or a script error shows up here.
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return { context, page, outside, problems };
  }

  const statusText = (page: Page) => page.locator('#status');
  const alertText = (page: Page) => page.locator('#alert');

  it('says plainly that an unknown or rotated link is not valid, in English and in Dutch', async () => {
    await importAndWait(server, t.owner.token, t.a, [invoiceInput(1)]);
    const invoice = await invoiceByNumber(t.a, '2026-0001');
    const old = await portalUrlOf(invoice.debtor.id);
    expectData(await server.gql(RotatePortalAccessDocument, { debtorId: invoice.debtor.id }, { token: t.admin.token }));

    const english = await openContext('en-GB');
    await english.page.goto(old);
    await expectText(alertText(english.page), 'This link is not valid (any more).');
    expect(await english.page.locator('html').getAttribute('lang')).toBe('en');
    expect(await english.page.locator('#invoices').isVisible()).toBe(false);
    expect(english.outside).toEqual([]);
    await english.context.close();

    const dutch = await openContext('nl-NL');
    await dutch.page.goto(`${origin}/portal/${A_TOKEN}`);
    await expectText(alertText(dutch.page), 'Deze link is niet (meer) geldig.');
    expect(await dutch.page.locator('html').getAttribute('lang')).toBe('nl');
    await dutch.context.close();
  }, 60_000);

  it('walks a debtor through in English: verify by SMS code, download a document, reply, pay through the test provider, see the invoice paid', async () => {
    // An invoice with its PDF (a UBL file), and a second one of the same debtor with the phone and address.
    const ubl = fs.readFileSync(path.join(__dirname, 'fixtures', 'bookkeeping', 'invoice-with-pdf.xml'));
    const { body } = await postUpload(server.url, ImportFileDocument, { administrationId: t.a, format: 'UBL', file: null }, { name: 'invoice.xml', content: ubl }, { token: t.member.token });
    await waitForRun(server, t.member.token, t.a, expectData(body).importFile.id);
    await importAndWait(server, t.member.token, t.a, [
      invoiceInput(20, {
        amount: '80.25',
        openAmount: '80.25',
        dueDate: '2026-02-20',
        debtor: { externalId: 'DEB-2002', name: 'Pietersen Installatietechniek', type: 'BUSINESS', phone: '+31612345678', postcode: '1234 AB', houseNumber: '12' },
      }),
    ]);
    expectData(
      await server.gql(UpdateSettingsDocument, { administrationId: t.a, input: { portalAuthenticationLevel: 'SENSITIVE_INFORMATION', portalPrimaryMethod: 'SMS_OTP' } }, { token: t.owner.token }),
    );
    const withPdf = await invoiceByNumber(t.a, 'INV-2024-006');
    const link = await portalUrlOf(withPdf.debtor.id);

    const { context, page, outside, problems } = await openContext('en-US');
    await page.goto(link);
    // The administration, the debtor, the open invoices with amounts and due dates.
    await expectText(page.locator('#administration-name'), 'Tenant A');
    await expectText(page.locator('#debtor-name'), 'For Pietersen Installatietechniek');
    await expectText(page.locator('#invoice-rows'), 'INV-2024-006');
    const rows = await page.locator('#invoice-rows tr').allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.includes('INV-2024-006'))).toMatch(/31 May 2024[\s\S]*€2,500\.00/);
    expect(rows.find((row) => row.includes('2026-0020'))).toMatch(/20 February 2026[\s\S]*€80\.25/);
    // Every field has a label, every section a heading.
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll('input, select, textarea'))
        .filter((control) => !(control as HTMLInputElement).labels?.length)
        .map((control) => control.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Your invoices');
    // Documents wait for the verification: the server's FORBIDDEN says so.
    await expectText(page.locator('#documents-notice'), 'Please confirm who you are (above) to see documents and attachments.');
    expect(await page.locator('#invoice-rows a').count()).toBe(0);

    // Verify by SMS: the code goes through Twilio (the fake one), the debtor types it in.
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await expectText(page.locator('#otp-sent'), 'We sent a code to');
    const code = await smsCodeFor('+31612345678');
    await page.getByLabel('Code (6 digits)').fill(code);
    await page.getByRole('button', { name: 'Confirm code' }).click();
    await expectText(statusText(page), 'Thank you, you are confirmed.');
    await page.locator('#verify').waitFor({ state: 'hidden' });

    // Download the invoice's PDF.
    const pdfLink = page.getByRole('link', { name: /INV-2024-006\.pdf/ });
    await pdfLink.waitFor({ state: 'visible' });
    expect(await page.locator('#documents-notice').isHidden()).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), pdfLink.click()]);
    expect(download.suggestedFilename()).toBe('INV-2024-006.pdf');
    const downloaded = await download.path();
    expect(fs.readFileSync(downloaded!).subarray(0, 4).toString()).toBe('%PDF');

    // Reply about the invoice; a member sees it in the inbox as INBOUND.
    await page.getByLabel('About').selectOption({ label: 'Invoice INV-2024-006' });
    await page.getByLabel('Your message').fill('I paid half last week, the rest follows today.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expectText(statusText(page), 'Your message has been sent.');
    await expectText(page.locator('#message-list'), 'I paid half last week');
    const inbox = expectData(await server.gql(InboxDocument, { id: t.a, filter: { direction: 'INBOUND' } }, { token: t.member.token }));
    const reply = inbox.administration!.inbox.edges.map((edge) => edge.node).find((node) => node.targetId === withPdf.id);
    expect(reply).toMatchObject({ direction: 'INBOUND', targetType: 'INVOICE', status: 'RECEIVED', readAt: null });
    expect(expectData(await server.gql(MessageDocument, { id: reply!.id }, { token: t.member.token })).message!.body).toBe('I paid half last week, the rest follows today.');
    const debtor = expectData(await server.gql(DebtorDocument, { id: withPdf.debtor.id }, { token: t.member.token })).debtor!;
    expect(debtor.attentionReasons).toContain('UNREAD_REPLY');

    // Pay the invoice through the test payment provider's checkout page, and come back to see it paid.
    await page.getByLabel('Pay invoice INV-2024-006').check();
    await expectText(page.locator('#pay-total'), '€2,500.00');
    await page.getByRole('button', { name: 'Pay selected invoices' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/portal/'));
    await payOnCheckoutPage(page);
    await page.waitForURL(link + '**');
    await expectText(statusText(page), 'Thank you, we received your payment for invoice INV-2024-006.');
    // Back from the checkout page, the tab's session is still the verified one: no second check.
    expect(await page.locator('#verify').isHidden()).toBe(true);
    expect(await page.locator('#invoice-rows').innerText()).not.toContain('INV-2024-006');
    const paid = expectData(await server.gql(InvoiceDocument, { id: withPdf.id }, { token: t.member.token })).invoice!;
    expect(paid).toMatchObject({ status: 'PAID', openAmount: { amount: '0.00' } });

    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('walks a private debtor through in Dutch: nothing before the postcode check, then invoices, a reload that stays verified, a reply, a link replaced meanwhile', async () => {
    await importAndWait(server, t.otherOwner.token, t.b, [
      invoiceInput(30, { debtor: { externalId: 'P-30', name: 'J. de Vries', type: 'PRIVATE', email: 'devries@example.test', postcode: '1234 AB', houseNumber: '12a' } }),
    ]);
    expectData(
      await server.gql(
        UpdateSettingsDocument,
        { administrationId: t.b, input: { portalAuthenticationLevel: 'EVERY_PAGE', portalPrimaryMethod: 'POSTCODE_HOUSE_NUMBER' } },
        { token: t.otherOwner.token },
      ),
    );
    const invoice = await invoiceByNumber(t.b, '2026-0030', t.otherOwner.token);
    const link = expectData(await server.gql(DebtorPortalUrlDocument, { id: invoice.debtor.id }, { token: t.otherOwner.token })).debtor!.portalUrl;

    const { context, page, outside, problems } = await openContext('nl-NL');
    await page.goto(link);
    await expectText(page.locator('#administration-name'), 'Tenant B');
    await expectText(page.getByRole('heading', { level: 2 }), 'Bevestig dat u het bent');
    // EVERY_PAGE: the invoices and messages are refused (FORBIDDEN) until the debtor verifies, and the page says why.
    await expectText(page.locator('#invoices-notice'), 'Bevestig eerst (hierboven) wie u bent om uw facturen en berichten te zien.');
    expect(await page.locator('#invoice-rows tr').count()).toBe(0);
    expect(await page.locator('#otp').isHidden()).toBe(true);

    await page.getByLabel('Postcode').fill('1234 AB');
    await page.getByLabel('Huisnummer').fill('12');
    await page.getByRole('button', { name: 'Bevestigen', exact: true }).click();
    await expectText(alertText(page), 'De postcode en het huisnummer komen niet overeen met wat wij van u hebben.');

    // By keyboard alone: type, Tab to the next field, Enter submits.
    await page.getByLabel('Postcode').fill('1234ab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('12 A');
    await page.keyboard.press('Enter');
    await expectText(statusText(page), 'Dank u, u bent bevestigd.');
    await expectText(page.getByRole('heading', { level: 2 }), 'Openstaande facturen');
    expect(await page.locator('#invoice-rows tr').innerText()).toMatch(/2026-0030[\s\S]*15 januari 2026[\s\S]*14 februari 2026[\s\S]*€\s100,00/);
    expect(await page.locator('#alert').innerText()).toBe('');

    // Reloaded, the tab's session goes on verified.
    await page.reload();
    await expectText(page.locator('#invoice-rows'), '2026-0030');
    expect(await page.locator('#verify').isHidden()).toBe(true);

    await page.getByLabel('Uw bericht').fill('Ik betaal volgende week.');
    await page.getByRole('button', { name: 'Versturen' }).click();
    await expectText(statusText(page), 'Uw bericht is verstuurd.');
    await expectText(page.locator('#message-list'), 'Ik betaal volgende week.');
    const inbox = expectData(await server.gql(InboxDocument, { id: t.b, filter: { direction: 'INBOUND' } }, { token: t.otherOwner.token }));
    expect(inbox.administration!.inbox.edges.map((edge) => edge.node)).toEqual([expect.objectContaining({ targetType: 'DEBTOR', targetId: invoice.debtor.id })]);

    // The link is replaced while the page is open: the session ends with it, and the page says the link is no longer valid.
    expectData(await server.gql(RotatePortalAccessDocument, { debtorId: invoice.debtor.id }, { token: t.otherOwner.token }));
    await page.getByLabel('Uw bericht').fill('Nog een vraag.');
    await page.getByRole('button', { name: 'Versturen' }).click();
    await expectText(alertText(page), 'Deze link is niet (meer) geldig.');
    expect(await page.locator('#invoices').isHidden()).toBe(true);

    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows the limit on failed checks with when to try again', async () => {
    // Administration B asks for the postcode on every page (the Dutch walk set it).
    await importAndWait(server, t.otherOwner.token, t.b, [invoiceInput(40, { debtor: { externalId: 'P-40', name: 'K. Jansen', type: 'PRIVATE', postcode: '9999 ZZ', houseNumber: '1' } })]);
    const invoice = await invoiceByNumber(t.b, '2026-0040', t.otherOwner.token);
    const link = expectData(await server.gql(DebtorPortalUrlDocument, { id: invoice.debtor.id }, { token: t.otherOwner.token })).debtor!.portalUrl;
    const { context, page } = await openContext('en-GB');
    await page.goto(link);
    await expectText(page.locator('#invoices-notice'), 'Please confirm who you are (above) to see your invoices and messages.');
    for (let i = 0; i < MAX_ATTEMPTS_PER_DEBTOR; i++) {
      await page.getByLabel('Postcode').fill(`1000 A${String.fromCharCode(65 + i)}`);
      await page.getByLabel('House number').fill('1');
      await page.getByRole('button', { name: 'Confirm', exact: true }).click();
      await expectText(alertText(page), 'The postcode and house number do not match what we have for you');
    }
    await page.getByLabel('Postcode').fill('9999 ZZ');
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await expectText(alertText(page), 'Too many attempts. Please try again after');
    expect(await page.locator('#verify').isVisible()).toBe(true);
    await context.close();
  }, 120_000);
});

/** The code in the last SMS the fake Twilio took for this number (sent by the worker, through the SMS outbox). */
function smsCodeFor(phone: string): Promise<string> {
  return twilio.latestCode(phone, 20_000);
}

/** On the built-in test provider's checkout page: pay (it posts the webhook, then sends the debtor back to the portal). */
async function payOnCheckoutPage(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Pay / Betalen' }).click();
}

async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: 20_000 });
}
