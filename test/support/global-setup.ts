// Jest global setup: one PostgreSQL for the run (embedded unless TEST_DATABASE_URL).
// The ORM is not started here: its metadata would live in another realm than the tests' (mikro-orm#3783);
// the first test file migrates the template database instead (test/support/database.ts).
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { createLogger } from '../../src/logger';
import { freePort } from './ports';

declare global {
  var __testCleanup: (() => Promise<void>) | undefined;
}

export default async function globalSetup(): Promise<void> {
  const logger = createLogger('warn');
  let serverUrl = process.env.TEST_DATABASE_URL || '';
  let stopEmbedded: (() => Promise<void>) | null = null;
  let dataDir: string | null = null;
  if (!serverUrl) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-test-pg-'));
    const embedded = await startEmbeddedPostgres(path.join(dataDir, 'pg'), await freePort(), logger, { durable: false });
    serverUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const template = `credit_test_template_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists "${template}"`);
  await admin.end();

  process.env.TEST_PG_SERVER_URL = serverUrl;
  process.env.TEST_TEMPLATE_DATABASE = template;
  process.env.TEST_DATABASE_PREFIX = `credit_test_${process.pid}_`;
  globalThis.__testCleanup = async () => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    const leftovers = await client.query<{ datname: string }>(
      `select datname from pg_database where datname = $1 or datname like $2`,
      [template, `credit_test_${process.pid}_%`],
    );
    for (const { datname } of leftovers.rows) await client.query(`drop database if exists "${datname}" with (force)`);
    await client.end();
    await stopEmbedded?.();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
