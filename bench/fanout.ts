// Fan-out benchmark of the live inbox: N graphql-ws clients (in client processes of their own, fanout-client.ts)
// subscribed to messageAdded across 100 administrations, N/100 each, on one API process. Messages are sent through
// the API in one administration at a time, and in all of them at once. Prints per phase the latency from the commit
// of the message's transaction (the moment the API sends COMMIT, seen through the query events of its database
// driver) to its arrival at a client, the deliveries against the subscribers of that administration, the SQL statements each event costs
// beyond its send (they must not grow with N), and the API process's memory per connection.
//
// Needs a PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
// Run with `npm run bench:fanout`; BENCH_SUBSCRIBERS=1000,10000 (default) sets the sizes.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, gql, scratchDatabase, serverEnv, tenant } from './support';
import type { ClientReport } from './fanout-client';

const ADMINISTRATIONS = 100;
const SIZES = (process.env.BENCH_SUBSCRIBERS ?? '1000,10000').split(',').map(Number);
const CONNECTIONS_PER_CLIENT_PROCESS = 2500;
const ONE_ADMINISTRATION_MESSAGES = 20;
const ALL_ADMINISTRATIONS_ROUNDS = 3;
const GOALS: Record<number, number> = { 1000: 250, 10000: 500 };
const GOAL_BYTES_PER_CONNECTION = 20 * 1024;

interface QueryEvent {
  sql: string;
  __knexTxId?: string;
}
type QueryListener = (first: QueryEvent | unknown, second?: QueryEvent) => void;
interface Knex {
  on(event: 'query' | 'query-response', f: QueryListener): void;
  off(event: 'query' | 'query-response', f: QueryListener): void;
}
interface Runtime {
  url: string | null;
  orm: { em: { getConnection(): { getKnex(): Knex } } };
  stop(): Promise<void>;
}

/**
 * When each message's transaction committed: the messages a transaction inserted (the rows its insert returned)
 * and the moment it sent COMMIT, which is when PostgreSQL releases its NOTIFY to the listeners.
 */
function watchCommits(knex: Knex): Map<string, number> {
  const committedAt = new Map<string, number>();
  const inserted = new Map<string, string[]>();
  knex.on('query-response', (response, query) => {
    if (!query?.__knexTxId || !/^\s*insert into messages/i.test(query.sql)) return;
    const rows = (Array.isArray(response) ? response : (response as { rows: unknown[] }).rows) as { id: string }[];
    inserted.set(query.__knexTxId, rows.map((row) => row.id));
  });
  knex.on('query', (event) => {
    const query = event as QueryEvent;
    if (!query.__knexTxId || !/^commit/i.test(query.sql)) return;
    const now = Date.now();
    for (const id of inserted.get(query.__knexTxId) ?? []) committedAt.set(id, now);
    inserted.delete(query.__knexTxId);
  });
  return committedAt;
}

