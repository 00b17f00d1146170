// What a debtor sees and does in the customer portal: its open invoices with their documents, the messages about
// it (also those that could not be emailed), and replies that reach the inbox live like an emailed reply.
import fs from 'node:fs';
import path from 'node:path';
import {
  DebtorDocument,
  DebtorPortalUrlDocument,
  ImportFileDocument,
  InboxDocument,
  InvoicesDocument,
  MessageAddedDocument,
  PortalInvoiceDocumentsDocument,
  PortalInvoicesDocument,
  PortalMessageAttachmentsDocument,
  PortalMessagesDocument,
  PortalMessageSenderDocument,
  PortalMessagesReachingOutDocument,
  PortalOpenDocument,
  PortalReplyDocument,
  SendMessageDocument,
  UpdateSettingsDocument,
  type PortalAuthenticationLevel,
} from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { importAndWait, invoiceInput, waitForRun } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';
import { subscribe } from './support/subscriptions';
import { postUpload } from './support/upload';

let server: TestServer;
let t: Tenants;
const invoices: Record<string, string> = {};
const debtors: Record<string, string> = {};

const fixture = fs.readFileSync(path.join(__dirname, 'fixtures/bookkeeping/invoice-with-pdf.xml'), 'utf8');
const withEmail = fixture.replace('</cac:PartyName>', '</cac:PartyName>\n      <cac:Contact><cbc:ElectronicMail>pietersen@example.test</cbc:ElectronicMail></cac:Contact>');

beforeAll(async () => {
  server = await startTestServer({ env: { OUTBOX_POLL_MS: '50' } });
  t = await createTenants(server);
  await importAndWait(server, t.owner.token, t.a, [
    invoiceInput(1),
    invoiceInput(2, { debtor: invoiceInput(1).debtor, dueDate: '2026-01-20' }),
    invoiceInput(3, { debtor: invoiceInput(1).debtor, openAmount: '0.00' }),
    invoiceInput(4, { debtor: { externalId: 'D-4', name: 'No Mail', type: 'PRIVATE' } }),
  ]);
  const { body } = await postUpload(server.url, ImportFileDocument, { administrationId: t.a, file: null, format: 'UBL', complete: false }, { name: 'inv.xml', content: withEmail }, { token: t.owner.token });
  expect((await waitForRun(server, t.owner.token, t.a, expectData(body).importFile.id)).status).toBe('SUCCEEDED');
  await importAndWait(server, t.otherOwner.token, t.b, [invoiceInput(9)]);
  for (const [administrationId, token] of [
    [t.a, t.owner.token],
    [t.b, t.otherOwner.token],
  ]) {
    const data = expectData(await server.gql(InvoicesDocument, { id: administrationId, first: 50 }, { token }));
    for (const { node } of data.administration!.invoices.edges) {
      invoices[node.number] = node.id;
      debtors[node.debtor.externalId] = node.debtor.id;
    }
  }
});
afterAll(() => server?.stop());

async function open(debtorKey: string) {
  const url = expectData(await server.gql(DebtorPortalUrlDocument, { id: debtors[debtorKey] }, { token: t.viewer.token })).debtor!.portalUrl;
  return expectData(await server.gql(PortalOpenDocument, { accessToken: url.split('/').at(-1)! })).portalOpen.token;
}

async function settle(level: PortalAuthenticationLevel) {
  expectData(await server.gql(UpdateSettingsDocument, { administrationId: t.a, input: { portalAuthenticationLevel: level, portalPrimaryMethod: 'SMS_OTP' } }, { token: t.owner.token }));
}

const messageCount = async () =>
  Number((await server.runtime.orm.em.getConnection().execute(`select count(*)::int as n from messages where administration_id = ?`, [t.a]))[0].n);

