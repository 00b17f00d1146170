// Invoices, debtors, the dashboard, manual payments and holds, through GraphQL over HTTP.
import {
  DashboardDocument,
  DebtorDocument,
  DebtorsDocument,
  InvoiceDocument,
  InvoicePageDocument,
  InvoicesDocument,
  PaymentsDocument,
  RegisterPaymentDocument,
  SetInvoiceOnHoldDocument,
  type InvoicePageQuery,
} from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectError, expectNotFoundWithoutData } from './support/assertions';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let t: Tenants;
const ids: Record<string, string> = {};

// Today is 2026-03-02 in Europe/Amsterdam (the test clock).
beforeAll(async () => {
  server = await startTestServer();
  t = await createTenants(server);
  await importAndWait(server, t.owner.token, t.a, [
    invoiceInput(1, { dueDate: '2026-02-14' }),
    invoiceInput(2, { dueDate: '2026-03-02', amount: '80.00', openAmount: '80.00' }),
    invoiceInput(3, { dueDate: '2026-03-20', debtor: { externalId: 'D-3', name: 'Zeta Private', type: 'PRIVATE', email: null } }),
    invoiceInput(4, { dueDate: '2026-01-31', amount: '500.00', openAmount: '250.00', debtor: { externalId: 'D-1', name: 'Debtor 1', type: 'BUSINESS', email: 'd1@example.test' } }),
    invoiceInput(5, { dueDate: '2026-01-01', openAmount: '0' }),
  ]);
  await importAndWait(server, t.otherOwner.token, t.b, [invoiceInput(1, { number: 'B-1' })]);
  const all = expectData(await server.gql(InvoicesDocument, { id: t.a }, { token: t.owner.token }));
  for (const { node } of all.administration!.invoices.edges) ids[node.externalId] = node.id;
  const b = expectData(await server.gql(InvoicesDocument, { id: t.b }, { token: t.otherOwner.token }));
  ids.B1 = b.administration!.invoices.edges[0].node.id;
  ids.debtorB = b.administration!.invoices.edges[0].node.debtor.id;
});
afterAll(() => server.stop());

const invoices = async (filter: object) => {
  const data = expectData(await server.gql(InvoicesDocument, { id: t.a, filter }, { token: t.viewer.token }));
  return data.administration!.invoices.edges.map((e) => e.node.externalId);
};

