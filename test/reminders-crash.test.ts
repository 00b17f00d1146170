// kill -9 of the worker in the middle of a reminder run: the run's transaction rolls back, its lease runs out, the
// daily task queues it again, and a new worker sends every reminder exactly once.
import { Client } from 'pg';
import { RunRemindersDocument, SetTestClockDocument } from './generated/graphql';
import type { Tenants } from './support/actors';
import { expectData } from './support/assertions';
import { startFakeMailgun, type FakeMailgun } from './support/fake-mailgun';
import { importAndWait, invoiceInput } from './support/ledger';
import { startCluster, type Cluster } from './support/cluster';
import type { ServerProcess } from './support/process';

const DEBTORS = 12;

describe('a worker killed (SIGKILL) during a reminder run', () => {
  let cluster: Cluster;
  let fake: FakeMailgun;
  let api: ServerProcess;
  let workers: ServerProcess[];
  let t: Tenants;
  let db: Client;

  beforeAll(async () => {
    fake = await startFakeMailgun();
    cluster = await startCluster('reminder-crash', {
      ...fake.env(),
      NODE_ENV: 'test', // the test clock is refused in production
      TEST_CLOCK: 'true',
      JOB_LEASE_SECONDS: '2',
      OUTBOX_POLL_MS: '100',
    });
    ({ api, db, t, workers } = cluster);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    await fake?.close();
  }, 60_000);

  it('sends every reminder once', async () => {
    // Due 10 days ago by the real clock (the test clock starts there): the first reminder is due for each.
    const due = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    await importAndWait(api, t.owner.token, t.a, Array.from({ length: DEBTORS }, (_, i) => invoiceInput(i + 1, { dueDate: due })));
    // No daily run today: only the run we start is in play.
    await db.query(`update administration_settings set reminder_run_time = '23:59'`);

    // Holding the administration's run lock, the worker's run waits inside its transaction: then it is killed.
    const holder = new Client({ connectionString: cluster.env.DATABASE_URL });
    await holder.connect();
    await holder.query(`select pg_advisory_lock(hashtext('reminders:' || $1))`, [t.a]);
    const run = expectData(await api.gql(RunRemindersDocument, { administrationId: t.a }, { token: t.admin.token })).runReminders;
    const waitFor = async (check: () => Promise<boolean>, what: string) => {
      const deadline = Date.now() + 30_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const status = async () => (await db.query<{ status: string }>('select status from reminder_runs where id = $1', [run.id])).rows[0].status;
    await waitFor(async () => (await status()) === 'RUNNING', 'the run to start');
    await workers[0].stop('SIGKILL');
    await holder.end();
    expect(await status()).toBe('RUNNING');
    expect((await db.query('select 1 from reminder_sends')).rows).toHaveLength(0);
    expect(fake.accepted).toHaveLength(0);

    // A new worker; moving the clock a minute runs the daily task now, which finds the run's lease expired.
    await cluster.startWorker();
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expectData(await api.gql(SetTestClockDocument, { now: new Date(Date.now() + 60_000).toISOString() }, { token: t.owner.token }));
    await waitFor(async () => (await status()) === 'SUCCEEDED', 'the run to be taken up again');
    const { rows: finished } = await db.query('select invoices_selected, messages_queued from reminder_runs where id = $1', [run.id]);
    expect(finished).toEqual([{ invoices_selected: DEBTORS, messages_queued: DEBTORS }]);
    await fake.waitForAccepted(DEBTORS);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.accepted).toHaveLength(DEBTORS);
    expect(new Set(fake.accepted.map((e) => e.field('to'))).size).toBe(DEBTORS);
    const { rows: sends } = await db.query<{ n: number }>('select count(*)::int as n from reminder_sends');
    expect(sends[0].n).toBe(DEBTORS);
  }, 120_000);
});
