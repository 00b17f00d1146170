// Collection cases through the API: opening, statutory costs and the 14-day letter, interest to today against hand
// computations, payments allocated and closing, timelines, messages about a case, tenancy and roles; and openCases,
// the set-based entry point of the reminder flow.
import { openCases } from '../src/services/cases/open-cases';
import { letterDeadlineFor } from '../src/domain/fourteen-day-letter';
import {
  CaseDocument,
  CasesDocument,
  CaseTimelineDocument,
  DashboardDocument,
  DebtorCasesDocument,
  DebtorTimelineDocument,
  InterestRatesDocument,
  InvoiceCaseDocument,
  InvoicesDocument,
  InvoiceTimelineDocument,
  LoginDocument,
  OpenCaseDocument,
  RegisterPaymentDocument,
  SendMessageDocument,
  SetCollectionCostsDocument,
  type CaseFieldsFragment,
} from './generated/graphql';
import { createTenants, PASSWORD, type Actor, type Tenants } from './support/actors';
import { errorCode, expectData, expectError, expectNotFoundWithoutData } from './support/assertions';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, TEST_NOW, type TestServer } from './support/server';

let server: TestServer;
let t: Tenants;
const ids: Record<string, string> = {};

const business = (n: number) => ({ externalId: `D-${n}`, name: `Business ${n} BV`, type: 'BUSINESS' as const, email: `d${n}@example.test` });
const person = (n: number) => ({ externalId: `D-${n}`, name: `Person ${n}`, type: 'PRIVATE' as const, email: `p${n}@example.test` });

beforeAll(async () => {
  server = await startTestServer({ env: { OUTBOX_POLL_MS: '50' } });
  t = await createTenants(server);
  // Today is 2026-03-02 (TEST_NOW in Europe/Amsterdam).
  await importAndWait(server, t.owner.token, t.a, [
    invoiceInput(1, { dueDate: '2026-01-31', amount: '1000.00', openAmount: '1000.00', debtor: business(1) }),
    invoiceInput(2, { dueDate: '2026-02-14', amount: '500.00', openAmount: '500.00', debtor: business(1) }),
    invoiceInput(3, { dueDate: '2026-01-15', amount: '300.00', openAmount: '300.00', debtor: person(3) }),
    invoiceInput(4, { dueDate: '2026-02-01', amount: '200.00', openAmount: '200.00', debtor: person(4) }),
    invoiceInput(5, { dueDate: '2026-04-01', amount: '80.00', openAmount: '80.00', debtor: business(1) }),
    invoiceInput(6, { dueDate: '2026-02-27', amount: '100.00', openAmount: '100.00', debtor: business(6) }),
    invoiceInput(7, { dueDate: '2026-01-31', amount: '100.00', openAmount: '100.00', currency: 'USD', debtor: business(7) }),
    invoiceInput(8, { dueDate: '2026-01-31', amount: '100.00', openAmount: '100.00', debtor: business(7) }),
    invoiceInput(10, { dueDate: '2025-06-15', amount: '1000.00', openAmount: '1000.00', debtor: business(10) }),
    invoiceInput(11, { dueDate: '2026-02-10', amount: '60.00', openAmount: '60.00', debtor: business(11) }),
    invoiceInput(12, { dueDate: '2026-03-01', amount: '100.00', openAmount: '100.00', debtor: business(12) }),
    invoiceInput(13, { dueDate: '2026-02-01', amount: '70.00', openAmount: '70.00', debtor: person(13) }),
  ]);
  await importAndWait(server, t.otherOwner.token, t.b, [invoiceInput(9, { dueDate: '2026-01-31' })]);
  for (const [administrationId, token] of [[t.a, t.owner.token], [t.b, t.otherOwner.token]]) {
    const data = expectData(await server.gql(InvoicesDocument, { id: administrationId }, { token })).administration!;
    for (const { node } of data.invoices.edges) {
      ids[node.externalId] = node.id;
      ids[node.debtor.externalId] = node.debtor.id;
    }
  }
  // The reminder flow's FOURTEEN_DAY_LETTER step (not this area's) writes the deadline; here a letter sent on 20
  // February: received the 21st, the term runs 22 February to 7 March.
  await sql('update invoices set letter_deadline = ? where id = ?', [letterDeadlineFor('2026-02-20'), ids['INV-3']]);
});
afterAll(() => server?.stop());

