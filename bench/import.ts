// Import benchmark: a CSV of 100,000 invoices over 10,000 debtors, uploaded through importFile to a real server
// process (API and worker), imported and then imported again unchanged, against a pure-SQL pipeline doing the same
// work on the same database, in the same run.
//
// Needs a PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
// Run with `npm run bench:import`.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ROOT, freePort, gql, peakRssMb } from './support';

const INVOICES = Number(process.env.BENCH_INVOICES ?? 100_000);
const DEBTORS = Math.max(1, Math.round(INVOICES / 10));
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// Extra node flags for the server, e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to see where its time goes.
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

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



async function startServer(databaseUrl: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...NODE_ARGS, path.join(ROOT, 'dist', 'main.js'), 'all'], {
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: 'false', JWT_SECRET: randomBytes(32).toString('hex'), DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
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


interface Run {
  status: string;
  startedAt: string;
  finishedAt: string;
  rowsRead: number;
  invoicesCreated: number;
  invoicesUpdated: number;
  debtorsCreated: number;
}

/** Uploads the file through importFile and waits until the worker has finished it; returns rows per second. */
async function importFile(url: string, token: string, administrationId: string, file: string, label: string): Promise<number> {
  const started = performance.now();
  const startedAt = Date.now();
  const form = new FormData();
  const query = 'mutation ($a: ID!, $f: Upload!) { importFile(administrationId: $a, file: $f, format: CSV, complete: true) { id } }';
  form.append('operations', JSON.stringify({ query, variables: { a: administrationId, f: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.f'] }));
  form.append('0', await fs.openAsBlob(file), 'invoices.csv');
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' }, body: form });
  const body = (await response.json()) as { data?: { importFile: { id: string } }; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  const runQuery = `query ($a: ID!) { administration(id: $a) { importRuns(first: 1) { edges { node { id status rowsRead invoicesCreated invoicesUpdated debtorsCreated startedAt finishedAt } } } } }`;
  for (;;) {
    const data = await gql<{ administration: { importRuns: { edges: { node: Run & { id: string } }[] } } }>(url, runQuery, { a: administrationId }, token);
    const run = data.administration.importRuns.edges.map((e) => e.node).find((r) => r.id === body.data!.importFile.id)!;
    if (run.status !== 'QUEUED' && run.status !== 'RUNNING') {
      const seconds = (performance.now() - started) / 1000;
      const rate = run.rowsRead / seconds;
      console.log(
        `${label.padEnd(10)} ${run.status}: ${run.rowsRead} rows in ${seconds.toFixed(2)} s = ${Math.round(rate)} rows/s ` +
          `(${run.invoicesCreated} invoices created, ${run.invoicesUpdated} updated, ${run.debtorsCreated} debtors created; ` +
          `upload and queue ${((Date.parse(run.startedAt) - startedAt) / 1000).toFixed(2)} s, worker ${((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000).toFixed(2)} s)`,
      );
      return rate;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// The pure-SQL pipeline the import is measured against, doing the same work on the same database: psql-style \copy
// of the same CSV into a staging table, then set-based upserts of debtors and invoices into tables shaped like the
// real ones (same columns, types, unique external ids, foreign keys and lookup indexes), in one transaction.
const BASELINE_SCHEMA = `
create schema baseline;
create table baseline.debtors (like public.debtors including all);
create table baseline.invoices (like public.invoices including all);
alter table baseline.debtors add foreign key (administration_id) references public.administrations (id) on update cascade on delete cascade;
alter table baseline.invoices add foreign key (administration_id) references public.administrations (id) on update cascade on delete cascade;
alter table baseline.invoices add foreign key (debtor_id) references baseline.debtors (id) on update cascade on delete cascade`;

const BASELINE_STAGING = `
create temp table bench_rows (external_id text, number text, issue_date text, due_date text, amount text, open_amount text, currency text,
  debtor_external_id text, debtor_name text, debtor_type text, debtor_email text, debtor_phone text, debtor_street text, debtor_postcode text,
  debtor_city text, debtor_country text) on commit drop`;

const BASELINE_DEBTORS = `
insert into baseline.debtors (id, administration_id, external_id, name, type, email, phone, street, house_number, postcode, city, country, created_at, updated_at)
select distinct on (debtor_external_id) gen_random_uuid(), $1::uuid, debtor_external_id, debtor_name, debtor_type::debtor_type, debtor_email, debtor_phone,
       debtor_street, null, debtor_postcode, debtor_city, debtor_country, now(), now()
  from bench_rows order by debtor_external_id
on conflict (administration_id, external_id) do update set
  name = excluded.name, type = excluded.type, email = excluded.email, phone = excluded.phone, street = excluded.street,
  house_number = excluded.house_number, postcode = excluded.postcode, city = excluded.city, country = excluded.country, updated_at = excluded.updated_at
  where (debtors.name, debtors.type, debtors.email, debtors.phone, debtors.street, debtors.house_number, debtors.postcode, debtors.city, debtors.country)
    is distinct from (excluded.name, excluded.type, excluded.email, excluded.phone, excluded.street, excluded.house_number, excluded.postcode, excluded.city, excluded.country)`;

const BASELINE_INVOICES = `
insert into baseline.invoices (id, administration_id, debtor_id, external_id, number, issue_date, due_date, amount, open_amount, bookkeeping_open_amount,
                               currency, status, on_hold, created_at, updated_at)
select gen_random_uuid(), $1::uuid, d.id, r.external_id, r.number, r.issue_date::date, to_date(r.due_date, 'DD-MM-YYYY'), a.amount, a.open_amount, a.open_amount,
       r.currency, (case when a.open_amount = 0 then 'PAID' else 'OPEN' end)::invoice_status, false, now(), now()
  from bench_rows r
  cross join lateral (select (replace(r.amount, ',', '.')::numeric * 100)::bigint as amount, (replace(r.open_amount, ',', '.')::numeric * 100)::bigint as open_amount) a
  join baseline.debtors d on d.administration_id = $1::uuid and d.external_id = r.debtor_external_id
on conflict (administration_id, external_id) do update set
  debtor_id = excluded.debtor_id, number = excluded.number, issue_date = excluded.issue_date, due_date = excluded.due_date,
  amount = excluded.amount, currency = excluded.currency, updated_at = excluded.updated_at
  where (invoices.debtor_id, invoices.number, invoices.issue_date, invoices.due_date, invoices.amount, invoices.currency)
    is distinct from (excluded.debtor_id, excluded.number, excluded.issue_date, excluded.due_date, excluded.amount, excluded.currency)`;

/** The pure-SQL pipeline on the same file, into empty tables; returns rows per second. */
async function baselineRate(databaseUrl: string, administrationId: string, file: string, label: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const exists = await client.query(`select 1 from pg_namespace where nspname = 'baseline'`);
    if (exists.rowCount === 0) await client.query(BASELINE_SCHEMA);
    else await client.query('truncate baseline.invoices, baseline.debtors');
    const started = performance.now();
    await client.query('begin');
    // The same memory for sorts and hashes as the import's merge (merge.ts).
    await client.query(`set local work_mem = '64MB'`);
    await client.query(BASELINE_STAGING);
    await pipeline(fs.createReadStream(file), client.query(copyFrom(`copy bench_rows from stdin with (format csv, header true, delimiter ';')`)));
    const copied = performance.now();
    await client.query('analyze bench_rows');
    await client.query(BASELINE_DEBTORS, [administrationId]);
    await client.query(BASELINE_INVOICES, [administrationId]);
    await client.query('commit');
    const seconds = (performance.now() - started) / 1000;
    const rate = INVOICES / seconds;
    console.log(`${label.padEnd(10)} ${INVOICES} rows in ${seconds.toFixed(2)} s = ${Math.round(rate)} rows/s (\\copy ${((copied - started) / 1000).toFixed(2)} s, then the upserts)`);
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

    // The baseline runs before and after the imports, and the import is compared with the mean of the two, so a
    // machine that gets busier or quieter during the run does not favour either side.
    const sqlBefore = await baselineRate(databaseUrl, createAdministration.id, csv, 'SQL');
    const first = await importFile(server.url, signUp.token, createAdministration.id, csv, 'import');
    const peak = peakRssMb(server.child.pid!);
    const again = await importFile(server.url, signUp.token, createAdministration.id, csv, 're-import');
    const sqlAfter = await baselineRate(databaseUrl, createAdministration.id, csv, 'SQL again');
    const sql = (sqlBefore + sqlAfter) / 2;

    console.log(`import / SQL        = ${(first / sql).toFixed(2)} (goal >= 0.6; SQL = mean of both runs)`);
    console.log(`re-import / import  = ${(again / first).toFixed(2)} (goal >= 2)`);
    console.log(
      `server peak RSS     = ${Math.round(peak)} MB during the import (goal < 250 MB; ${Math.round(startRss)} MB before it, ` +
        `${Math.round(peakRssMb(server.child.pid!))} MB after the re-import)`,
    );
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
