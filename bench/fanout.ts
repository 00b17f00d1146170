// Fan-out benchmark of the live inbox: N graphql-ws clients (in client processes of their own, fanout-client.ts),
// each a user of its own, subscribed to messageAdded across 100 administrations, N/100 each, on one API process.
// Messages are sent through the API (by a sender process, fanout-sender.ts) in one administration at a time, and in
// all of them at once. Prints per phase the latency from the commit of the message's transaction (when its NOTIFY
// reaches a process that only listens, fanout-commits.ts) to its arrival at a client, the deliveries against the subscribers of that
// administration, the SQL statements each event costs beyond its send (they must not grow with N), and the API
// process's memory per connection.
//
// Needs a PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
// Run with `npm run bench:fanout`; BENCH_SUBSCRIBERS=1000,10000 (default) sets the sizes, BENCH_SERVING=1,2 (default)
// the numbers of API processes serving the sockets. BENCH_CPU_PROF=1 writes a CPU profile of this process (which
// serves the sockets) per phase to ./profiles.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ROOT, gql, percentile, scratchDatabase, serverEnv, startProfile, startServer, tenant } from './support';
import type { ClientReport } from './fanout-client';
import type { SenderReply, SenderRequest } from './fanout-sender';

const ADMINISTRATIONS = 100;
const SIZES = (process.env.BENCH_SUBSCRIBERS ?? '1000,10000').split(',').map(Number);
/** How many API processes serve the sockets: this one, then also the second (which takes sends as well). */
const SERVING = (process.env.BENCH_SERVING ?? '1,2').split(',').map(Number);
const CONNECTIONS_PER_CLIENT_PROCESS = 2500;
const ONE_ADMINISTRATION_MESSAGES = 20;
const ALL_ADMINISTRATIONS_ROUNDS = 3;
const GOALS: Record<number, number> = { 1000: 250, 10000: 500 };
const GOAL_BYTES_PER_CONNECTION = 20 * 1024;

interface Knex {
  on(event: 'query', f: () => void): void;
  off(event: 'query', f: () => void): void;
}
interface Runtime {
  url: string | null;
  app: { tokens: { sign(subject: string, audience: 'user'): Promise<string> } };
  orm: { em: { getConnection(): { getKnex(): Knex } } };
  stop(): Promise<void>;
}

