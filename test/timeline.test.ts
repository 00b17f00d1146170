// Timelines of invoices and debtors: imports, messages, payments and paid invoices, newest first, paginated
// without gaps across ties, at a constant number of SQL statements per page; readable by a viewer, scoped to
// the caller's administrations.
import {
  DebtorTimelineDocument,
  DebtorTimelineIdsDocument,
  DebtorTimelineLoadedDocument,
  InvoiceTimelineDocument,
  RegisterPaymentDocument,
  SendMessageDocument,
  SendMessagesDocument,
  type InvoiceImportInput,
  type TargetRef,
  type TimelineEntryFieldsFragment,
} from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectError, expectNotFoundWithoutData } from './support/assertions';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, TEST_NOW, type TestServer } from './support/server';

let server: TestServer;
let t: Tenants;

beforeAll(async () => {
  server = await startTestServer({ env: { OUTBOX_POLL_MS: '50' } });
  t = await createTenants(server);
});
afterAll(() => server.stop());

const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  (await server.runtime.orm.em.getConnection().execute(query, params)) as T[];

/** The test clock `minutes` after TEST_NOW (well within a token's lifetime), and that instant as the API writes it. */
const minute = (minutes: number) => new Date(TEST_NOW.getTime() + minutes * 60_000);
const setMinute = (minutes: number) => server.clock.set(minute(minutes));
const iso = (minutes: number) => minute(minutes).toISOString();

async function idOf(table: 'invoices' | 'debtors', externalId: string, administrationId = t.a): Promise<string> {
  const [row] = await sql<{ id: string }>(`select id from ${table} where administration_id = ? and external_id = ?`, [administrationId, externalId]);
  return row.id;
}

const invoiceTarget = (id: string): TargetRef => ({ type: 'INVOICE', id });
const debtorTarget = (id: string): TargetRef => ({ type: 'DEBTOR', id });

async function send(target: TargetRef, subject: string): Promise<string> {
  return expectData(await server.gql(SendMessageDocument, { input: { target, subject, body: 'Please pay.' } }, { token: t.member.token })).sendMessage.id;
}

async function pay(invoiceId: string, amount: string): Promise<string> {
  return expectData(await server.gql(RegisterPaymentDocument, { invoiceId, amount }, { token: t.member.token })).registerPayment.id;
}

