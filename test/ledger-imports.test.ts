// importInvoices end to end: queued run, worker, upsert semantics, payments from the bookkeeping, complete imports.
import { ImportInvoicesDocument, InvoicesDocument, DebtorsDocument, PaymentsDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { importAndWait, invoiceInput, waitForRun } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let t: Tenants;
beforeAll(async () => {
  server = await startTestServer();
  t = await createTenants(server);
});
afterAll(() => server.stop());

const count = async (sql: string, params: unknown[]) =>
  ((await server.runtime.orm.em.getConnection().execute(sql, params))[0] as { n: number }).n;

describe('importInvoices', () => {
  it('returns the run QUEUED at once, and the worker imports invoices and debtors', async () => {
    const invoices = [
      invoiceInput(1, { debtor: { externalId: 'D-1', name: 'Alpha BV', type: 'BUSINESS', email: 'a@example.test', phone: '06 12345678', street: 'Keizersgracht 1a', postcode: '1015 AA', city: 'Amsterdam', country: 'NL' } }),
      invoiceInput(2, { debtor: { externalId: 'D-1', name: 'Alpha BV', type: 'BUSINESS', email: 'a@example.test', phone: '06 12345678', street: 'Keizersgracht 1a', postcode: '1015 AA', city: 'Amsterdam', country: 'NL' } }),
      invoiceInput(3, { amount: '250.50', openAmount: '250.50' }),
    ];
    const started = expectData(await server.gql(ImportInvoicesDocument, { administrationId: t.a, invoices }, { token: t.member.token }));
    expect(started.importInvoices).toMatchObject({ status: 'QUEUED', format: 'API', rowsRead: 0, startedAt: null });
    const run = await waitForRun(server, t.member.token, t.a, started.importInvoices.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', rowsRead: 3, invoicesCreated: 3, invoicesUpdated: 0, debtorsCreated: 2, debtorsUpdated: 0, errors: [] });
    expect(run.startedAt).toBeTruthy();
    expect(run.finishedAt).toBeTruthy();

    const debtors = expectData(await server.gql(DebtorsDocument, { id: t.a, filter: { search: 'Alpha' } }, { token: t.viewer.token }));
    expect(debtors.administration!.debtors.edges[0].node).toMatchObject({
      externalId: 'D-1',
      phone: '+31612345678',
      address: { street: 'Keizersgracht', houseNumber: '1a', postcode: '1015 AA', city: 'Amsterdam', country: 'NL' },
      openAmount: { amount: '200.00', currency: 'EUR' },
    });
  });

  it('changes nothing when the same data is imported twice', async () => {
    const invoices = [invoiceInput(1), invoiceInput(2), invoiceInput(3, { amount: '250.50', openAmount: '250.50' })];
    // Invoices 1 and 2 moved to debtor D-1/D-2 defaults here: that is a real change the first time.
    await importAndWait(server, t.member.token, t.a, invoices);
    const again = await importAndWait(server, t.member.token, t.a, invoices);
    expect(again).toMatchObject({ status: 'SUCCEEDED', rowsRead: 3, invoicesCreated: 0, invoicesUpdated: 0, debtorsCreated: 0, debtorsUpdated: 0 });
  });

  it('turns a drop in open amount into a BOOKKEEPING payment and marks a fully paid invoice PAID', async () => {
    const run = await importAndWait(server, t.member.token, t.a, [
      invoiceInput(1, { openAmount: '40.00' }),
      invoiceInput(2, { openAmount: '0.00' }),
    ]);
    expect(run).toMatchObject({ status: 'SUCCEEDED', invoicesUpdated: 2, invoicesClosed: 1 });
    const payments = expectData(await server.gql(PaymentsDocument, { id: t.a, filter: { source: 'BOOKKEEPING' } }, { token: t.viewer.token }));
    const amounts = payments.administration!.payments.edges.map((e) => [e.node.invoices[0].externalId, e.node.amount.amount, e.node.status]);
    expect(amounts.sort()).toEqual([
      ['INV-1', '60.00', 'PAID'],
      ['INV-2', '100.00', 'PAID'],
    ]);
    const invoices = expectData(await server.gql(InvoicesDocument, { id: t.a, filter: { status: 'PAID' } }, { token: t.viewer.token }));
    expect(invoices.administration!.invoices.edges.map((e) => e.node.externalId)).toEqual(['INV-2']);
  });

  it('with complete: true closes open invoices absent from the import as paid', async () => {
    const run = await importAndWait(server, t.member.token, t.a, [invoiceInput(1, { openAmount: '40.00' })], true);
    expect(run).toMatchObject({ status: 'SUCCEEDED', invoicesClosed: 1, invoicesUpdated: 0 });
    const open = expectData(await server.gql(InvoicesDocument, { id: t.a, filter: { status: 'OPEN' } }, { token: t.viewer.token }));
    expect(open.administration!.invoices.edges.map((e) => e.node.externalId)).toEqual(['INV-1']);
    expect(await count(`select count(*)::int as n from payments p join payment_allocations a on a.payment_id = p.id join invoices i on i.id = a.invoice_id where i.external_id = 'INV-3' and p.administration_id = ?`, [t.a])).toBe(1);
  });

  it('collects row problems per row, imports the good rows and ends PARTIAL', async () => {
    const run = await importAndWait(server, t.member.token, t.a, [
      invoiceInput(10),
      invoiceInput(11, { amount: '10.00', openAmount: '20.00' }),
      invoiceInput(12, { debtor: { externalId: 'D-12', name: 'X', type: 'PRIVATE', email: 'not an email' } }),
    ]);
    expect(run.status).toBe('PARTIAL');
    expect(run.invoicesCreated).toBe(1);
    expect(run.errors).toEqual([
      { row: 2, field: 'openAmount', message: expect.stringContaining('exceeds amount') },
      { row: 3, field: 'debtorEmail', message: expect.stringContaining('not a valid e-mail') },
    ]);
  });

  it('lets the last of duplicate external ids win', async () => {
    const run = await importAndWait(server, t.member.token, t.a, [
      invoiceInput(20, { number: 'first' }),
      invoiceInput(20, { number: 'last' }),
    ]);
    expect(run).toMatchObject({ status: 'SUCCEEDED', rowsRead: 2, invoicesCreated: 1 });
    const found = expectData(await server.gql(InvoicesDocument, { id: t.a, filter: { search: 'last' } }, { token: t.viewer.token }));
    expect(found.administration!.invoices.totalCount).toBe(1);
  });

  it('counts an external id given twice once, by its last row, and records no payment for the earlier row', async () => {
    expect(await importAndWait(server, t.member.token, t.a, [invoiceInput(40)])).toMatchObject({ status: 'SUCCEEDED', invoicesCreated: 1 });
    // Far apart in the import (the rows are read in batches); the last row of INV-40 says what it said before.
    const between = Array.from({ length: 2500 }, (_, i) => invoiceInput(200_000 + i));
    const run = await importAndWait(server, t.member.token, t.a, [
      invoiceInput(40, { openAmount: '30.00' }),
      invoiceInput(41, { number: 'DUP-FIRST', openAmount: '100.00' }),
      ...between,
      invoiceInput(41, { number: 'DUP-LAST', openAmount: '60.00' }),
      invoiceInput(40),
    ]);
    expect(run).toMatchObject({ status: 'SUCCEEDED', rowsRead: 2504, invoicesCreated: 2501, invoicesUpdated: 0, invoicesClosed: 0, errors: [] });
    const payments = await count(
      `select count(*)::int as n from payment_allocations a join invoices i on i.id = a.invoice_id where i.administration_id = ? and i.external_id in ('INV-40', 'INV-41')`,
      [t.a],
    );
    expect(payments).toBe(0);
    const last = expectData(await server.gql(InvoicesDocument, { id: t.a, filter: { search: 'DUP-' } }, { token: t.viewer.token }));
    expect(last.administration!.invoices.edges.map((e) => [e.node.number, e.node.openAmount.amount])).toEqual([['DUP-LAST', '60.00']]);
  }, 60_000);

  it('keeps every rule across batches of a large import (5,000 rows: several batches, one transaction)', async () => {
    const debtor = (n: number, email: string) => ({ externalId: `BIG-D${n % 7}`, name: `Big ${n % 7}`, type: 'BUSINESS' as const, email });
    const rows = Array.from({ length: 4999 }, (_, i) => invoiceInput(100_000 + i, { debtor: debtor(i, `big${i % 7}@example.test`) }));
    // The last row repeats the first invoice (last row wins, in a later batch) and changes its debtor's e-mail.
    rows.push(invoiceInput(100_000, { number: 'BIG-LAST', debtor: debtor(0, 'changed@example.test') }));
    const first = await importAndWait(server, t.member.token, t.a, rows);
    expect(first).toMatchObject({ status: 'SUCCEEDED', rowsRead: 5000, invoicesCreated: 4999, debtorsCreated: 7 });
    const last = expectData(await server.gql(InvoicesDocument, { id: t.a, filter: { search: 'BIG-LAST' } }, { token: t.viewer.token }));
    expect(last.administration!.invoices.edges.map((e) => e.node.externalId)).toEqual(['INV-100000']);
    const changed = expectData(await server.gql(DebtorsDocument, { id: t.a, filter: { search: 'Big 0' } }, { token: t.viewer.token }));
    expect(changed.administration!.debtors.edges[0].node.email).toBe('changed@example.test');

    // The next day's export: the same data as now stands, with two invoices paid meanwhile.
    const nextDay = rows.slice(0, 4999).map((row) => (row.debtor.externalId === 'BIG-D0' ? { ...row, debtor: debtor(0, 'changed@example.test') } : row));
    nextDay[0] = { ...nextDay[0], number: 'BIG-LAST' };
    nextDay[10] = { ...nextDay[10], openAmount: '0' };
    nextDay[4000] = { ...nextDay[4000], openAmount: '40.00' };
    const again = await importAndWait(server, t.member.token, t.a, nextDay);
    expect(again).toMatchObject({ status: 'SUCCEEDED', invoicesCreated: 0, invoicesUpdated: 2, invoicesClosed: 1, debtorsCreated: 0, debtorsUpdated: 0 });
    const paid = await count(
      `select count(*)::int as n from payments p join payment_allocations a on a.payment_id = p.id join invoices i on i.id = a.invoice_id
        where i.administration_id = ? and i.external_id in ('INV-100010', 'INV-104000') and p.source = 'BOOKKEEPING'`,
      [t.a],
    );
    expect(paid).toBe(2);
  }, 60_000);

  it('refuses more than 10,000 invoices in one call, writing nothing', async () => {
    const before = await count('select count(*)::int as n from import_runs where administration_id = ?', [t.a]);
    const invoices = Array.from({ length: 10_001 }, (_, i) => invoiceInput(i));
    expectError(await server.gql(ImportInvoicesDocument, { administrationId: t.a, invoices }, { token: t.member.token }), 'BAD_USER_INPUT', 'invoices');
    expect(await count('select count(*)::int as n from import_runs where administration_id = ?', [t.a])).toBe(before);
  });

  it('refuses a VIEWER (FORBIDDEN) and another administration (NOT_FOUND), writing nothing', async () => {
    const before = await count('select count(*)::int as n from import_runs', []);
    expectError(await server.gql(ImportInvoicesDocument, { administrationId: t.a, invoices: [invoiceInput(99)] }, { token: t.viewer.token }), 'FORBIDDEN');
    const foreign = await server.gql(ImportInvoicesDocument, { administrationId: t.b, invoices: [invoiceInput(99)] }, { token: t.owner.token });
    expectError(foreign, 'NOT_FOUND');
    expect(foreign.data).toBeNull();
    expect(await count('select count(*)::int as n from import_runs', [])).toBe(before);
  });

  it('runs one import at a time per administration: a second while one is queued is a CONFLICT', async () => {
    // Two requests at once: exactly one gets a run.
    const results = await Promise.all(
      [1, 2].map(() => server.gql(ImportInvoicesDocument, { administrationId: t.a, invoices: [invoiceInput(30)] }, { token: t.member.token })),
    );
    const ok = results.filter((r) => r.data);
    expect(ok).toHaveLength(1);
    expectError(results.find((r) => !r.data)!, 'CONFLICT');
    await waitForRun(server, t.member.token, t.a, ok[0].data!.importInvoices.id);
  });
});