async function sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  return (await server.runtime.orm.em.getConnection().execute(query, params)) as T[];
}
const caseCount = async () => (await sql<{ n: number }>('select count(*)::int as n from cases'))[0].n;

/** Moves the clock; tokens are dated by it, so the actors sign in again (a token lives for hours, not months). */
async function at(instant: string | Date): Promise<void> {
  server.clock.set(new Date(instant));
  for (const actor of [t.admin, t.viewer, t.member]) actor.token = await login(actor);
}
async function login(actor: Actor): Promise<string> {
  return expectData(await server.gql(LoginDocument, { input: { email: actor.email, password: PASSWORD } })).login.token;
}

async function open(externalIds: string[], token = t.admin.token): Promise<CaseFieldsFragment> {
  return expectData(await server.gql(OpenCaseDocument, { invoiceIds: externalIds.map((e) => ids[e]) }, { token })).openCase;
}
async function read(id: string, token = t.viewer.token): Promise<CaseFieldsFragment> {
  return expectData(await server.gql(CaseDocument, { id }, { token })).case!;
}
async function pay(externalId: string, amount: string) {
  return expectData(await server.gql(RegisterPaymentDocument, { invoiceId: ids[externalId], amount }, { token: t.member.token })).registerPayment;
}
const money = (amount: string, currency = 'EUR') => ({ amount, currency });