describe('administration.invoices', () => {
  it('lists invoices by due date with days overdue, phase and attention', async () => {
    const data = expectData(await server.gql(InvoicesDocument, { id: t.a }, { token: t.viewer.token }));
    const connection = data.administration!.invoices;
    expect(connection.totalCount).toBe(5);
    expect(connection.edges.map((e) => [e.node.externalId, e.node.daysOverdue, e.node.phase, e.node.attentionReasons])).toEqual([
      ['INV-5', 0, 'PAID', []],
      ['INV-4', 30, 'OVERDUE', []],
      ['INV-1', 16, 'OVERDUE', []],
      ['INV-2', 0, 'NOT_DUE', []],
      ['INV-3', 0, 'NOT_DUE', ['MISSING_EMAIL']],
    ]);
    expect(connection.edges[1].node).toMatchObject({ amount: { amount: '500.00', currency: 'EUR' }, openAmount: { amount: '250.00', currency: 'EUR' } });
  });

  it('applies every filter', async () => {
    expect(await invoices({ status: 'PAID' })).toEqual(['INV-5']);
    expect(await invoices({ phase: 'OVERDUE' })).toEqual(['INV-4', 'INV-1']);
    expect(await invoices({ overdue: true })).toEqual(['INV-4', 'INV-1']);
    expect(await invoices({ overdue: false })).toEqual(['INV-5', 'INV-2', 'INV-3']);
    expect(await invoices({ attention: true })).toEqual(['INV-3']);
    expect(await invoices({ attentionReason: 'MISSING_EMAIL' })).toEqual(['INV-3']);
    expect(await invoices({ attentionReason: 'UNREAD_REPLY' })).toEqual([]);
    expect(await invoices({ search: 'zeta' })).toEqual(['INV-3']);
    expect(await invoices({ search: '2026-0002' })).toEqual(['INV-2']);
    expect(await invoices({ search: '%' })).toEqual([]);
    const debtor = (await server.gql(InvoiceDocument, { id: ids['INV-4'] }, { token: t.viewer.token })).data!.invoice!.debtor.id;
    expect(await invoices({ debtorId: debtor })).toEqual(['INV-4', 'INV-1']);
  });

  it('pages with a stable order and cursors', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: InvoicePageQuery = expectData(await server.gql(InvoicePageDocument, { id: t.a, first: 2, after }, { token: t.viewer.token }));
      const page = data.administration!.invoices;
      expect(page.totalCount).toBe(5);
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(['INV-5', 'INV-4', 'INV-1', 'INV-2', 'INV-3'].map((k) => ids[k]));
  });

  it('refuses a bad page size, cursor or phase with BAD_USER_INPUT', async () => {
    expectError(await server.gql(InvoicePageDocument, { id: t.a, first: 201 }, { token: t.viewer.token }), 'BAD_USER_INPUT', 'first');
    expectError(await server.gql(InvoicePageDocument, { id: t.a, first: 2, after: 'garbage' }, { token: t.viewer.token }), 'BAD_USER_INPUT', 'after');
    const forged = Buffer.from(JSON.stringify(['not a date', 'x'])).toString('base64url');
    expectError(await server.gql(InvoicePageDocument, { id: t.a, first: 2, after: forged }, { token: t.viewer.token }), 'BAD_USER_INPUT', 'after');
    expectError(await server.gql(InvoicesDocument, { id: t.a, filter: { phase: 'NOPE' } }, { token: t.viewer.token }), 'BAD_USER_INPUT', 'phase');
  });

  it("never shows another administration's invoices, even by debtor id", async () => {
    expect(await invoices({ debtorId: ids.debtorB })).toEqual([]);
    expectNotFoundWithoutData(await server.gql(InvoicesDocument, { id: t.b }, { token: t.owner.token }));
  });

  it('costs a constant number of SQL queries per page, whatever its size', async () => {
    await importAndWait(server, t.otherOwner.token, t.b, Array.from({ length: 60 }, (_, i) => invoiceInput(100 + i)));
    const knex = server.runtime.orm.em.getConnection().getKnex();
    const countQueries = async (first: number) => {
      let queries = 0;
      // The worker in this process polls the job outbox and import leases on the same pool: not the page's.
      const background = /^(begin|commit|rollback)|job_outbox|import_runs/i;
      const listener = (query: { sql: string }) => (queries += background.test(query.sql.trim()) ? 0 : 1);
      knex.on('query', listener);
      try {
        const data = expectData(await server.gql(InvoicePageDocument, { id: t.b, first }, { token: t.otherOwner.token }));
        expect(data.administration!.invoices.edges).toHaveLength(first);
        expect(data.administration!.invoices.edges.every((e) => e.node.debtor.openAmount.amount === '100.00')).toBe(true);
      } finally {
        knex.off('query', listener);
      }
      return queries;
    };
    const small = await countQueries(5);
    const large = await countQueries(50);
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(8);
  });
});

describe('invoice(id) and debtor(id)', () => {
  it('reads an invoice and a debtor with its open amount and invoices', async () => {
    const invoice = expectData(await server.gql(InvoiceDocument, { id: ids['INV-4'] }, { token: t.viewer.token })).invoice!;
    expect(invoice).toMatchObject({ number: '2026-0004', status: 'OPEN', documents: [] });
    const debtor = expectData(await server.gql(DebtorDocument, { id: invoice.debtor.id }, { token: t.viewer.token })).debtor!;
    expect(debtor).toMatchObject({ name: 'Debtor 1', openAmount: { amount: '350.00', currency: 'EUR' }, address: null, attentionReasons: [] });
    expect(debtor.invoices.edges.map((e) => e.node.number)).toEqual(['2026-0004', '2026-0001']);
  });

  it("answers another administration's ids with NOT_FOUND and no data", async () => {
    expectNotFoundWithoutData(await server.gql(InvoiceDocument, { id: ids.B1 }, { token: t.owner.token }));
    expectNotFoundWithoutData(await server.gql(DebtorDocument, { id: ids.debtorB }, { token: t.owner.token }));
    expectNotFoundWithoutData(await server.gql(InvoiceDocument, { id: 'not-an-id' }, { token: t.owner.token }));
  });
});

