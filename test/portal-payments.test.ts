// Online payments from the customer portal: portalStartPayment through the real Mollie client against a fake Mollie
// (https, self-signed), POST /webhooks/mollie (never trusted, idempotent, forward only), refunds, and the built-in
// test provider's checkout page.
//
// The Mollie client trusts only its own CA list, so the server under test must run with
// NODE_TLS_REJECT_UNAUTHORIZED=0. startTestServer runs the server inside the Jest worker, where that variable would
// switch off certificate checks for everything else the worker runs (other test files included). So the Mollie part
// runs the server as its own processes (test/support/cluster.ts), with the variable in their environment only; the
// test-provider part needs no TLS and runs in-process.
import type { Client } from 'pg';
import {
  DebtorPortalUrlDocument,
  InvoiceDocument,
  InvoicesDocument,
  OnlinePaymentUpdatedDocument,
  PaymentDetailsDocument,
  PortalOpenDocument,
  PortalStartPaymentDocument,
  RegisterPaymentDocument,
  UpdateSettingsDocument,
  type InvoiceImportInput,
} from './generated/graphql';
import { createTenants, type GraphqlClient, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { startCluster, type Cluster } from './support/cluster';
import { startFakeMollie, type FakeMollie } from './support/fake-mollie';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';
import { subscribe } from './support/subscriptions';

const PUBLIC_URL = 'https://credit.example.test';

/** Invoice n of debtor D-<debtor>, 100.00 open unless said otherwise. */
function invoiceOf(debtor: number, n: number, overrides: Partial<InvoiceImportInput> = {}): InvoiceImportInput {
  return invoiceInput(n, { debtor: { externalId: `D-${debtor}`, name: `Debtor ${debtor}`, type: 'BUSINESS', email: `d${debtor}@example.test` }, ...overrides });
}

interface Ledger {
  /** Invoice ids by external id (INV-n) and debtor ids by external id (D-n), of one administration. */
  invoices: Record<string, string>;
  debtors: Record<string, string>;
}

async function ledgerOf(server: GraphqlClient, token: string, administrationId: string): Promise<Ledger> {
  const data = expectData(await server.gql(InvoicesDocument, { id: administrationId }, { token }));
  const ledger: Ledger = { invoices: {}, debtors: {} };
  for (const { node } of data.administration!.invoices.edges) {
    ledger.invoices[node.externalId] = node.id;
    ledger.debtors[node.debtor.externalId] = node.debtor.id;
  }
  return ledger;
}

/** The debtor's link as a member reads it, then portalOpen with its last segment: a portal session token. */
async function portalSession(server: GraphqlClient, memberToken: string, debtorId: string): Promise<{ token: string; url: string }> {
  const url = expectData(await server.gql(DebtorPortalUrlDocument, { id: debtorId }, { token: memberToken })).debtor!.portalUrl;
  const opened = expectData(await server.gql(PortalOpenDocument, { accessToken: url.split('/').pop()! }));
  return { token: opened.portalOpen.token, url };
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function invoiceState(server: GraphqlClient, token: string, id: string) {
  const invoice = expectData(await server.gql(InvoiceDocument, { id }, { token })).invoice!;
  return { status: invoice.status, open: invoice.openAmount.amount };
}

async function paymentOf(server: GraphqlClient, token: string, administrationId: string, id: string) {
  const data = expectData(await server.gql(PaymentDetailsDocument, { id: administrationId }, { token }));
  return data.administration!.payments.edges.map((e) => e.node).find((p) => p.id === id)!;
}

describe('online payments through Mollie', () => {
  let cluster: Cluster;
  let mollie: FakeMollie;
  let t: Tenants;
  let db: Client;
  let a: Ledger;
  let b: Ledger;
  let d1: { token: string; url: string };
  let base: string;

  const api = () => cluster.api;
  const postWebhook = (body: string, contentType = 'application/x-www-form-urlencoded') =>
    fetch(`${base}/webhooks/mollie`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const start = (invoiceIds: string[], token = d1.token) => api().gql(PortalStartPaymentDocument, { invoiceIds }, { token });
  const rowCounts = async () => {
    const { rows } = await db.query<{ payments: string; chosen: string; allocations: string }>(
      `select (select count(*) from payments) as payments, (select count(*) from online_payment_invoices) as chosen, (select count(*) from payment_allocations) as allocations`,
    );
    return rows[0];
  };
  const allocationsOf = async (paymentId: string) =>
    (await db.query<{ amount: string }>('select amount::text from payment_allocations where payment_id = $1 order by amount', [paymentId])).rows.map((r) => r.amount);

  beforeAll(async () => {
    mollie = await startFakeMollie();
    cluster = await startCluster('payments', { ...mollie.env(), PUBLIC_URL, NODE_TLS_REJECT_UNAUTHORIZED: '0' });
    ({ t, db } = cluster);
    base = cluster.api.url.replace(/\/graphql$/, '');
    await importAndWait(api(), t.owner.token, t.a, [
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => invoiceOf(1, n, n === 2 ? { amount: '150.00', openAmount: '150.00' } : {})),
      invoiceOf(2, 20),
      invoiceOf(1, 30, { openAmount: '0' }),
    ]);
    await importAndWait(api(), t.otherOwner.token, t.b, [invoiceOf(1, 90)]);
    a = await ledgerOf(api(), t.owner.token, t.a);
    b = await ledgerOf(api(), t.otherOwner.token, t.b);
    d1 = await portalSession(api(), t.member.token, a.debtors['D-1']);
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
    await mollie?.close();
  });

  it('starts a Mollie payment for the chosen invoices, and a paid webhook pays them, live', async () => {
    const live = await subscribe(api().wsUrl, t.viewer.token, OnlinePaymentUpdatedDocument, { administrationId: t.a });
    const started = expectData(await start([a.invoices['INV-1'], a.invoices['INV-2']])).portalStartPayment;
    const providerId = started.payment.providerReference!;
    expect(started.payment).toMatchObject({ status: 'OPEN', source: 'ONLINE', amount: { amount: '250.00', currency: 'EUR' }, paidAt: null });
    expect(providerId).toMatch(/^tr_/);
    expect(started.checkoutUrl).toBe(`https://www.mollie.com/checkout/select-method/${providerId.slice(3)}`);

    // What the real client sent Mollie.
    const sent = mollie.createRequests.at(-1)!;
    expect(sent).toMatchObject({
      amount: { currency: 'EUR', value: '250.00' },
      redirectUrl: d1.url,
      webhookUrl: `${PUBLIC_URL}/webhooks/mollie`,
      metadata: { paymentId: started.payment.id },
    });
    expect(sent.description).toBe('Tenant A: invoices 2026-0001, 2026-0002');
    await live.waitFor((e) => e.paymentUpdated.id === started.payment.id && e.paymentUpdated.status === 'OPEN');

    // While open, the payment shows its invoices, and nothing is paid.
    expect((await paymentOf(api(), t.viewer.token, t.a, started.payment.id)).invoices.map((i) => i.id).sort()).toEqual([a.invoices['INV-1'], a.invoices['INV-2']].sort());
    expect(await invoiceState(api(), t.viewer.token, a.invoices['INV-1'])).toEqual({ status: 'OPEN', open: '100.00' });

    // Mollie posts, and posts again before the first one is done: the row lock lets one of them pay.
    mollie.setStatus(providerId, 'paid');
    const answers = await Promise.all([1, 2, 3].map(() => postWebhook(`id=${providerId}`)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);

    expect(await invoiceState(api(), t.viewer.token, a.invoices['INV-1'])).toEqual({ status: 'PAID', open: '0.00' });
    expect(await invoiceState(api(), t.viewer.token, a.invoices['INV-2'])).toEqual({ status: 'PAID', open: '0.00' });
    expect(await paymentOf(api(), t.viewer.token, t.a, started.payment.id)).toMatchObject({
      status: 'PAID',
      source: 'ONLINE',
      method: 'ideal',
      amount: { amount: '250.00' },
      reconciled: false,
      paidAt: expect.any(String),
    });
    const pushed = await live.waitFor((e) => e.paymentUpdated.id === started.payment.id && e.paymentUpdated.status === 'PAID');
    expect(pushed.paymentUpdated.invoices.map((i) => i.status)).toEqual(['PAID', 'PAID']);

    // The same post later again: nothing is paid twice, and nothing more is pushed.
    expect((await postWebhook(`id=${providerId}`)).status).toBe(200);
    expect(await allocationsOf(started.payment.id)).toEqual(['10000', '15000']);
    expect(await invoiceState(api(), t.viewer.token, a.invoices['INV-2'])).toEqual({ status: 'PAID', open: '0.00' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(live.events.filter((e) => e.paymentUpdated.id === started.payment.id && e.paymentUpdated.status === 'PAID')).toHaveLength(1);
    await live.close();
  });

  it('a paid invoice cannot be chosen again (CONFLICT), and nothing is written', async () => {
    const before = await rowCounts();
    const requests = mollie.createRequests.length;
    const refused = await start([a.invoices['INV-1']]);
    expectError(refused, 'CONFLICT');
    expect(refused.errors![0].message).toMatch(/2026-0001 is paid/);
    expectError(await start([a.invoices['INV-30']]), 'CONFLICT');
    expect(await rowCounts()).toEqual(before);
    expect(mollie.createRequests).toHaveLength(requests);
  });

  it('follows the statuses forward only, whatever order the posts come in', async () => {
    const started = expectData(await start([a.invoices['INV-3']])).portalStartPayment;
    const id = started.payment.providerReference!;
    mollie.setStatus(id, 'pending');
    expect((await postWebhook(`id=${id}`)).status).toBe(200);
    expect((await paymentOf(api(), t.viewer.token, t.a, started.payment.id)).status).toBe('PENDING');

    // Mollie said open earlier, the post arrives late: the payment stays PENDING.
    mollie.setStatus(id, 'open');
    await postWebhook(`id=${id}`);
    expect((await paymentOf(api(), t.viewer.token, t.a, started.payment.id)).status).toBe('PENDING');

    mollie.setStatus(id, 'paid');
    await postWebhook(`id=${id}`);
    mollie.setStatus(id, 'pending');
    await postWebhook(`id=${id}`);
    mollie.setStatus(id, 'failed');
    await postWebhook(`id=${id}`);
    expect((await paymentOf(api(), t.viewer.token, t.a, started.payment.id)).status).toBe('PAID');
    expect(await allocationsOf(started.payment.id)).toEqual(['10000']);
    expect(await invoiceState(api(), t.viewer.token, a.invoices['INV-3'])).toEqual({ status: 'PAID', open: '0.00' });

    // A payment that expired stays EXPIRED, and its invoice open.
    const expired = expectData(await start([a.invoices['INV-8']])).portalStartPayment;
    mollie.setStatus(expired.payment.providerReference!, 'expired');
    await postWebhook(`id=${expired.payment.providerReference}`);
    mollie.setStatus(expired.payment.providerReference!, 'open');
    await postWebhook(`id=${expired.payment.providerReference}`);
    expect((await paymentOf(api(), t.viewer.token, t.a, expired.payment.id)).status).toBe('EXPIRED');
    expect(await invoiceState(api(), t.viewer.token, a.invoices['INV-8'])).toEqual({ status: 'OPEN', open: '100.00' });
  });

  it('trusts no post: an unknown id is 200 and a log line, a payment Mollie says is open stays open', async () => {
    const before = await rowCounts();
    const unknown = await postWebhook('id=tr_unknown123');
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toBe('');
    await waitUntil(() => cluster.api.output().includes('payment webhook for an id we do not know'));
    expect((await postWebhook('id=<script>')).status).toBe(200);
    expect((await postWebhook('nothing=here')).status).toBe(400);

    // A forger who knows a real id claims it was paid: Mollie says open, so nothing happens.
    const started = expectData(await start([a.invoices['INV-4']])).portalStartPayment;
    const forged = await postWebhook(`id=${started.payment.providerReference}&status=paid&amount=100.00`);
    expect(forged.status).toBe(200);
    expect((await paymentOf(api(), t.viewer.token, t.a, started.payment.id)).status).toBe('OPEN');
    expect(await invoiceState(api(), t.viewer.token, a.invoices['INV-4'])).toEqual({ status: 'OPEN', open: '100.00' });
    const after = await rowCounts();
    expect(Number(after.allocations)).toBe(Number(before.allocations));
  });

  it('money paid online for an invoice partly paid elsewhere meanwhile takes only what is still open', async () => {
    const started = expectData(await start([a.invoices['INV-5']])).portalStartPayment;
    expectData(await api().gql(RegisterPaymentDocument, { invoiceId: a.invoices['INV-5'], amount: '30.00' }, { token: t.member.token }));
    mollie.setStatus(started.payment.providerReference!, 'paid');
    await postWebhook(`id=${started.payment.providerReference}`);
    expect(await invoiceState(api(), t.viewer.token, a.invoices['INV-5'])).toEqual({ status: 'PAID', open: '0.00' });
    // The debtor paid 100.00: the payment says so; 70.00 went to the invoice, 30.00 is left for the credit controller.
    expect(await paymentOf(api(), t.viewer.token, t.a, started.payment.id)).toMatchObject({ status: 'PAID', amount: { amount: '100.00' } });
    expect(await allocationsOf(started.payment.id)).toEqual(['7000']);

    // Refunding the 30.00 paid too much reopens nothing; a refund beyond it reopens the invoice by that much.
    mollie.refund(started.payment.providerReference!, '30.00');
    await postWebhook(`id=${started.payment.providerReference}`);
    expect(await invoiceState(api(), t.viewer.token, a.invoices['INV-5'])).toEqual({ status: 'PAID', open: '0.00' });
    mollie.refund(started.payment.providerReference!, '10.00');
    await postWebhook(`id=${started.payment.providerReference}`);
    expect(await invoiceState(api(), t.viewer.token, a.invoices['INV-5'])).toEqual({ status: 'OPEN', open: '10.00' });
    expect((await paymentOf(api(), t.viewer.token, t.a, started.payment.id)).status).toBe('PAID');
  });

  it('a refund in Mollie reopens the refunded amount on the invoice; all of it makes the payment REFUNDED', async () => {
    const started = expectData(await start([a.invoices['INV-6']])).portalStartPayment;
    const id = started.payment.providerReference!;
    mollie.setStatus(id, 'paid');
    await postWebhook(`id=${id}`);
    expect(await invoiceState(api(), t.viewer.token, a.invoices['INV-6'])).toEqual({ status: 'PAID', open: '0.00' });

    mollie.refund(id, '40.00');
    await postWebhook(`id=${id}`);
    await postWebhook(`id=${id}`);
    expect(await invoiceState(api(), t.viewer.token, a.invoices['INV-6'])).toEqual({ status: 'OPEN', open: '40.00' });
    expect((await paymentOf(api(), t.viewer.token, t.a, started.payment.id)).status).toBe('PAID');

    mollie.refund(id, '60.00');
    await postWebhook(`id=${id}`);
    expect(await invoiceState(api(), t.viewer.token, a.invoices['INV-6'])).toEqual({ status: 'OPEN', open: '100.00' });
    expect((await paymentOf(api(), t.viewer.token, t.a, started.payment.id)).status).toBe('REFUNDED');
  });

  it('refuses bad input with BAD_USER_INPUT, and writes nothing', async () => {
    const before = await rowCounts();
    const requests = mollie.createRequests.length;
    expectError(await start([]), 'BAD_USER_INPUT', 'invoiceIds');
    expectError(await start([a.invoices['INV-7'], a.invoices['INV-7']]), 'BAD_USER_INPUT', 'invoiceIds');
    expect(await rowCounts()).toEqual(before);
    expect(mollie.createRequests).toHaveLength(requests);
  });

  it("is NOT_FOUND for another debtor's, another administration's or a made-up invoice, and writes nothing", async () => {
    const before = await rowCounts();
    const requests = mollie.createRequests.length;
    for (const ids of [[a.invoices['INV-20']], [b.invoices['INV-90']], ['not-an-id'], ['00000000-0000-7000-8000-000000000000'], [a.invoices['INV-7'], a.invoices['INV-20']]]) {
      const result = await start(ids);
      expectError(result, 'NOT_FOUND');
      expect(result.data).toBeNull();
    }
    expect(await rowCounts()).toEqual(before);
    expect(mollie.createRequests).toHaveLength(requests);
  });

  it('refuses a user token on portalStartPayment and a portal token on user operations', async () => {
    const before = await rowCounts();
    expectError(await start([a.invoices['INV-7']], t.owner.token), 'FORBIDDEN');
    expectError(await api().gql(PaymentDetailsDocument, { id: t.a }, { token: d1.token }), 'FORBIDDEN');
    expectError(await api().gql(RegisterPaymentDocument, { invoiceId: a.invoices['INV-7'], amount: '1.00' }, { token: d1.token }), 'FORBIDDEN');
    expectError(await start([a.invoices['INV-7']], ''), 'UNAUTHENTICATED');
    expect(await rowCounts()).toEqual(before);
  });

  it('is FORBIDDEN before verification where the administration asks it on every page', async () => {
    expectData(await api().gql(UpdateSettingsDocument, { administrationId: t.a, input: { portalAuthenticationLevel: 'EVERY_PAGE', portalPrimaryMethod: 'POSTCODE_HOUSE_NUMBER' } }, { token: t.owner.token }));
    try {
      const unverified = await portalSession(api(), t.member.token, a.debtors['D-1']);
      const before = await rowCounts();
      const refused = await start([a.invoices['INV-7']], unverified.token);
      expectError(refused, 'FORBIDDEN');
      expect(await rowCounts()).toEqual(before);
    } finally {
      expectData(await api().gql(UpdateSettingsDocument, { administrationId: t.a, input: { portalAuthenticationLevel: 'NONE' } }, { token: t.owner.token }));
    }
  });

  it('a Mollie 4xx or 5xx on create is a clear SERVICE_UNAVAILABLE, and nothing is half-written', async () => {
    const before = await rowCounts();
    mollie.failNextCreate(1, 422, 'The amount is lower than the minimum');
    const refused = await start([a.invoices['INV-7']]);
    expectError(refused, 'SERVICE_UNAVAILABLE');
    expect(refused.errors![0].message).toMatch(/payment could not be started.*Nothing was charged/);
    // The client tries a 5xx three times (with one idempotency key) before giving up.
    mollie.failNextCreate(3, 503);
    expectError(await start([a.invoices['INV-7']]), 'SERVICE_UNAVAILABLE');
    expect(await rowCounts()).toEqual(before);
    const keys = mollie.idempotencyKeys.slice(-3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toBe((mollie.createRequests.at(-1)!.metadata as { paymentId: string }).paymentId);

    // Mollie is back: the same invoice can be paid.
    expectData(await start([a.invoices['INV-7']]));
    expect(mollie.unauthorized).toBe(0);
  });
});

describe('online payments through the built-in test provider', () => {
  let server: TestServer;
  let t: Tenants;
  let a: Ledger;
  let d1: { token: string; url: string };
  let base: string;

  const start = (invoiceIds: string[]) => server.gql(PortalStartPaymentDocument, { invoiceIds }, { token: d1.token });
  const checkoutPath = (checkoutUrl: string) => {
    expect(checkoutUrl.startsWith(`${PUBLIC_URL}/checkout/tr_test_`)).toBe(true);
    return `${base}${new URL(checkoutUrl).pathname}`;
  };
  const choose = (url: string, outcome: string) =>
    fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `outcome=${outcome}` });

  beforeAll(async () => {
    server = await startTestServer({ env: { PUBLIC_URL } });
    base = server.url.replace(/\/graphql$/, '');
    t = await createTenants(server);
    await importAndWait(server, t.owner.token, t.a, [1, 2, 3].map((n) => invoiceOf(1, n)));
    a = await ledgerOf(server, t.owner.token, t.a);
    d1 = await portalSession(server, t.member.token, a.debtors['D-1']);
  }, 60_000);
  afterAll(() => server?.stop());

  it('pays on the local checkout page, follows the webhook path, and sends the debtor back to the portal', async () => {
    const live = await subscribe(server.wsUrl, t.viewer.token, OnlinePaymentUpdatedDocument, { administrationId: t.a });
    const started = expectData(await start([a.invoices['INV-1']])).portalStartPayment;
    const url = checkoutPath(started.checkoutUrl);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('EUR 100.00');
    expect(html).toContain('Tenant A: invoice 2026-0001');
    expect(html).toMatch(/<button[^>]+value="pay"/);
    expect(html).not.toMatch(/<script|https?:\/\/(?!credit\.example\.test)/);

    const paid = await choose(url, 'pay');
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(d1.url);
    expect(await invoiceState(server, t.viewer.token, a.invoices['INV-1'])).toEqual({ status: 'PAID', open: '0.00' });
    expect(await paymentOf(server, t.viewer.token, t.a, started.payment.id)).toMatchObject({ status: 'PAID', source: 'ONLINE', method: 'test' });
    await live.waitFor((e) => e.paymentUpdated.id === started.payment.id && e.paymentUpdated.status === 'PAID');
    await live.close();

    // A second click, and the provider's webhook posted again: nothing changes twice.
    expect((await choose(url, 'fail')).status).toBe(303);
    const webhook = await fetch(`${base}/webhooks/mollie`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `id=${started.payment.providerReference}` });
    expect(webhook.status).toBe(200);
    expect(await paymentOf(server, t.viewer.token, t.a, started.payment.id)).toMatchObject({ status: 'PAID' });
    expect(await invoiceState(server, t.viewer.token, a.invoices['INV-1'])).toEqual({ status: 'PAID', open: '0.00' });
    expect(await (await fetch(url)).text()).not.toContain('value="pay"');
  });

  it('a failed or cancelled checkout leaves the invoice open', async () => {
    for (const [outcome, status, n] of [
      ['fail', 'FAILED', 2],
      ['cancel', 'CANCELED', 3],
    ] as const) {
      const started = expectData(await start([a.invoices[`INV-${n}`]])).portalStartPayment;
      const answer = await choose(checkoutPath(started.checkoutUrl), outcome);
      expect(answer.status).toBe(303);
      expect((await paymentOf(server, t.viewer.token, t.a, started.payment.id)).status).toBe(status);
      expect(await invoiceState(server, t.viewer.token, a.invoices[`INV-${n}`])).toEqual({ status: 'OPEN', open: '100.00' });
    }
  });

  it('answers 404 for a checkout it does not know and 400 for a choice it does not offer', async () => {
    expect((await fetch(`${base}/checkout/tr_test_0000000000000000`)).status).toBe(404);
    expect((await fetch(`${base}/checkout/tr_elsewhere`)).status).toBe(404);
    const started = expectData(await start([a.invoices['INV-2']])).portalStartPayment;
    const url = checkoutPath(started.checkoutUrl);
    expect((await choose(url, 'steal')).status).toBe(400);
    expect((await paymentOf(server, t.viewer.token, t.a, started.payment.id)).status).toBe('OPEN');
  });
});