describe('a business debtor', () => {
  let caseId: string;

  it('opens one case of its overdue invoices, with statutory costs and commercial interest from the day after each due date', async () => {
    const opened = await open(['INV-1', 'INV-2']);
    caseId = opened.id;
    expect(opened).toMatchObject({
      number: 'C-1',
      status: 'OPEN',
      principal: money('1500.00'),
      // 15% of 1,500.00.
      collectionCosts: money('225.00'),
      collectionCostsMode: 'UNDECIDED',
      interestKind: 'COMMERCIAL',
      interestFrom: '2026-02-01',
      letterDeadline: null,
      // INV-1: 1,000.00 x 10.15% x 29/365 (1 February .. 1 March) = 8.06438 -> 8.06
      // INV-2:   500.00 x 10.15% x 15/365 (15 February .. 1 March) = 2.08562 -> 2.09
      interest: money('10.15'),
      // Costs undecided are not due: 1,500.00 + 10.15.
      totalDue: money('1510.15'),
      paid: money('0.00'),
      outstanding: money('1510.15'),
      closedAt: null,
      debtor: { externalId: 'D-1' },
      invoices: [
        { externalId: 'INV-1', status: 'OPEN' },
        { externalId: 'INV-2', status: 'OPEN' },
      ],
    });
    expect(opened.openedAt).toBe(TEST_NOW.toISOString());
  });

  it('puts its invoices in the COLLECTION phase, flagged until the costs are decided', async () => {
    const invoice = expectData(await server.gql(InvoiceCaseDocument, { id: ids['INV-1'] }, { token: t.viewer.token })).invoice!;
    expect(invoice).toMatchObject({ phase: 'COLLECTION', attentionReasons: ['COLLECTION_COSTS_UNDECIDED'], case: { id: caseId, number: 'C-1' } });
    const notInCase = expectData(await server.gql(InvoiceCaseDocument, { id: ids['INV-5'] }, { token: t.viewer.token })).invoice!;
    expect(notInCase).toMatchObject({ phase: 'NOT_DUE', case: null });

    const debtor = expectData(await server.gql(DebtorCasesDocument, { id: ids['D-1'] }, { token: t.viewer.token })).debtor!;
    expect(debtor).toMatchObject({ attentionReasons: ['COLLECTION_COSTS_UNDECIDED'], cases: [{ id: caseId }] });

    // The SQL side of the same rules: the list filter and the dashboard agree with the invoice.
    const listed = expectData(await server.gql(InvoicesDocument, { id: t.a, filter: { phase: 'COLLECTION' } }, { token: t.viewer.token }));
    expect(listed.administration!.invoices.edges.map((e) => e.node.externalId)).toEqual(['INV-1', 'INV-2']);
    const flagged = expectData(await server.gql(InvoicesDocument, { id: t.a, filter: { attentionReason: 'COLLECTION_COSTS_UNDECIDED' } }, { token: t.viewer.token }));
    expect(flagged.administration!.invoices.edges.map((e) => e.node.externalId)).toEqual(['INV-1', 'INV-2']);
    const dashboard = expectData(await server.gql(DashboardDocument, { id: t.a }, { token: t.viewer.token })).administration!.dashboard;
    expect(dashboard.phases.find((p) => p.key === 'COLLECTION')).toMatchObject({ invoiceCount: 2, openAmount: money('1500.00') });
    expect(dashboard.attention).toContainEqual({ reason: 'COLLECTION_COSTS_UNDECIDED', count: 2 });
  });

  it("shows the opening on the case's, its invoices' and its debtor's timelines", async () => {
    const summary = 'Case C-1 opened for EUR 1500.00';
    const own = expectData(await server.gql(CaseTimelineDocument, { id: caseId }, { token: t.viewer.token })).case!.timeline;
    expect(own.edges.map((e) => [e.node.kind, e.node.summary])).toEqual([['CASE_OPENED', summary]]);
    const invoice = expectData(await server.gql(InvoiceTimelineDocument, { id: ids['INV-2'], first: 10 }, { token: t.viewer.token })).invoice!;
    expect(invoice.timeline.edges[0].node).toMatchObject({ kind: 'CASE_OPENED', summary, id: `CASE_OPENED:${caseId}` });
    const debtor = expectData(await server.gql(DebtorTimelineDocument, { id: ids['D-1'], first: 10 }, { token: t.viewer.token })).debtor!;
    expect(debtor.timeline.edges.filter((e) => e.node.kind === 'CASE_OPENED')).toHaveLength(1);
  });

  it('collects the costs at once: no 14-day letter is needed for a business', async () => {
    const collected = expectData(await server.gql(SetCollectionCostsDocument, { caseId, mode: 'COLLECT' }, { token: t.admin.token })).setCollectionCosts;
    expect(collected).toMatchObject({ collectionCostsMode: 'COLLECT', totalDue: money('1735.15'), outstanding: money('1735.15') });
    const invoice = expectData(await server.gql(InvoiceCaseDocument, { id: ids['INV-1'] }, { token: t.viewer.token })).invoice!;
    expect(invoice.attentionReasons).toEqual([]);
  });

  it('fills the case placeholders of a message about the case, and shows it on the case timeline', async () => {
    const message = expectData(
      await server.gql(
        SendMessageDocument,
        { input: { target: { type: 'CASE', id: caseId }, subject: 'Case {{case.number}}', body: 'Dear {{debtor.name}}, {{case.totalDue}} is due, costs {{case.collectionCosts}}.' } },
        { token: t.member.token },
      ),
    ).sendMessage;
    expect(message).toMatchObject({
      targetType: 'CASE',
      targetId: caseId,
      debtor: { id: ids['D-1'] },
      subject: 'Case C-1',
      body: 'Dear Business 1 BV, EUR 1735.15 is due, costs EUR 225.00.',
    });
    const timeline = expectData(await server.gql(CaseTimelineDocument, { id: caseId }, { token: t.viewer.token })).case!.timeline;
    expect(timeline.edges.map((e) => e.node.kind)).toEqual(['MESSAGE_SENT', 'CASE_OPENED']);
    expect(timeline.edges[0].node.message?.id).toBe(message.id);
    // A placeholder of a case in a message about an invoice is refused.
    const wrong = await server.gql(
      SendMessageDocument,
      { input: { target: { type: 'INVOICE', id: ids['INV-1'] }, subject: 'x', body: '{{case.number}}' } },
      { token: t.member.token },
    );
    expectError(wrong, 'BAD_USER_INPUT', 'body');
  });

  it('allocates a payment to the costs, then the interest, then the principal, and stays open while anything is owed', async () => {
    // 300.00 on 2 March: 225.00 costs, 10.15 interest (accrued to the payment), 64.85 principal.
    await pay('INV-1', '300.00');
    expect(await read(caseId)).toMatchObject({ status: 'OPEN', paid: money('300.00'), totalDue: money('1735.15'), outstanding: money('1435.15') });
    // The invoices' open amounts paid in full: 1,500.00 paid, but 235.15 of it went to costs and interest first.
    await pay('INV-1', '700.00');
    await pay('INV-2', '500.00');
    const after = await read(caseId);
    expect(after).toMatchObject({ status: 'OPEN', paid: money('1500.00'), outstanding: money('235.15'), closedAt: null });
    expect(after.invoices.map((i) => i.status)).toEqual(['PAID', 'PAID']);
    const timeline = expectData(await server.gql(CaseTimelineDocument, { id: caseId }, { token: t.viewer.token })).case!.timeline;
    expect(timeline.edges.filter((e) => e.node.kind === 'PAYMENT')).toHaveLength(3);
  });

  it('accrues interest across a rate change and compounds it after a full year (hand computation through the API)', async () => {
    const opened = await open(['INV-10']);
    // 1,000.00 from 16 June 2025: 15 days at 11.15% and 244 days (1 July 2025 .. 1 March 2026) at 10.15%:
    //   100000 x (0.1115 x 15 + 0.1015 x 244) / 365 = 7243.42 cents -> 72.43
    expect(opened).toMatchObject({ interestFrom: '2025-06-16', interest: money('72.43'), totalDue: money('1072.43') });
    try {
      await at('2026-09-01T10:00:00Z');
      // The first year (16 June 2025 .. 15 June 2026): 15 days at 11.15% + 350 days at 10.15% = 10191.10 -> 101.91,
      // added to the principal on 16 June 2026; then 77 days (16 June .. 31 August) at 10.15% on 1,101.91:
      //   110191 x 0.1015 x 77/365 = 2359.47 -> 23.59; in all 101.91 + 23.59 = 125.50.
      expect(await read(opened.id)).toMatchObject({ interest: money('125.50'), totalDue: money('1125.50') });
    } finally {
      await at(TEST_NOW);
    }
  });
});

