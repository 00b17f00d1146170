// Sums never mix currencies: every invoice keeps its own, single Money sums cover the administration's currency,
// the *Amounts lists give one Money per currency, and a currency an amount cannot be written in is a row error.
import { DashboardDocument, DebtorDocument, DebtorsDocument, InvoicesDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectNotFoundWithoutData } from './support/assertions';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let t: Tenants;

const sameDebtor = { externalId: 'D-1', name: 'Debtor 1', type: 'BUSINESS' as const, email: 'd1@example.test' };

beforeAll(async () => {
  server = await startTestServer();
  t = await createTenants(server);
  // The test clock stands at 2026-03-02: due 2026-02-14 is overdue, due 2026-04-01 is not.
  const run = await importAndWait(server, t.member.token, t.a, [
    invoiceInput(1, { currency: 'EUR', amount: '100.00', openAmount: '100.00', debtor: sameDebtor }),
    invoiceInput(2, { currency: 'USD', amount: '250.50', openAmount: '250.50', debtor: sameDebtor }),
    invoiceInput(3, { currency: 'usd', amount: '10.00', openAmount: '10.00', dueDate: '2026-04-01' }),
    invoiceInput(4, { currency: 'AUD', amount: '5.00', openAmount: '5.00', dueDate: '2026-04-01', debtor: sameDebtor }),
    invoiceInput(5, { currency: 'JPY', amount: '1250', openAmount: '1250', dueDate: '2026-04-01' }),
  ]);
  expect(run).toMatchObject({ status: 'SUCCEEDED', invoicesCreated: 5, errors: [] });
});
afterAll(() => server.stop());

async function debtorIdOf(externalId: string): Promise<string> {
  const data = expectData(await server.gql(DebtorsDocument, { id: t.a }, { token: t.viewer.token }));
  return data.administration!.debtors.edges.find((e) => e.node.externalId === externalId)!.node.id;
}

