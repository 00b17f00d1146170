// Live events survive a database outage: the LISTEN connection is killed while the database refuses new
// connections, /readyz reports it, and once the database is back the next payment still reaches a subscriber.
import { Client } from 'pg';
import { InvoicesDocument, PaymentUpdatedDocument, RegisterPaymentDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData } from './support/assertions';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';
import { subscribe } from './support/subscriptions';
import { LISTENER_APPLICATION_NAME } from '../src/schema/event-listener';

let server: TestServer;
let t: Tenants;
let admin: Client;
let database: string;

beforeAll(async () => {
  server = await startTestServer();
  t = await createTenants(server);
  database = new URL(server.databaseUrl).pathname.slice(1);
  // The outage is driven from another database, so refusing connections to the server's own cannot lock us out.
  const adminUrl = new URL(server.databaseUrl);
  adminUrl.pathname = '/postgres';
  admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
});
afterAll(async () => {
  // Whatever happened, the database must accept connections again before it is dropped.
  await admin.query(`alter database "${database}" with allow_connections true`);
  await admin.end();
  await server.stop();
});

const readyz = async () => {
  const response = await fetch(server.url.replace(/\/graphql$/, '/readyz'));
  return { status: response.status, body: (await response.json()) as { ready: boolean; checks: Record<string, string> } };
};

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const listenerBackends = async () =>
  (await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and application_name = $2', [database, LISTENER_APPLICATION_NAME])).rows;

describe('live events after a database outage', () => {
  it('reconnects the listener with backoff, reports not ready meanwhile, and delivers the next payment', async () => {
    await importAndWait(server, t.member.token, t.a, [invoiceInput(1)]);
    const invoices = expectData(await server.gql(InvoicesDocument, { id: t.a }, { token: t.member.token }));
    const invoiceId = invoices.administration!.invoices.edges[0].node.id;
    expect((await readyz()).status).toBe(200);
    expect(await listenerBackends()).toHaveLength(1);

    const payments = await subscribe(server.wsUrl, t.viewer.token, PaymentUpdatedDocument, { administrationId: t.a });
    try {
      // Existing connections (the ORM's pool, Agenda's) stay; only new ones are refused, and only the listener is killed.
      await admin.query(`alter database "${database}" with allow_connections false`);
      const killed = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2', [
        database,
        LISTENER_APPLICATION_NAME,
      ]);
      expect(killed.rowCount).toBe(1);

      const down = await until(readyz, (r) => r.status === 503, '/readyz to report the listener down');
      expect(down.body).toMatchObject({ ready: false, checks: { events: 'down' } });
      // Several reconnect attempts are refused while the outage lasts; the listener must not give up.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect((await readyz()).body.checks.events).toBe('down');
      expect(await listenerBackends()).toHaveLength(0);

      await admin.query(`alter database "${database}" with allow_connections true`);
      const up = await until(readyz, (r) => r.status === 200, '/readyz to recover');
      expect(up.body).toEqual({ ready: true, checks: { database: 'up', migrations: 'up', events: 'up' } });
      expect(await listenerBackends()).toHaveLength(1);

      const paid = expectData(await server.gql(RegisterPaymentDocument, { invoiceId, amount: '12.50' }, { token: t.member.token }));
      const event = await payments.waitFor((e) => e.paymentUpdated.id === paid.registerPayment.id);
      expect(event.paymentUpdated).toMatchObject({ amount: { amount: '12.50' }, source: 'MANUAL' });
      expect(payments.errors).toEqual([]);
    } finally {
      await payments.close();
    }
  });
});