describe('a private debtor', () => {
  it('owes the costs only after the 14-day letter has run: COLLECT is refused until the day after its deadline', async () => {
    const opened = await open(['INV-3']);
    expect(opened).toMatchObject({
      interestKind: 'STATUTORY',
      letterDeadline: '2026-03-07',
      interestFrom: '2026-03-08',
      collectionCosts: money('45.00'),
      interest: money('0.00'),
      totalDue: money('300.00'),
    });
    try {
      for (const instant of ['2026-03-02T10:00:00Z', '2026-03-07T20:00:00Z']) {
        await at(instant);
        const refused = await server.gql(SetCollectionCostsDocument, { caseId: opened.id, mode: 'COLLECT' }, { token: t.admin.token });
        expectError(refused, 'CONFLICT');
        expect(refused.errors![0].message).toMatch(/until 2026-03-07.*from 2026-03-08/);
      }
      expect((await read(opened.id)).collectionCostsMode).toBe('UNDECIDED');

      await at('2026-03-08T10:00:00Z');
      const collected = expectData(await server.gql(SetCollectionCostsDocument, { caseId: opened.id, mode: 'COLLECT' }, { token: t.admin.token }));
      expect(collected.setCollectionCosts).toMatchObject({ collectionCostsMode: 'COLLECT', interest: money('0.00'), totalDue: money('345.00') });

      // Statutory interest from 8 March: 31 days to 8 April at 4%: 30000 x 0.04 x 31/365 = 101.92 cents -> 1.02.
      await at('2026-04-08T10:00:00Z');
      expect(await read(opened.id)).toMatchObject({ interest: money('1.02'), totalDue: money('346.02') });
    } finally {
      await at(TEST_NOW);
    }
  });

  it('cannot be charged costs without a 14-day letter, earns no interest, and its case closes when paid', async () => {
    const opened = await open(['INV-4']);
    expect(opened).toMatchObject({ letterDeadline: null, interestFrom: null, interest: money('0.00'), totalDue: money('200.00') });
    const refused = await server.gql(SetCollectionCostsDocument, { caseId: opened.id, mode: 'COLLECT' }, { token: t.admin.token });
    expectError(refused, 'CONFLICT');
    expect(refused.errors![0].message).toMatch(/no 14-day letter/);

    await pay('INV-4', '50.00');
    expect(await read(opened.id)).toMatchObject({ status: 'OPEN', paid: money('50.00'), outstanding: money('150.00') });
    try {
      await at('2026-03-03T10:00:00Z');
      await pay('INV-4', '150.00');
      const closed = await read(opened.id);
      expect(closed).toMatchObject({ status: 'CLOSED', paid: money('200.00'), outstanding: money('0.00') });
      expect(closed.closedAt).toBe(server.clock.now().toISOString());
    } finally {
      await at(TEST_NOW);
    }
    const timeline = expectData(await server.gql(CaseTimelineDocument, { id: opened.id }, { token: t.viewer.token })).case!.timeline;
    expect(timeline.edges.map((e) => e.node.kind)).toEqual(['PAYMENT', 'PAYMENT', 'CASE_OPENED']);

    // A closed case is as it was closed.
    expectError(await server.gql(SetCollectionCostsDocument, { caseId: opened.id, mode: 'WAIVE' }, { token: t.admin.token }), 'CONFLICT');
  });
});

