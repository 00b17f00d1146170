// Import benchmark: 100,000 invoices over 10,000 debtors through the real import path, against COPY of the same rows.
// Needs a PostgreSQL on this machine (server-side COPY reads the file): BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres.
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../config';
import { startRuntime } from '../runtime';
import { ensureDatabase } from '../db/database';
import { createRequestContext } from '../context';
import { Administration, AdministrationSettings, ImportRun } from '../entities';
import { ImportStatus } from '../entities/ImportRun';
import { startImport } from '../services/imports/start-import';

const INVOICES = 100_000;
const DEBTORS = 10_000;

function writeCsv(file: string): void {
  const lines = ['externalId;number;issueDate;dueDate;amount;openAmount;currency;debtorExternalId;debtorName;debtorType;debtorEmail;debtorCity;debtorCountry'];
  for (let i = 0; i < INVOICES; i += 1) {
    const d = i % DEBTORS;
    lines.push(`I${i};2026-${i};2026-01-15;2026-02-14;${100 + (i % 900)}.50;${100 + (i % 900)}.50;EUR;D${d};Debtor ${d} BV;BUSINESS;d${d}@example.test;Utrecht;NL`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `credit_bench_${process.pid}`;
  const url = await ensureDatabase(server, name);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-bench-'));
  const csv = path.join(dataDir, 'invoices.csv');
  writeCsv(csv);
  fs.chmodSync(dataDir, 0o755);
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: url, JWT_SECRET: randomUUID() + randomUUID(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: 'false', LOG_LEVEL: 'warn' });
  const runtime = await startRuntime({ config, role: 'all' });
  try {
    const em = runtime.orm.em.fork();
    const administration = em.create(Administration, { name: 'Bench' });
    em.create(AdministrationSettings, { administration });
    await em.flush();

    const importOnce = async (label: string) => {
      const copy = path.join(dataDir, `${label}.csv`);
      fs.copyFileSync(csv, copy);
      const ctx = createRequestContext(runtime.app, runtime.orm.em, { userId: null, ip: '', requestId: label });
      const started = Date.now();
      const run = await startImport(ctx, administration.id, { format: 'CSV', complete: true, filename: 'bench.csv', source: { kind: 'file', path: copy } });
      for (;;) {
        const current = await runtime.orm.em.fork().findOneOrFail(ImportRun, { id: run.id }, { filters: false });
        if (current.status !== ImportStatus.QUEUED && current.status !== ImportStatus.RUNNING) {
          const seconds = (Date.now() - started) / 1000;
          console.log(`${label}: ${current.status}, ${current.rowsRead} rows in ${seconds.toFixed(1)} s = ${Math.round(current.rowsRead / seconds)} rows/s`);
          return current.rowsRead / seconds;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const importRate = await importOnce('import');
    await importOnce('re-import');

    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(`create table bench_copy (external_id text, number text, issue_date date, due_date date, amount numeric, open_amount numeric,
      currency text, debtor_external_id text, debtor_name text, debtor_type text, debtor_email text, debtor_city text, debtor_country text)`);
    const started = Date.now();
    await client.query(`copy bench_copy from '${csv}' with (format csv, header true, delimiter ';')`);
    const copyRate = INVOICES / ((Date.now() - started) / 1000);
    await client.end();
    console.log(`COPY: ${Math.round(copyRate)} rows/s`);
    console.log(`import / COPY = ${(importRate / copyRate).toFixed(3)} (goal >= 0.25)`);
    console.log(`peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (goal < 300 MB; API and worker in this one process)`);
  } finally {
    await runtime.stop();
    const admin = new Client({ connectionString: server });
    await admin.connect();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
