// Payments made here await the bookkeeping and are reconciled by imports, never counted twice.
import { InvoiceDocument, InvoicesDocument, PaymentsDocument, RegisterPaymentDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData } from './support/assertions';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let t: Tenants;

beforeAll(async () => {
  server = await startTestServer();
  t = await createTenants(server);
});
afterAll(() => server.stop());

async function invoiceId(externalId: string): Promise<string> {
  const data = expectData(await server.gql(InvoicesDocument, { id: t.a }, { token: t.viewer.token }));
  return data.administration!.invoices.edges.find((e) => e.node.externalId === externalId)!.node.id;
}

async function invoice(id: string) {
  return expectData(await server.gql(InvoiceDocument, { id }, { token: t.viewer.token })).invoice!;
}

async function paymentsOf(externalId: string) {
  const data = expectData(await server.gql(PaymentsDocument, { id: t.a }, { token: t.viewer.token }));
  return data.administration!.payments.edges
    .map((e) => e.node)
    .filter((p) => p.invoices.some((i) => i.externalId === externalId))
    .map((p) => ({ amount: p.amount.amount, source: p.source, reconciled: p.reconciled }));
}

const importOpen = (n: number, openAmount: string, amount = '100.00') => importAndWait(server, t.member.token, t.a, [invoiceInput(n, { amount, openAmount })]);

describe('reconciliation of payments made here with the bookkeeping', () => {
  it('a full manual payment stays PAID while the bookkeeping lags, and is reconciled (not paid twice) once it shows', async () => {
    await importOpen(1, '100.00');
    const id = await invoiceId('INV-1');
    const paid = expectData(await server.gql(RegisterPaymentDocument, { invoiceId: id, amount: '100.00' }, { token: t.member.token }));
    expect(paid.registerPayment.invoices[0]).toMatchObject({ status: 'PAID', openAmount: { amount: '0.00' } });
    expect(await paymentsOf('INV-1')).toEqual([{ amount: '100.00', source: 'MANUAL', reconciled: false }]);

    // The bookkeeping is a day behind: it still says 100.00 open.
    const lagging = await importOpen(1, '100.00');
    expect(lagging).toMatchObject({ status: 'SUCCEEDED', invoicesUpdated: 0 });
    expect(await invoice(id)).toMatchObject({ status: 'PAID', openAmount: { amount: '0.00' } });
    expect(await paymentsOf('INV-1')).toEqual([{ amount: '100.00', source: 'MANUAL', reconciled: false }]);

    // Now it shows the payment: no new payment, the manual one is reconciled.
    await importOpen(1, '0');
    expect(await invoice(id)).toMatchObject({ status: 'PAID', openAmount: { amount: '0.00' } });
    const payments = await paymentsOf('INV-1');
    expect(payments).toEqual([{ amount: '100.00', source: 'MANUAL', reconciled: true }]);
    expect(payments.reduce((sum, p) => sum + Number(p.amount), 0)).toBe(100);
  });

  it('a partial manual payment: drops reconcile it first, only the rest becomes a BOOKKEEPING payment', async () => {
    await importOpen(2, '100.00');
    const id = await invoiceId('INV-2');
    expectData(await server.gql(RegisterPaymentDocument, { invoiceId: id, amount: '30.00' }, { token: t.member.token }));
    expect(await invoice(id)).toMatchObject({ status: 'OPEN', openAmount: { amount: '70.00' } });

    await importOpen(2, '100.00');
    expect(await invoice(id)).toMatchObject({ status: 'OPEN', openAmount: { amount: '70.00' } });
    expect(await paymentsOf('INV-2')).toEqual([{ amount: '30.00', source: 'MANUAL', reconciled: false }]);

    await importOpen(2, '50.00');
    expect(await invoice(id)).toMatchObject({ status: 'OPEN', openAmount: { amount: '50.00' } });
    expect((await paymentsOf('INV-2')).sort((a, b) => a.source.localeCompare(b.source))).toEqual([
      { amount: '20.00', source: 'BOOKKEEPING', reconciled: true },
      { amount: '30.00', source: 'MANUAL', reconciled: true },
    ]);

    // The bookkeeping raised the invoice: the new open amount is taken as it is.
    await importOpen(2, '120.00', '150.00');
    expect(await invoice(id)).toMatchObject({ status: 'OPEN', openAmount: { amount: '120.00' } });
    expect(await paymentsOf('INV-2')).toHaveLength(2);
  });

  it('two payments awaiting on one invoice are reconciled oldest first, across imports', async () => {
    await importOpen(3, '100.00');
    const id = await invoiceId('INV-3');
    expectData(await server.gql(RegisterPaymentDocument, { invoiceId: id, amount: '30.00' }, { token: t.member.token }));
    expectData(await server.gql(RegisterPaymentDocument, { invoiceId: id, amount: '40.00' }, { token: t.member.token }));
    expect(await invoice(id)).toMatchObject({ openAmount: { amount: '30.00' } });

    await importOpen(3, '50.00'); // shows the first 30 and 20 of the 40
    expect(await invoice(id)).toMatchObject({ openAmount: { amount: '30.00' } });
    expect((await paymentsOf('INV-3')).map((p) => [p.amount, p.reconciled]).sort()).toEqual([
      ['30.00', true],
      ['40.00', false],
    ]);
    await importOpen(3, '30.00'); // shows the remaining 20
    expect(await paymentsOf('INV-3')).toEqual(expect.arrayContaining([{ amount: '40.00', source: 'MANUAL', reconciled: true }]));
    expect(await paymentsOf('INV-3')).toHaveLength(2);
    expect(await invoice(id)).toMatchObject({ status: 'OPEN', openAmount: { amount: '30.00' } });
  });

  it('a complete import that leaves out a manually paid invoice reconciles it instead of paying it again', async () => {
    await importAndWait(server, t.member.token, t.a, [invoiceInput(4), invoiceInput(5)]);
    const id4 = await invoiceId('INV-4');
    expectData(await server.gql(RegisterPaymentDocument, { invoiceId: id4, amount: '100.00' }, { token: t.member.token }));
    const others = [1, 2, 3].map((n) => invoiceInput(n, { amount: n === 2 ? '150.00' : '100.00', openAmount: n === 1 ? '0' : n === 2 ? '120.00' : '30.00' }));
    const run = await importAndWait(server, t.member.token, t.a, [...others, invoiceInput(5, { openAmount: '60.00' })], true);
    expect(run.status).toBe('SUCCEEDED');
    expect(await invoice(id4)).toMatchObject({ status: 'PAID', openAmount: { amount: '0.00' } });
    expect(await paymentsOf('INV-4')).toEqual([{ amount: '100.00', source: 'MANUAL', reconciled: true }]);
    expect(await paymentsOf('INV-5')).toEqual([{ amount: '40.00', source: 'BOOKKEEPING', reconciled: true }]);
  });
});
