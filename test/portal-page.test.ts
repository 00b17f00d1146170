// The debtors' page of the customer portal (GET /portal/<token>) in a real browser (Debian's Chromium via
// playwright-core), on the portal GraphQL operations only: open the link a member reads, verify, download a
// document, reply, pay; in English and in Dutch. Also its security headers, a refused link, and a log without tokens.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DebtorPortalUrlDocument, ImportFileDocument, InboxDocument, InvoiceDocument, InvoicesDocument, RotatePortalAccessDocument, UpdateSettingsDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData } from './support/assertions';
import { importAndWait, invoiceInput, waitForRun } from './support/ledger';
import { freePort } from './support/ports';
import { startTestServer, type TestServer } from './support/server';
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

beforeAll(async () => {
  // PUBLIC_URL is this server, so the portal links and the checkout's way back lead to it.
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  server = await startTestServer({ env: { PORT: String(port), PUBLIC_URL: origin } });
  t = await createTenants(server);
}, 60_000);
afterAll(() => server?.stop());

const A_TOKEN = 'a'.repeat(64);

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

  it.skip('walks a debtor through: verify by SMS code, download a document, reply, pay, and see the invoice paid', async () => {
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
    // Documents wait for the verification: the server's FORBIDDEN says so.
    await page.locator('#documents-notice').waitFor({ state: 'visible' });
    expect(await page.locator('#invoice-rows a').count()).toBe(0);

    // Verify by SMS: the code goes through Twilio (the fake one), the debtor types it in.
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await expectText(page.locator('#otp-sent'), 'We sent a code to');
    const code = await smsCodeFor('+31612345678');
    await page.getByLabel('Code (6 digits)').fill(code);
    await page.getByRole('button', { name: 'Confirm code' }).click();
    await expectText(statusText(page), 'Thank you, you are confirmed.');
    await page.locator('#verify').waitFor({ state: 'hidden' });
    expect(await page.locator('#documents-notice').isHidden()).toBe(true);

    // Download the invoice's PDF.
    const pdfLink = page.getByRole('link', { name: /INV-2024-006\.pdf/ });
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
    expect(inbox.administration!.inbox.edges.map((edge) => edge.node)).toEqual(
      expect.arrayContaining([expect.objectContaining({ direction: 'INBOUND', targetType: 'INVOICE', targetId: withPdf.id, status: 'UNREAD_REPLY' })]),
    );

    // Pay the invoice through the test payment provider's checkout page, and come back to see it paid.
    await page.getByLabel('Pay invoice INV-2024-006').check();
    await expectText(page.locator('#pay-total'), '€2,500.00');
    await page.getByRole('button', { name: 'Pay selected invoices' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/portal/'));
    await payOnCheckoutPage(page);
    await page.waitForURL(link + '**');
    await expectText(statusText(page), 'Thank you, we received your payment for invoice INV-2024-006.');
    expect(await page.locator('#invoice-rows').innerText()).not.toContain('INV-2024-006');
    const paid = expectData(await server.gql(InvoiceDocument, { id: withPdf.id }, { token: t.member.token })).invoice!;
    expect(paid).toMatchObject({ status: 'PAID', openAmount: { amount: '0.00' } });

    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});

/** The code in the last SMS the fake Twilio took for this number. TODO(portal-page): the lead's test/support/fake-twilio.ts. */
async function smsCodeFor(_phone: string): Promise<string> {
  throw new Error('fake Twilio not on main yet');
}

/** On the built-in test provider's checkout page: pay. TODO(portal-page): the online-payments branch's page. */
async function payOnCheckoutPage(page: Page): Promise<void> {
  await page.getByRole('button', { name: /pay/i }).click();
}

async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: 20_000 });
}