/** The API runs inside this process (the built server), so its SQL statements can be counted and its memory read. */
async function startApi(env: Record<string, string>): Promise<Runtime> {
  const { loadConfig } = (await import(path.join(ROOT, 'dist', 'config.js'))) as { loadConfig(env: Record<string, string>): unknown };
  const { startRuntime } = (await import(path.join(ROOT, 'dist', 'runtime.js'))) as { startRuntime(options: { config: unknown; role: 'api' }): Promise<Runtime> };
  return startRuntime({ config: loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' }), role: 'api' });
}

/** The commit clock (fanout-commits.ts): message id -> when its NOTIFY arrived. */
async function watchCommits(databaseUrl: string): Promise<{ committedAt: Map<string, number>; child: ChildProcess }> {
  const committedAt = new Map<string, number>();
  const child = fork(path.join(__dirname, 'fanout-commits.js'), [databaseUrl], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve) => {
    child.on('message', (report: { type: 'ready' } | { type: 'commits'; commits: [string, number][] }) => {
      if (report.type === 'ready') resolve();
      else for (const [id, at] of report.commits) committedAt.set(id, at);
    });
  });
  return { committedAt, child };
}

/** 100 administrations of one owner, reminders paused, each with one invoice of a debtor without an email address (so
 * a message is stored NOT_EMAILED: what is measured is the push, with no delivery to a provider running alongside). */
async function seed(url: string): Promise<{ token: string; invoices: Map<string, string> }> {
  const { token, administrationId } = await tenant(url, 'fanout');
  const administrations = [administrationId];
  while (administrations.length < ADMINISTRATIONS) {
    const { createAdministration } = await gql<{ createAdministration: { id: string } }>(url, `mutation { createAdministration(name: "Fanout ${administrations.length}") { id } }`, {}, token);
    administrations.push(createAdministration.id);
  }
  // Paused: the second process runs the worker, whose daily reminder run would otherwise message these long-overdue
  // invoices in the middle of a phase (events this bench did not send).
  await Promise.all(
    administrations.map((a) =>
      gql(url, 'mutation ($a: ID!) { updateAdministrationSettings(administrationId: $a, input: { paused: true }) { paused } }', { a }, token),
    ),
  );
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
  /** Arrival times per message (epoch ms). */
  readonly arrivals = new Map<string, number[]>();
  private waiters: (() => void)[] = [];
  constructor(private readonly committedAt: Map<string, number>) {}
  add(deliveries: [string, string, number][]): void {
    for (const [messageId, administrationId, receivedAt] of deliveries) {
      // Appended in place: this runs in the process that serves the sockets, during the bursts it measures.
      if (!this.byMessage.has(messageId)) {
        this.byMessage.set(messageId, []);
        this.arrivals.set(messageId, []);
      }
      this.byMessage.get(messageId)!.push(administrationId);
      this.arrivals.get(messageId)!.push(receivedAt);
    }
    this.waiters.splice(0).forEach((wake) => wake());
  }
  /** Commit-to-client latencies of these messages' deliveries, sorted. */
  latenciesOf(messageIds: string[]): number[] {
    return messageIds
      .flatMap((id) => {
        const committed = this.committedAt.get(id);
        if (committed === undefined) throw new Error(`no commit seen for message ${id}`);
        return (this.arrivals.get(id) ?? []).map((at) => at - committed);
      })
      .sort((a, b) => a - b);
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

/**
 * A user of its own for every subscriber (a VIEWER of the administration it watches: subscriber i watches
 * administrations[i % 100]), as the open inboxes of different people: each event's membership recheck then asks
 * about as many (administration, user) pairs as it has subscribers. Written straight to the tables (signing up 10,000
 * users through the API would mostly time password hashing); the tokens are signed by the API's own token service.
 */
async function subscriberTokens(databaseUrl: string, api: Runtime, administrations: string[], count: number): Promise<string[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string }>(
      `with s as (select n, gen_random_uuid() as id from generate_series(0, $1 - 1) n),
            u as (insert into users (id, email, name, password_hash, created_at)
                  select id, 'subscriber-' || n || '@bench.test', 'Subscriber ' || n, 'no login', now() from s),
            m as (insert into memberships (id, administration_id, user_id, role, created_at)
                  select gen_random_uuid(), ($2::uuid[])[n % cardinality($2::uuid[]) + 1], id, 'VIEWER', now() from s)
       select id from s order by n`,
      [count, administrations],
    );
    return Promise.all(rows.map((row) => api.app.tokens.sign(row.id, 'user')));
  } finally {
    await db.end();
  }
}

/** Each administration's subscribers are spread evenly over the serving API processes; each has its own user. */
async function startClients(wsUrls: string[], tokens: string[], administrations: string[], subscribers: number, deliveries: Deliveries): Promise<ChildProcess[]> {
  const plan = Array.from({ length: subscribers }, (_, i): [string, string, string] => [
    wsUrls[Math.floor(i / administrations.length) % wsUrls.length],
    administrations[i % administrations.length],
    tokens[i],
  ]);
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
    child.send({ type: 'start', connections: plan.slice(i, i + CONNECTIONS_PER_CLIENT_PROCESS) });
  }
  await Promise.all(ready);
  return children;
}

/**
 * This process's memory after a full collection: its RSS, and what the JavaScript heap and buffers hold. The RSS is
 * the goal's measure, but the pages an earlier, larger configuration freed return to the system only slowly, so its
 * difference can come out negative there; the heap's cannot.
 */
const memory = (): { rss: number; heap: number } => {
  (global as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed + usage.external };
};

