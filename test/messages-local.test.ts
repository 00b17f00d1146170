// Without Mailgun settings, the local transport keeps the rendered email in the database (and the log).
import { InvoicesDocument, MessageDocument, SendMessageDocument, UpdateSettingsDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData } from './support/assertions';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let t: Tenants;
beforeAll(async () => {
  server = await startTestServer({ env: { OUTBOX_POLL_MS: '50' } });
  t = await createTenants(server);
  await importAndWait(server, t.owner.token, t.a, [invoiceInput(1, { debtor: { externalId: 'D-1', name: 'O\'Brien & Co', type: 'BUSINESS', email: 'ob@example.test' } })]);
  expectData(await server.gql(UpdateSettingsDocument, { administrationId: t.a, input: { emailSignature: 'Acme' } }, { token: t.owner.token }));
});
afterAll(() => server.stop());

it('stores the rendered email in local_emails and marks the message SENT', async () => {
  const invoice = expectData(await server.gql(InvoicesDocument, { id: t.a }, { token: t.owner.token })).administration!.invoices.edges[0].node;
  const queued = expectData(
    await server.gql(
      SendMessageDocument,
      { input: { target: { type: 'INVOICE', id: invoice.id }, cc: ['cc@example.test'], subject: 'Invoice {{invoice.number}}', body: 'Dear {{debtor.name}}' } },
      { token: t.member.token },
    ),
  ).sendMessage;
  const deadline = Date.now() + 15_000;
  let message = queued;
  while (message.status === 'QUEUED' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    message = expectData(await server.gql(MessageDocument, { id: queued.id }, { token: t.viewer.token })).message!;
  }
  expect(message).toMatchObject({ status: 'SENT', attempts: 1 });
  const rows = await server.runtime.orm.em.getConnection().execute('select * from local_emails where message_id = ?', [queued.id]);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    administration_id: t.a,
    from: '"member via Tenant A" <no-reply@localhost>',
    to: ['ob@example.test'],
    cc: ['cc@example.test'],
    bcc: [],
    subject: 'Invoice 2026-0001',
    text: "Dear O'Brien & Co\n\nAcme\n",
    tags: ['message', 'about-invoice'],
  });
  expect(rows[0].reply_to).toMatch(/^reply\+[0-9a-f]{32}@localhost$/);
  expect(rows[0].html).toContain('<p>Dear O&#39;Brien &amp; Co</p>');
  const [stored] = await server.runtime.orm.em.getConnection().execute('select provider_message_id from messages where id = ?', [queued.id]);
  expect(stored.provider_message_id).toBe(`<${rows[0].id}@local>`);
});