/** The API runs inside this process (the built server), so its SQL statements can be counted and its memory read. */
async function startApi(env: Record<string, string>): Promise<Runtime> {
  const { loadConfig } = (await import(path.join(ROOT, 'dist', 'config.js'))) as { loadConfig(env: Record<string, string>): unknown };
  const { startRuntime } = (await import(path.join(ROOT, 'dist', 'runtime.js'))) as { startRuntime(options: { config: unknown; role: 'all' }): Promise<Runtime> };
  return startRuntime({ config: loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' }), role: 'all' });
}

/** 100 administrations of one owner, each with one invoice of a debtor without an email address (so a message is
 * stored NOT_EMAILED: what is measured is the push, with no delivery to a provider running alongside). */
async function seed(url: string): Promise<{ token: string; invoices: Map<string, string> }> {
  const { token, administrationId } = await tenant(url, 'fanout');
  const administrations = [administrationId];
  while (administrations.length < ADMINISTRATIONS) {
    const { createAdministration } = await gql<{ createAdministration: { id: string } }>(url, `mutation { createAdministration(name: "Fanout ${administrations.length}") { id } }`, {}, token);
    administrations.push(createAdministration.id);
  }
  const invoice = { externalId: 'I1', number: 'F1', issueDate: '2026-01-15', dueDate: '2026-02-14', amount: '10.00', openAmount: '10.00', currency: 'EUR', debtor: { externalId: 'D1', name: 'Debtor BV', type: 'BUSINESS', email: null } };
  await Promise.all(
    administrations.map((a) => gql(url, 'mutation ($a: ID!, $i: [InvoiceImportInput!]!) { importInvoices(administrationId: $a, invoices: $i) { id } }', { a, i: [invoice] }, token)),
  );
  const invoices = new Map<string, string>();
  while (invoices.size < ADMINISTRATIONS) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const a of administrations.filter((id) => !invoices.has(id))) {
      const data = await gql<{ administration: { invoices: { edges: { node: { id: string } }[] } } }>(url, 'query ($a: ID!) { administration(id: $a) { invoices(first: 1) { edges { node { id } } } } }', { a }, token);
      if (data.administration.invoices.edges.length > 0) invoices.set(a, data.administration.invoices.edges[0].node.id);
    }
  }
  return { token, invoices };
}

const SEND = 'mutation ($t: TargetRef!) { sendMessage(input: { target: $t, subject: "Live", body: "Hello" }) { id } }';

