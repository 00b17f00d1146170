// Opens the database: the configured PostgreSQL or an embedded one, migrated to the latest schema.
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';
import { loadMigrationsList, migrationNames } from './migrations';
import { ormConfig } from './orm-config';

export interface Database {
  orm: MikroORM;
  url: string;
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'credit';
// Arbitrary constant: serialises migrations when several processes start at once.
const MIGRATION_LOCK_ID = 727_001;

/** The URL of database `name` on the server at `serverUrl`. */
function databaseOn(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates `name` on the server at `serverUrl` unless it exists. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  return databaseOn(serverUrl, name);
}

/**
 * Migrations not applied yet, read from the migrator's own table with one query: cheap enough for every
 * /readyz, and it spares loading the migrator on a start with nothing to do.
 */
export async function pendingMigrations(orm: MikroORM): Promise<number> {
  let rows: { name: string }[];
  try {
    rows = await orm.em.getConnection().execute<{ name: string }[]>(`select name from ${orm.config.get('migrations').tableName}`);
  } catch (error) {
    // undefined_table: not even the first migration has run.
    if ((error as { code?: string }).code === '42P01') return migrationNames.length;
    throw error;
  }
  // MikroORM writes the bare name; older versions kept a file extension.
  const applied = new Set(rows.map((row) => row.name.replace(/\.[jt]s$/, '')));
  return migrationNames.filter((name) => !applied.has(name)).length;
}

/** Applies pending migrations under an advisory lock, so concurrent start-ups do not race. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  if ((await pendingMigrations(orm)) === 0) return [];
  const options = orm.config.get('migrations');
  // Read by the migrator when it is created, on its first use just below.
  options.migrationsList ??= loadMigrationsList();
  const connection = orm.em.getConnection();
  return connection.transactional(async (trx) => {
    await connection.execute('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_ID], 'all', trx);
    const applied = await orm.migrator.up({ transaction: trx });
    return applied.map((m) => m.name);
  });
}

export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  let embedded: EmbeddedDatabase | null = null;
  let url = config.databaseUrl;
  if (url === null) {
    embedded = await startEmbeddedPostgres(path.join(config.dataDir, 'pg'), config.embeddedPgPort, logger);
    // Created on the first start by MikroORM.init (its ensureDatabase option, on by default), which checks anyway.
    url = databaseOn(embedded.url, EMBEDDED_DATABASE);
    logger.info({ port: config.embeddedPgPort, dataDir: config.dataDir }, 'embedded PostgreSQL started');
  }
  let orm: MikroORM;
  try {
    orm = await MikroORM.init(ormConfig(url));
    const applied = await migrate(orm);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    logger.debug({ step: 'migrations checked', sinceProcessStartMs: Math.round(performance.now()) }, 'start-up');
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    orm,
    url,
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}
