// Replies through Mailgun's inbound route: a message sent through the API (real mailgun.js, fake Mailgun) gets a reply
// posted as the route forwards it. Threading (same target, inReplyTo), attachments kept as documents under the
// outbound limits, UNREAD_REPLY until read, refused addresses (406), repeated deliveries, and signatures.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  DebtorDocument,
  DebtorsDocument,
  InboxDocument,
  InvoicesDocument,
  MarkMessageReadDocument,
  MessageDocument,
  ResendMessageDocument,
  type MessageFieldsFragment,
} from './generated/graphql';
import { storageFor } from '../src/integrations/storage/storage';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectError, expectNotFoundWithoutData } from './support/assertions';
import { startFakeMailgun, type FakeMailgun } from './support/fake-mailgun';
import { importAndWait, invoiceInput } from './support/ledger';
import { listenForEvents, type EventLog } from './support/live-events';
import { postInbound, replyFields, sendAndWait, sign, WEBHOOK_KEY, type InboundFile, type SentMessage } from './support/mailgun-webhooks';
import { startTestServer, type TestServer } from './support/server';

let fake: FakeMailgun;
let server: TestServer;
let t: Tenants;
let live: EventLog;
let inboundUrl: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  fake = await startFakeMailgun();
  server = await startTestServer({
    env: { ...fake.env(), MAILGUN_WEBHOOK_SIGNING_KEY: WEBHOOK_KEY, MAIL_REPLY_DOMAIN: 'reply.example.test', OUTBOX_POLL_MS: '50' },
  });
  inboundUrl = server.url.replace(/\/graphql$/, '/webhooks/mailgun/inbound');
  t = await createTenants(server);
  await importAndWait(server, t.owner.token, t.a, [invoiceInput(1), invoiceInput(2), invoiceInput(3)]);
  const data = expectData(await server.gql(InvoicesDocument, { id: t.a }, { token: t.owner.token }));
  for (const { node } of data.administration!.invoices.edges) {
    ids[node.externalId] = node.id;
    ids[node.debtor.externalId] = node.debtor.id;
  }
  live = await listenForEvents(server.databaseUrl);
});
afterAll(async () => {
  await live?.close();
  await server?.stop();
  await fake?.close();
});

const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  (await server.runtime.orm.em.getConnection().execute(query, params)) as T[];
const counts = async () => (await sql<{ m: number; d: number }>('select (select count(*)::int from messages) as m, (select count(*)::int from documents) as d'))[0];
const storedFiles = () => {
  const dir = path.join(server.runtime.app.config.dataDir, 'files', 'documents', t.a);
  return fs.existsSync(dir) ? fs.readdirSync(dir).length : 0;
};

const aboutInvoice = (key: string): Promise<SentMessage> =>
  sendAndWait(server, fake, t.member.token, { target: { type: 'INVOICE', id: ids[key] }, subject: 'About {{invoice.number}}', body: 'Please pay.' });

function reply(recipient: string, overrides: Record<string, string> = {}, files: InboundFile[] = []) {
  return postInbound(inboundUrl, replyFields(recipient, overrides), sign(server.clock), files);
}

const message = async (id: string, token = t.viewer.token): Promise<MessageFieldsFragment> =>
  expectData(await server.gql(MessageDocument, { id }, { token })).message!;
const reasons = async (debtor: string) => expectData(await server.gql(DebtorDocument, { id: ids[debtor] }, { token: t.viewer.token })).debtor!.attentionReasons;
const withUnreadReply = async () =>
  expectData(await server.gql(DebtorsDocument, { id: t.a, filter: { attentionReason: 'UNREAD_REPLY' } }, { token: t.viewer.token })).administration!.debtors.edges.map(
    (e) => e.node.externalId,
  );

