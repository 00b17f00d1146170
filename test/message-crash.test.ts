// kill -9 of the worker while it is sending: after a new worker starts, every queued message is sent exactly once.
import { type Client } from 'pg';
import { SendMessagesDocument } from './generated/graphql';
import type { Tenants } from './support/actors';
import { expectData } from './support/assertions';
import { startFakeMailgun, type FakeMailgun } from './support/fake-mailgun';
import { importAndWait, invoiceInput } from './support/ledger';
import { startCluster, type Cluster } from './support/cluster';
import type { ServerProcess } from './support/process';

const MESSAGES = 30;
const LEASE_SECONDS = 2;

describe('a worker killed (SIGKILL) with messages queued and in flight', () => {
  let cluster: Cluster;
  let fake: FakeMailgun;
  let api: ServerProcess;
  let workers: ServerProcess[];
  let t: Tenants;
  let db: Client;

  beforeAll(async () => {
    fake = await startFakeMailgun();
    cluster = await startCluster('mail-crash', {
      ...fake.env(),
      JOB_LEASE_SECONDS: String(LEASE_SECONDS),
      OUTBOX_POLL_MS: '100',
      MAIL_TIMEOUT_MS: '2000',
    });
    ({ api, db, t, workers } = cluster);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    await fake?.close();
  }, 60_000);

  it('loses none and sends none twice', async () => {
    await importAndWait(api, t.owner.token, t.a, Array.from({ length: MESSAGES }, (_, i) => invoiceInput(i + 1)));
    const { rows: invoices } = await db.query<{ id: string }>('select id from invoices where administration_id = $1', [t.a]);

    // Mailgun is slow now: the worker is killed while requests are waiting for its answer.
    fake.delayMs = 600;
    const targets = invoices.map((i) => ({ type: 'INVOICE' as const, id: i.id }));
    const sent = expectData(await api.gql(SendMessagesDocument, { input: { targets, subject: 'Hello', body: 'Text' } }, { token: t.member.token })).sendMessages;
    expect(sent).toHaveLength(MESSAGES);
    while (fake.requests < 5) await new Promise((resolve) => setTimeout(resolve, 20));
    await workers[0].stop('SIGKILL');
    const acceptedAtKill = fake.accepted.length;
    const { rows: atKill } = await db.query<{ status: string; n: number }>('select status, count(*)::int as n from messages group by 1', []);
    expect(atKill.find((r) => r.status === 'QUEUED')?.n).toBeGreaterThan(0);

    fake.delayMs = 0;
    await cluster.startWorker();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await db.query<{ queued: number }>(`select count(*)::int as queued from messages where status <> 'SENT'`);
      if (rows[0].queued === 0) break;
      if (Date.now() > deadline) throw new Error(`messages still unsent: ${JSON.stringify((await db.query('select id, status, attempts, failure_reason from messages where status <> $1', ['SENT'])).rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Every message reached Mailgun exactly once, with its own id; those in flight at the kill were tried again.
    const ids = fake.accepted.map((e) => e.messageId);
    expect(ids.sort()).toEqual(sent.map((m) => m.id).sort());
    const { rows: attempts } = await db.query<{ attempts: number; n: number }>('select attempts, count(*)::int as n from messages group by 1 order by 1');
    expect(attempts.reduce((sum, row) => sum + row.n, 0)).toBe(MESSAGES);
    expect(attempts.some((row) => row.attempts > 1)).toBe(true);
    const { rows: providerIds } = await db.query<{ n: number }>('select count(distinct provider_message_id)::int as n from messages');
    expect(providerIds[0].n).toBe(MESSAGES);
    process.stdout.write(
      `message kill -9 test: ${acceptedAtKill} of ${MESSAGES} accepted before the kill, ${fake.requests} requests in all; attempts per message ${JSON.stringify(attempts)}\n`,
    );
  }, 120_000);
});