describe('openCase refuses', () => {
  it('invoices of two debtors, of two currencies, named twice, not overdue or already in a case; nothing is written', async () => {
    const before = await caseCount();
    const attempt = (externalIds: string[]) => server.gql(OpenCaseDocument, { invoiceIds: externalIds.map((e) => ids[e]) }, { token: t.admin.token });
    expectError(await attempt(['INV-6', 'INV-8']), 'BAD_USER_INPUT', 'invoiceIds');
    expectError(await attempt(['INV-7', 'INV-8']), 'BAD_USER_INPUT', 'invoiceIds');
    expectError(await attempt(['INV-6', 'INV-6']), 'BAD_USER_INPUT', 'invoiceIds');
    const notDue = await attempt(['INV-5']);
    expectError(notDue, 'CONFLICT');
    expect(notDue.errors![0].message).toMatch(/not overdue/);
    const taken = await attempt(['INV-10']);
    expectError(taken, 'CONFLICT');
    expect(taken.errors![0].message).toMatch(/already in case C-/);
    const paid = await attempt(['INV-1']);
    expectError(paid, 'CONFLICT');
    expect(await caseCount()).toBe(before);
  });

  it("another administration's invoices and cases (NOT_FOUND), and roles below ADMIN (FORBIDDEN)", async () => {
    const [{ id: caseId }] = await sql<{ id: string }>(`select id from cases where number = 'C-1' and administration_id = ?`, [t.a]);
    const before = await caseCount();
    expectNotFoundWithoutData(await server.gql(CaseDocument, { id: caseId }, { token: t.otherOwner.token }));
    expectNotFoundWithoutData(await server.gql(OpenCaseDocument, { invoiceIds: [ids['INV-6']] }, { token: t.otherOwner.token }));
    expectNotFoundWithoutData(await server.gql(OpenCaseDocument, { invoiceIds: [ids['INV-6'], ids['INV-9']] }, { token: t.owner.token }));
    expectNotFoundWithoutData(await server.gql(SetCollectionCostsDocument, { caseId, mode: 'WAIVE' }, { token: t.otherOwner.token }));
    expectNotFoundWithoutData(
      await server.gql(SendMessageDocument, { input: { target: { type: 'CASE', id: caseId }, subject: 's', body: 'b' } }, { token: t.otherOwner.token }),
    );
    for (const token of [t.viewer.token, t.member.token]) {
      expectError(await server.gql(OpenCaseDocument, { invoiceIds: [ids['INV-6']] }, { token }), 'FORBIDDEN');
      expectError(await server.gql(SetCollectionCostsDocument, { caseId, mode: 'WAIVE' }, { token }), 'FORBIDDEN');
    }
    expect(await caseCount()).toBe(before);
    expect((await read(caseId, t.viewer.token)).collectionCostsMode).toBe('COLLECT');
  });
});

