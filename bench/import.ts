// Import benchmark: a CSV of 100,000 invoices over 10,000 debtors, uploaded through importFile to a real server
// process (API and worker), against PostgreSQL's own COPY of the same file into a plain table, in the same run.
//
// Needs a PostgreSQL on this machine, because server-side COPY reads the file from disk:
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres). Run with `npm run bench:import`.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { Client } from 'pg';

const INVOICES = Number(process.env.BENCH_INVOICES ?? 100_000);
const DEBTORS = Math.max(1, Math.round(INVOICES / 10));
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = path.resolve(__dirname, '..', '..');

async function writeCsv(file: string): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write('externalId;number;issueDate;dueDate;amount;openAmount;currency;debtorExternalId;debtorName;debtorType;debtorEmail;debtorPhone;debtorStreet;debtorPostcode;debtorCity;debtorCountry\n');
  for (let i = 0; i < INVOICES; i += 1) {
    const d = i % DEBTORS;
    const amount = `${1000 + (i % 9000)},${String(i % 100).padStart(2, '0')}`;
    const line = `I${i};F2026-${i};2026-01-15;14-02-2026;${amount};${amount};EUR;D${d};Debtor ${d} BV;BUSINESS;d${d}@example.test;+31 30 ${String(2000000 + d)};Oudegracht ${1 + (d % 300)};3511 AB;Utrecht;NL\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Peak resident memory of a process, from the kernel's high-water mark (Linux). */
function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function startServer(databaseUrl: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'main.js'), 'all'], {
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: 'false', JWT_SECRET: randomBytes(32).toString('hex'), DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries += 1) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ready = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
    if (ready) return { child, url: `${base}/graphql` };
    if (tries > 300) throw new Error('server did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function gql<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

interface Run {
  status: string;
  rowsRead: number;
  invoicesCreated: number;
  invoicesUpdated: number;
  debtorsCreated: number;
}

/** Uploads the file through importFile and waits until the worker has finished it; returns rows per second. */
async function importFile(url: string, token: string, administrationId: string, file: string, label: string): Promise<number> {
  const started = performance.now();
  const form = new FormData();
  const query = 'mutation ($a: ID!, $f: Upload!) { importFile(administrationId: $a, file: $f, format: CSV, complete: true) { id } }';
  form.append('operations', JSON.stringify({ query, variables: { a: administrationId, f: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.f'] }));
  form.append('0', await fs.openAsBlob(file), 'invoices.csv');
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' }, body: form });
  const body = (await response.json()) as { data?: { importFile: { id: string } }; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  const runQuery = `query ($a: ID!) { administration(id: $a) { importRuns(first: 1) { edges { node { id status rowsRead invoicesCreated invoicesUpdated debtorsCreated } } } } }`;
  for (;;) {
    const data = await gql<{ administration: { importRuns: { edges: { node: Run & { id: string } }[] } } }>(url, runQuery, { a: administrationId }, token);
    const run = data.administration.importRuns.edges.map((e) => e.node).find((r) => r.id === body.data!.importFile.id)!;
    if (run.status !== 'QUEUED' && run.status !== 'RUNNING') {
      const seconds = (performance.now() - started) / 1000;
      const rate = run.rowsRead / seconds;
      console.log(
        `${label.padEnd(10)} ${run.status}: ${run.rowsRead} rows in ${seconds.toFixed(2)} s = ${Math.round(rate)} rows/s ` +
          `(${run.invoicesCreated} invoices created, ${run.invoicesUpdated} updated, ${run.debtorsCreated} debtors created)`,
      );
      return rate;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function copyRate(databaseUrl: string, file: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`create table bench_copy (external_id text, number text, issue_date text, due_date text, amount text, open_amount text, currency text,
      debtor_external_id text, debtor_name text, debtor_type text, debtor_email text, debtor_phone text, debtor_street text, debtor_postcode text,
      debtor_city text, debtor_country text)`);
    const started = performance.now();
    await client.query(`copy bench_copy from '${file}' with (format csv, header true, delimiter ';')`);
    const rate = INVOICES / ((performance.now() - started) / 1000);
    console.log(`${'COPY'.padEnd(10)} ${INVOICES} rows = ${Math.round(rate)} rows/s`);
    return rate;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const name = `credit_bench_${process.pid}`;
  const admin = new Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const databaseUrl = Object.assign(new URL(SERVER), { pathname: `/${name}` }).toString();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-bench-'));
  // The PostgreSQL server process reads the file for COPY.
  fs.chmodSync(dataDir, 0o755);
  const csv = path.join(dataDir, 'invoices.csv');
  let server: { child: ChildProcess; url: string } | undefined;
  try {
    await writeCsv(csv);
    console.log(`${INVOICES} invoices over ${DEBTORS} debtors, ${(fs.statSync(csv).size / 1e6).toFixed(1)} MB of CSV`);
    server = await startServer(databaseUrl, path.join(dataDir, 'server'));
    const email = `bench-${process.pid}@example.test`;
    const { signUp } = await gql<{ signUp: { token: string } }>(server.url, 'mutation ($i: SignUpInput!) { signUp(input: $i) { token } }', {
      i: { email, password: 'bench password 42', name: 'Bench' },
    });
    const { createAdministration } = await gql<{ createAdministration: { id: string } }>(
      server.url,
      'mutation { createAdministration(name: "Bench BV") { id } }',
      {},
      signUp.token,
    );
    const startRss = peakRssMb(server.child.pid!);

    const first = await importFile(server.url, signUp.token, createAdministration.id, csv, 'import');
    const again = await importFile(server.url, signUp.token, createAdministration.id, csv, 're-import');
    const copy = await copyRate(databaseUrl, csv);
    const peak = peakRssMb(server.child.pid!);

    console.log(`import / COPY    = ${(first / copy).toFixed(3)} (goal >= 0.25)`);
    console.log(`re-import / COPY = ${(again / copy).toFixed(3)}; re-import / import = ${(again / first).toFixed(2)} (goal >= 1)`);
    console.log(`server peak RSS  = ${Math.round(peak)} MB (${Math.round(startRss)} MB before the imports; goal < 300 MB)`);
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      if (server.child.exitCode === null) await once(server.child, 'exit');
    }
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
