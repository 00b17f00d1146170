// Payment plans through the API on the test clock: creating them (exact installments, every refusal), reading and
// listing, timelines, no reminders while ACTIVE, completion by payments (made here and from the bookkeeping), cancel,
// and the daily work: an alert before an installment, a notice once it is overdue, a breach after the grace period
// (attention, and the reminder flow resumes).
import {
  CancelPaymentPlanDocument,
  CasePlanStateDocument,
  CreatePaymentPlanDocument,
  DashboardDocument,
  DebtorAttentionDocument,
  DebtorTimelineDocument,
  InvoicePlanStateDocument,
  InvoicesDocument,
  InvoicesWithNextStepDocument,
  InvoiceTimelineDocument,
  OpenCaseDocument,
  PaymentPlanDocument,
  PaymentPlansDocument,
  RegisterPaymentDocument,
  ReminderRunsDocument,
  RunRemindersDocument,
  SetCollectionCostsDocument,
  SetTestClockDocument,
  type CreatePaymentPlanInput,
} from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { startFakeMailgun, type FakeMailgun, type ReceivedEmail } from './support/fake-mailgun';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';
import { createJobContext } from '../src/jobs/job-context';
import { checkPaymentPlans } from '../src/services/payment-plans/daily-plans';

let fake: FakeMailgun;
let server: TestServer;
let t: Tenants;
const ids: Record<string, string> = {};
const plans: Record<string, string> = {};

const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  (await server.runtime.orm.em.getConnection().execute(query, params)) as T[];

/** Today is 2031-03-03 in Amsterdam (11:00 there), well past the daily run time of 07:00. */
const T0 = '2031-03-03T10:00:00.000Z';

async function setClock(at: string) {
  expectData(await server.gql(SetTestClockDocument, { now: at }, { token: t.member.token }));
}

/** The daily task as a worker runs it (the job that setTestClock queued may run it at the same time: both are safe). */
const checkPlans = () => checkPaymentPlans(createJobContext(server.runtime.app, server.runtime.orm));

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const emailsTo = (address: string) => fake.accepted.filter((e) => e.field('to') === address);

async function waitForEmail(address: string, subject: string): Promise<ReceivedEmail> {
  const found = await eventually(
    async () => emailsTo(address).find((e) => e.field('subject') === subject),
    Boolean,
    `an email to ${address}: ${subject}`,
  );
  return found!;
}

const create = (input: Partial<CreatePaymentPlanInput>, token = t.member.token) =>
  server.gql(CreatePaymentPlanDocument, { input: { administrationId: t.a, installmentCount: 1, firstDueDate: '2031-04-01', interval: 'MONTHLY', ...input } }, { token });

const plan = async (id: string, token = t.viewer.token) => expectData(await server.gql(PaymentPlanDocument, { id }, { token })).paymentPlan!;
const invoice = async (externalId: string) => expectData(await server.gql(InvoicePlanStateDocument, { id: ids[externalId] }, { token: t.viewer.token })).invoice!;
const planCount = async () => (await sql<{ n: number }>('select count(*)::int as n from payment_plans'))[0].n;

async function runRemindersAndWait() {
  const run = expectData(await server.gql(RunRemindersDocument, { administrationId: t.a }, { token: t.admin.token })).runReminders;
  return eventually(
    async () => expectData(await server.gql(ReminderRunsDocument, { id: t.a }, { token: t.viewer.token })).administration!.reminderRuns.edges.find((e) => e.node.id === run.id)?.node,
    (r) => r !== undefined && r.status !== 'QUEUED' && r.status !== 'RUNNING',
    'the reminder run',
  );
}