describe('lists', () => {
  it("pages the administration's cases newest first", async () => {
    const first = expectData(await server.gql(CasesDocument, { id: t.a, first: 2 }, { token: t.viewer.token })).administration!.cases;
    expect(first.totalCount).toBe(await caseCount());
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = expectData(await server.gql(CasesDocument, { id: t.a, first: 50, after: first.pageInfo.endCursor }, { token: t.viewer.token }))
      .administration!.cases;
    const numbers = [...first.edges, ...rest.edges].map((e) => e.node.number);
    expect(numbers).toEqual(['C-4', 'C-3', 'C-2', 'C-1']);
    expectError(await server.gql(CasesDocument, { id: t.a, first: 2, after: 'bm90IGEgY3Vyc29y' }, { token: t.viewer.token }), 'BAD_USER_INPUT', 'after');
    expect(errorCode(await server.gql(CasesDocument, { id: t.a }, { token: t.otherOwner.token }))).toBe('NOT_FOUND');
  });

  it('lists the interest rates for any signed-in user, and nobody else', async () => {
    const rates = expectData(await server.gql(InterestRatesDocument, {}, { token: t.otherOwner.token })).interestRates;
    expect(rates).toContainEqual(expect.objectContaining({ kind: 'COMMERCIAL', validFrom: '2024-07-01', percent: '12.25' }));
    expect(rates).toContainEqual(expect.objectContaining({ kind: 'STATUTORY', validFrom: '2024-01-01', percent: '7.00' }));
    expect(rates.filter((r) => r.validFrom >= '2020-01-01')).toHaveLength(28);
    expectError(await server.gql(InterestRatesDocument, {}), 'UNAUTHENTICATED');
  });
});

describe('openCases (the reminder flow opens cases in bulk)', () => {
  it('opens one case per group and currency, numbered in order, leaving out what may not go into a case', async () => {
    const em = server.runtime.orm.em.fork();
    const opened = await em.transactional((tx) =>
      openCases(tx, {
        administrationId: t.a,
        now: TEST_NOW,
        today: '2026-03-02',
        groups: [
          // INV-5 is not overdue, INV-6 is of another debtor: left out.
          { debtorId: ids['D-7'], invoiceIds: [ids['INV-7'], ids['INV-8'], ids['INV-6']] },
          { debtorId: ids['D-1'], invoiceIds: [ids['INV-5']] },
          { debtorId: ids['D-11'], invoiceIds: [ids['INV-11'], ids['INV-9']] },
        ],
      }),
    );
    expect(opened.map((c) => [c.debtorId, c.invoiceIds])).toEqual([
      [ids['D-7'], [ids['INV-8']]],
      [ids['D-7'], [ids['INV-7']]],
      [ids['D-11'], [ids['INV-11']]],
    ]);
    const rows = await sql<{ id: string; number: string; currency: string; principal: string; collection_costs: string }>(
      `select id, number, currency, principal::text, collection_costs::text from cases where id in (${opened.map(() => '?').join(', ')}) order by number`,
      opened.map((c) => c.caseId),
    );
    expect(rows.map((r) => [r.number, r.currency, r.principal, r.collection_costs])).toEqual([
      ['C-5', 'EUR', '10000', '4000'],
      ['C-6', 'USD', '10000', '4000'],
      ['C-7', 'EUR', '6000', '4000'],
    ]);
    const [linked] = await sql<{ case_id: string; case_principal: string }>('select case_id, case_principal::text from invoices where id = ?', [ids['INV-11']]);
    expect(linked).toEqual({ case_id: opened[2].caseId, case_principal: '6000' });
  });
});

