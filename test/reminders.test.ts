// The reminder flow through the API: the default flow and its rules, runs (now and exactly once), what each run
// sends (one email per debtor and step, at the fake Mailgun), phases, timelines, planned steps, pause and on hold.
import {
  DashboardDocument,
  DebtorPlannedStepsDocument,
  InvoiceReminderStateDocument,
  InvoicesWithNextStepDocument,
  InvoiceTimelineDocument,
  ReminderFlowDocument,
  ReminderRunsDocument,
  RunRemindersDocument,
  SetInvoiceOnHoldDocument,
  UpdateReminderFlowDocument,
  UpdateSettingsDocument,
  type ReminderStepInput,
} from './generated/graphql';
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

beforeAll(async () => {
  fake = await startFakeMailgun();
  server = await startTestServer({
    // Tokens live 30 days: these tests move the clock by weeks.
    env: { ...fake.env(), MAIL_FROM: 'billing@mg.example.test', PUBLIC_URL: 'https://credit.example.test', OUTBOX_POLL_MS: '50', TOKEN_TTL_SECONDS: String(30 * 86_400) },
  });
  t = await createTenants(server);
  // Today is 2026-03-02 (the test clock). Due 2026-02-20: 10 days overdue, the first reminder (+7) is due.
  await importAndWait(server, t.owner.token, t.a, [
    invoiceInput(1, { dueDate: '2026-02-20', openAmount: '80.00', debtor: { externalId: 'D-1', name: 'Jansen & <Zonen>', type: 'BUSINESS', email: 'd1@example.test' } }),
    invoiceInput(2, { dueDate: '2026-02-21', debtor: { externalId: 'D-1', name: 'Jansen & <Zonen>', type: 'BUSINESS', email: 'd1@example.test' } }),
    // 51 days overdue: the final notice (+35) is the latest due step; the earlier ones are skipped.
    invoiceInput(3, { dueDate: '2026-01-10', debtor: { externalId: 'D-3', name: 'Late BV', type: 'BUSINESS', email: 'd3@example.test' } }),
    // Not due yet.
    invoiceInput(4, { dueDate: '2026-03-20', debtor: { externalId: 'D-4', name: 'Early BV', type: 'BUSINESS', email: 'd4@example.test' } }),
    // On hold: no reminders.
    invoiceInput(5, { dueDate: '2026-02-20', debtor: { externalId: 'D-5', name: 'Disputed BV', type: 'BUSINESS', email: 'd5@example.test' } }),
    // No email address: the reminder is written, not emailed.
    invoiceInput(6, { dueDate: '2026-02-20', debtor: { externalId: 'D-6', name: 'No Mail', type: 'PRIVATE', email: null } }),
  ]);
  await importAndWait(server, t.otherOwner.token, t.b, [invoiceInput(9, { dueDate: '2026-02-20' })]);
  for (const [administrationId, token] of [[t.a, t.owner.token], [t.b, t.otherOwner.token]]) {
    const data = expectData(await server.gql(InvoicesWithNextStepDocument, { id: administrationId }, { token }));
    for (const { node } of data.administration!.invoices.edges) ids[node.externalId] = node.id;
  }
  const debtors = await sql<{ id: string; external_id: string }>('select id, external_id from debtors');
  for (const d of debtors) ids[d.external_id] = d.id;
  expectData(await server.gql(SetInvoiceOnHoldDocument, { invoiceId: ids['INV-5'], onHold: true }, { token: t.member.token }));
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

async function runAndWait(administrationId = t.a, token = t.admin.token) {
  const run = expectData(await server.gql(RunRemindersDocument, { administrationId }, { token })).runReminders;
  expect(run.status).toBe('QUEUED');
  return waitForReminderRun(administrationId, run.id);
}

async function waitForReminderRun(administrationId: string, runId: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const data = expectData(await server.gql(ReminderRunsDocument, { id: administrationId }, { token: t.viewer.token }));
    const run = data.administration!.reminderRuns.edges.map((e) => e.node).find((r) => r.id === runId);
    if (run && run.status !== 'QUEUED' && run.status !== 'RUNNING') return run;
    if (Date.now() > deadline) throw new Error(`reminder run ${runId} did not finish: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const state = async (externalId: string) =>
  expectData(await server.gql(InvoiceReminderStateDocument, { id: ids[externalId] }, { token: t.viewer.token })).invoice!;

const stepInput = (overrides: Partial<ReminderStepInput> = {}): ReminderStepInput => ({
  key: 'FIRST',
  name: 'First',
  daysAfterDue: 7,
  action: 'EMAIL',
  appliesTo: 'ALL',
  subject: 'Reminder for {{debtor.name}}',
  body: 'Dear {{debtor.name}},\n\n{{invoices.table}}\n\nTotal {{invoices.total}}',
  ...overrides,
});

describe('the flow', () => {
  it('starts as the documented default flow', async () => {
    const flow = expectData(await server.gql(ReminderFlowDocument, { id: t.a }, { token: t.viewer.token })).administration!.reminderFlow;
    expect(flow.steps.map((s) => [s.key, s.daysAfterDue, s.action, s.appliesTo])).toEqual([
      ['REMINDER_1', 7, 'EMAIL', 'ALL'],
      ['REMINDER_2', 21, 'EMAIL', 'ALL'],
      ['FOURTEEN_DAY_LETTER', 35, 'FOURTEEN_DAY_LETTER', 'PRIVATE'],
      ['FINAL_NOTICE', 35, 'EMAIL', 'BUSINESS'],
      ['CASE', 56, 'OPEN_CASE', 'ALL'],
    ]);
  });

  it('refuses a bad flow with an error naming the step, and keeps the flow as it was', async () => {
    const before = expectData(await server.gql(ReminderFlowDocument, { id: t.a }, { token: t.viewer.token })).administration!.reminderFlow;
    const cases: [ReminderStepInput[], RegExp][] = [
      [[stepInput(), stepInput({ name: 'Again', daysAfterDue: 14 })], /step 2 \(FIRST\): the key FIRST is used twice/],
      [[stepInput({ body: 'Hello {{debtor.nickname}}' })], /Unknown placeholder \{\{debtor.nickname\}\}/],
      [[stepInput({ daysAfterDue: 14 }), stepInput({ key: 'SECOND', daysAfterDue: 10 })], /step 2 \(SECOND\).*must come after FIRST \(14\)/],
      [
        [stepInput({ key: 'LETTER', action: 'FOURTEEN_DAY_LETTER', appliesTo: 'PRIVATE', daysAfterDue: 30 }), stepInput({ key: 'CASE', action: 'OPEN_CASE', daysAfterDue: 40 })],
        /step 2 \(CASE\): for private debtors a case may only be opened after a FOURTEEN_DAY_LETTER step at least 15 days earlier/,
      ],
      [[stepInput({ key: 'OVERDUE' })], /OVERDUE is the name of a phase/],
    ];
    for (const [steps, message] of cases) {
      const result = await server.gql(UpdateReminderFlowDocument, { administrationId: t.a, steps }, { token: t.admin.token });
      expectError(result, 'BAD_USER_INPUT');
      expect(result.errors![0].message).toMatch(message);
    }
    const after = expectData(await server.gql(ReminderFlowDocument, { id: t.a }, { token: t.viewer.token })).administration!.reminderFlow;
    expect(after).toEqual(before);
  });

  it('lets an ADMIN replace the flow, not a MEMBER, and not in another administration', async () => {
    const steps = [stepInput({ key: 'NOTICE', daysAfterDue: -3, subject: 'Soon due' }), stepInput()];
    expectError(await server.gql(UpdateReminderFlowDocument, { administrationId: t.a, steps }, { token: t.member.token }), 'FORBIDDEN');
    expectError(await server.gql(UpdateReminderFlowDocument, { administrationId: t.b, steps }, { token: t.admin.token }), 'NOT_FOUND');
    expectError(await server.gql(ReminderFlowDocument, { id: t.b }, { token: t.viewer.token }), 'NOT_FOUND');
    const b = expectData(await server.gql(UpdateReminderFlowDocument, { administrationId: t.b, steps }, { token: t.otherOwner.token }));
    expect(b.updateReminderFlow.steps.map((s) => [s.key, s.daysAfterDue])).toEqual([
      ['NOTICE', -3],
      ['FIRST', 7],
    ]);
    const a = expectData(await server.gql(ReminderFlowDocument, { id: t.a }, { token: t.viewer.token })).administration!.reminderFlow;
    expect(a.steps).toHaveLength(5);
  });
});

describe('a run', () => {
  it('plans the next step of each invoice', async () => {
    expect((await state('INV-1')).nextStep).toEqual({ plannedOn: '2026-02-27', step: { key: 'REMINDER_1', action: 'EMAIL' } });
    // Past several steps: the latest whose day has come goes next.
    expect((await state('INV-3')).nextStep).toEqual({ plannedOn: '2026-02-14', step: { key: 'FINAL_NOTICE', action: 'EMAIL' } });
    expect((await state('INV-4')).nextStep).toEqual({ plannedOn: '2026-03-27', step: { key: 'REMINDER_1', action: 'EMAIL' } });
    expect((await state('INV-5')).nextStep).toBeNull(); // on hold
    const planned = expectData(await server.gql(DebtorPlannedStepsDocument, { id: ids['D-1'] }, { token: t.viewer.token })).debtor!.plannedSteps;
    expect(planned.map((p) => [p.invoice.number, p.step.key, p.plannedOn])).toEqual([
      ['2026-0001', 'REMINDER_1', '2026-02-27'],
      ['2026-0002', 'REMINDER_1', '2026-02-28'],
      ['2026-0001', 'REMINDER_2', '2026-03-13'],
      ['2026-0002', 'REMINDER_2', '2026-03-14'],
      ['2026-0001', 'FINAL_NOTICE', '2026-03-27'],
      ['2026-0002', 'FINAL_NOTICE', '2026-03-28'],
      ['2026-0001', 'CASE', '2026-04-17'],
      ['2026-0002', 'CASE', '2026-04-18'],
    ]);
  });

  it('refuses a VIEWER and another administration', async () => {
    expectError(await server.gql(RunRemindersDocument, { administrationId: t.a }, { token: t.viewer.token }), 'FORBIDDEN');
    expectError(await server.gql(RunRemindersDocument, { administrationId: t.a }, { token: t.member.token }), 'FORBIDDEN');
    expectError(await server.gql(RunRemindersDocument, { administrationId: t.b }, { token: t.admin.token }), 'NOT_FOUND');
    expectError(await server.gql(ReminderRunsDocument, { id: t.b }, { token: t.viewer.token }), 'NOT_FOUND');
    expect(await sql('select 1 from reminder_runs')).toHaveLength(0);
  });

  it('sends one email per debtor and step, listing all its invoices at that step, and moves their phases', async () => {
    const run = await runAndWait();
    expect(run).toMatchObject({ status: 'SUCCEEDED', invoicesSelected: 4, messagesQueued: 3, casesOpened: 0, error: null });
    const emails = await fake.waitForAccepted(2);
    const toD1 = emails.find((e) => e.field('to') === 'd1@example.test')!;
    expect(toD1.field('subject')).toBe('Reminder: 2 open invoice(s)');
    expect(toD1.field('from')).toBe('"Tenant A" <billing@mg.example.test>');
    const text = toD1.field('text')!;
    expect(text).toContain('Dear Jansen & <Zonen>,');
    expect(text).toMatch(/Invoice\s+Due date\s+Open amount\n2026-0001\s+2026-02-20\s+EUR 80.00\n2026-0002\s+2026-02-21\s+EUR 100.00/);
    expect(text).toContain('Total due: EUR 180.00');
    const html = toD1.field('html')!;
    expect(html).toContain('Dear Jansen &amp; &lt;Zonen&gt;,');
    expect(html).toMatch(/<table[^>]*>\n<tr><th[^>]*>Invoice<\/th>.*\n<tr><td[^>]*>2026-0001<\/td><td[^>]*>2026-02-20<\/td><td[^>]*>EUR 80.00<\/td><\/tr>/);
    expect(html).not.toContain('\u2063');
    const toD3 = emails.find((e) => e.field('to') === 'd3@example.test')!;
    expect(toD3.field('subject')).toBe('Final notice: 1 open invoice(s)');
    expect(toD3.field('text')).toContain('statutory extrajudicial collection costs of EUR 40.00');

    expect((await state('INV-1')).phase).toBe('REMINDER_1');
    expect((await state('INV-3')).phase).toBe('FINAL_NOTICE');
    expect((await state('INV-4')).phase).toBe('NOT_DUE');
    expect((await state('INV-5')).phase).toBe('ON_HOLD');
    expect((await state('INV-6')).phase).toBe('REMINDER_1');
    expect((await state('INV-1')).nextStep).toEqual({ plannedOn: '2026-03-13', step: { key: 'REMINDER_2', action: 'EMAIL' } });
    const sends = await sql<{ external_id: string; step_key: string }>(
      'select i.external_id, r.step_key from reminder_sends r join invoices i on i.id = r.invoice_id order by 1',
    );
    expect(sends).toEqual([
      { external_id: 'INV-1', step_key: 'REMINDER_1' },
      { external_id: 'INV-2', step_key: 'REMINDER_1' },
      { external_id: 'INV-3', step_key: 'FINAL_NOTICE' },
      { external_id: 'INV-6', step_key: 'REMINDER_1' },
    ]);
    // The debtor without an address: the reminder is on record, not emailed.
    const [noMail] = await sql<{ status: string; failure_reason: string }>(`select status, failure_reason from messages where debtor_id = ?`, [ids['D-6']]);
    expect(noMail).toEqual({ status: 'NOT_EMAILED', failure_reason: 'The debtor has no email address' });

    const dashboard = expectData(await server.gql(DashboardDocument, { id: t.a }, { token: t.viewer.token })).administration!.dashboard;
    expect(dashboard.phases.map((p) => [p.key, p.invoiceCount])).toEqual([
      ['NOT_DUE', 1],
      ['OVERDUE', 0],
      ['REMINDER_1', 3],
      ['REMINDER_2', 0],
      ['FOURTEEN_DAY_LETTER', 0],
      ['FINAL_NOTICE', 1],
      ['CASE', 0],
      ['PAYMENT_PLAN', 0],
      ['COLLECTION', 0],
      ['ON_HOLD', 1],
    ]);
    const filtered = expectData(await server.gql(InvoicesWithNextStepDocument, { id: t.a, filter: { phase: 'REMINDER_1' } }, { token: t.viewer.token }));
    expect(filtered.administration!.invoices.edges.map((e) => e.node.externalId).sort()).toEqual(['INV-1', 'INV-2', 'INV-6']);
  });

  it('puts a REMINDER_SENT entry with its email on each invoice timeline', async () => {
    const timeline = expectData(await server.gql(InvoiceTimelineDocument, { id: ids['INV-2'], first: 10 }, { token: t.viewer.token })).invoice!.timeline;
    const reminder = timeline.edges.map((e) => e.node).find((n) => n.kind === 'REMINDER_SENT')!;
    expect(reminder.summary).toBe('Reminder REMINDER_1 sent to d1@example.test: Reminder: 2 open invoice(s)');
    expect(reminder.message?.to).toEqual(['d1@example.test']);
  });

  it('sends nothing twice: the same run again, and two runs at once', async () => {
    expect(await runAndWait()).toMatchObject({ status: 'SUCCEEDED', invoicesSelected: 0, messagesQueued: 0 });
    // REMINDER_2 of INV-1, INV-2 and INV-6 has come, and INV-3 (due 2026-01-10) reaches the case at +56.
    server.clock.set(new Date('2026-03-14T10:00:00Z'));
    const [first, second] = await Promise.all([
      server.gql(RunRemindersDocument, { administrationId: t.a }, { token: t.admin.token }),
      server.gql(RunRemindersDocument, { administrationId: t.a }, { token: t.owner.token }),
    ]);
    const runs = await Promise.all([first, second].map((r) => waitForReminderRun(t.a, expectData(r).runReminders.id)));
    expect(runs.map((r) => r.invoicesSelected).sort()).toEqual([0, 4]);
    expect(runs.map((r) => r.messagesQueued).sort()).toEqual([0, 3]);
    expect(runs.map((r) => r.casesOpened).sort()).toEqual([0, 1]);
    const counts = await sql<{ step_key: string; n: number }>('select step_key, count(*)::int as n from reminder_sends group by 1 order by 1');
    expect(counts).toEqual([
      { step_key: 'CASE', n: 1 },
      { step_key: 'FINAL_NOTICE', n: 1 },
      { step_key: 'REMINDER_1', n: 3 },
      { step_key: 'REMINDER_2', n: 3 },
    ]);
    await fake.waitForAccepted(4);
    expect(fake.accepted.filter((e) => e.field('to') === 'd1@example.test').map((e) => e.field('subject'))).toEqual([
      'Reminder: 2 open invoice(s)',
      'Second reminder: 2 open invoice(s)',
    ]);
  });

  it('does not run while the administration is paused', async () => {
    server.clock.set(new Date('2026-03-28T10:00:00Z'));
    expectData(await server.gql(UpdateSettingsDocument, { administrationId: t.a, input: { pausedUntil: '2026-03-30' } }, { token: t.admin.token }));
    const refused = await server.gql(RunRemindersDocument, { administrationId: t.a }, { token: t.admin.token });
    expectError(refused, 'CONFLICT');
    expect(refused.errors![0].message).toBe('Reminders are paused until 2026-03-30');
    expectData(await server.gql(UpdateSettingsDocument, { administrationId: t.a, input: { paused: false } }, { token: t.admin.token }));
    const run = await runAndWait();
    expect(run.invoicesSelected).toBe(4); // FINAL_NOTICE for INV-1 and INV-2 (business), REMINDER_1 of INV-4, the 14-day letter of INV-6 (private)
  });
});