describe('administration.debtors', () => {
  it('lists debtors by name with filters', async () => {
    const list = async (filter: object) =>
      expectData(await server.gql(DebtorsDocument, { id: t.a, filter }, { token: t.viewer.token })).administration!.debtors.edges.map((e) => e.node.externalId);
    expect(await list({})).toEqual(['D-1', 'D-2', 'D-5', 'D-3']);
    expect(await list({ type: 'PRIVATE' })).toEqual(['D-3']);
    expect(await list({ attention: true })).toEqual(['D-3']);
    expect(await list({ attention: false })).toEqual(['D-1', 'D-2', 'D-5']);
    expect(await list({ attentionReason: 'MISSING_EMAIL' })).toEqual(['D-3']);
    expect(await list({ search: 'D-2' })).toEqual(['D-2']);
  });
});

describe('dashboard', () => {
  it('puts every open invoice in exactly one phase, with sums equal to the invoices', async () => {
    const d = expectData(await server.gql(DashboardDocument, { id: t.a }, { token: t.viewer.token })).administration!.dashboard;
    expect(d.phases.map((p) => [p.key, p.invoiceCount, p.openAmount.amount])).toEqual([
      ['NOT_DUE', 2, '180.00'],
      ['OVERDUE', 2, '350.00'],
      ['REMINDER_1', 0, '0.00'],
      ['REMINDER_2', 0, '0.00'],
      ['FOURTEEN_DAY_LETTER', 0, '0.00'],
      ['FINAL_NOTICE', 0, '0.00'],
      ['CASE', 0, '0.00'],
      ['PAYMENT_PLAN', 0, '0.00'],
      ['COLLECTION', 0, '0.00'],
      ['ON_HOLD', 0, '0.00'],
    ]);
    expect(d.openAmount).toEqual({ amount: '530.00', currency: 'EUR' });
    expect(d.overdueAmount.amount).toBe('350.00');
    expect(d.attention).toEqual([
      { reason: 'MISSING_EMAIL', count: 1 },
      { reason: 'PAYMENT_PLAN_BREACHED', count: 0 },
      { reason: 'COLLECTION_COSTS_UNDECIDED', count: 0 },
      { reason: 'DISPUTED', count: 0 },
      { reason: 'IMPORT_FAILED', count: 0 },
    ]);
    const open = expectData(await server.gql(InvoicesDocument, { id: t.a, filter: { status: 'OPEN' } }, { token: t.viewer.token })).administration!.invoices;
    const sum = open.edges.reduce((total, e) => total + Math.round(Number(e.node.openAmount.amount) * 100), 0);
    expect(d.phases.reduce((n, p) => n + p.invoiceCount, 0)).toBe(open.totalCount);
    expect(Math.round(Number(d.openAmount.amount) * 100)).toBe(sum);
  });
});

