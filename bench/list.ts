// List benchmark: the first screen of a web client (a page of 50 invoices with their debtors) over 10,000 invoices,
// GraphQL against a plain HTTP route running the same SQL with `pg`, each server in its own process, same
// concurrency, warm-up first, measured one after the other in the same run. Also counts the SQL statements one
// page costs at two page sizes (must not grow with the page).
//
// Needs a PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
// Run with `npm run bench:list`. BENCH_CPU_PROF=1 writes a CPU profile of the GraphQL server to ./profiles.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, gql, percentile, scratchDatabase, serverEnv, startProcess, startServer, tenant } from './support';

const INVOICES = 10_000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP_MS = 3_000;
const MEASURE_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;

/** The issue's query, with the page size written in the query as a client's generated document would. */
const pageQuery = (first: number) => `query ($id: ID!) { administration(id: $id) { invoices(first: ${first}) {
  edges { node { id number amount { amount currency } openAmount { amount currency } dueDate debtor { name email } } } } } }`;

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
}

/** Keeps CONCURRENCY requests in flight for `ms`; returns throughput and latency percentiles. */
async function load(request: () => Promise<Response>, ms: number): Promise<Figures> {
  const latencies: number[] = [];
  const deadline = performance.now() + ms;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const response = await request();
        const body = await response.text();
        if (!response.ok || body.includes('"errors"')) throw new Error(`bad answer ${response.status}: ${body.slice(0, 300)}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

async function measure(label: string, request: () => Promise<Response>): Promise<Figures> {
  await load(request, WARMUP_MS);
  const figures = await load(request, MEASURE_MS);
  console.log(`${label.padEnd(8)} ${figures.perSecond.toFixed(1).padStart(7)} requests/s   p50 ${figures.p50.toFixed(1).padStart(6)} ms   p99 ${figures.p99.toFixed(1).padStart(6)} ms`);
  return figures;
}

async function seed(url: string, token: string, administrationId: string): Promise<void> {
  const invoices = Array.from({ length: INVOICES }, (_, i) => {
    const d = i % 1000;
    const amount = `${100 + (i % 900)}.${String(i % 100).padStart(2, '0')}`;
    return {
      externalId: `I${i}`,
      number: `F2026-${i}`,
      issueDate: '2026-01-15',
      dueDate: `2026-${String(1 + (i % 12)).padStart(2, '0')}-14`,
      amount,
      openAmount: amount,
      currency: 'EUR',
      debtor: { externalId: `D${d}`, name: `Debtor ${d} BV`, type: 'BUSINESS', email: `d${d}@example.test` },
    };
  });
  const { importInvoices } = await gql<{ importInvoices: { id: string } }>(
    url,
    'mutation ($a: ID!, $i: [InvoiceImportInput!]!) { importInvoices(administrationId: $a, invoices: $i) { id } }',
    { a: administrationId, i: invoices },
    token,
  );
  for (;;) {
    const data = await gql<{ administration: { importRuns: { edges: { node: { id: string; status: string } }[] } } }>(
      url,
      'query ($a: ID!) { administration(id: $a) { importRuns(first: 5) { edges { node { id status } } } } }',
      { a: administrationId },
      token,
    );
    const run = data.administration.importRuns.edges.find((e) => e.node.id === importInvoices.id)!.node;
    if (run.status === 'SUCCEEDED') return;
    if (run.status !== 'QUEUED' && run.status !== 'RUNNING') throw new Error(`seed import ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * SQL statements one GraphQL page costs: an API runtime of the built server is started inside this process on the
 * same database (same secrets), and the ORM's query events are counted while it answers one page.
 */
async function statementsPerPage(env: Record<string, string>, token: string, administrationId: string, sizes: number[]): Promise<number[]> {
  // The built modules, typed by hand: the bench compiles on its own and does not pull src/ into its program.
  const { loadConfig } = (await import(path.join(ROOT, 'dist', 'config.js'))) as { loadConfig(env: Record<string, string>): unknown };
  const { startRuntime } = (await import(path.join(ROOT, 'dist', 'runtime.js'))) as {
    startRuntime(options: { config: unknown; role: 'api' }): Promise<{
      url: string | null;
      orm: { em: { getConnection(): { getKnex(): { on(event: 'query', f: () => void): void; off(event: 'query', f: () => void): void } } } };
      stop(): Promise<void>;
    }>;
  };
  const runtime = await startRuntime({ config: loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' }), role: 'api' });
  try {
    const knex = runtime.orm.em.getConnection().getKnex();
    const counts: number[] = [];
    for (const first of sizes) {
      let statements = 0;
      const listener = () => (statements += 1);
      knex.on('query', listener);
      await gql(runtime.url!, pageQuery(first), { id: administrationId }, token);
      knex.off('query', listener);
      counts.push(statements);
    }
    return counts;
  } finally {
    await runtime.stop();
  }
}

async function main(): Promise<void> {
  const database = await scratchDatabase('list');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-bench-list-'));
  const profile = process.env.BENCH_CPU_PROF === '1' ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, 'profiles')}`] : [];
  const servers: { stop(): Promise<void> }[] = [];
  try {
    const env = serverEnv(database.url, dataDir);
    // Seeding runs in a server of its own, so the measured server (and its CPU profile) only answers pages.
    const seeder = await startServer(env);
    servers.push(seeder);
    const { token, administrationId } = await tenant(`${seeder.base}/graphql`, 'list');
    await seed(`${seeder.base}/graphql`, token, administrationId);
    await seeder.stop();
    console.log(`${INVOICES} invoices over 1000 debtors; page of 50 with debtors; concurrency ${CONCURRENCY}; ${MEASURE_MS / 1000} s each after ${WARMUP_MS / 1000} s warm-up`);

    const [small, large] = await statementsPerPage(env, token, administrationId, [5, 50]);
    console.log(`SQL statements per GraphQL page: ${small} for 5 invoices, ${large} for 50 (goal: equal)`);

    const plain = await startProcess(path.join(ROOT, 'dist', 'bench', 'list-plain-server.js'), [], { DATABASE_URL: database.url });
    servers.push(plain);
    const plainFigures = await measure('plain', () => fetch(`${plain.base}/page?administrationId=${administrationId}&first=50`));
    await plain.stop();

    const api = await startServer(env, profile);
    servers.push(api);
    const body = JSON.stringify({ query: pageQuery(50), variables: { id: administrationId } });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const graphqlFigures = await measure('graphql', () => fetch(`${api.base}/graphql`, { method: 'POST', headers, body }));
    await api.stop();

    const ratio = graphqlFigures.perSecond / plainFigures.perSecond;
    console.log(`graphql / plain = ${ratio.toFixed(2)} (goal >= 0.5); graphql p99 = ${graphqlFigures.p99.toFixed(0)} ms (goal <= 150 ms)`);
  } finally {
    for (const server of servers.reverse()) await server.stop().catch(() => undefined);
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