/** Waits until the local transport has delivered every queued message. */
async function deliveries(): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await sql<{ n: number }>(`select count(*)::int as n from messages where status = 'QUEUED'`))[0].n > 0) {
    if (Date.now() > deadline) throw new Error('messages still queued');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const debtorOf = (externalId: string, email: string | null = `${externalId.toLowerCase()}@example.test`) => ({
  externalId,
  name: `Debtor ${externalId}`,
  type: 'BUSINESS' as const,
  email,
});

// Pages of full entries stay small: a connection's cost is its page size times its entries' fields (schema/limits.ts).
async function invoiceTimeline(id: string, first = 10, after?: string) {
  return expectData(await server.gql(InvoiceTimelineDocument, { id, first, after }, { token: t.viewer.token })).invoice!.timeline;
}

async function debtorTimeline(id: string, first = 10, after?: string) {
  return expectData(await server.gql(DebtorTimelineDocument, { id, first, after }, { token: t.viewer.token })).debtor!.timeline;
}

const brief = (entry: TimelineEntryFieldsFragment) => ({ id: entry.id, at: entry.at, kind: entry.kind, summary: entry.summary });

describe('an invoice timeline', () => {
  it('shows the import, a message sent, a payment and the invoice paid, newest first, with the message, payment and actor', async () => {
    setMinute(0);
    await importAndWait(server, t.owner.token, t.a, [invoiceInput(1, { debtor: debtorOf('D-1') })]);
    const invoiceId = await idOf('invoices', 'INV-1');
    setMinute(1);
    const messageId = await send(invoiceTarget(invoiceId), 'Invoice {{invoice.number}}');
    await deliveries();
    setMinute(2);
    const paymentId = await pay(invoiceId, '100.00');

    const timeline = await invoiceTimeline(invoiceId);
    expect(timeline.totalCount).toBe(4);
    expect(timeline.pageInfo.hasNextPage).toBe(false);
    const [paid, payment, sent, imported] = timeline.edges.map((e) => e.node);
    // The payment and the invoice being paid happen at one instant: the consequence shows first.
    expect(paid).toEqual({
      id: `INVOICE_PAID:${invoiceId}`,
      at: iso(2),
      kind: 'INVOICE_PAID',
      summary: 'Invoice 2026-0001 paid',
      actor: null,
      message: null,
      payment: null,
    });
    expect(payment).toEqual({
      id: `PAYMENT:${paymentId}`,
      at: iso(2),
      kind: 'PAYMENT',
      summary: 'Payment of EUR 100.00 received',
      actor: null,
      message: null,
      payment: { id: paymentId, amount: { amount: '100.00', currency: 'EUR' }, source: 'MANUAL', status: 'PAID', invoices: [{ id: invoiceId, number: '2026-0001' }] },
    });
    expect(sent).toMatchObject({
      id: `MESSAGE_SENT:${messageId}`,
      at: iso(1),
      kind: 'MESSAGE_SENT',
      summary: 'Email sent to d-1@example.test by member: Invoice 2026-0001',
      actor: { id: t.member.id, name: 'member' },
      message: { id: messageId, direction: 'OUTBOUND', to: ['d-1@example.test'], status: 'SENT', openedAt: null, sender: { id: t.member.id, name: 'member' } },
      payment: null,
    });
    expect(sent.message!.sentAt).toBe(iso(1));
    expect(imported).toEqual({
      id: `INVOICE_IMPORTED:${invoiceId}`,
      at: iso(0),
      kind: 'INVOICE_IMPORTED',
      summary: 'Invoice 2026-0001 imported',
      actor: null,
      message: null,
      payment: null,
    });
  });

  it('follows the bookkeeping: paid when an import closes it, no longer paid when it reopens, paid again later', async () => {
    setMinute(10);
    await importAndWait(server, t.owner.token, t.a, [invoiceInput(2, { debtor: debtorOf('D-2') })]);
    const invoiceId = await idOf('invoices', 'INV-2');
    setMinute(11);
    await importAndWait(server, t.owner.token, t.a, [invoiceInput(2, { debtor: debtorOf('D-2'), openAmount: '0' })]);
    expect((await invoiceTimeline(invoiceId)).edges.map((e) => brief(e.node))).toEqual([
      { id: `INVOICE_PAID:${invoiceId}`, at: iso(11), kind: 'INVOICE_PAID', summary: 'Invoice 2026-0002 paid' },
      { id: expect.stringMatching(/^PAYMENT:/), at: iso(11), kind: 'PAYMENT', summary: 'Payment of EUR 100.00 received' },
      { id: `INVOICE_IMPORTED:${invoiceId}`, at: iso(10), kind: 'INVOICE_IMPORTED', summary: 'Invoice 2026-0002 imported' },
    ]);

    // The bookkeeping opens it again (a payment reversed): the invoice is no longer paid; the payment happened.
    setMinute(12);
    await importAndWait(server, t.owner.token, t.a, [invoiceInput(2, { debtor: debtorOf('D-2'), openAmount: '40.00' })]);
    expect((await invoiceTimeline(invoiceId)).edges.map((e) => e.node.kind)).toEqual(['PAYMENT', 'INVOICE_IMPORTED']);

    setMinute(13);
    await importAndWait(server, t.owner.token, t.a, [invoiceInput(2, { debtor: debtorOf('D-2'), openAmount: '0' })]);
    const timeline = await invoiceTimeline(invoiceId);
    expect(timeline.edges.map((e) => [e.node.kind, e.node.at, e.node.summary, e.node.payment?.source ?? null])).toEqual([
      ['INVOICE_PAID', iso(13), 'Invoice 2026-0002 paid', null],
      ['PAYMENT', iso(13), 'Payment of EUR 40.00 received', 'BOOKKEEPING'],
      ['PAYMENT', iso(11), 'Payment of EUR 100.00 received', 'BOOKKEEPING'],
      ['INVOICE_IMPORTED', iso(10), 'Invoice 2026-0002 imported', null],
    ]);
  });

  it('shows an invoice imported as already paid as imported, then paid, at the same instant', async () => {
    setMinute(14);
    await importAndWait(server, t.owner.token, t.a, [invoiceInput(3, { debtor: debtorOf('D-3'), openAmount: '0' })]);
    const invoiceId = await idOf('invoices', 'INV-3');
    expect((await invoiceTimeline(invoiceId)).edges.map((e) => brief(e.node))).toEqual([
      { id: `INVOICE_PAID:${invoiceId}`, at: iso(14), kind: 'INVOICE_PAID', summary: 'Invoice 2026-0003 paid' },
      { id: `INVOICE_IMPORTED:${invoiceId}`, at: iso(14), kind: 'INVOICE_IMPORTED', summary: 'Invoice 2026-0003 imported' },
    ]);
  });
});

describe('a debtor timeline', () => {
  it("shows messages about its invoices and about the debtor itself, and everything of all its invoices; an invoice's shows only its own", async () => {
    setMinute(20);
    await importAndWait(server, t.owner.token, t.a, [invoiceInput(4, { debtor: debtorOf('D-4') }), invoiceInput(5, { debtor: debtorOf('D-4') })]);
    const [debtorId, invoice4, invoice5] = [await idOf('debtors', 'D-4'), await idOf('invoices', 'INV-4'), await idOf('invoices', 'INV-5')];
    setMinute(21);
    const aboutInvoice = await send(invoiceTarget(invoice4), 'About {{invoice.number}}');
    setMinute(22);
    const aboutDebtor = await send(debtorTarget(debtorId), 'About your account');
    await deliveries();

    const timeline = await debtorTimeline(debtorId);
    expect(timeline.totalCount).toBe(4);
    const entries = timeline.edges.map((e) => brief(e.node));
    expect(entries.slice(0, 2)).toEqual([
      { id: `MESSAGE_SENT:${aboutDebtor}`, at: iso(22), kind: 'MESSAGE_SENT', summary: 'Email sent to d-4@example.test by member: About your account' },
      { id: `MESSAGE_SENT:${aboutInvoice}`, at: iso(21), kind: 'MESSAGE_SENT', summary: 'Email sent to d-4@example.test by member: About 2026-0004' },
    ]);
    // Both invoices were imported at one instant; their order is the tiebreaker's, so compared as a set.
    expect(entries.slice(2).sort((a, b) => a.summary.localeCompare(b.summary))).toEqual([
      { id: `INVOICE_IMPORTED:${invoice4}`, at: iso(20), kind: 'INVOICE_IMPORTED', summary: 'Invoice 2026-0004 imported' },
      { id: `INVOICE_IMPORTED:${invoice5}`, at: iso(20), kind: 'INVOICE_IMPORTED', summary: 'Invoice 2026-0005 imported' },
    ]);

    expect((await invoiceTimeline(invoice4)).edges.map((e) => e.node.id)).toEqual([`MESSAGE_SENT:${aboutInvoice}`, `INVOICE_IMPORTED:${invoice4}`]);
    expect((await invoiceTimeline(invoice5)).edges.map((e) => e.node.id)).toEqual([`INVOICE_IMPORTED:${invoice5}`]);
  });

  it('says so when a message could not be emailed (the debtor has no address)', async () => {
    setMinute(23);
    await importAndWait(server, t.owner.token, t.a, [invoiceInput(6, { debtor: debtorOf('D-6', null) })]);
    const debtorId = await idOf('debtors', 'D-6');
    setMinute(24);
    await send(debtorTarget(debtorId), 'Call us');
    const [latest] = (await debtorTimeline(debtorId)).edges.map((e) => e.node);
    expect(latest).toMatchObject({ kind: 'MESSAGE_SENT', summary: 'Message written by member, not emailed: Call us', message: { status: 'NOT_EMAILED', to: [] } });
  });
});

describe('timeline pages', () => {
  it('walk every entry once, in the order of one big page, when all of them happened at the same instant', async () => {
    setMinute(30);
    const invoices = Array.from({ length: 12 }, (_, i) => invoiceInput(30 + i, { debtor: debtorOf('D-30') }));
    await importAndWait(server, t.owner.token, t.a, invoices);
    const debtorId = await idOf('debtors', 'D-30');
    const invoiceIds = await Promise.all(invoices.slice(0, 3).map((invoice) => idOf('invoices', invoice.externalId)));
    expectData(
      await server.gql(SendMessagesDocument, { input: { targets: invoiceIds.map(invoiceTarget), subject: 'S', body: 'B' } }, { token: t.member.token }),
    );
    await pay(invoiceIds[0], '30.00');
    await deliveries();

    const timelineIds = async (first: number, after?: string) =>
      expectData(await server.gql(DebtorTimelineIdsDocument, { id: debtorId, first, after }, { token: t.viewer.token })).debtor!.timeline;
    const all = await timelineIds(50);
    expect(all.totalCount).toBe(16);
    expect(all.edges).toHaveLength(16);
    expect(new Set(all.edges.map((e) => e.node.at))).toEqual(new Set([iso(30)]));
    // Among ties, what happened to an existing invoice shows above the import that brought it in.
    expect(all.edges.map((e) => e.node.kind).slice(12)).toEqual(Array(4).fill('INVOICE_IMPORTED'));

    const walked: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await timelineIds(5, after);
      walked.push(...result.edges.map((e) => e.node.id));
      if (!result.pageInfo.hasNextPage) break;
      after = result.pageInfo.endCursor!;
    }
    expect(walked).toEqual(all.edges.map((e) => e.node.id));
    expect(new Set(walked).size).toBe(16);

    const past = await timelineIds(5, all.pageInfo.endCursor!);
    expect(past).toMatchObject({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 16 });
  });

  it('refuses a forged cursor and a page size out of range', async () => {
    const debtorId = await idOf('debtors', 'D-1');
    const forged = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
    for (const after of ['not a cursor', forged([iso(0), 0]), forged(['yesterday', 0, `PAYMENT:${debtorId}`]), forged(['2026', 0, `PAYMENT:${debtorId}`]), forged([iso(0), 1e20, `PAYMENT:${debtorId}`]), forged([iso(0), 0, `NOTHING:${debtorId}`]), forged([iso(0), 0, 'PAYMENT:x'])]) {
      expectError(await server.gql(DebtorTimelineDocument, { id: debtorId, first: 5, after }, { token: t.viewer.token }), 'BAD_USER_INPUT', 'after');
    }
    expectError(await server.gql(DebtorTimelineIdsDocument, { id: debtorId, first: 201 }, { token: t.viewer.token }), 'BAD_USER_INPUT', 'first');
  });

  it('cost the same SQL statements for 5 entries as for 50, with messages, senders, payments and their invoices', async () => {
    setMinute(40);
    const few: InvoiceImportInput[] = [invoiceInput(40, { debtor: debtorOf('D-40') }), invoiceInput(41, { debtor: debtorOf('D-40') })];
    const many = Array.from({ length: 20 }, (_, i) => invoiceInput(50 + i, { debtor: debtorOf('D-50') }));
    await importAndWait(server, t.owner.token, t.a, [...few, ...many]);
    setMinute(41);
    // 5 entries: 2 imported, a payment that pays one, and a message.
    const fewIds = await Promise.all(few.map((invoice) => idOf('invoices', invoice.externalId)));
    await pay(fewIds[0], '100.00');
    await send(invoiceTarget(fewIds[1]), 'S');
    // 50 entries: 20 imported, 10 payments that pay 10 invoices, and 10 messages.
    const manyIds = await Promise.all(many.map((invoice) => idOf('invoices', invoice.externalId)));
    for (const id of manyIds.slice(0, 10)) await pay(id, '100.00');
    expectData(
      await server.gql(SendMessagesDocument, { input: { targets: manyIds.slice(10).map(invoiceTarget), subject: 'S', body: 'B' } }, { token: t.member.token }),
    );
    await deliveries();

    const knex = server.runtime.orm.em.getConnection().getKnex();
    const countStatements = async (debtorId: string) => {
      let statements = 0;
      // The worker in this process polls the job outbox, import leases and message delivery leases on the same pool: not the page's.
      const background = /^(begin|commit|rollback)|job_outbox|import_runs|lease_until/i;
      const listener = (query: { sql: string }) => (statements += background.test(query.sql.trim()) ? 0 : 1);
      knex.on('query', listener);
      try {
        const result = await server.gql(DebtorTimelineLoadedDocument, { id: debtorId, first: 50 }, { token: t.viewer.token });
        return { timeline: expectData(result).debtor!.timeline, statements };
      } finally {
        knex.off('query', listener);
      }
    };
    const small = await countStatements(await idOf('debtors', 'D-40'));
    const large = await countStatements(await idOf('debtors', 'D-50'));
    expect(small.timeline.edges).toHaveLength(5);
    expect(large.timeline.totalCount).toBe(50);
    expect(large.timeline.edges).toHaveLength(50);
    for (const { timeline } of [small, large]) {
      const kinds = new Set(timeline.edges.map((e) => e.node.kind));
      expect(kinds).toEqual(new Set(['INVOICE_IMPORTED', 'PAYMENT', 'INVOICE_PAID', 'MESSAGE_SENT']));
      expect(timeline.edges.filter((e) => e.node.kind === 'MESSAGE_SENT').every((e) => e.node.actor?.name === 'member' && e.node.message?.sender?.name === 'member')).toBe(true);
      expect(timeline.edges.filter((e) => e.node.kind === 'PAYMENT').every((e) => e.node.payment?.invoices.length === 1)).toBe(true);
    }
    expect(large.statements).toBe(small.statements);
  });
});

