// Mailgun's delivery-event webhook: messages sent through the API with the real mailgun.js client to a fake Mailgun,
// then Mailgun's signed events posted over HTTP. Signatures (forged, stale, replayed), statuses moving only forward,
// bounces flagging the debtor (EMAIL_BOUNCED) until the address changes, live events, and no signing key.
import { DebtorDocument, DebtorsDocument, InvoicesDocument, MessageDocument, SendMessageDocument, type MessageFieldsFragment } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData } from './support/assertions';
import { startFakeMailgun, type FakeMailgun } from './support/fake-mailgun';
import { importAndWait, invoiceInput } from './support/ledger';
import { listenForEvents, type EventLog } from './support/live-events';
import { eventData, postJson, sendAndWait, sign, WEBHOOK_KEY, type EventOptions, type SentMessage, type Signature } from './support/mailgun-webhooks';
import { startTestServer, TEST_NOW, type TestServer } from './support/server';

let fake: FakeMailgun;
let server: TestServer;
let t: Tenants;
let live: EventLog;
let eventsUrl: string;
const ids: Record<string, string> = {};

const DEBTORS = 8;
const debtorInput = (n: number, email = `d${n}@example.test`) =>
  invoiceInput(n, { debtor: { externalId: `D-${n}`, name: `Debtor ${n}`, type: 'BUSINESS', email } });

beforeAll(async () => {
  fake = await startFakeMailgun();
  server = await startTestServer({
    env: { ...fake.env(), MAILGUN_WEBHOOK_SIGNING_KEY: WEBHOOK_KEY, MAIL_REPLY_DOMAIN: 'reply.example.test', OUTBOX_POLL_MS: '50' },
  });
  eventsUrl = server.url.replace(/\/graphql$/, '/webhooks/mailgun/events');
  t = await createTenants(server);
  await importAndWait(
    server,
    t.owner.token,
    t.a,
    Array.from({ length: DEBTORS }, (_, i) => debtorInput(i + 1)),
  );
  const data = expectData(await server.gql(InvoicesDocument, { id: t.a }, { token: t.owner.token }));
  for (const { node } of data.administration!.invoices.edges) ids[node.debtor.externalId] = node.debtor.id;
  live = await listenForEvents(server.databaseUrl);
});
afterAll(async () => {
  await live?.close();
  await server?.stop();
  await fake?.close();
});

beforeEach(() => server.clock.set(TEST_NOW));

const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  (await server.runtime.orm.em.getConnection().execute(query, params)) as T[];

const nowSeconds = () => Math.floor(server.clock.now().getTime() / 1000);

const sendTo = (debtor: string, to?: string[]): Promise<SentMessage> =>
  sendAndWait(server, fake, t.member.token, { target: { type: 'DEBTOR', id: ids[debtor] }, subject: 'About your account', body: 'Please pay.', to });

/** Posts one event about a sent message, signed now unless a signature is given. */
function post(event: string, message: SentMessage | null, options: EventOptions = {}, signature: Signature | null = sign(server.clock)) {
  const data = eventData(event, { messageId: message?.id, providerId: message?.providerId, ...options });
  return postJson(eventsUrl, { ...(signature ? { signature } : {}), 'event-data': data });
}

const message = async (id: string): Promise<MessageFieldsFragment> => expectData(await server.gql(MessageDocument, { id }, { token: t.viewer.token })).message!;
const reasons = async (debtor: string) => expectData(await server.gql(DebtorDocument, { id: ids[debtor] }, { token: t.viewer.token })).debtor!.attentionReasons;
const listed = async (attentionReason: 'EMAIL_BOUNCED') =>
  expectData(await server.gql(DebtorsDocument, { id: t.a, filter: { attentionReason } }, { token: t.viewer.token })).administration!.debtors.edges.map(
    (e) => e.node.externalId,
  );
const tokensStored = async () => (await sql<{ n: number }>('select count(*)::int as n from mailgun_webhook_tokens'))[0].n;

