// Ten simulated weeks on the test clock: an invoice of a business and one of a private debtor walk from issue to a
// collection case through the daily runs, and the emails at the fake Mailgun, phases, timelines, case costs and
// interest are exactly as the flow and the law say.
import { CaseDocument, InvoiceCaseDocument, InvoiceReminderStateDocument, InvoiceTimelineDocument, SetCollectionCostsDocument, SetTestClockDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { startFakeMailgun, type FakeMailgun } from './support/fake-mailgun';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';

let fake: FakeMailgun;
let server: TestServer;
let t: Tenants;
const ids: Record<string, string> = {};

const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  (await server.runtime.orm.em.getConnection().execute(query, params)) as T[];

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** Today in Amsterdam by the real clock: the test clock starts at the real time and only moves forward. */
const realToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
const ISSUED = realToday;
const DUE = addDays(realToday, 14);

beforeAll(async () => {
  fake = await startFakeMailgun();
  server = await startTestServer({ env: { ...fake.env(), TEST_CLOCK: 'true', MAIL_FROM: 'billing@mg.example.test', OUTBOX_POLL_MS: '50' } });
  t = await createTenants(server);
  await importAndWait(server, t.owner.token, t.a, [
    invoiceInput(1, { issueDate: ISSUED, dueDate: DUE, amount: '121.00', openAmount: '121.00', debtor: { externalId: 'B', name: 'Bakkerij BV', type: 'BUSINESS', email: 'b@example.test' } }),
    invoiceInput(2, { issueDate: ISSUED, dueDate: DUE, amount: '121.00', openAmount: '121.00', debtor: { externalId: 'P', name: 'Piet Jansen', type: 'PRIVATE', email: 'p@example.test' } }),
  ]);
  for (const row of await sql<{ id: string; external_id: string }>('select id, external_id from invoices')) ids[row.external_id] = row.id;
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

/** Moves the test clock to 08:00 in Amsterdam on `date` (after the 07:00 run time) and waits for that day's run. */
async function day(date: string) {
  const at = new Date(`${date}T08:00:00+01:00`).toISOString(); // these dates are in winter time
  expectData(await server.gql(SetTestClockDocument, { now: at }, { token: t.owner.token }));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [run] = await sql<{ status: string; invoices_selected: number; messages_queued: number; cases_opened: number }>(
      'select status, invoices_selected, messages_queued, cases_opened from reminder_runs where administration_id = ? and daily_on = ?',
      [t.a, date],
    );
    if (run && (run.status === 'SUCCEEDED' || run.status === 'FAILED')) return run;
    if (Date.now() > deadline) throw new Error(`no finished daily run on ${date}: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const phase = async (externalId: string) =>
  expectData(await server.gql(InvoiceReminderStateDocument, { id: ids[externalId] }, { token: t.viewer.token })).invoice!.phase;
const subjects = (to: string) => fake.accepted.filter((e) => e.field('to') === to).map((e) => e.field('subject'));

it('walks a business and a private invoice from issue to a case over ten weeks', async () => {
  expect(await phase('INV-1')).toBe('NOT_DUE');
  expect(await day(addDays(DUE, 6))).toMatchObject({ status: 'SUCCEEDED', invoices_selected: 0 });
  expect(await phase('INV-1')).toBe('OVERDUE');

  expect(await day(addDays(DUE, 7))).toMatchObject({ status: 'SUCCEEDED', invoices_selected: 2, messages_queued: 2 });
  expect([await phase('INV-1'), await phase('INV-2')]).toEqual(['REMINDER_1', 'REMINDER_1']);
  expect(await day(addDays(DUE, 8))).toMatchObject({ invoices_selected: 0 });

  expect(await day(addDays(DUE, 21))).toMatchObject({ invoices_selected: 2, messages_queued: 2 });
  expect([await phase('INV-1'), await phase('INV-2')]).toEqual(['REMINDER_2', 'REMINDER_2']);

  // Day 35: the business debtor gets the final notice, the private one the 14-day letter with its deadline and costs.
  const letterDay = addDays(DUE, 35);
  expect(await day(letterDay)).toMatchObject({ invoices_selected: 2, messages_queued: 2, cases_opened: 0 });
  expect([await phase('INV-1'), await phase('INV-2')]).toEqual(['FINAL_NOTICE', 'FOURTEEN_DAY_LETTER']);
  await fake.waitForAccepted(6);
  const letter = fake.accepted.find((e) => e.field('to') === 'p@example.test' && e.field('subject')!.startsWith('Final demand'))!;
  const deadline = addDays(letterDay, 15);
  expect(letter.field('text')).toContain(`without extra costs until ${deadline} (14 days from the day after you receive this letter)`);
  expect(letter.field('text')).toContain('statutory extrajudicial collection costs of EUR 40.00');

  // Day 56: both go into a case (the private one's letter term ended on day 50).
  expect(await day(addDays(DUE, 56))).toMatchObject({ invoices_selected: 2, messages_queued: 2, cases_opened: 2 });
  expect([await phase('INV-1'), await phase('INV-2')]).toEqual(['COLLECTION', 'COLLECTION']);
  await fake.waitForAccepted(8);
  expect(subjects('b@example.test')).toEqual([
    'Reminder: 1 open invoice(s)',
    'Second reminder: 1 open invoice(s)',
    'Final notice: 1 open invoice(s)',
    'Your account has been handed over for collection',
  ]);
  expect(subjects('p@example.test')).toEqual([
    'Reminder: 1 open invoice(s)',
    'Second reminder: 1 open invoice(s)',
    'Final demand before collection costs: 1 open invoice(s)',
    'Your account has been handed over for collection',
  ]);

  // Day 70: a case gets no reminders; interest has run.
  const today = addDays(DUE, 70);
  expect(await day(today)).toMatchObject({ invoices_selected: 0, messages_queued: 0 });
  const caseOf = async (externalId: string) => {
    const link = expectData(await server.gql(InvoiceCaseDocument, { id: ids[externalId] }, { token: t.viewer.token })).invoice!.case!;
    return expectData(await server.gql(CaseDocument, { id: link.id }, { token: t.viewer.token })).case!;
  };
  const business = await caseOf('INV-1');
  // Commercial interest from the day after the due date: 69 days (day 1 up to, not including, day 70) at 10.15%:
  // 12100 x 0.1015 x 69 / 365 = 232.17 cents -> 2.32.
  expect(business).toMatchObject({
    status: 'OPEN',
    principal: { amount: '121.00' },
    collectionCosts: { amount: '40.00' },
    collectionCostsMode: 'UNDECIDED',
    interestFrom: addDays(DUE, 1),
    interest: { amount: '2.32' },
    totalDue: { amount: '123.32' },
    letterDeadline: null,
  });
  const consumer = await caseOf('INV-2');
  // Statutory interest from the day after the letter's deadline (day 51) up to day 70: 19 days at 4%:
  // 12100 x 0.04 x 19 / 365 = 25.19 cents -> 0.25.
  expect(consumer).toMatchObject({
    principal: { amount: '121.00' },
    collectionCosts: { amount: '40.00' },
    letterDeadline: deadline,
    interestFrom: addDays(deadline, 1),
    interest: { amount: '0.25' },
    totalDue: { amount: '121.25' },
  });
  const collected = expectData(await server.gql(SetCollectionCostsDocument, { caseId: business.id, mode: 'COLLECT' }, { token: t.admin.token }));
  expect(collected.setCollectionCosts.totalDue.amount).toBe('163.32');
  expectError(await server.gql(SetCollectionCostsDocument, { caseId: consumer.id, mode: 'COLLECT' }, { token: t.viewer.token }), 'FORBIDDEN');

  const timeline = expectData(await server.gql(InvoiceTimelineDocument, { id: ids['INV-2'], first: 20 }, { token: t.viewer.token })).invoice!.timeline;
  expect(timeline.edges.map((e) => e.node.kind)).toEqual(['REMINDER_SENT', 'CASE_OPENED', 'REMINDER_SENT', 'REMINDER_SENT', 'REMINDER_SENT', 'INVOICE_IMPORTED']);
  expect(timeline.edges.map((e) => e.node.summary).filter((s) => s.startsWith('Reminder'))).toEqual([
    'Reminder CASE sent to p@example.test: Your account has been handed over for collection',
    'Reminder FOURTEEN_DAY_LETTER sent to p@example.test: Final demand before collection costs: 1 open invoice(s)',
    'Reminder REMINDER_2 sent to p@example.test: Second reminder: 1 open invoice(s)',
    'Reminder REMINDER_1 sent to p@example.test: Reminder: 1 open invoice(s)',
  ]);
});