describe('who may read a timeline', () => {
  it("another administration's invoice or debtor is NOT_FOUND, with nothing of it in the answer", async () => {
    const [invoiceId, debtorId] = [await idOf('invoices', 'INV-1'), await idOf('debtors', 'D-1')];
    expectNotFoundWithoutData(await server.gql(InvoiceTimelineDocument, { id: invoiceId, first: 10 }, { token: t.otherOwner.token }));
    expectNotFoundWithoutData(await server.gql(DebtorTimelineDocument, { id: debtorId, first: 10 }, { token: t.otherOwner.token }));
  });

  it('a viewer reads it (every read above is a viewer\'s); without a login it is UNAUTHENTICATED', async () => {
    const invoiceId = await idOf('invoices', 'INV-1');
    expect((await invoiceTimeline(invoiceId)).totalCount).toBe(4);
    expectError(await server.gql(InvoiceTimelineDocument, { id: invoiceId, first: 10 }), 'UNAUTHENTICATED');
  });

  it("keeps another administration's entries off: its own invoice's timeline shows only its own", async () => {
    setMinute(50);
    await importAndWait(server, t.otherOwner.token, t.b, [invoiceInput(1, { debtor: debtorOf('D-1') })]);
    const theirs = await idOf('invoices', 'INV-1', t.b);
    const timeline = expectData(await server.gql(InvoiceTimelineDocument, { id: theirs, first: 10 }, { token: t.otherOwner.token })).invoice!.timeline;
    expect(timeline.edges.map((e) => brief(e.node))).toEqual([
      { id: `INVOICE_IMPORTED:${theirs}`, at: iso(50), kind: 'INVOICE_IMPORTED', summary: 'Invoice 2026-0001 imported' },
    ]);
  });
});
