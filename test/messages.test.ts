// Messages through the API, delivered by the real mailgun.js client to a fake Mailgun on 127.0.0.1: recipients,
// standard messages, placeholders, signature, bulk, resend, retries, failures, tenancy and roles.
import {
  CreateStandardMessageDocument,
  DebtorDocument,
  DeleteStandardMessageDocument,
  InboxDocument,
  InvoicesDocument,
  MarkMessageReadDocument,
  MessageDocument,
  ResendMessageDocument,
  SendMessageDocument,
  SendMessagesDocument,
  StandardMessagesDocument,
  UpdateSettingsDocument,
  UpdateStandardMessageDocument,
  type MessageFieldsFragment,
  type SendMessageInput,
} from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { startFakeMailgun, type FakeMailgun, type ReceivedEmail } from './support/fake-mailgun';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';
import { expectForeignIdsNotFound, foreignIdCase } from './support/tenancy';

let fake: FakeMailgun;
let server: TestServer;
let t: Tenants;
const ids: Record<string, string> = {};

const SIGNATURE = 'Kind regards,\nAcme credit control';

beforeAll(async () => {
  fake = await startFakeMailgun();
  server = await startTestServer({
    env: {
      ...fake.env(),
      MAIL_FROM: 'billing@mg.example.test',
      MAIL_REPLY_DOMAIN: 'reply.example.test',
      PUBLIC_URL: 'https://credit.example.test',
      MAIL_RETRY_BASE_MS: '100',
      MAIL_MAX_ATTEMPTS: '3',
      OUTBOX_POLL_MS: '50',
    },
  });
  t = await createTenants(server);
  await importAndWait(server, t.owner.token, t.a, [
    invoiceInput(1, { amount: '300.00', openAmount: '250.00', debtor: { externalId: 'D-1', name: 'Jansen & <Zonen>', type: 'BUSINESS', email: 'd1@example.test' } }),
    invoiceInput(2, { debtor: { externalId: 'D-2', name: 'No Mail', type: 'PRIVATE', email: null } }),
    invoiceInput(3, { debtor: { externalId: 'D-3', name: 'Third BV', type: 'BUSINESS', email: 'd3@example.test' } }),
  ]);
  await importAndWait(server, t.otherOwner.token, t.b, [invoiceInput(9)]);
  for (const [administrationId, token] of [[t.a, t.owner.token], [t.b, t.otherOwner.token]]) {
    const data = expectData(await server.gql(InvoicesDocument, { id: administrationId }, { token }));
    for (const { node } of data.administration!.invoices.edges) {
      ids[node.externalId] = node.id;
      ids[node.debtor.externalId] = node.debtor.id;
    }
  }
  expectData(await server.gql(UpdateSettingsDocument, { administrationId: t.a, input: { emailSignature: SIGNATURE } }, { token: t.owner.token }));
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  (await server.runtime.orm.em.getConnection().execute(query, params)) as T[];
const messageCount = async () => (await sql<{ n: number }>('select count(*)::int as n from messages'))[0].n;

async function send(input: SendMessageInput, token = t.member.token): Promise<MessageFieldsFragment> {
  return expectData(await server.gql(SendMessageDocument, { input }, { token })).sendMessage;
}

/** Polls the message until it has left QUEUED (or reached `status`). */
async function settled(id: string, status?: string, timeoutMs = 15_000): Promise<MessageFieldsFragment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = expectData(await server.gql(MessageDocument, { id }, { token: t.viewer.token })).message!;
    if (status ? message.status === status : message.status !== 'QUEUED') return message;
    if (Date.now() > deadline) throw new Error(`message ${id} stayed ${message.status}: ${JSON.stringify(message)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function received(messageId: string): Promise<ReceivedEmail> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const email = fake.accepted.find((e) => e.messageId === messageId);
    if (email) return email;
    if (Date.now() > deadline) throw new Error(`fake Mailgun never got message ${messageId}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const invoiceTarget = (key: string) => ({ type: 'INVOICE' as const, id: ids[key] });
const debtorTarget = (key: string) => ({ type: 'DEBTOR' as const, id: ids[key] });

describe('sendMessage', () => {
  it("writes to the debtor's address by default, on behalf of the user, with the signature, through Mailgun", async () => {
    const queued = await send({ target: invoiceTarget('INV-1'), subject: 'About {{invoice.number}}', body: 'Dear {{debtor.name}},\n\nPlease pay.' });
    expect(queued).toMatchObject({
      direction: 'OUTBOUND',
      targetType: 'INVOICE',
      targetId: ids['INV-1'],
      debtor: { id: ids['D-1'] },
      sender: { id: t.member.id, name: 'member' },
      to: ['d1@example.test'],
      cc: [],
      bcc: [],
      subject: 'About 2026-0001',
      body: 'Dear Jansen & <Zonen>,\n\nPlease pay.',
      status: 'QUEUED',
      sentAt: null,
    });

    const email = await received(queued.id);
    expect(email.domain).toBe(fake.domain);
    expect(email.field('from')).toBe('"member via Tenant A" <billing@mg.example.test>');
    expect(email.fields.to).toEqual(['d1@example.test']);
    expect(email.field('subject')).toBe('About 2026-0001');
    expect(email.field('text')).toBe(`Dear Jansen & <Zonen>,\n\nPlease pay.\n\n${SIGNATURE}\n`);
    expect(email.field('html')).toContain('<p>Dear Jansen &amp; &lt;Zonen&gt;,</p>');
    expect(email.field('html')).toContain('<div class="signature"><p>Kind regards,<br>\nAcme credit control</p></div>');
    expect(email.field('html')).not.toContain('<Zonen>');
    expect(email.field('h:Reply-To')).toMatch(/^reply\+[0-9a-f]{32}@reply\.example\.test$/);
    expect(email.fields['o:tag']).toEqual(['message', 'about-invoice']);
    expect(email.messageId).toBe(queued.id);

    const sent = await settled(queued.id);
    expect(sent).toMatchObject({ status: 'SENT', attempts: 1, failureReason: null });
    expect(sent.sentAt).toBeTruthy();
    const [row] = await sql<{ provider_message_id: string }>('select provider_message_id from messages where id = ?', [queued.id]);
    expect(row.provider_message_id).toBe(email.id);
  });

  it('fills subject, body, CC and BCC from a standard message, with HTML-escaped placeholders', async () => {
    const standard = expectData(
      await server.gql(
        CreateStandardMessageDocument,
        {
          administrationId: t.a,
          input: {
            description: 'Payment reminder',
            subject: 'Invoice {{invoice.number}} was due on {{invoice.dueDate}}',
            body: 'Dear {{ debtor.name }},\n\n{{invoice.openAmount}} is still open.\nPay at {{portal.url}}\n\n{{user.name}}',
            cc: ['cc@example.test'],
            bcc: ['audit@example.test'],
          },
        },
        { token: t.admin.token },
      ),
    ).createStandardMessage;

    const queued = await send({ target: invoiceTarget('INV-1'), standardMessageId: standard.id });
    // The debtor's own link into the portal: its random access token.
    const portal = queued.debtor.portalUrl;
    expect(portal).toMatch(/^https:\/\/credit\.example\.test\/portal\/[0-9a-f]{96}$/);
    expect(queued).toMatchObject({
      to: ['d1@example.test'],
      cc: ['cc@example.test'],
      bcc: ['audit@example.test'],
      subject: 'Invoice 2026-0001 was due on 2026-02-14',
      body: `Dear Jansen & <Zonen>,\n\nEUR 250.00 is still open.\nPay at ${portal}\n\nmember`,
    });
    const email = await received(queued.id);
    expect(email.fields.cc).toEqual(['cc@example.test']);
    expect(email.fields.bcc).toEqual(['audit@example.test']);
    expect(email.field('html')).toContain('<p>Dear Jansen &amp; &lt;Zonen&gt;,</p>');
    expect(email.field('html')).toContain(`EUR 250.00 is still open.<br>\nPay at <a href="${portal}">${portal}</a>`);

    // What the input gives wins over the standard message; what it leaves out is filled.
    const own = await send({ target: invoiceTarget('INV-1'), standardMessageId: standard.id, subject: 'Mine', cc: [] });
    expect(own).toMatchObject({ subject: 'Mine', cc: [], bcc: ['audit@example.test'] });
    expect(own.body).toMatch(/^Dear Jansen/);
    await settled(own.id, 'SENT');
  });

  it('stores a message to a debtor without an email address as NOT_EMAILED and sends nothing', async () => {
    const before = fake.requests;
    const message = await send({ target: invoiceTarget('INV-2'), subject: 'Hello', body: 'Dear {{debtor.name}}' });
    expect(message).toMatchObject({ status: 'NOT_EMAILED', to: [], body: 'Dear No Mail', failureReason: 'The debtor has no email address' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.requests).toBe(before);
    expect((await settled(message.id)).status).toBe('NOT_EMAILED');
    const debtor = expectData(await server.gql(DebtorDocument, { id: ids['D-2'] }, { token: t.viewer.token })).debtor!;
    expect(debtor.attentionReasons).toContain('MISSING_EMAIL');
  });

  it('writes to the addresses given instead of the default, about a debtor', async () => {
    const message = await send({ target: debtorTarget('D-2'), to: ['finance@example.test'], subject: 'Hi {{debtor.name}}', body: 'Text' });
    expect(message).toMatchObject({ targetType: 'DEBTOR', targetId: ids['D-2'], to: ['finance@example.test'], subject: 'Hi No Mail', status: 'QUEUED' });
    expect((await received(message.id)).fields['o:tag']).toEqual(['message', 'about-debtor']);
  });

  it('refuses bad addresses and bad content naming the field, and stores nothing', async () => {
    const before = await messageCount();
    const base = { target: invoiceTarget('INV-1'), subject: 'S', body: 'B' };
    const cases: [Partial<SendMessageInput>, string][] = [
      [{ to: ['not-an-address'] }, 'to'],
      [{ to: [] }, 'to'],
      [{ to: ['a@example.test\r\nBcc: evil@example.test'] }, 'to'],
      [{ cc: ['ok@example.test', 'a@b'] }, 'cc'],
      [{ bcc: ['x@example.test, y@example.test'] }, 'bcc'],
      [{ subject: '  ' }, 'subject'],
      [{ subject: 'Line one\nBcc: evil@example.test' }, 'subject'],
      [{ body: '' }, 'body'],
      [{ body: 'Dear {{debtor.naam}}' }, 'body'],
    ];
    for (const [change, field] of cases) {
      expectError(await server.gql(SendMessageDocument, { input: { ...base, ...change } }, { token: t.member.token }), 'BAD_USER_INPUT', field);
    }
    // A message about a debtor has no invoice to fill {{invoice.number}} with.
    expectError(
      await server.gql(SendMessageDocument, { input: { target: debtorTarget('D-1'), subject: 'S', body: 'Invoice {{invoice.number}}' } }, { token: t.member.token }),
      'BAD_USER_INPUT',
      'body',
    );
    expect(await messageCount()).toBe(before);
  });
});

describe('sendMessages', () => {
  it("sends the same message to each target individually, each with its own debtor's address", async () => {
    const result = expectData(
      await server.gql(
        SendMessagesDocument,
        {
          input: {
            targets: [invoiceTarget('INV-1'), invoiceTarget('INV-3'), debtorTarget('D-3'), invoiceTarget('INV-2'), invoiceTarget('INV-3')],
            subject: 'News for {{debtor.name}}',
            body: 'Hello {{debtor.name}}',
          },
        },
        { token: t.member.token },
      ),
    ).sendMessages;
    expect(result.map((m) => [m.targetType, m.targetId, m.to, m.subject, m.status])).toEqual([
      ['INVOICE', ids['INV-1'], ['d1@example.test'], 'News for Jansen & <Zonen>', 'QUEUED'],
      ['INVOICE', ids['INV-3'], ['d3@example.test'], 'News for Third BV', 'QUEUED'],
      ['DEBTOR', ids['D-3'], ['d3@example.test'], 'News for Third BV', 'QUEUED'],
      ['INVOICE', ids['INV-2'], [], 'News for No Mail', 'NOT_EMAILED'],
    ]);
    const emails = await Promise.all(result.slice(0, 3).map((m) => received(m.id)));
    expect(emails.map((e) => e.fields.to)).toEqual([['d1@example.test'], ['d3@example.test'], ['d3@example.test']]);
    // Each its own thread: its own reply address.
    expect(new Set(emails.map((e) => e.field('h:Reply-To'))).size).toBe(3);
  });

  it('refuses the whole request before writing anything when one target is bad', async () => {
    const before = await messageCount();
    const requests = fake.requests;
    // {{invoice.number}} cannot be filled for the debtor target.
    const placeholder = { targets: [invoiceTarget('INV-1'), debtorTarget('D-3')], subject: 'S', body: 'Invoice {{invoice.number}}' };
    expectError(await server.gql(SendMessagesDocument, { input: placeholder }, { token: t.member.token }), 'BAD_USER_INPUT', 'body');
    // Another administration's invoice among ours.
    const foreign = { targets: [invoiceTarget('INV-1'), invoiceTarget('INV-9')], subject: 'S', body: 'B' };
    expectError(await server.gql(SendMessagesDocument, { input: foreign }, { token: t.member.token }), 'NOT_FOUND');
    // No such invoice, and a case (cases come with the reminders issue).
    const missing = { targets: [invoiceTarget('INV-1'), { type: 'INVOICE' as const, id: '00000000-0000-4000-8000-000000000000' }], subject: 'S', body: 'B' };
    expectError(await server.gql(SendMessagesDocument, { input: missing }, { token: t.member.token }), 'NOT_FOUND');
    const aCase = { targets: [{ type: 'CASE' as const, id: ids['INV-1'] }], subject: 'S', body: 'B' };
    expectError(await server.gql(SendMessagesDocument, { input: aCase }, { token: t.member.token }), 'NOT_FOUND');
    // More than 1,000 targets.
    const tooMany = { targets: Array.from({ length: 1001 }, () => invoiceTarget('INV-1')), subject: 'S', body: 'B' };
    expectError(await server.gql(SendMessagesDocument, { input: tooMany }, { token: t.member.token }), 'BAD_USER_INPUT', 'targets');
    expect(await messageCount()).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.requests).toBe(requests);
  });
});

describe('delivery', () => {
  it('resends the same content as a new message in the same thread', async () => {
    const original = await send({ target: invoiceTarget('INV-3'), cc: ['copy@example.test'], subject: 'Original', body: 'Same body' });
    const first = await received(original.id);
    await settled(original.id, 'SENT');
    const resent = expectData(await server.gql(ResendMessageDocument, { id: original.id }, { token: t.admin.token })).resendMessage;
    expect(resent.id).not.toBe(original.id);
    expect(resent).toMatchObject({ status: 'QUEUED', to: ['d3@example.test'], cc: ['copy@example.test'], subject: 'Original', body: 'Same body', sender: { id: t.admin.id } });
    const second = await received(resent.id);
    expect(second.field('h:Reply-To')).toBe(first.field('h:Reply-To'));
    expect(second.field('text')).toBe(first.field('text'));
    expect(second.field('from')).toBe('"admin via Tenant A" <billing@mg.example.test>');
    expect((await settled(resent.id)).status).toBe('SENT');
  });

  it('retries after 5xx answers with backoff, and then sends once', async () => {
    const before = fake.requests;
    fake.failNext(2, 503, { message: 'Service Unavailable' });
    const queued = await send({ target: invoiceTarget('INV-3'), subject: 'Retry me', body: 'B' });
    const sent = await settled(queued.id, 'SENT');
    expect(sent).toMatchObject({ attempts: 3, failureReason: null });
    expect(fake.requests - before).toBe(3);
    expect(fake.accepted.filter((e) => e.messageId === queued.id)).toHaveLength(1);
  });

  it('fails a message after a 4xx answer with the reason, without retrying', async () => {
    const before = fake.requests;
    fake.failNext(1, 400, { message: "'to' parameter is not a valid address. please check documentation" });
    const queued = await send({ target: invoiceTarget('INV-3'), subject: 'Refused', body: 'B' });
    const failed = await settled(queued.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.attempts).toBe(1);
    expect(failed.failureReason).toMatch(/Mailgun refused the email \(400\).*'to' parameter is not a valid address/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.requests - before).toBe(1);
  });

  it('fails a message whose attempts all got temporary errors, with the last reason', async () => {
    fake.failNext(3, 500, { message: 'Internal error' });
    const queued = await send({ target: invoiceTarget('INV-3'), subject: 'Doomed', body: 'B' });
    const failed = await settled(queued.id);
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 3 });
    expect(failed.failureReason).toMatch(/^Gave up after 3 attempts\. Mailgun answered 500/);
  });
});

describe('inbox and reading', () => {
  it('lists messages newest first, filters by direction and unread, and marks a message read', async () => {
    // A debtor's reply, as the inbound webhook will store it.
    const [thread] = await sql<{ id: string }>('select thread_id as id from messages where administration_id = ? order by created_at, id limit 1', [t.a]);
    const replyId = '01900000-0000-7000-8000-000000000001';
    await sql(
      `insert into messages (id, administration_id, thread_id, direction, target_type, target_id, debtor_id, "to", cc, bcc, subject, body, status, created_at)
       values (?, ?, ?, 'INBOUND', 'DEBTOR', ?, ?, '{}', '{}', '{}', 'Re: hello', 'I paid', 'RECEIVED', now() + interval '1 day')`,
      [replyId, t.a, thread.id, ids['D-1'], ids['D-1']],
    );

    const inbox = async (filter: object, first = 50, after: string | null = null) =>
      expectData(await server.gql(InboxDocument, { id: t.a, filter, first, after }, { token: t.viewer.token })).administration!.inbox;
    const all = await inbox({});
    expect(all.edges[0].node).toMatchObject({ id: replyId, direction: 'INBOUND', status: 'RECEIVED', readAt: null });
    const [{ n }] = await sql<{ n: number }>('select count(*)::int as n from messages where administration_id = ?', [t.a]);
    expect(all.totalCount).toBe(n);
    // Newest first (creation time, then id), the same order page by page.
    const paged: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await inbox({}, 4, after);
      paged.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(all.edges.map((e) => e.node.id));
    expect((await inbox({ direction: 'INBOUND' })).edges.map((e) => e.node.id)).toEqual([replyId]);
    expect((await inbox({ direction: 'OUTBOUND' })).totalCount).toBe(n - 1);
    expect((await inbox({ unreadOnly: true })).edges.map((e) => e.node.id)).toEqual([replyId]);

    expectError(await server.gql(MarkMessageReadDocument, { id: replyId }, { token: t.viewer.token }), 'FORBIDDEN');
    const read = expectData(await server.gql(MarkMessageReadDocument, { id: replyId }, { token: t.member.token })).markMessageRead;
    expect(read.readAt).toBeTruthy();
    const again = expectData(await server.gql(MarkMessageReadDocument, { id: replyId }, { token: t.member.token })).markMessageRead;
    expect(again.readAt).toBe(read.readAt);
    expect((await inbox({ unreadOnly: true })).totalCount).toBe(0);
  });

  it('refuses a forged cursor with BAD_USER_INPUT, also one whose time JavaScript reads and PostgreSQL does not', async () => {
    for (const at of ['2026', 'March 2, 2026', '2026-03-02T10:00:00Z', '2026-02-30T10:00:00.000Z']) {
      const forged = Buffer.from(JSON.stringify([at, '01900000-0000-7000-8000-000000000001'])).toString('base64url');
      expectError(await server.gql(InboxDocument, { id: t.a, first: 2, after: forged }, { token: t.viewer.token }), 'BAD_USER_INPUT', 'after');
    }
  });
});

describe('standard messages', () => {
  it('are listed for every member, managed by ADMIN and OWNER, and refuse unknown placeholders', async () => {
    const input = { description: 'Thanks', subject: 'Thank you {{debtor.name}}', body: 'Received, {{user.name}}' };
    expectError(await server.gql(CreateStandardMessageDocument, { administrationId: t.a, input }, { token: t.member.token }), 'FORBIDDEN');
    const created = expectData(await server.gql(CreateStandardMessageDocument, { administrationId: t.a, input }, { token: t.owner.token })).createStandardMessage;
    expect(created).toMatchObject({ ...input, cc: [], bcc: [] });

    const listed = expectData(await server.gql(StandardMessagesDocument, { id: t.a }, { token: t.viewer.token })).administration!.standardMessages;
    expect(listed.map((s) => s.description)).toEqual(['Payment reminder', 'Thanks']);

    const before = await sql('select * from standard_messages where id = ?', [created.id]);
    const changes: [Partial<typeof input & { cc: string[] }>, string][] = [
      [{ body: 'Hello {{debtor.firstName}}' }, 'body'],
      [{ subject: '{{invoice.total}}' }, 'subject'],
      [{ cc: ['nope'] }, 'cc'],
      [{ description: ' ' }, 'description'],
    ];
    for (const [change, field] of changes) {
      expectError(await server.gql(UpdateStandardMessageDocument, { id: created.id, input: { ...input, ...change } }, { token: t.admin.token }), 'BAD_USER_INPUT', field);
    }
    expectError(
      await server.gql(CreateStandardMessageDocument, { administrationId: t.a, input: { ...input, body: '{{unknown}}' } }, { token: t.admin.token }),
      'BAD_USER_INPUT',
      'body',
    );
    expect(await sql('select * from standard_messages where id = ?', [created.id])).toEqual(before);

    const updated = expectData(
      await server.gql(UpdateStandardMessageDocument, { id: created.id, input: { ...input, bcc: ['audit@example.test'] } }, { token: t.admin.token }),
    ).updateStandardMessage;
    expect(updated.bcc).toEqual(['audit@example.test']);
    expectError(await server.gql(DeleteStandardMessageDocument, { id: created.id }, { token: t.member.token }), 'FORBIDDEN');
    expect(expectData(await server.gql(DeleteStandardMessageDocument, { id: created.id }, { token: t.admin.token })).deleteStandardMessage).toBe(true);
    const after = expectData(await server.gql(StandardMessagesDocument, { id: t.a }, { token: t.viewer.token })).administration!.standardMessages;
    expect(after.map((s) => s.description)).toEqual(['Payment reminder']);
  });
});

describe('tenancy and roles', () => {
  it("answers another administration's ids with NOT_FOUND and writes nothing", async () => {
    const theirs = expectData(
      await server.gql(SendMessageDocument, { input: { target: invoiceTarget('INV-9'), subject: 'B', body: 'B' } }, { token: t.otherOwner.token }),
    ).sendMessage;
    const theirStandard = expectData(
      await server.gql(CreateStandardMessageDocument, { administrationId: t.b, input: { description: 'B', subject: 'B', body: 'B' } }, { token: t.otherOwner.token }),
    ).createStandardMessage;
    const before = await messageCount();
    const input = { description: 'X', subject: 'X', body: 'X' };
    const cases = [
      foreignIdCase('sendMessage', SendMessageDocument, { input: { target: invoiceTarget('INV-9'), subject: 'S', body: 'B' } }),
      foreignIdCase('sendMessage debtor', SendMessageDocument, { input: { target: debtorTarget('D-9'), subject: 'S', body: 'B' } }),
      foreignIdCase('sendMessage standard', SendMessageDocument, { input: { target: invoiceTarget('INV-1'), standardMessageId: theirStandard.id } }),
      foreignIdCase('sendMessages', SendMessagesDocument, { input: { targets: [invoiceTarget('INV-9')], subject: 'S', body: 'B' } }),
      foreignIdCase('resendMessage', ResendMessageDocument, { id: theirs.id }),
      foreignIdCase('markMessageRead', MarkMessageReadDocument, { id: theirs.id }),
      foreignIdCase('message', MessageDocument, { id: theirs.id }),
      foreignIdCase('inbox', InboxDocument, { id: t.b }),
      foreignIdCase('standardMessages', StandardMessagesDocument, { id: t.b }),
      foreignIdCase('createStandardMessage', CreateStandardMessageDocument, { administrationId: t.b, input }),
      foreignIdCase('updateStandardMessage', UpdateStandardMessageDocument, { id: theirStandard.id, input }),
      foreignIdCase('deleteStandardMessage', DeleteStandardMessageDocument, { id: theirStandard.id }),
    ];
    for (const testCase of cases) await expectForeignIdsNotFound(server, t.member.token, testCase);
    expect(await messageCount()).toBe(before);
    const [standard] = await sql<{ description: string }>('select description from standard_messages where id = ?', [theirStandard.id]);
    expect(standard.description).toBe('B');
  });

  it('lets a VIEWER read messages but not send them', async () => {
    const before = await messageCount();
    expectError(await server.gql(SendMessageDocument, { input: { target: invoiceTarget('INV-1'), subject: 'S', body: 'B' } }, { token: t.viewer.token }), 'FORBIDDEN');
    expectError(
      await server.gql(SendMessagesDocument, { input: { targets: [invoiceTarget('INV-1')], subject: 'S', body: 'B' } }, { token: t.viewer.token }),
      'FORBIDDEN',
    );
    const [{ id }] = await sql<{ id: string }>("select id from messages where administration_id = ? and direction = 'OUTBOUND' limit 1", [t.a]);
    expectError(await server.gql(ResendMessageDocument, { id }, { token: t.viewer.token }), 'FORBIDDEN');
    expect(expectData(await server.gql(MessageDocument, { id }, { token: t.viewer.token })).message!.id).toBe(id);
    expect(await messageCount()).toBe(before);
  });
});

describe('delivery in jobs of ten', () => {
  it('delivers a bulk send of 23 messages, each once, through three jobs', async () => {
    const inputs = Array.from({ length: 23 }, (_, k) => invoiceInput(100 + k));
    await importAndWait(server, t.owner.token, t.a, inputs);
    const [{ ids: invoiceIds }] = await sql<{ ids: string[] }>('select array_agg(id) as ids from invoices where administration_id = ? and external_id in (?)', [
      t.a,
      inputs.map((i) => i.externalId),
    ]);
    const sent = expectData(
      await server.gql(SendMessagesDocument, { input: { targets: invoiceIds.map((id) => ({ type: 'INVOICE' as const, id })), subject: 'Bulk', body: 'B' } }, { token: t.member.token }),
    ).sendMessages;
    expect(sent).toHaveLength(23);
    const emails = await Promise.all(sent.map((m) => received(m.id)));
    expect(emails.map((e) => e.fields.to).sort()).toEqual(inputs.map((i) => [i.debtor.email]).sort());
    for (const m of sent) expect((await settled(m.id)).status).toBe('SENT');
    expect(fake.accepted.filter((e) => sent.some((m) => m.id === e.messageId))).toHaveLength(23);
    // Three jobs, not 23: ten messages each, the last with the rest.
    const all = await sql<{ n: number }>(
      `select jsonb_array_length(data->'messages')::int as n from agenda_jobs
        where name = 'messages:deliver' and exists (select 1 from jsonb_array_elements(data->'messages') m where m->>'id' in (?)) order by n desc`,
      [sent.map((m) => m.id)],
    );
    expect(all.map((j) => j.n)).toEqual([10, 10, 3]);
  });
});