describe('sums per currency', () => {
  it('the dashboard sums the administration currency alone, and lists every currency apart, its own first', async () => {
    const { dashboard } = expectData(await server.gql(DashboardDocument, { id: t.a }, { token: t.viewer.token })).administration!;
    expect(dashboard.openAmount).toEqual({ amount: '100.00', currency: 'EUR' });
    expect(dashboard.overdueAmount).toEqual({ amount: '100.00', currency: 'EUR' });
    expect(dashboard.openAmounts).toEqual([
      { amount: '100.00', currency: 'EUR' },
      { amount: '5.00', currency: 'AUD' },
      { amount: '1250.00', currency: 'JPY' },
      { amount: '260.50', currency: 'USD' },
    ]);
    expect(dashboard.overdueAmounts).toEqual([
      { amount: '100.00', currency: 'EUR' },
      { amount: '250.50', currency: 'USD' },
    ]);
    // Every open invoice counts in its phase; the phase's Money is the administration's currency only.
    expect(dashboard.phases).toEqual([
      { key: 'NOT_DUE', label: 'Not due yet', invoiceCount: 3, openAmount: { amount: '0.00', currency: 'EUR' } },
      { key: 'OVERDUE', label: 'Overdue', invoiceCount: 2, openAmount: { amount: '100.00', currency: 'EUR' } },
      ...[
        ['REMINDER_1', 'First reminder'],
        ['REMINDER_2', 'Second reminder'],
        ['FOURTEEN_DAY_LETTER', '14-day letter'],
        ['FINAL_NOTICE', 'Final notice'],
        ['CASE', 'Hand-over for collection'],
        ['PAYMENT_PLAN', 'Payment plan'],
        ['COLLECTION', 'Collection case'],
        ['ON_HOLD', 'On hold'],
      ].map(([key, label]) => ({ key, label, invoiceCount: 0, openAmount: { amount: '0.00', currency: 'EUR' } })),
    ]);
  });

  it('a debtor with invoices in three currencies has three open amounts, and openAmount is the EUR one', async () => {
    const debtor = expectData(await server.gql(DebtorDocument, { id: await debtorIdOf('D-1') }, { token: t.viewer.token })).debtor!;
    expect(debtor.openAmount).toEqual({ amount: '100.00', currency: 'EUR' });
    expect(debtor.openAmounts).toEqual([
      { amount: '100.00', currency: 'EUR' },
      { amount: '5.00', currency: 'AUD' },
      { amount: '250.50', currency: 'USD' },
    ]);
    const usdOnly = expectData(await server.gql(DebtorDocument, { id: await debtorIdOf('D-3') }, { token: t.viewer.token })).debtor!;
    expect(usdOnly.openAmount).toEqual({ amount: '0.00', currency: 'EUR' });
    expect(usdOnly.openAmounts).toEqual([{ amount: '10.00', currency: 'USD' }]);
  });

  it('invoices keep their own currency', async () => {
    const data = expectData(await server.gql(InvoicesDocument, { id: t.a }, { token: t.viewer.token }));
    const currencies = Object.fromEntries(data.administration!.invoices.edges.map((e) => [e.node.externalId, e.node.amount.currency]));
    expect(currencies).toEqual({ 'INV-1': 'EUR', 'INV-2': 'USD', 'INV-3': 'USD', 'INV-4': 'AUD', 'INV-5': 'JPY' });
  });

  it('a page of debtors with their sums per currency costs the same SQL statements for 3 debtors as for 33', async () => {
    const knex = server.runtime.orm.em.getConnection().getKnex();
    const countStatements = async () => {
      let statements = 0;
      // The worker in this process polls the job outbox and import leases on the same pool: not the page's.
      const background = /^(begin|commit|rollback)|job_outbox|import_runs/i;
      const listener = (query: { sql: string }) => (statements += background.test(query.sql.trim()) ? 0 : 1);
      knex.on('query', listener);
      try {
        return { page: expectData(await server.gql(DebtorsDocument, { id: t.a }, { token: t.viewer.token })).administration!.debtors, statements };
      } finally {
        knex.off('query', listener);
      }
    };
    const few = await countStatements();
    await importAndWait(server, t.member.token, t.a, Array.from({ length: 30 }, (_, i) => invoiceInput(100 + i, { currency: 'USD' })));
    const many = await countStatements();
    expect(many.page.edges.length).toBeGreaterThanOrEqual(33);
    expect(many.page.edges.find((e) => e.node.externalId === 'D-100')!.node.openAmounts).toEqual([{ amount: '100.00', currency: 'USD' }]);
    expect(many.statements).toBe(few.statements);
  });

  it("another administration's debtor is NOT_FOUND", async () => {
    expectNotFoundWithoutData(await server.gql(DebtorDocument, { id: await debtorIdOf('D-1') }, { token: t.otherOwner.token }));
  });
});

describe('currency row errors', () => {
  it('refuses a code that is not ISO 4217 and decimals the currency does not have, writing neither row', async () => {
    const run = await importAndWait(server, t.member.token, t.a, [
      invoiceInput(10, { currency: 'XBT' }),
      invoiceInput(11, { currency: 'NLG' }),
      invoiceInput(12, { currency: 'JPY', amount: '12.50', openAmount: '12.50' }),
      invoiceInput(13, { currency: 'EUR' }),
    ]);
    expect(run.invoicesCreated).toBe(1);
    expect(run.errors).toEqual([
      { row: 1, field: 'currency', message: "unknown currency 'XBT' (use an ISO 4217 code such as EUR)" },
      { row: 2, field: 'currency', message: "unknown currency 'NLG' (use an ISO 4217 code such as EUR)" },
      { row: 3, field: 'currency', message: "JPY amounts have 0 decimals; '12.50' / '12.50' has more" },
    ]);
    const data = expectData(await server.gql(InvoicesDocument, { id: t.a }, { token: t.viewer.token }));
    const numbers = data.administration!.invoices.edges.map((e) => e.node.externalId);
    expect(numbers).toContain('INV-13');
    expect(numbers).not.toContain('INV-10');
    expect(numbers).not.toContain('INV-12');
  });
});