describe('signatures', () => {
  it('accepts a signed, recent, new post; refuses forged, unsigned, stale and replayed ones with 401, changing nothing', async () => {
    const sent = await sendTo('D-1');
    const tokensBefore = await tokensStored();
    const now = nowSeconds();
    const refused: [string, Signature | null][] = [
      ['another key', sign(server.clock, { key: 'key-of-someone-else' })],
      ['a signature of another token', { ...sign(server.clock), token: 'a-token-that-was-not-signed' }],
      ['a signature that is not hex', { ...sign(server.clock), signature: 'z'.repeat(64) }],
      ['a short signature', { ...sign(server.clock), signature: 'abcd' }],
      ['no signature', null],
      ['a timestamp over 5 minutes old', sign(server.clock, { timestamp: now - 301 })],
      ['a timestamp over 5 minutes ahead', sign(server.clock, { timestamp: now + 301 })],
    ];
    for (const [label, signature] of refused) {
      const answer = await post('delivered', sent, {}, signature);
      expect({ label, status: answer.status }).toEqual({ label, status: 401 });
    }
    expect((await message(sent.id)).status).toBe('SENT');
    expect(await tokensStored()).toBe(tokensBefore);
    // Only the delivery's own change (SENT) was published; none of the refused posts added one.
    expect(live.of('MESSAGE_UPDATED', sent.id)).toHaveLength(1);

    // Within the tolerance, however close to its edge.
    const signature = sign(server.clock, { timestamp: now - 299 });
    expect(await post('delivered', sent, {}, signature)).toEqual({ status: 200, body: { outcome: 'updated' } });
    expect((await message(sent.id)).status).toBe('DELIVERED');

    // The same post again, and the same signature on another event: replays.
    const replay = await post('delivered', sent, {}, signature);
    expect(replay).toEqual({ status: 401, body: { error: 'replayed: this signature was used before' } });
    expect((await post('opened', sent, {}, signature)).status).toBe(401);
    expect((await message(sent.id)).status).toBe('DELIVERED');
  });

  it('lets exactly one of two concurrent posts with one signature through', async () => {
    const sent = await sendTo('D-2');
    const signature = sign(server.clock);
    const answers = await Promise.all([post('opened', sent, {}, signature), post('opened', sent, {}, signature)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
    expect((await message(sent.id)).status).toBe('OPENED');
  });

  it('forgets used tokens once their timestamps are refused anyway', async () => {
    const sent = await sendTo('D-2');
    const old = sign(server.clock);
    expect((await post('delivered', sent, {}, old)).status).toBe(200);
    expect((await sql('select 1 from mailgun_webhook_tokens where token = ?', [old.token])).length).toBe(1);
    server.clock.set(new Date(TEST_NOW.getTime() + 20 * 60_000));
    expect((await post('delivered', sent)).status).toBe(200);
    expect((await sql('select 1 from mailgun_webhook_tokens where token = ?', [old.token])).length).toBe(0);
    // Forgotten, yet still refused: its timestamp is 20 minutes old.
    expect((await post('delivered', sent, {}, old)).status).toBe(401);
  });

  it('answers a malformed body with 400 or 401, never 500', async () => {
    const bad = await fetch(eventsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"signature":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'malformed request body' });
    expect((await postJson(eventsUrl, { signature: sign(server.clock) })).status).toBe(400);
    expect((await postJson(eventsUrl, { signature: { timestamp: ['1'], token: 2, signature: null } })).status).toBe(401);
  });
});

describe('delivery events', () => {
  it('moves a message to DELIVERED and OPENED (the first open kept) and never backwards, publishing each change', async () => {
    const sent = await sendTo('D-3');
    const at = nowSeconds();
    expect((await post('delivered', sent, { at: at + 5 })).body).toEqual({ outcome: 'updated' });
    expect((await message(sent.id)).status).toBe('DELIVERED');
    await live.waitFor('MESSAGE_UPDATED', sent.id);
    expect(live.of('MESSAGE_UPDATED', sent.id)[0]).toEqual({ topic: 'MESSAGE_UPDATED', administrationId: t.a, ids: [sent.id] });

    expect((await post('opened', sent, { at: at + 60 })).body).toEqual({ outcome: 'updated' });
    const opened = await message(sent.id);
    expect(opened).toMatchObject({ status: 'OPENED', openedAt: new Date((at + 60) * 1000).toISOString() });

    // A later open and a late "delivered" change nothing and publish nothing.
    expect((await post('opened', sent, { at: at + 120 })).body).toEqual({ outcome: 'unchanged' });
    expect((await post('delivered', sent, { at: at + 5 })).body).toEqual({ outcome: 'unchanged' });
    expect(await message(sent.id)).toMatchObject({ status: 'OPENED', openedAt: opened.openedAt });
    // An earlier open that arrives late is the first open.
    expect((await post('opened', sent, { at: at + 30 })).body).toEqual({ outcome: 'updated' });
    expect((await message(sent.id)).openedAt).toBe(new Date((at + 30) * 1000).toISOString());
    await live.waitFor('MESSAGE_UPDATED', sent.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // SENT (the delivery), DELIVERED, OPENED and the earlier open.
    expect(live.of('MESSAGE_UPDATED', sent.id)).toHaveLength(4);
  });

  it("finds the message by Mailgun's id alone (the event's header lacks the angle brackets of the API's answer)", async () => {
    const sent = await sendTo('D-3');
    expect(sent.providerId).toMatch(/^<.*>$/);
    expect((await post('delivered', null, { providerId: sent.providerId })).body).toEqual({ outcome: 'updated' });
    expect((await message(sent.id)).status).toBe('DELIVERED');
  });

  it('answers 200 for an unknown message, and ignores temporary failures and other events', async () => {
    const unknown = { id: '00000000-0000-7000-8000-000000000000', providerId: '<nobody@mg.example.test>', replyTo: '' };
    expect(await post('delivered', unknown)).toEqual({ status: 200, body: { outcome: 'unknown-message' } });
    const sent = await sendTo('D-4');
    const temporary = await post('failed', sent, { severity: 'temporary', deliveryStatus: { code: 452, message: 'Mailbox full' } });
    expect(temporary).toEqual({ status: 200, body: { outcome: 'ignored' } });
    expect((await post('clicked', sent)).body).toEqual({ outcome: 'ignored' });
    expect(await message(sent.id)).toMatchObject({ status: 'SENT', failureReason: null });
    expect(await reasons('D-4')).not.toContain('EMAIL_BOUNCED');
  });

  it('takes a permanent failure as FAILED with its reason and flags the debtor EMAIL_BOUNCED until a later delivery or a new address', async () => {
    const first = await sendTo('D-5');
    await post('delivered', first, { recipient: 'd5@example.test' });
    const at = nowSeconds();
    const bounce = await post('failed', first, {
      at: at + 10,
      severity: 'permanent',
      recipient: 'D5@Example.test',
      deliveryStatus: { code: 550, message: '5.1.1 No such user', description: 'The email account that you tried to reach does not exist.' },
    });
    expect(bounce.body).toEqual({ outcome: 'updated' });
    expect(await message(first.id)).toMatchObject({
      status: 'FAILED',
      failureReason: 'D5@Example.test: 550 The email account that you tried to reach does not exist.',
    });
    expect(await reasons('D-5')).toEqual(['EMAIL_BOUNCED']);
    expect(await listed('EMAIL_BOUNCED')).toEqual(['D-5']);
    const attention = expectData(await server.gql(DebtorsDocument, { id: t.a, filter: { attention: true } }, { token: t.viewer.token }));
    expect(attention.administration!.debtors.edges.map((e) => e.node.externalId)).toContain('D-5');

    // A late "delivered" of the failed email moves nothing back, nor does an older delivery clear the flag.
    expect((await post('delivered', first, { at: at + 20 })).body).toEqual({ outcome: 'unchanged' });
    expect((await message(first.id)).status).toBe('FAILED');
    const second = await sendTo('D-5');
    await post('delivered', second, { at: at + 5, recipient: 'd5@example.test' });
    expect(await reasons('D-5')).toEqual(['EMAIL_BOUNCED']);
    // A newer one does: the address works again.
    const third = await sendTo('D-5');
    await post('delivered', third, { at: at + 30, recipient: 'd5@example.test' });
    expect(await reasons('D-5')).toEqual([]);
    expect(await listed('EMAIL_BOUNCED')).toEqual([]);

    // Bounced again; then the bookkeeping gives the debtor another address.
    await post('failed', third, { at: at + 40, severity: 'permanent', recipient: 'd5@example.test', reason: 'suppress-bounce' });
    expect(await message(third.id)).toMatchObject({ status: 'FAILED', failureReason: 'd5@example.test: suppress-bounce' });
    expect(await reasons('D-5')).toEqual(['EMAIL_BOUNCED']);
    await importAndWait(server, t.owner.token, t.a, [debtorInput(5, 'D5@example.test')]);
    expect(await reasons('D-5')).toEqual(['EMAIL_BOUNCED']); // the same address in other letters
    await importAndWait(server, t.owner.token, t.a, [debtorInput(5, 'accounts5@example.test')]);
    expect(await reasons('D-5')).toEqual([]);
  });

  it("fails the message but leaves the debtor's flag when another recipient bounces", async () => {
    const sent = await sendTo('D-6', ['finance6@example.test']);
    await post('failed', sent, { severity: 'permanent', recipient: 'finance6@example.test', deliveryStatus: { code: 550, message: 'No such user' } });
    expect(await message(sent.id)).toMatchObject({ status: 'FAILED', failureReason: 'finance6@example.test: 550 No such user' });
    expect(await reasons('D-6')).toEqual([]);
  });

  it("moves a message Mailgun delivered before our SENT committed forward, and the delivery's late SENT does not move it back", async () => {
    fake.delayMs = 700;
    try {
      const requests = fake.requests;
      const input = { target: { type: 'DEBTOR' as const, id: ids['D-7'] }, subject: 'S', body: 'B' };
      const { id } = expectData(await server.gql(SendMessageDocument, { input }, { token: t.member.token })).sendMessage;
      // The worker has claimed the attempt and Mailgun holds the request: accepted, but not answered yet.
      while (fake.requests === requests) await new Promise((resolve) => setTimeout(resolve, 10));
      expect((await message(id)).status).toBe('QUEUED');
      const providerId = '<20260302100000.early@mg.example.test>';
      expect((await post('delivered', { id, providerId, replyTo: '' })).body).toEqual({ outcome: 'updated' });
      await fake.waitForAccepted(fake.accepted.length + 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const delivered = await message(id);
      expect(delivered).toMatchObject({ status: 'DELIVERED', attempts: 1 });
      expect(delivered.sentAt).toBeTruthy();
      const [row] = await sql<{ provider_message_id: string; lease_until: Date | null }>('select provider_message_id, lease_until from messages where id = ?', [id]);
      expect(row).toEqual({ provider_message_id: providerId, lease_until: null });
    } finally {
      fake.delayMs = 0;
    }
  });
});

describe('without a signing key', () => {
  it('answers 503 to both webhooks and accepts nothing', async () => {
    const bare = await startTestServer({ role: 'api', env: fake.env() });
    try {
      const base = bare.url.replace(/\/graphql$/, '/webhooks/mailgun');
      const events = await postJson(`${base}/events`, { signature: sign(bare.clock), 'event-data': eventData('delivered') });
      expect(events).toEqual({ status: 503, body: { error: 'Mailgun webhooks are not configured: MAILGUN_WEBHOOK_SIGNING_KEY is not set' } });
      const inbound = await fetch(`${base}/inbound`, { method: 'POST', body: new URLSearchParams({ recipient: 'reply+x@localhost', ...sign(bare.clock) }) });
      expect(inbound.status).toBe(503);
    } finally {
      await bare.stop();
    }
  });
});
