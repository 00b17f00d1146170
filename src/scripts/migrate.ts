// `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database) and exits.
import 'reflect-metadata';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { openDatabase } from '../db/database';

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config, createLogger(config.logLevel, config.logFormat));
  await database.close();
  console.log('database is up to date');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