class Deliveries {
  /** Subscription administration of each delivery, per message. */
  readonly byMessage = new Map<string, string[]>();
  latencies: number[] = [];
  private waiters: (() => void)[] = [];
  constructor(private readonly committedAt: Map<string, number>) {}
  add(deliveries: [string, string, number][]): void {
    for (const [messageId, administrationId, receivedAt] of deliveries) {
      this.byMessage.set(messageId, [...(this.byMessage.get(messageId) ?? []), administrationId]);
      const committed = this.committedAt.get(messageId);
      if (committed === undefined) throw new Error(`no commit seen for message ${messageId}`);
      this.latencies.push(receivedAt - committed);
    }
    this.waiters.splice(0).forEach((wake) => wake());
  }
  async waitFor(messageIds: string[], each: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!messageIds.every((id) => (this.byMessage.get(id)?.length ?? 0) >= each)) {
      if (Date.now() > deadline) throw new Error(`deliveries missing after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

async function startClients(wsUrl: string, token: string, administrations: string[], subscribers: number, deliveries: Deliveries): Promise<ChildProcess[]> {
  const plan = Array.from({ length: subscribers }, (_, i) => administrations[i % administrations.length]);
  const children: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < plan.length; i += CONNECTIONS_PER_CLIENT_PROCESS) {
    const child = fork(path.join(__dirname, 'fanout-client.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    ready.push(
      new Promise((resolve, reject) => {
        child.on('message', (report: ClientReport) => {
          if (report.type === 'ready') resolve();
          else if (report.type === 'deliveries') deliveries.add(report.deliveries);
          else reject(new Error(`client: ${report.error}`));
        });
      }),
    );
    child.send({ type: 'start', wsUrl, token, administrations: plan.slice(i, i + CONNECTIONS_PER_CLIENT_PROCESS) });
  }
  await Promise.all(ready);
  return children;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const rssBytes = (): number => {
  (global as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
};

async function main(): Promise<void> {
  const database = await scratchDatabase('fanout');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-bench-fanout-'));
  const api = await startApi(serverEnv(database.url, dataDir));
  const url = api.url!;
  const knex = api.orm.em.getConnection().getKnex();
  const committedAt = watchCommits(knex);
  let statements = 0;
  const count = () => (statements += 1);
  knex.on('query', count);
  try {
    const { token, invoices } = await seed(url);
    const administrations = [...invoices.keys()];
    const administrationOf = new Map<string, string>();
    const sendIn = async (a: string) => {
      const { id } = (await gql<{ sendMessage: { id: string } }>(url, SEND, { t: { type: 'INVOICE', id: invoices.get(a) } }, token)).sendMessage;
      administrationOf.set(id, a);
      return id;
    };

    // What a send costs with nobody listening: subtracted below, leaving what its event costs the subscribers.
    for (let i = 0; i < 5; i += 1) await sendIn(administrations[0]);
    statements = 0;
    for (let i = 0; i < 10; i += 1) await sendIn(administrations[0]);
    const perSend = statements / 10;
    console.log(`fan-out over ${ADMINISTRATIONS} administrations; a send costs ${perSend.toFixed(1)} SQL statements with no subscribers`);

    for (const subscribers of SIZES) {
      const deliveries = new Deliveries(committedAt);
      const before = rssBytes();
      const clients = await startClients(url.replace(/^http/, 'ws'), token, administrations, subscribers, deliveries);
      try {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const perConnection = (rssBytes() - before) / subscribers;
        const each = subscribers / ADMINISTRATIONS;
        // Warm-up: the first events compile and fill caches.
        const warm = await Promise.all(administrations.map(sendIn));
        await deliveries.waitFor(warm, each);

        const phases: [string, () => Promise<string[]>][] = [
          [
            `one administration (${ONE_ADMINISTRATION_MESSAGES} messages one after another)`,
            async () => {
              const sent: string[] = [];
              for (let i = 0; i < ONE_ADMINISTRATION_MESSAGES; i += 1) {
                sent.push(await sendIn(administrations[i % 7]));
                await deliveries.waitFor(sent.slice(-1), each);
              }
              return sent;
            },
          ],
          [
            `all administrations (${ALL_ADMINISTRATIONS_ROUNDS} rounds of ${ADMINISTRATIONS} sent at once)`,
            async () => {
              const sent: string[] = [];
              for (let round = 0; round < ALL_ADMINISTRATIONS_ROUNDS; round += 1) {
                const burst = await Promise.all(administrations.map(sendIn));
                await deliveries.waitFor(burst, each);
                sent.push(...burst);
              }
              return sent;
            },
          ],
        ];
        console.log(`\n${subscribers} subscribers (${each} per administration, ${clients.length} client processes); API memory ${(perConnection / 1024).toFixed(1)} KB per connection (goal <= ${GOAL_BYTES_PER_CONNECTION / 1024} KB)`);
        for (const [label, run] of phases) {
          deliveries.latencies = [];
          statements = 0;
          const sent = await run();
          await new Promise((resolve) => setTimeout(resolve, 300)); // late or stray deliveries would show up now
          const perEvent = statements / sent.length - perSend;
          const delivered = sent.reduce((n, id) => n + (deliveries.byMessage.get(id)?.length ?? 0), 0);
          const sorted = [...deliveries.latencies].sort((a, b) => a - b);
          const p99 = percentile(sorted, 0.99);
          const goal = GOALS[subscribers];
          console.log(`  ${label}`);
          console.log(`    latency commit -> client: p50 ${percentile(sorted, 0.5)} ms  p99 ${p99} ms${goal ? ` (goal p99 <= ${goal} ms: ${p99 <= goal ? 'met' : 'MISSED'})` : ''}`);
          console.log(`    deliveries ${delivered} of ${sent.length * each} expected (${each} subscribers per message's administration)`);
          console.log(`    SQL per event beyond its send: ${perEvent.toFixed(1)} (one read for all subscribers, not one per subscriber)`);
        }
        // No subscriber received a message of an administration it did not subscribe to, nor one twice.
        let strays = 0;
        for (const [id, subscribed] of deliveries.byMessage) {
          strays += subscribed.filter((a) => a !== administrationOf.get(id)).length + Math.max(0, subscribed.length - each);
        }
        console.log(`  deliveries beyond the subscribers of each message's administration: ${strays}`);
      } finally {
        for (const child of clients) child.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  } finally {
    knex.off('query', count);
    await api.stop();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