async function waitUntil<T>(probe: () => Promise<T | null>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Reads a stored document's bytes back from the storage adapter. */
async function storedBytes(documentId: string): Promise<Buffer> {
  const [row] = await sql<{ storage_key: string }>('select storage_key from documents where id = ?', [documentId]);
  const chunks: Buffer[] = [];
  for await (const chunk of storageFor(server.runtime.app.config).read(row.storage_key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('a reply', () => {
  it("is stored on its thread's target, answering the sent email, unread, and the debtor carries UNREAD_REPLY until it is read", async () => {
    const sent = await aboutInvoice('INV-1');
    expect(sent.replyTo).toMatch(/^reply\+[0-9a-f]{32}@reply\.example\.test$/);
    const answer = await reply(sent.replyTo);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ kind: 'stored', messageId: expect.any(String) });
    const id = answer.body.messageId as string;

    expect(await message(id)).toMatchObject({
      direction: 'INBOUND',
      status: 'RECEIVED',
      targetType: 'INVOICE',
      targetId: ids['INV-1'],
      debtor: { id: ids['D-1'] },
      sender: null,
      from: 'Jan Jansen <d1@example.test>',
      to: [sent.replyTo],
      cc: [],
      subject: 'Re: About 2026-0001',
      body: 'We paid yesterday.',
      attachments: [],
      readAt: null,
      inReplyTo: { id: sent.id },
      attempts: 0,
    });
    const threads = await sql<{ thread_id: string }>('select thread_id from messages where id in (?, ?)', [id, sent.id]);
    expect(new Set(threads.map((r) => r.thread_id)).size).toBe(1);
    expect(await live.waitFor('MESSAGE_ADDED', id)).toEqual({ topic: 'MESSAGE_ADDED', administrationId: t.a, ids: [id] });

    const inbox = expectData(await server.gql(InboxDocument, { id: t.a, filter: { unreadOnly: true } }, { token: t.viewer.token }));
    expect(inbox.administration!.inbox.edges.map((e) => e.node.id)).toEqual([id]);
    expect(await reasons('D-1')).toEqual(['UNREAD_REPLY']);
    expect(await withUnreadReply()).toEqual(['D-1']);

    // Only a member of the administration reads it.
    expectError(await server.gql(MarkMessageReadDocument, { id }, { token: t.viewer.token }), 'FORBIDDEN');
    expectNotFoundWithoutData(await server.gql(MarkMessageReadDocument, { id }, { token: t.otherOwner.token }));
    expectNotFoundWithoutData(await server.gql(MessageDocument, { id }, { token: t.otherOwner.token }));
    expect(await reasons('D-1')).toEqual(['UNREAD_REPLY']);

    expect(expectData(await server.gql(MarkMessageReadDocument, { id }, { token: t.member.token })).markMessageRead.readAt).toBeTruthy();
    expect(await reasons('D-1')).toEqual([]);
    expect(await withUnreadReply()).toEqual([]);
  });

  it('keeps its attachments as documents typed by their content, leaving out what outbound mail may not carry', async () => {
    const sent = await aboutInvoice('INV-2');
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);
    const files: InboundFile[] = [
      { name: 'remittance.txt', content: pdf, type: 'text/plain' },
      { name: '../../etc/photo.png', content: png, type: 'image/png' },
      { name: 'tool.pdf', content: Buffer.concat([Buffer.from('MZ'), randomBytes(32)]), type: 'application/pdf' },
      { name: 'big.bin', content: Buffer.alloc(10 * 1024 * 1024 + 1, 1) },
    ];
    const filesBefore = storedFiles();
    // No stripped text: the whole text is the body. The domain in capitals is still ours.
    const recipient = sent.replyTo.replace('reply.example.test', 'REPLY.Example.TEST');
    const answer = await reply(recipient, { 'stripped-text': '', 'body-plain': 'See the attached remittance.' }, files);
    expect(answer.status).toBe(200);
    const received = await message(answer.body.messageId as string);
    expect(received.body).toBe('See the attached remittance.\n\n[Attachments not kept: tool.pdf (a program), big.bin (larger than 10 MB)]');
    expect(received.attachments).toEqual([
      { id: expect.any(String), filename: 'remittance.txt', contentType: 'application/pdf', size: pdf.length, sensitive: false },
      { id: expect.any(String), filename: 'photo.png', contentType: 'image/png', size: png.length, sensitive: false },
    ]);
    expect(await storedBytes(received.attachments[0].id)).toEqual(pdf);
    expect(await storedBytes(received.attachments[1].id)).toEqual(png);
    expect(storedFiles()).toBe(filesBefore + 2);
  });

  it("answers the email its In-Reply-To names, else the thread's latest", async () => {
    const first = await aboutInvoice('INV-3');
    const resent = expectData(await server.gql(ResendMessageDocument, { id: first.id }, { token: t.member.token })).resendMessage;
    const resentEmail = await waitUntil(async () => {
      const email = fake.accepted.find((e) => e.messageId === resent.id);
      return email && (await message(resent.id)).status === 'SENT' ? email : null;
    });
    expect(resentEmail.field('h:Reply-To')).toBe(first.replyTo);

    const toFirst = await reply(first.replyTo, { 'In-Reply-To': first.providerId });
    expect((await message(toFirst.body.messageId as string)).inReplyTo).toEqual({ id: first.id });
    const toLatest = await reply(first.replyTo);
    expect((await message(toLatest.body.messageId as string)).inReplyTo).toEqual({ id: resent.id });
    const unknownParent = await reply(first.replyTo, { 'In-Reply-To': '<somewhere-else@example.test>' });
    expect((await message(unknownParent.body.messageId as string)).inReplyTo).toEqual({ id: resent.id });
  });

  it('to an unknown, malformed, foreign or revoked reply address is refused with 406, storing nothing', async () => {
    const sent = await aboutInvoice('INV-1');
    const before = await counts();
    const token = /reply\+([0-9a-f]+)@/.exec(sent.replyTo)![1];
    for (const recipient of [
      `reply+${randomBytes(16).toString('hex')}@reply.example.test`,
      'reply+not-a-token@reply.example.test',
      `reply+${token}@elsewhere.example.test`,
      `someone@reply.example.test`,
    ]) {
      expect({ recipient, ...(await reply(recipient)) }).toEqual({ recipient, status: 406, body: { error: 'unknown or revoked reply address' } });
    }
    await sql('update message_threads set revoked_at = now() where token = ?', [token]);
    expect((await reply(sent.replyTo)).status).toBe(406);
    expect(await counts()).toEqual(before);
  });

  it('delivered again (the same Message-Id) is stored once, also when both deliveries arrive together', async () => {
    const sent = await aboutInvoice('INV-2');
    const fields = replyFields(sent.replyTo);
    const files = [{ name: 'note.txt', content: 'paid on 1 March' }];
    const first = await postInbound(inboundUrl, fields, sign(server.clock), files);
    expect(first.body.kind).toBe('stored');
    const before = await counts();
    const filesBefore = storedFiles();
    expect(await postInbound(inboundUrl, fields, sign(server.clock), files)).toEqual({ status: 200, body: { kind: 'duplicate' } });

    const twin = replyFields(sent.replyTo);
    const together = await Promise.all([
      postInbound(inboundUrl, twin, sign(server.clock), files),
      postInbound(inboundUrl, twin, sign(server.clock), files),
    ]);
    expect(together.map((a) => a.status)).toEqual([200, 200]);
    expect(together.map((a) => a.body.kind).sort()).toEqual(['duplicate', 'stored']);
    expect(await counts()).toEqual({ m: before.m + 1, d: before.d + 1 });
    expect(storedFiles()).toBe(filesBefore + 1);
  });

  it('is refused with 401 when forged, stale or replayed, and with 400 when it is not a form', async () => {
    const sent = await aboutInvoice('INV-1');
    const before = await counts();
    const fields = replyFields(sent.replyTo);
    const now = Math.floor(server.clock.now().getTime() / 1000);
    expect((await postInbound(inboundUrl, fields, sign(server.clock, { key: 'key-of-someone-else' }))).status).toBe(401);
    expect((await postInbound(inboundUrl, fields, null)).status).toBe(401);
    expect((await postInbound(inboundUrl, fields, sign(server.clock, { timestamp: now - 600 }))).status).toBe(401);
    expect(await counts()).toEqual(before);

    const signature = sign(server.clock);
    expect((await postInbound(inboundUrl, fields, signature)).status).toBe(200);
    const replay = await postInbound(inboundUrl, { ...fields, 'Message-Id': '<another@mail.example.test>' }, signature);
    expect(replay).toEqual({ status: 401, body: { error: 'replayed: this signature was used before' } });
    expect(await counts()).toEqual({ m: before.m + 1, d: before.d });

    const json = await fetch(inboundUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...fields, ...sign(server.clock) }) });
    expect(json.status).toBe(400);
  });
});
