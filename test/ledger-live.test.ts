// Live events: import runs and payments pushed over graphql-ws to the administration's subscribers only.
import { ImportRunUpdatedDocument, PaymentUpdatedDocument, RegisterPaymentDocument, InvoicesDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData } from './support/assertions';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';
import { subscribe } from './support/subscriptions';

let server: TestServer;
let t: Tenants;
beforeAll(async () => {
  server = await startTestServer();
  t = await createTenants(server);
});
afterAll(() => server.stop());

describe('subscriptions', () => {
  it('pushes an import run and its bookkeeping payments to subscribers of that administration only', async () => {
    await importAndWait(server, t.member.token, t.a, [invoiceInput(1), invoiceInput(2)]);
    const runs = await subscribe(server.wsUrl, t.viewer.token, ImportRunUpdatedDocument, { administrationId: t.a });
    const payments = await subscribe(server.wsUrl, t.viewer.token, PaymentUpdatedDocument, { administrationId: t.a });
    const otherRuns = await subscribe(server.wsUrl, t.otherOwner.token, ImportRunUpdatedDocument, { administrationId: t.b });
    const otherPayments = await subscribe(server.wsUrl, t.otherOwner.token, PaymentUpdatedDocument, { administrationId: t.b });
    try {
      const run = await importAndWait(server, t.member.token, t.a, [invoiceInput(1, { openAmount: '25.00' }), invoiceInput(2, { openAmount: '0' })]);
      const finished = await runs.waitFor((e) => e.importRunUpdated.id === run.id && e.importRunUpdated.status === 'SUCCEEDED');
      expect(finished.importRunUpdated.invoicesUpdated).toBe(2);
      expect(runs.events.map((e) => e.importRunUpdated.status)).toEqual(expect.arrayContaining(['QUEUED', 'RUNNING', 'SUCCEEDED']));
      await payments.waitFor((e) => e.paymentUpdated.invoices[0]?.externalId === 'INV-2');
      await payments.waitFor((e) => e.paymentUpdated.invoices[0]?.externalId === 'INV-1');
      expect(payments.events.map((e) => [e.paymentUpdated.invoices[0].externalId, e.paymentUpdated.amount.amount, e.paymentUpdated.source]).sort()).toEqual([
        ['INV-1', '75.00', 'BOOKKEEPING'],
        ['INV-2', '100.00', 'BOOKKEEPING'],
      ]);

      const invoice = expectData(await server.gql(InvoicesDocument, { id: t.a, filter: { search: '2026-0001' } }, { token: t.member.token }));
      const manual = expectData(await server.gql(RegisterPaymentDocument, { invoiceId: invoice.administration!.invoices.edges[0].node.id, amount: '5' }, { token: t.member.token }));
      await payments.waitFor((e) => e.paymentUpdated.id === manual.registerPayment.id);

      expect(otherRuns.events).toEqual([]);
      expect(otherPayments.events).toEqual([]);
      expect([...runs.errors, ...payments.errors, ...otherRuns.errors, ...otherPayments.errors]).toEqual([]);
    } finally {
      await Promise.all([runs.close(), payments.close(), otherRuns.close(), otherPayments.close()]);
    }
  });

  it("refuses a subscription to another administration's events with NOT_FOUND", async () => {
    const spy = await subscribe(server.wsUrl, t.owner.token, PaymentUpdatedDocument, { administrationId: t.b });
    try {
      // The refusal may take longer than the subscriber's settle time on a busy machine.
      for (const deadline = Date.now() + 5000; !spy.ended() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(spy.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
    } finally {
      await spy.close();
    }
  });
});
