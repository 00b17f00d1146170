// The live inbox: messageAdded and messageUpdated pushed over graphql-ws to the administration's members only,
// read once per event however many subscribe, and across processes through PostgreSQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { systemClock } from '../src/clock';
import { InvoicesDocument, MessageAddedBriefDocument, MessageAddedDocument, MessageUpdatedDocument, SendMessageDocument, SendMessagesDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData } from './support/assertions';
import { importAndWait, invoiceInput } from './support/ledger';
import { postInbound, replyFields, sign, WEBHOOK_KEY } from './support/mailgun-webhooks';
import { startServerProcess, type ServerProcess } from './support/process';
import { startTestServer, type TestServer } from './support/server';
import { subscribe, type Subscriber } from './support/subscriptions';

let server: TestServer;
let t: Tenants;
const ids: Record<string, string> = {};

// Shared with the second process below: tokens signed here are valid there. The real clock, for the same reason.
const secrets = { JWT_SECRET: randomBytes(32).toString('hex'), DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex') };

beforeAll(async () => {
  server = await startTestServer({ clock: systemClock, env: { ...secrets, OUTBOX_POLL_MS: '50', MAILGUN_WEBHOOK_SIGNING_KEY: WEBHOOK_KEY, MAIL_REPLY_DOMAIN: 'reply.example.test' } });
  t = await createTenants(server);
  await importAndWait(server, t.owner.token, t.a, [
    invoiceInput(1, { debtor: { externalId: 'D-1', name: 'Jansen BV', type: 'BUSINESS', email: 'd1@example.test' } }),
    invoiceInput(2, { debtor: { externalId: 'D-2', name: 'Pieters', type: 'PRIVATE', email: 'd2@example.test' } }),
    invoiceInput(3, { debtor: { externalId: 'D-3', name: 'No Mail', type: 'PRIVATE', email: null } }),
  ]);
  await importAndWait(server, t.otherOwner.token, t.b, [invoiceInput(9)]);
  for (const [administrationId, token] of [[t.a, t.owner.token], [t.b, t.otherOwner.token]]) {
    const data = expectData(await server.gql(InvoicesDocument, { id: administrationId }, { token }));
    for (const { node } of data.administration!.invoices.edges) {
      ids[node.externalId] = node.id;
      ids[node.debtor.externalId] = node.debtor.id;
    }
  }
});
afterAll(() => server?.stop());

const target = (id: string) => ({ type: 'INVOICE' as const, id });

async function closeAll(subscribers: Subscriber<unknown>[]): Promise<void> {
  await Promise.all(subscribers.map((s) => s.close()));
}

describe('messageAdded and messageUpdated', () => {
  it("pushes a sent message and its delivery to a VIEWER of that administration, and nothing to another administration's member", async () => {
    const added = await subscribe(server.wsUrl, t.viewer.token, MessageAddedDocument, { administrationId: t.a });
    const updated = await subscribe(server.wsUrl, t.viewer.token, MessageUpdatedDocument, { administrationId: t.a });
    const otherAdded = await subscribe(server.wsUrl, t.otherOwner.token, MessageAddedDocument, { administrationId: t.b });
    try {
      const sent = expectData(await server.gql(SendMessageDocument, { input: { target: target(ids['INV-1']), subject: 'About your invoice', body: 'Hello' } }, { token: t.member.token })).sendMessage;
      const event = await added.waitFor((e) => e.messageAdded.id === sent.id);
      expect(event.messageAdded).toMatchObject({ direction: 'OUTBOUND', subject: 'About your invoice', to: ['d1@example.test'], sender: { name: 'member' }, debtor: { name: 'Jansen BV' } });
      // The local transport sends at once: the status change follows as its own event.
      const delivered = await updated.waitFor((e) => e.messageUpdated.id === sent.id);
      expect(delivered.messageUpdated).toMatchObject({ status: 'SENT', sentAt: expect.any(String) });

      // A bulk send: one event per message.
      const bulk = expectData(await server.gql(SendMessagesDocument, { input: { targets: [target(ids['INV-1']), target(ids['INV-2'])], subject: 'Reminder', body: 'Please pay' } }, { token: t.member.token })).sendMessages;
      for (const message of bulk) await added.waitFor((e) => e.messageAdded.id === message.id);
      expect(added.events.map((e) => e.messageAdded.id).sort()).toEqual([sent.id, ...bulk.map((m) => m.id)].sort());

      expect(otherAdded.events).toEqual([]);
      expect([...added.errors, ...updated.errors, ...otherAdded.errors]).toEqual([]);
    } finally {
      await closeAll([added, updated, otherAdded]);
    }
  });

  it('gives each subscriber of one event what its own query asks, whoever else asked the same event', async () => {
    const full = await subscribe(server.wsUrl, t.viewer.token, MessageAddedDocument, { administrationId: t.a });
    const brief = await subscribe(server.wsUrl, t.owner.token, MessageAddedBriefDocument, { administrationId: t.a });
    const briefToo = await subscribe(server.wsUrl, t.member.token, MessageAddedBriefDocument, { administrationId: t.a });
    try {
      const sent = expectData(await server.gql(SendMessageDocument, { input: { target: target(ids['INV-3']), subject: 'Shared', body: 'x' } }, { token: t.member.token })).sendMessage;
      expect((await full.waitFor((e) => e.messageAdded.id === sent.id)).messageAdded).toMatchObject({ subject: 'Shared', debtor: { name: 'No Mail' } });
      for (const subscriber of [brief, briefToo]) {
        expect((await subscriber.waitFor((e) => e.messageAdded.id === sent.id)).messageAdded).toEqual({ id: sent.id, subject: 'Shared' });
      }
    } finally {
      await closeAll([full, brief, briefToo]);
    }
  });

  it("refuses a subscription to another administration's messages with NOT_FOUND", async () => {
    const spy = await subscribe(server.wsUrl, t.owner.token, MessageAddedDocument, { administrationId: t.b });
    try {
      expect(spy.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
    } finally {
      await spy.close();
    }
  });

  it('reads an event from the database the same number of times for one subscriber as for twelve', async () => {
    const knex = server.runtime.orm.em.getConnection().getKnex();
    const statementsFor = async (subscribers: number): Promise<number> => {
      const live = await Promise.all(Array.from({ length: subscribers }, () => subscribe(server.wsUrl, t.viewer.token, MessageAddedDocument, { administrationId: t.a })));
      let statements = 0;
      // Reads only: the outbox poller's claim (BEGIN, with ... delete, COMMIT) runs on its own timer meanwhile.
      const count = (query: { sql: string }) => {
        if (/^\s*select/i.test(query.sql)) statements += 1;
      };
      knex.on('query', count);
      try {
        // A debtor without an email address: the message is stored NOT_EMAILED and no delivery adds statements. What is
        // counted is the send itself (the same each time) and the reading of its event by the subscribers.
        const sent = expectData(await server.gql(SendMessageDocument, { input: { target: target(ids['INV-3']), subject: 'Count', body: 'x' } }, { token: t.member.token })).sendMessage;
        expect(sent.status).toBe('NOT_EMAILED');
        await Promise.all(live.map((s) => s.waitFor((e) => e.messageAdded.id === sent.id)));
        return statements;
      } finally {
        knex.off('query', count);
        await closeAll(live);
      }
    };
    const one = await statementsFor(1);
    const twelve = await statementsFor(12);
    expect(one).toBeGreaterThan(0);
    expect(twelve).toBe(one);
  });
});

describe('across processes', () => {
  let api: ServerProcess;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-live-messages-'));
  beforeAll(async () => {
    api = await startServerProcess('api', { ...secrets, DATABASE_URL: server.databaseUrl, DATA_DIR: dataDir, SEED_DEMO: 'false' });
  }, 60_000);
  afterAll(async () => {
    await api?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('pushes a message sent by one process, its delivery and the reply it received, to a subscriber of another', async () => {
    const added = await subscribe(api.wsUrl, t.viewer.token, MessageAddedDocument, { administrationId: t.a });
    const updated = await subscribe(api.wsUrl, t.viewer.token, MessageUpdatedDocument, { administrationId: t.a });
    try {
      const sent = expectData(await server.gql(SendMessageDocument, { input: { target: target(ids['INV-2']), subject: 'Elsewhere', body: 'Hi' } }, { token: t.member.token })).sendMessage;
      expect((await added.waitFor((e) => e.messageAdded.id === sent.id)).messageAdded).toMatchObject({ subject: 'Elsewhere', debtor: { name: 'Pieters' } });
      expect((await updated.waitFor((e) => e.messageUpdated.id === sent.id)).messageUpdated.status).toBe('SENT');

      // The debtor replies: Mailgun forwards it to this process, the inbox open on the other one shows it.
      const [{ token }] = await server.runtime.orm.em
        .getConnection()
        .execute<{ token: string }[]>('select t.token from message_threads t join messages m on m.thread_id = t.id where m.id = ?', [sent.id]);
      const posted = await postInbound(`${new URL(server.url).origin}/webhooks/mailgun/inbound`, replyFields(`reply+${token}@reply.example.test`, { sender: 'd2@example.test', 'stripped-text': 'Paid it today' }), sign(systemClock));
      expect(posted.status).toBe(200);
      const reply = await added.waitFor((e) => e.messageAdded.direction === 'INBOUND');
      expect(reply.messageAdded).toMatchObject({ status: 'RECEIVED', debtor: { name: 'Pieters' }, sender: null });
      expect([...added.errors, ...updated.errors]).toEqual([]);
    } finally {
      await closeAll([added, updated]);
    }
  }, 60_000);

  it("delivers an event while requests hold every connection of the serving process's pool (its reads have their own)", async () => {
    const added = await subscribe(server.wsUrl, t.viewer.token, MessageAddedDocument, { administrationId: t.a });
    const orm = server.runtime.orm;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding = 0;
    // As a burst of sends would: each a transaction on one of the pool's connections, for as long as it takes.
    const holds = Array.from({ length: orm.config.get('pool')!.max! }, () =>
      orm.em.fork().transactional(async (em) => {
        await em.getConnection().execute('select 1', [], 'all', em.getTransactionContext());
        holding += 1;
        await released;
      }),
    );
    try {
      while (holding < holds.length) await new Promise((resolve) => setTimeout(resolve, 10));
      const sent = expectData(await api.gql(SendMessageDocument, { input: { target: target(ids['INV-1']), subject: 'While busy', body: 'x' } }, { token: t.member.token })).sendMessage;
      expect((await added.waitFor((e) => e.messageAdded.id === sent.id)).messageAdded).toMatchObject({ subject: 'While busy', debtor: { name: 'Jansen BV' } });
      expect(holding).toBe(holds.length);
      expect(added.errors).toEqual([]);
    } finally {
      release();
      await Promise.all(holds);
      await closeAll([added]);
    }
  }, 60_000);
});