describe('waiving the costs', () => {
  it('settles a case whose payments cover everything else', async () => {
    // Due yesterday: interest runs from today, so a payment today pays no interest.
    const opened = await open(['INV-12']);
    expect(opened).toMatchObject({ interestFrom: '2026-03-02', collectionCosts: money('40.00') });
    expectData(await server.gql(SetCollectionCostsDocument, { caseId: opened.id, mode: 'COLLECT' }, { token: t.admin.token }));
    // The invoice's 100.00 pays the 40.00 costs first: 40.00 of the principal is still owed.
    await pay('INV-12', '100.00');
    expect(await read(opened.id)).toMatchObject({ status: 'OPEN', outstanding: money('40.00') });
    const waived = expectData(await server.gql(SetCollectionCostsDocument, { caseId: opened.id, mode: 'WAIVE' }, { token: t.admin.token }));
    expect(waived.setCollectionCosts).toMatchObject({ status: 'CLOSED', collectionCostsMode: 'WAIVE', totalDue: money('100.00'), outstanding: money('0.00') });
  });
});

describe('the bookkeeping', () => {
  it('closes a case when an import shows its invoices paid (a BOOKKEEPING payment through the one payment path)', async () => {
    const opened = await open(['INV-13']);
    await importAndWait(server, t.owner.token, t.a, [invoiceInput(13, { dueDate: '2026-02-01', amount: '70.00', openAmount: '0.00', debtor: person(13) })]);
    expect(await read(opened.id)).toMatchObject({ status: 'CLOSED', paid: money('70.00'), outstanding: money('0.00'), invoices: [{ status: 'PAID' }] });
  });
});

describe('a page of cases', () => {
  it('costs a constant number of SQL queries, whatever its size', async () => {
    const knex = server.runtime.orm.em.getConnection().getKnex();
    const countQueries = async (first: number) => {
      let queries = 0;
      // The worker in this process polls the job outbox and import leases on the same pool: not the page's.
      const background = /^(begin|commit|rollback)|job_outbox|import_runs/i;
      const listener = (query: { sql: string }) => (queries += background.test(query.sql.trim()) ? 0 : 1);
      knex.on('query', listener);
      try {
        const data = expectData(await server.gql(CasesDocument, { id: t.a, first }, { token: t.viewer.token }));
        expect(data.administration!.cases.edges).toHaveLength(first);
      } finally {
        knex.off('query', listener);
      }
      return queries;
    };
    const small = await countQueries(2);
    const large = await countQueries(8);
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(8);
  });
});

describe('an invoice of a closed case', () => {
  // Last in this file: it opens a case the lists above do not expect.
  it('goes into a new case once owed again, and is from then on that case’s, no longer the closed one’s', async () => {
    // Owed again (as when the bookkeeping reverses a payment); its case was closed when it was paid (a private debtor).
    const [{ case_id: closedId }] = await sql<{ case_id: string }>('select case_id from invoices where id = ?', [ids['INV-4']]);
    expect((await read(closedId)).status).toBe('CLOSED');
    await sql(`update invoices set status = 'OPEN', open_amount = 2000, paid_at = null where id = ?`, [ids['INV-4']]);

    const reopened = await open(['INV-4']);
    expect(reopened).toMatchObject({ status: 'OPEN', principal: money('20.00'), invoices: [{ externalId: 'INV-4', status: 'OPEN' }] });
    expect((await read(closedId)).invoices).toEqual([]);
    // The closed case still lists what it was opened with; the invoice's own case_id says where it is now.
    const [listed] = await sql<{ invoice_ids: string[] }>('select invoice_ids from cases where id = ?', [closedId]);
    expect(listed.invoice_ids).toEqual([ids['INV-4']]);
  });
});