beforeAll(async () => {
  fake = await startFakeMailgun();
  server = await startTestServer({
    env: { TEST_CLOCK: 'true', ...fake.env(), MAIL_FROM: 'billing@mg.example.test', PUBLIC_URL: 'https://credit.example.test', OUTBOX_POLL_MS: '50' },
  });
  t = await createTenants(server);
  await setClock(T0);
  // The day's reminder run that setTestClock started finds nothing yet: the invoices come after it.
  await eventually(
    () => sql<{ status: string }>(`select status from reminder_runs where administration_id = ? and daily_on = '2031-03-03'`, [t.a]),
    (rows) => rows.length === 1 && rows[0].status === 'SUCCEEDED',
    "today's daily reminder run",
  );
  const debtor = (n: number, email: string | null = `d${n}@example.test`) => ({ externalId: `D-${n}`, name: `Debtor ${n}`, type: 'BUSINESS' as const, email });
  await importAndWait(server, t.owner.token, t.a, [
    invoiceInput(1, { dueDate: '2031-02-20', debtor: debtor(1) }),
    invoiceInput(3, { dueDate: '2031-02-20', debtor: debtor(3) }),
    invoiceInput(4, { dueDate: '2031-02-25', amount: '60.00', openAmount: '60.00', debtor: debtor(4) }),
    invoiceInput(5, { dueDate: '2031-03-20', amount: '40.00', openAmount: '40.00', debtor: debtor(4) }),
    invoiceInput(6, { dueDate: '2031-03-25', amount: '0.05', openAmount: '0.05', debtor: debtor(6) }),
    invoiceInput(7, { dueDate: '2031-03-25', amount: '10.00', openAmount: '10.00', debtor: debtor(7) }),
    invoiceInput(8, { dueDate: '2031-03-25', amount: '10.00', openAmount: '10.00', currency: 'USD', debtor: debtor(7) }),
    invoiceInput(9, { dueDate: '2031-02-20', openAmount: '0.00', debtor: debtor(3) }),
    invoiceInput(10, { dueDate: '2031-03-25', amount: '0.03', openAmount: '0.03', debtor: debtor(10) }),
  ]);
  await importAndWait(server, t.otherOwner.token, t.b, [invoiceInput(1, { externalId: 'INV-B1', dueDate: '2031-02-20' })]);
  for (const [administrationId, token] of [[t.a, t.owner.token], [t.b, t.otherOwner.token]]) {
    const data = expectData(await server.gql(InvoicesWithNextStepDocument, { id: administrationId }, { token }));
    for (const { node } of data.administration!.invoices.edges) ids[node.externalId] = node.id;
  }
  for (const d of await sql<{ id: string; external_id: string; administration_id: string }>('select id, external_id, administration_id from debtors')) {
    ids[d.administration_id === t.a ? d.external_id : `B:${d.external_id}`] = d.id;
  }
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

describe('createPaymentPlan', () => {
  it('splits 100.00 in 3 monthly installments of 33.33, 33.33 and 33.34, and takes the invoice out of the flow', async () => {
    const created = expectData(await create({ invoiceIds: [ids['INV-1']], installmentCount: 3, firstDueDate: '2031-03-10' })).createPaymentPlan;
    plans.p1 = created.id;
    expect(created).toMatchObject({
      status: 'ACTIVE',
      interval: 'MONTHLY',
      endedAt: null,
      debtor: { id: ids['D-1'] },
      invoices: [{ id: ids['INV-1'], number: '2026-0001' }],
      total: { amount: '100.00', currency: 'EUR' },
      paid: { amount: '0.00', currency: 'EUR' },
    });
    expect(created.installments).toEqual([
      { number: 1, dueDate: '2031-03-10', amount: { amount: '33.33', currency: 'EUR' }, paidAmount: { amount: '0.00' }, status: 'PENDING' },
      { number: 2, dueDate: '2031-04-10', amount: { amount: '33.33', currency: 'EUR' }, paidAmount: { amount: '0.00' }, status: 'PENDING' },
      { number: 3, dueDate: '2031-05-10', amount: { amount: '33.34', currency: 'EUR' }, paidAmount: { amount: '0.00' }, status: 'PENDING' },
    ]);
    expect(await invoice('INV-1')).toMatchObject({ phase: 'PAYMENT_PLAN', paymentPlan: { id: created.id, status: 'ACTIVE' }, attentionReasons: [] });
  });

  it('splits 0.05 in 4 weekly installments of 0.01, 0.01, 0.01 and 0.02', async () => {
    const created = expectData(await create({ invoiceIds: [ids['INV-6']], installmentCount: 4, interval: 'WEEKLY' })).createPaymentPlan;
    plans.p3 = created.id;
    expect(created.installments.map((i) => [i.dueDate, i.amount.amount])).toEqual([
      ['2031-04-01', '0.01'],
      ['2031-04-08', '0.01'],
      ['2031-04-15', '0.01'],
      ['2031-04-22', '0.02'],
    ]);
    expect(created.total.amount).toBe('0.05');
  });

  it("covers all of a debtor's open invoices with debtorId, the first installment due today", async () => {
    const created = expectData(await create({ debtorId: ids['D-4'], installmentCount: 2, firstDueDate: '2031-03-03', interval: 'WEEKLY' })).createPaymentPlan;
    plans.p2 = created.id;
    expect(created.invoices.map((i) => i.id)).toEqual([ids['INV-4'], ids['INV-5']]);
    expect(created.total.amount).toBe('100.00');
    expect(created.installments.map((i) => [i.dueDate, i.amount.amount, i.status])).toEqual([
      ['2031-03-03', '50.00', 'PENDING'],
      ['2031-03-10', '50.00', 'PENDING'],
    ]);
  });

  it('refuses bad input with a coded error naming the field, and writes nothing', async () => {
    const before = await planCount();
    const refusals: [Partial<CreatePaymentPlanInput>, string, string | undefined, RegExp][] = [
      [{ invoiceIds: [ids['INV-3']], debtorId: ids['D-3'] }, 'BAD_USER_INPUT', 'debtorId', /in one way/],
      [{}, 'BAD_USER_INPUT', 'invoiceIds', /Pick what the plan covers/],
      [{ invoiceIds: [] }, 'BAD_USER_INPUT', 'invoiceIds', /Pick what the plan covers/],
      [{ invoiceIds: [ids['INV-3'], ids['INV-3']] }, 'BAD_USER_INPUT', 'invoiceIds', /listed twice/],
      [{ invoiceIds: [ids['INV-3']], installmentCount: 0 }, 'BAD_USER_INPUT', 'installmentCount', /from 1 to 120/],
      [{ invoiceIds: [ids['INV-3']], installmentCount: 121 }, 'BAD_USER_INPUT', 'installmentCount', /from 1 to 120/],
      [{ invoiceIds: [ids['INV-3']], firstDueDate: '2031-03-02' }, 'BAD_USER_INPUT', 'firstDueDate', /before today \(2031-03-03\)/],
      [{ invoiceIds: [ids['INV-3']], firstDueDate: '2032-03-04' }, 'BAD_USER_INPUT', 'firstDueDate', /at most 365 days ahead/],
      [{ invoiceIds: [ids['INV-10']], installmentCount: 4 }, 'BAD_USER_INPUT', 'installmentCount', /A total of 0.03 cannot be split into 4 installments of at least 0.01/],
      [{ invoiceIds: [ids['INV-3'], ids['INV-7']] }, 'BAD_USER_INPUT', 'invoiceIds', /of one debtor/],
      [{ invoiceIds: [ids['INV-7'], ids['INV-8']] }, 'BAD_USER_INPUT', 'invoiceIds', /in one currency; these are in EUR, USD/],
      [{ debtorId: ids['D-7'] }, 'BAD_USER_INPUT', 'debtorId', /in one currency/],
      [{ invoiceIds: [ids['INV-1']] }, 'CONFLICT', undefined, /Invoice 2026-0001 is already in an active payment plan/],
      [{ debtorId: ids['D-1'] }, 'CONFLICT', undefined, /already in an active payment plan/],
      [{ invoiceIds: [ids['INV-9']] }, 'CONFLICT', undefined, /Invoice 2026-0009 is PAID; a plan covers open invoices only/],
      [{ debtorId: ids['D-4'] }, 'CONFLICT', undefined, /already in an active payment plan/],
    ];
    for (const [input, code, field, message] of refusals) {
      const result = await create(input);
      expectError(result, code, field);
      expect(result.errors![0].message).toMatch(message);
    }
    expect(await planCount()).toBe(before);
  });

  it('takes up to 120 installments, ten years of months, still summing exactly', async () => {
    const installments = expectData(await create({ invoiceIds: [ids['INV-7']], installmentCount: 120 })).createPaymentPlan.installments;
    plans.p7 = expectData(await server.gql(InvoicePlanStateDocument, { id: ids['INV-7'] }, { token: t.viewer.token })).invoice!.paymentPlan!.id;
    expect(installments).toHaveLength(120);
    // 10.00 is 1000 cents: 119 of 0.08 and a last of 0.48.
    expect(new Set(installments.slice(0, -1).map((i) => i.amount.amount))).toEqual(new Set(['0.08']));
    expect(installments.at(-1)!.amount.amount).toBe('0.48');
    expect(installments.at(-1)!.dueDate).toBe('2041-03-01');
  });

  it("refuses another administration's ids as NOT_FOUND, and a VIEWER as FORBIDDEN", async () => {
    const before = await planCount();
    // An invoice of B, in A or in B.
    expectError(await create({ invoiceIds: [ids['INV-B1']] }), 'NOT_FOUND');
    expectError(await create({ administrationId: t.b, invoiceIds: [ids['INV-B1']] }), 'NOT_FOUND');
    // A's invoice with B's owner; a debtor of B; ids spanning both.
    expectError(await create({ invoiceIds: [ids['INV-3']] }, t.otherOwner.token), 'NOT_FOUND');
    expectError(await create({ debtorId: ids['B:D-1'] }), 'NOT_FOUND');
    expectError(await create({ invoiceIds: [ids['INV-3'], ids['INV-B1']] }), 'NOT_FOUND');
    expectError(await create({ invoiceIds: ['not-a-uuid'] }), 'NOT_FOUND');
    expectError(await create({ invoiceIds: [ids['INV-3']] }, t.viewer.token), 'FORBIDDEN');
    expect(await planCount()).toBe(before);
    // Reading: NOT_FOUND for B, with no data.
    const other = await server.gql(PaymentPlanDocument, { id: plans.p1 }, { token: t.otherOwner.token });
    expectError(other, 'NOT_FOUND');
    expect(other.data?.paymentPlan ?? null).toBeNull();
    expectError(await server.gql(PaymentPlansDocument, { id: t.a }, { token: t.otherOwner.token }), 'NOT_FOUND');
  });
});

describe('reading plans', () => {
  it('lists them newest first, page by page, for every member', async () => {
    const first = expectData(await server.gql(PaymentPlansDocument, { id: t.a, first: 2 }, { token: t.viewer.token })).administration!.paymentPlans;
    expect(first.totalCount).toBe(4);
    expect(first.edges.map((e) => e.node.id)).toEqual([plans.p7, plans.p2]);
    const second = expectData(await server.gql(PaymentPlansDocument, { id: t.a, first: 2, after: first.pageInfo.endCursor }, { token: t.viewer.token }))
      .administration!.paymentPlans;
    expect(second.edges.map((e) => e.node.id)).toEqual([plans.p3, plans.p1]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(expectData(await server.gql(PaymentPlansDocument, { id: t.b }, { token: t.otherOwner.token })).administration!.paymentPlans.totalCount).toBe(0);
  });

  it('puts PAYMENT_PLAN_CREATED on the timelines of the covered invoices and, once, of the debtor', async () => {
    const onInvoice = expectData(await server.gql(InvoiceTimelineDocument, { id: ids['INV-5'], first: 10 }, { token: t.viewer.token })).invoice!.timeline;
    const entry = onInvoice.edges.map((e) => e.node).find((n) => n.kind === 'PAYMENT_PLAN_CREATED')!;
    expect(entry).toMatchObject({ id: `PAYMENT_PLAN_CREATED:${plans.p2}`, summary: 'Payment plan created: EUR 100.00 in 2 weekly installments from 2031-03-03', actor: { name: 'member' } });
    const onDebtor = expectData(await server.gql(DebtorTimelineDocument, { id: ids['D-4'], first: 20 }, { token: t.viewer.token })).debtor!.timeline;
    expect(onDebtor.edges.filter((e) => e.node.kind === 'PAYMENT_PLAN_CREATED').map((e) => e.node.id)).toEqual([`PAYMENT_PLAN_CREATED:${plans.p2}`]);
    const single = expectData(await server.gql(InvoiceTimelineDocument, { id: ids['INV-1'], first: 10 }, { token: t.viewer.token })).invoice!.timeline;
    expect(single.edges.find((e) => e.node.kind === 'PAYMENT_PLAN_CREATED')!.node.summary).toBe(
      'Payment plan created: EUR 100.00 in 3 monthly installments from 2031-03-10',
    );
  });
});

describe('reminders', () => {
  it('skips an invoice in an ACTIVE plan: the run reminds the other overdue invoice only', async () => {
    const run = await runRemindersAndWait();
    expect(run).toMatchObject({ status: 'SUCCEEDED', invoicesSelected: 1, messagesQueued: 1 });
    const sends = await sql<{ external_id: string }>('select i.external_id from reminder_sends r join invoices i on i.id = r.invoice_id');
    expect(sends).toEqual([{ external_id: 'INV-3' }]);
    await waitForEmail('d3@example.test', 'Reminder: 1 open invoice(s)');
    expect(emailsTo('d1@example.test').filter((e) => e.field('subject')!.includes('Reminder'))).toEqual([]);
  });

  it('keeps an invoice in an ACTIVE plan out of a case: the plan is the arrangement', async () => {
    const refused = await server.gql(OpenCaseDocument, { invoiceIds: [ids['INV-1']] }, { token: t.admin.token });
    expectError(refused, 'CONFLICT');
    expect(refused.errors![0].message).toBe('Invoice 2026-0001 is in an active payment plan; cancel the plan first');
    expect(await sql('select 1 from cases where administration_id = ?', [t.a])).toEqual([]);
  });
});

describe('cancelPaymentPlan', () => {
  it("refuses a VIEWER and another administration's user", async () => {
    expectError(await server.gql(CancelPaymentPlanDocument, { id: plans.p3 }, { token: t.viewer.token }), 'FORBIDDEN');
    expectError(await server.gql(CancelPaymentPlanDocument, { id: plans.p3 }, { token: t.otherOwner.token }), 'NOT_FOUND');
    expect((await plan(plans.p3)).status).toBe('ACTIVE');
  });

  it('ends an ACTIVE plan (the invoice is back in the flow) and only that', async () => {
    const cancelled = expectData(await server.gql(CancelPaymentPlanDocument, { id: plans.p3 }, { token: t.member.token })).cancelPaymentPlan;
    expect(cancelled).toMatchObject({ status: 'CANCELLED' });
    expect(cancelled.endedAt).not.toBeNull();
    expect(await invoice('INV-6')).toMatchObject({ phase: 'NOT_DUE', paymentPlan: { id: plans.p3, status: 'CANCELLED' } });
    const again = await server.gql(CancelPaymentPlanDocument, { id: plans.p3 }, { token: t.member.token });
    expectError(again, 'CONFLICT');
    expect(again.errors![0].message).toBe('The payment plan is CANCELLED; only an ACTIVE plan can be cancelled');
  });

  it('lets a new plan cover the invoice, both on its timeline', async () => {
    const created = expectData(await create({ invoiceIds: [ids['INV-6']], firstDueDate: '2031-06-01' })).createPaymentPlan;
    plans.p4 = created.id;
    expect(created.installments.map((i) => i.amount.amount)).toEqual(['0.05']);
    expect((await invoice('INV-6')).paymentPlan).toEqual({ id: plans.p4, status: 'ACTIVE' });
    // The cancelled plan still covers what it covered.
    expect((await plan(plans.p3)).invoices.map((i) => i.id)).toEqual([ids['INV-6']]);
    const timeline = expectData(await server.gql(InvoiceTimelineDocument, { id: ids['INV-6'], first: 10 }, { token: t.viewer.token })).invoice!.timeline;
    expect(timeline.edges.filter((e) => e.node.kind === 'PAYMENT_PLAN_CREATED').map((e) => e.node.id)).toEqual([
      `PAYMENT_PLAN_CREATED:${plans.p4}`,
      `PAYMENT_PLAN_CREATED:${plans.p3}`,
    ]);
  });
});

describe('payments', () => {
  it('pay the installments in order, and a plan paid in full is COMPLETED, also by a payment the bookkeeping shows', async () => {
    expectData(await server.gql(RegisterPaymentDocument, { invoiceId: ids['INV-4'], amount: '60.00' }, { token: t.member.token }));
    const partly = await plan(plans.p2);
    expect(partly).toMatchObject({ status: 'ACTIVE', paid: { amount: '60.00' } });
    expect(partly.installments.map((i) => [i.paidAmount.amount, i.status])).toEqual([
      ['50.00', 'PAID'],
      ['10.00', 'PENDING'],
    ]);
    // The bookkeeping reports INV-5 paid: a BOOKKEEPING payment of 40.00.
    await importAndWait(server, t.owner.token, t.a, [
      invoiceInput(5, { dueDate: '2031-03-20', amount: '40.00', openAmount: '0.00', debtor: { externalId: 'D-4', name: 'Debtor 4', type: 'BUSINESS', email: 'd4@example.test' } }),
    ]);
    const done = await plan(plans.p2);
    expect(done).toMatchObject({ status: 'COMPLETED', paid: { amount: '100.00' } });
    expect(done.endedAt).not.toBeNull();
    expect(done.installments.map((i) => [i.paidAmount.amount, i.status])).toEqual([
      ['50.00', 'PAID'],
      ['50.00', 'PAID'],
    ]);
    const cancel = await server.gql(CancelPaymentPlanDocument, { id: plans.p2 }, { token: t.member.token });
    expectError(cancel, 'CONFLICT');
  });
});

describe('cases', () => {
  const debtor = (n: number) => ({ externalId: `D-${n}`, name: `Debtor ${n}`, type: 'BUSINESS' as const, email: `d${n}@example.test` });
  const cases: Record<string, string> = {};
  const casePlan = async (id: string) => expectData(await server.gql(CasePlanStateDocument, { id }, { token: t.viewer.token })).case!;

  beforeAll(async () => {
    // Due yesterday: in a case today, no interest has run yet (it starts the day after the due date).
    await importAndWait(server, t.owner.token, t.a, [
      invoiceInput(11, { dueDate: '2031-03-02', debtor: debtor(11) }),
      invoiceInput(12, { dueDate: '2031-03-20', amount: '50.00', openAmount: '50.00', debtor: debtor(11) }),
      invoiceInput(13, { dueDate: '2031-03-02', debtor: debtor(13) }),
    ]);
    const data = expectData(await server.gql(InvoicesWithNextStepDocument, { id: t.a }, { token: t.owner.token }));
    for (const { node } of data.administration!.invoices.edges) ids[node.externalId] = node.id;
    for (const d of await sql<{ id: string; external_id: string }>('select id, external_id from debtors where administration_id = ?', [t.a])) ids[d.external_id] = d.id;
    for (const [key, invoiceId] of [['c1', ids['INV-11']], ['c2', ids['INV-13']]]) {
      cases[key] = expectData(await server.gql(OpenCaseDocument, { invoiceIds: [invoiceId] }, { token: t.admin.token })).openCase.id;
    }
    expectData(await server.gql(SetCollectionCostsDocument, { caseId: cases.c1, mode: 'COLLECT' }, { token: t.admin.token }));
  });

  it("covers a case with its outstanding total due, and puts it in PAYMENT_PLAN", async () => {
    expect((await casePlan(cases.c1)).outstanding.amount).toBe('140.00');
    const refused = await create({ invoiceIds: [ids['INV-11']] });
    expectError(refused, 'CONFLICT');
    expect(refused.errors![0].message).toBe('Invoice 2026-0011 is in case C-1: a plan covers the case (caseIds), not its invoices');

    const created = expectData(await create({ caseIds: [cases.c1], invoiceIds: [ids['INV-12']], installmentCount: 2 })).createPaymentPlan;
    plans.c1 = created.id;
    expect(created).toMatchObject({
      status: 'ACTIVE',
      total: { amount: '190.00', currency: 'EUR' },
      invoices: [{ id: ids['INV-12'] }],
      cases: [{ id: cases.c1, number: 'C-1', status: 'PAYMENT_PLAN' }],
    });
    expect(created.installments.map((i) => i.amount.amount)).toEqual(['95.00', '95.00']);
    const c1 = await casePlan(cases.c1);
    expect(c1).toMatchObject({ status: 'PAYMENT_PLAN', paymentPlan: { id: created.id, status: 'ACTIVE' } });
    expect(c1.timeline.edges.map((e) => e.node.id)).toContain(`PAYMENT_PLAN_CREATED:${created.id}`);
    // The case's invoice is in the plan through its case.
    expect(await invoice('INV-11')).toMatchObject({ phase: 'PAYMENT_PLAN', paymentPlan: { id: created.id } });
    const timeline = expectData(await server.gql(InvoiceTimelineDocument, { id: ids['INV-11'], first: 10 }, { token: t.viewer.token })).invoice!.timeline;
    expect(timeline.edges.map((e) => e.node.id)).toContain(`PAYMENT_PLAN_CREATED:${created.id}`);
  });

  it('refuses a case already in an active plan, by caseIds or by debtorId, and an unknown case', async () => {
    const before = await planCount();
    for (const input of [{ caseIds: [cases.c1] }, { debtorId: ids['D-11'] }]) {
      const result = await create(input);
      expectError(result, 'CONFLICT');
      expect(result.errors![0].message).toMatch(/already in an active payment plan/);
    }
    expectError(await create({ caseIds: ['00000000-0000-4000-8000-000000000000'] }), 'NOT_FOUND');
    expect(await planCount()).toBe(before);
  });

  it('counts payments toward the case, and completes once everything it covers is settled', async () => {
    expectData(await server.gql(RegisterPaymentDocument, { invoiceId: ids['INV-11'], amount: '100.00' }, { token: t.member.token }));
    const partly = await plan(plans.c1);
    expect(partly).toMatchObject({ status: 'ACTIVE', paid: { amount: '100.00' } });
    expect(partly.installments.map((i) => [i.paidAmount.amount, i.status])).toEqual([
      ['95.00', 'PAID'],
      ['5.00', 'PENDING'],
    ]);
    // The costs came first (art. 6:44 BW): 40.00 of principal is still owed. Waived, the case is settled.
    expect(await casePlan(cases.c1)).toMatchObject({ status: 'PAYMENT_PLAN', outstanding: { amount: '40.00' } });
    expectData(await server.gql(SetCollectionCostsDocument, { caseId: cases.c1, mode: 'WAIVE' }, { token: t.admin.token }));
    expect((await casePlan(cases.c1)).status).toBe('CLOSED');
    // Paying the last invoice settles all it covers: COMPLETED, though the installments wanted 190.00.
    expectData(await server.gql(RegisterPaymentDocument, { invoiceId: ids['INV-12'], amount: '50.00' }, { token: t.member.token }));
    expect(await plan(plans.c1)).toMatchObject({ status: 'COMPLETED', paid: { amount: '150.00' } });
  });

  it('puts a cancelled plan\'s case back in collection', async () => {
    const created = expectData(await create({ caseIds: [cases.c2] })).createPaymentPlan;
    expect((await invoice('INV-13')).phase).toBe('PAYMENT_PLAN');
    expectData(await server.gql(CancelPaymentPlanDocument, { id: created.id }, { token: t.member.token }));
    expect(await casePlan(cases.c2)).toMatchObject({ status: 'OPEN', paymentPlan: { id: created.id, status: 'CANCELLED' } });
    expect((await invoice('INV-13')).phase).toBe('COLLECTION');
  });
});

describe('the daily work', () => {
  it('sends one alert a few days before an installment, however many workers check at once', async () => {
    await setClock('2031-03-07T10:00:00.000Z');
    await Promise.all([checkPlans(), checkPlans()]);
    const alert = await waitForEmail('d1@example.test', 'Installment 1 of 3 is due on 2031-03-10');
    expect(alert.field('from')).toBe('"Tenant A" <billing@mg.example.test>');
    const text = alert.field('text')!;
    expect(text).toContain('Dear Debtor 1,');
    expect(text).toContain('installment 1 of 3 of your payment plan, EUR 33.33, is due on 2031-03-10');
    expect(text).toContain('Still to pay under the plan: EUR 100.00 of EUR 100.00');
    expect(text).toMatch(/Pay online: https:\/\/credit\.example\.test\/portal\/[0-9a-f]{96}/);
    await checkPlans();
    const alerts = await sql<{ n: number }>(`select count(*)::int as n from messages where subject like 'Installment % is due on %' and debtor_id = ?`, [ids['D-1']]);
    expect(alerts[0].n).toBe(1);
    // Installment 2 of the 120 (due 2031-04-01) is not in the window yet.
    expect(emailsTo('d7@example.test')).toEqual([]);
  });

  it('sends a notice the day after an installment is due and not paid in full', async () => {
    expectData(await server.gql(RegisterPaymentDocument, { invoiceId: ids['INV-1'], amount: '20.00' }, { token: t.member.token }));
    await setClock('2031-03-11T10:00:00.000Z');
    await checkPlans();
    const notice = await waitForEmail('d1@example.test', 'Installment 1 of 3 is overdue');
    const text = notice.field('text')!;
    expect(text).toContain('installment 1 of 3 of your payment plan, EUR 13.33, which was due on 2031-03-10');
    expect(text).toContain('Please pay it by 2031-03-17');
    expect(text).toContain('the full amount of EUR 80.00');
    const state = await plan(plans.p1);
    expect(state).toMatchObject({ status: 'ACTIVE', paid: { amount: '20.00' } });
    expect(state.installments.map((i) => [i.paidAmount.amount, i.status])).toEqual([
      ['20.00', 'OVERDUE'],
      ['0.00', 'PENDING'],
      ['0.00', 'PENDING'],
    ]);
  });

  it('keeps the plan through the grace period, then BREACHES it: attention, and the reminders resume', async () => {
    await setClock('2031-03-17T10:00:00.000Z');
    expect((await checkPlans()).breached).toBe(0);
    expect((await plan(plans.p1)).status).toBe('ACTIVE');

    await setClock('2031-03-18T10:00:00.000Z');
    await checkPlans();
    const breached = await plan(plans.p1);
    expect(breached.status).toBe('BREACHED');
    expect(breached.endedAt).not.toBeNull();
    expect(await invoice('INV-1')).toMatchObject({ attentionReasons: ['PAYMENT_PLAN_BREACHED'], paymentPlan: { status: 'BREACHED' } });
    expect((await invoice('INV-1')).phase).not.toBe('PAYMENT_PLAN');
    expect(expectData(await server.gql(DebtorAttentionDocument, { id: ids['D-1'] }, { token: t.viewer.token })).debtor!.attentionReasons).toEqual([
      'PAYMENT_PLAN_BREACHED',
    ]);
    const filtered = expectData(await server.gql(InvoicesDocument, { id: t.a, filter: { attentionReason: 'PAYMENT_PLAN_BREACHED' } }, { token: t.viewer.token }));
    expect(filtered.administration!.invoices.edges.map((e) => e.node.externalId)).toEqual(['INV-1']);
    const dashboard = expectData(await server.gql(DashboardDocument, { id: t.a }, { token: t.viewer.token })).administration!.dashboard;
    expect(dashboard.attention.find((a) => a.reason === 'PAYMENT_PLAN_BREACHED')!.count).toBe(1);

    // Back in the flow: the latest step whose day has come (the second reminder, due + 21) goes out.
    await runRemindersAndWait();
    await eventually(
      () => sql(`select 1 from reminder_sends r where r.invoice_id = ? and r.step_key = 'REMINDER_2'`, [ids['INV-1']]),
      (rows) => rows.length === 1,
      'the second reminder of INV-1',
    );
    await waitForEmail('d1@example.test', 'Second reminder: 1 open invoice(s)');
    // A breached plan sends nothing more, and cannot be cancelled.
    await setClock('2031-04-08T10:00:00.000Z');
    await checkPlans();
    expect(emailsTo('d1@example.test').filter((e) => e.field('subject')!.startsWith('Installment 2'))).toEqual([]);
    expectError(await server.gql(CancelPaymentPlanDocument, { id: plans.p1 }, { token: t.member.token }), 'CONFLICT');
  });
});
