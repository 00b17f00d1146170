// A fresh database per test file, cloned from a migrated template made once per run.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { MikroORM } from '@mikro-orm/postgresql';
import { ensureDatabase, migrate } from '../../src/db/database';
import { ormConfig } from '../../src/db/orm-config';

// Arbitrary constant: one test file at a time builds the template.
const TEMPLATE_LOCK_ID = 727_002;

function serverUrl(): string {
  const url = process.env.TEST_PG_SERVER_URL;
  if (!url) throw new Error('TEST_PG_SERVER_URL is not set: run the tests through Jest (global setup)');
  return url;
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates and migrates the template unless another test file already did. */
async function ensureTemplate(client: Client, template: string): Promise<void> {
  await client.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK_ID]);
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [template]);
    if (exists.rowCount) return;
    const building = `${template}_building`;
    await client.query(`drop database if exists "${building}"`);
    const orm = await MikroORM.init(ormConfig(await ensureDatabase(serverUrl(), building)));
        await migrate(orm);
    await orm.close(true);
    // Renamed only when complete, so a failed build never leaves a half-migrated template.
    await client.query(`alter database "${building}" rename to "${template}"`);
  } finally {
    await client.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK_ID]);
  }
}

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const template = process.env.TEST_TEMPLATE_DATABASE!;
  const name = `${process.env.TEST_DATABASE_PREFIX}${randomBytes(4).toString('hex')}`;
  await withAdmin(async (client) => {
    await ensureTemplate(client, template);
    await client.query(`create database "${name}" template "${template}"`);
  });
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin((c) => dropWhenIdle(c, name)),
  };
}

/** Drops once the server's own connections have closed; forcing is the last resort after a few seconds. */
async function dropWhenIdle(client: Client, name: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      await client.query(`drop database if exists "${name}"`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006') throw error; // 55006: still in use
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await client.query(`drop database if exists "${name}" with (force)`);
}