/** The RSS per connection, or why there is none: the RSS can fall while the connections open (freed pages going back). */
const rssPerConnection = (bytes: number) =>
  bytes >= 0 ? `${(bytes / 1024).toFixed(1)} KB RSS` : 'RSS not measurable here (it fell while they opened: memory freed since the previous measurement went back to the system)';

/** A phase's messages, sent through `send`; returns their ids once every subscriber has each. */
type Send = (administrations: string[]) => Promise<string[]>;
type Phase = [label: string, sentThrough: 'this' | 'other', run: (send: Send) => Promise<string[]>];

/** The sender process (fanout-sender.ts): `send(url)` posts one message per administration, all at once, and returns their ids. */
function startSender(token: string, invoices: Map<string, string>): { send(url: string): Send; child: ChildProcess } {
  const child = fork(path.join(__dirname, 'fanout-sender.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve(ids: string[]): void; reject(error: Error): void }>();
  child.on('message', (reply: SenderReply) => {
    const waiter = waiting.get(reply.id)!;
    waiting.delete(reply.id);
    if (reply.type === 'sent') waiter.resolve(reply.messageIds);
    else waiter.reject(new Error(`sender: ${reply.error}`));
  });
  let nextId = 0;
  return {
    child,
    send: (url) => (administrations) =>
      new Promise((resolve, reject) => {
        const id = (nextId += 1);
        waiting.set(id, { resolve, reject });
        const request: SenderRequest = { type: 'send', id, url, token, query: SEND, invoiceIds: administrations.map((a) => invoices.get(a)!) };
        child.send(request);
      }),
  };
}

async function main(): Promise<void> {
  const database = await scratchDatabase('fanout');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-bench-fanout-'));
  const env = serverEnv(database.url, dataDir);
  // The second API process (with the worker, which runs the seeding imports) and the commit clock.
  const other = await startServer(env);
  const commits = await watchCommits(database.url);
  const api = await startApi(env);
  const url = api.url!;
  // The pool's statements and the live reads' (db/live-reads.ts), which run on connections of their own.
  const { liveConnectionOf } = (await import(path.join(ROOT, 'dist', 'db', 'live-reads.js'))) as { liveConnectionOf(em: unknown): { getKnex(): Knex } };
  const knexes = [api.orm.em.getConnection().getKnex(), liveConnectionOf(api.orm.em).getKnex()];
  let statements = 0;
  const count = () => (statements += 1);
  for (const knex of knexes) knex.on('query', count);
  let sender: ReturnType<typeof startSender> | null = null;
  try {
    const { token, invoices } = await seed(`${other.base}/graphql`);
    const administrations = [...invoices.keys()];
    const tokens = await subscriberTokens(database.url, api, administrations, Math.max(...SIZES));
    const administrationOf = new Map<string, string>();
    sender = startSender(token, invoices);
    const through = (base: string): Send => {
      const send = sender!.send(base);
      return async (as) => {
        const ids = await send(as);
        ids.forEach((id, i) => administrationOf.set(id, as[i]));
        return ids;
      };
    };
    const sendHere = through(url);
    const sendThere = through(`${other.base}/graphql`);

    // What a send costs this process with nobody listening: subtracted from its phases, leaving what the event costs.
    for (let i = 0; i < 5; i += 1) await sendHere([administrations[0]]);
    statements = 0;
    for (let i = 0; i < 10; i += 1) await sendHere([administrations[0]]);
    const perSend = statements / 10;
    console.log(`fan-out over ${ADMINISTRATIONS} administrations; a send costs ${perSend.toFixed(1)} SQL statements with no subscribers`);

    for (const [serving, subscribers] of SERVING.flatMap((n) => SIZES.map((size) => [n, size]))) {
      const deliveries = new Deliveries(commits.committedAt);
      const before = memory();
      const wsUrls = [url, `${other.base}/graphql`].slice(0, serving).map((u) => u.replace(/^http/, 'ws'));
      const clients = await startClients(wsUrls, tokens, administrations, subscribers, deliveries);
      try {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const after = memory();
        const perConnection = { rss: (after.rss - before.rss) / (subscribers / serving), heap: (after.heap - before.heap) / (subscribers / serving) };
        const each = subscribers / ADMINISTRATIONS;
        // Warm-up: the first events compile and fill caches.
        const warm = await sendHere(administrations);
        await deliveries.waitFor(warm, each);

        const oneAfterAnother: Phase[2] = async (send) => {
          const sent: string[] = [];
          for (let i = 0; i < ONE_ADMINISTRATION_MESSAGES; i += 1) {
            sent.push(...(await send([administrations[i % 7]])));
            await deliveries.waitFor(sent.slice(-1), each);
          }
          return sent;
        };
        const allAtOnce: Phase[2] = async (send) => {
          const sent: string[] = [];
          for (let round = 0; round < ALL_ADMINISTRATIONS_ROUNDS; round += 1) {
            const burst = await send(administrations);
            await deliveries.waitFor(burst, each);
            sent.push(...burst);
          }
          return sent;
        };
        const phases: Phase[] = [
          [`one administration (${ONE_ADMINISTRATION_MESSAGES} messages one after another), sent through the first API process`, 'this', oneAfterAnother],
          [`all administrations (${ALL_ADMINISTRATIONS_ROUNDS} rounds of ${ADMINISTRATIONS} sent at once), sent through the first API process`, 'this', allAtOnce],
          [`all administrations (${ALL_ADMINISTRATIONS_ROUNDS} rounds of ${ADMINISTRATIONS} sent at once), sent through the second API process`, 'other', allAtOnce],
        ];
        console.log(`\n${subscribers} subscribers on ${serving} serving API process${serving > 1 ? 'es' : ''} (${each} per administration, ${clients.length} client processes); API memory per connection ${rssPerConnection(perConnection.rss)}, ${(perConnection.heap / 1024).toFixed(1)} KB heap (goal <= ${GOAL_BYTES_PER_CONNECTION / 1024} KB)`);
        for (const [index, [label, through, run]] of phases.entries()) {
          statements = 0;
          const profiling = await startProfile();
          const sent = await run(through === 'this' ? sendHere : sendThere);
          await profiling?.stop(`fanout-${subscribers}-${serving}-${index + 1}`);
          await new Promise((resolve) => setTimeout(resolve, 300)); // late or stray deliveries would show up now
          const perEvent = statements / sent.length - (through === 'this' ? perSend : 0);
          const delivered = sent.reduce((n, id) => n + (deliveries.byMessage.get(id)?.length ?? 0), 0);
          const sorted = deliveries.latenciesOf(sent);
          const p99 = percentile(sorted, 0.99);
          const goal = GOALS[subscribers];
          console.log(`  ${label}`);
          console.log(`    latency commit -> client: p50 ${percentile(sorted, 0.5)} ms  p99 ${p99} ms${goal ? ` (goal p99 <= ${goal} ms: ${p99 <= goal ? 'met' : 'MISSED'})` : ''}`);
          console.log(`    deliveries ${delivered} of ${sent.length * each} expected (${each} subscribers per message's administration)`);
          console.log(`    SQL per event in the serving process: ${perEvent.toFixed(1)} (one read for all subscribers, not one per subscriber)`);
        }
        // No subscriber received a message of an administration it did not subscribe to, nor one twice.
        let foreign = 0;
        let extra = 0;
        let unknown = 0;
        for (const [id, subscribed] of deliveries.byMessage) {
          if (!administrationOf.has(id)) unknown += subscribed.length;
          else foreign += subscribed.filter((a) => a !== administrationOf.get(id)).length;
          extra += Math.max(0, subscribed.length - each);
        }
        console.log(
          `  deliveries beyond the subscribers of each message's administration: ${foreign + extra + unknown}` +
            ` (${foreign} to another administration's subscribers, ${extra} beyond ${each} per message, ${unknown} of messages this run did not send)`,
        );
      } finally {
        for (const child of clients) child.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  } finally {
    for (const knex of knexes) knex.off('query', count);
    commits.child.disconnect();
    sender?.child.disconnect();
    await api.stop();
    await other.stop();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