describe('portalInvoices', () => {
  beforeAll(() => settle('NONE'));

  it("lists the debtor's open invoices only, earliest due first, with amounts", async () => {
    const token = await open('D-1');
    const list = expectData(await server.gql(PortalInvoicesDocument, {}, { token })).portalInvoices;
    expect(list).toEqual([
      { id: invoices['2026-0002'], number: '2026-0002', issueDate: '2026-01-15', dueDate: '2026-01-20', amount: { amount: '100.00', currency: 'EUR' }, openAmount: { amount: '100.00', currency: 'EUR' } },
      { id: invoices['2026-0001'], number: '2026-0001', issueDate: '2026-01-15', dueDate: '2026-02-14', amount: { amount: '100.00', currency: 'EUR' }, openAmount: { amount: '100.00', currency: 'EUR' } },
    ]);
  });

  it("gives the invoice's documents (PDF and UBL) where the level allows, downloadable at their link", async () => {
    const token = await open('DEB-2002');
    const [invoice] = expectData(await server.gql(PortalInvoiceDocumentsDocument, {}, { token })).portalInvoices;
    expect(invoice.number).toBe('INV-2024-006');
    expect(invoice.documents.map((d) => d.filename)).toEqual(expect.arrayContaining(['INV-2024-006.pdf', 'inv.xml']));
    const pdf = invoice.documents.find((d) => d.filename.endsWith('.pdf'))!;
    const response = await fetch(`${new URL(server.url).origin}${pdf.url}`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('portalMessages', () => {
  beforeAll(() => settle('NONE'));

  it("shows the messages about the debtor and its invoices, newest first, also those not emailed, without blind copies", async () => {
    const about = (type: 'INVOICE' | 'DEBTOR', id: string, subject: string, bcc?: string[]) =>
      server.gql(SendMessageDocument, { input: { target: { type, id }, subject, body: `Body of ${subject}`, bcc } }, { token: t.member.token });
    const first = expectData(await about('INVOICE', invoices['2026-0001'], 'About 0001', ['controller@acme.test'])).sendMessage;
    const second = expectData(await about('DEBTOR', debtors['D-1'], 'About you')).sendMessage;
    const notEmailed = expectData(await about('INVOICE', invoices['2026-0004'], 'Not emailed')).sendMessage;
    expect(notEmailed.status).toBe('NOT_EMAILED');

    const mine = expectData(await server.gql(PortalMessagesDocument, {}, { token: await open('D-1') })).portalMessages;
    expect(mine.map((m) => m.id)).toEqual([second.id, first.id]);
    expect(mine[1]).toMatchObject({ direction: 'OUTBOUND', targetType: 'INVOICE', targetId: invoices['2026-0001'], subject: 'About 0001', bcc: [] });
    const theirs = expectData(await server.gql(PortalMessagesDocument, {}, { token: await open('D-4') })).portalMessages;
    expect(theirs).toEqual([expect.objectContaining({ id: notEmailed.id, status: 'NOT_EMAILED', body: 'Body of Not emailed' })]);
  });

  it("shows a message's attachments only where the level allows them", async () => {
    const sent = expectData(
      await server.gql(SendMessageDocument, { input: { target: { type: 'INVOICE', id: invoices['INV-2024-006'] }, subject: 'Your invoice', body: 'Attached' } }, { token: t.member.token }),
    ).sendMessage;
    const read = async () => server.gql(PortalMessageAttachmentsDocument, {}, { token: await open('DEB-2002') });
    const shown = expectData(await read()).portalMessages.find((m) => m.id === sent.id)!;
    expect(shown.attachments.map((a) => a.filename)).toEqual(expect.arrayContaining(['INV-2024-006.pdf', 'inv.xml']));
    await settle('SENSITIVE_INFORMATION');
    const refused = await read();
    expectError(refused, 'FORBIDDEN');
    expect(refused.errors![0].message).toMatch(/no verification method is available for you/);
    // The messages themselves are not sensitive; what they relate to on the controllers' side is not the portal's.
    const token = await open('DEB-2002');
    for (const reaching of [await server.gql(PortalMessagesReachingOutDocument, {}, { token }), await server.gql(PortalMessageSenderDocument, {}, { token })]) {
      expectError(reaching, 'FORBIDDEN');
      expect(reaching.errors![0].message).toMatch(/is not part of the customer portal/);
    }
    expectData(await server.gql(PortalMessagesDocument, {}, { token: await open('DEB-2002') }));
    await settle('NONE');
  });
});

describe('portalReply', () => {
  beforeAll(() => settle('NONE'));

  it('stores an unread INBOUND message on the invoice, pushed live to the inbox, and marks the debtor UNREAD_REPLY', async () => {
    const live = await subscribe(server.wsUrl, t.viewer.token, MessageAddedDocument, { administrationId: t.a });
    const other = await subscribe(server.wsUrl, t.otherOwner.token, MessageAddedDocument, { administrationId: t.b });
    try {
      const token = await open('D-1');
      const reply = expectData(await server.gql(PortalReplyDocument, { invoiceId: invoices['2026-0001'], body: '  I paid this yesterday.  ' }, { token })).portalReply;
      expect(reply).toMatchObject({ direction: 'INBOUND', status: 'RECEIVED', targetType: 'INVOICE', targetId: invoices['2026-0001'], subject: 'Re: About 0001', body: 'I paid this yesterday.', readAt: null });
      const event = await live.waitFor((e) => e.messageAdded.id === reply.id);
      expect(event.messageAdded).toMatchObject({ direction: 'INBOUND', status: 'RECEIVED', debtor: { id: debtors['D-1'] } });

      const inbox = expectData(await server.gql(InboxDocument, { id: t.a, filter: { unreadOnly: true, direction: 'INBOUND' } }, { token: t.viewer.token }));
      expect(inbox.administration!.inbox.edges.map((e) => e.node.id)).toContain(reply.id);
      expect(expectData(await server.gql(DebtorDocument, { id: debtors['D-1'] }, { token: t.viewer.token })).debtor!.attentionReasons).toContain('UNREAD_REPLY');

      const aboutDebtor = expectData(await server.gql(PortalReplyDocument, { body: 'Can I pay in parts?' }, { token })).portalReply;
      expect(aboutDebtor).toMatchObject({ targetType: 'DEBTOR', targetId: debtors['D-1'] });
      expect(expectData(await server.gql(PortalMessagesDocument, {}, { token })).portalMessages[0].id).toBe(aboutDebtor.id);
      expect(other.events).toEqual([]);
    } finally {
      await live.close();
      await other.close();
    }
  });

  it("is NOT_FOUND for another debtor's or another administration's invoice, BAD_USER_INPUT for an empty body, and stores nothing", async () => {
    const token = await open('D-1');
    const before = await messageCount();
    for (const invoiceId of [invoices['2026-0004'], invoices['2026-0009'], 'not-an-id', '00000000-0000-4000-8000-000000000000']) {
      expectError(await server.gql(PortalReplyDocument, { invoiceId, body: 'Hello' }, { token }), 'NOT_FOUND');
    }
    expectError(await server.gql(PortalReplyDocument, { invoiceId: invoices['2026-0001'], body: '   ' }, { token }), 'BAD_USER_INPUT', 'body');
    expect(await messageCount()).toBe(before);
  });

  it('is FORBIDDEN before verification where every page needs it, and for a user token', async () => {
    await settle('EVERY_PAGE');
    const before = await messageCount();
    expectError(await server.gql(PortalReplyDocument, { body: 'Hello' }, { token: await open('D-1') }), 'FORBIDDEN');
    expectError(await server.gql(PortalReplyDocument, { body: 'Hello' }, { token: t.owner.token }), 'FORBIDDEN');
    expect(await messageCount()).toBe(before);
    await settle('NONE');
  });
});