describe('setInvoiceOnHold', () => {
  it('moves the invoice to ON_HOLD with DISPUTED, and back', async () => {
    const held = expectData(await server.gql(SetInvoiceOnHoldDocument, { invoiceId: ids['INV-1'], onHold: true }, { token: t.member.token }));
    expect(held.setInvoiceOnHold).toMatchObject({ onHold: true, phase: 'ON_HOLD', attentionReasons: ['DISPUTED'] });
    const d = expectData(await server.gql(DashboardDocument, { id: t.a }, { token: t.viewer.token })).administration!.dashboard;
    expect(d.phases.find((p) => p.key === 'ON_HOLD')).toMatchObject({ invoiceCount: 1, openAmount: { amount: '100.00' } });
    expect(d.attention.find((a) => a.reason === 'DISPUTED')!.count).toBe(1);
    expect(d.overdueAmount.amount).toBe('350.00');
    expect(await invoices({ attentionReason: 'DISPUTED' })).toEqual(['INV-1']);
    const released = expectData(await server.gql(SetInvoiceOnHoldDocument, { invoiceId: ids['INV-1'], onHold: false }, { token: t.member.token }));
    expect(released.setInvoiceOnHold).toMatchObject({ onHold: false, phase: 'OVERDUE', attentionReasons: [] });
  });

  it('refuses a VIEWER (FORBIDDEN), another administration (NOT_FOUND) and a paid invoice (BAD_USER_INPUT)', async () => {
    expectError(await server.gql(SetInvoiceOnHoldDocument, { invoiceId: ids['INV-1'], onHold: true }, { token: t.viewer.token }), 'FORBIDDEN');
    expectNotFoundWithoutData(await server.gql(SetInvoiceOnHoldDocument, { invoiceId: ids.B1, onHold: true }, { token: t.owner.token }));
    expectError(await server.gql(SetInvoiceOnHoldDocument, { invoiceId: ids['INV-5'], onHold: true }, { token: t.owner.token }), 'BAD_USER_INPUT', 'onHold');
    const [row] = await server.runtime.orm.em.getConnection().execute('select on_hold from invoices where id = ?', [ids.B1]);
    expect(row.on_hold).toBe(false);
  });
});

describe('registerPayment', () => {
  it('registers a MANUAL payment, lowers the open amount and marks the invoice PAID when settled', async () => {
    const part = expectData(await server.gql(RegisterPaymentDocument, { invoiceId: ids['INV-2'], amount: '30.00', paidOn: '2026-03-01' }, { token: t.member.token }));
    expect(part.registerPayment).toMatchObject({ amount: { amount: '30.00', currency: 'EUR' }, status: 'PAID', source: 'MANUAL' });
    expect(part.registerPayment.invoices).toEqual([{ id: ids['INV-2'], status: 'OPEN', openAmount: { amount: '50.00' } }]);
    const rest = expectData(await server.gql(RegisterPaymentDocument, { invoiceId: ids['INV-2'], amount: '50' }, { token: t.member.token }));
    expect(rest.registerPayment.invoices[0]).toMatchObject({ status: 'PAID', openAmount: { amount: '0.00' } });
    const payments = expectData(await server.gql(PaymentsDocument, { id: t.a, filter: { source: 'MANUAL' } }, { token: t.viewer.token }));
    expect(payments.administration!.payments.totalCount).toBe(2);
  });

  it('refuses bad amounts and dates with BAD_USER_INPUT, changing nothing', async () => {
    const token = t.member.token;
    expectError(await server.gql(RegisterPaymentDocument, { invoiceId: ids['INV-1'], amount: '0' }, { token }), 'BAD_USER_INPUT', 'amount');
    expectError(await server.gql(RegisterPaymentDocument, { invoiceId: ids['INV-1'], amount: '100.01' }, { token }), 'BAD_USER_INPUT', 'amount');
    expectError(await server.gql(RegisterPaymentDocument, { invoiceId: ids['INV-1'], amount: '1', paidOn: '2026-03-03' }, { token }), 'BAD_USER_INPUT', 'paidOn');
    expectError(await server.gql(RegisterPaymentDocument, { invoiceId: ids['INV-1'], amount: '1.234' }, { token }), 'BAD_USER_INPUT');
    expectError(await server.gql(RegisterPaymentDocument, { invoiceId: ids['INV-5'], amount: '1' }, { token }), 'CONFLICT');
    const invoice = expectData(await server.gql(InvoiceDocument, { id: ids['INV-1'] }, { token })).invoice!;
    expect(invoice.openAmount.amount).toBe('100.00');
  });

  it('refuses a VIEWER (FORBIDDEN) and another administration (NOT_FOUND)', async () => {
    expectError(await server.gql(RegisterPaymentDocument, { invoiceId: ids['INV-1'], amount: '1' }, { token: t.viewer.token }), 'FORBIDDEN');
    expectNotFoundWithoutData(await server.gql(RegisterPaymentDocument, { invoiceId: ids.B1, amount: '1' }, { token: t.owner.token }));
    const [row] = await server.runtime.orm.em.getConnection().execute('select count(*)::int as n from payments where administration_id = ?', [t.b]);
    expect(row.n).toBe(0);
  });
});
