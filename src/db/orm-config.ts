// MikroORM configuration shared by the server, the worker, the migration script and the tests.
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { DataloaderType } from '@mikro-orm/core';
import { entities } from '../entities';

export function ormConfig(clientUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl,
    entities,
    // No Migrator extension: MikroORM loads @mikro-orm/migrations on first use of orm.migrator, which only
    // happens when a migration is pending (db/database.ts), and the list of classes is added then.
    migrations: { transactional: true, allOrNothing: true, silent: true, tableName: 'mikro_orm_migrations' },
    dataloader: DataloaderType.ALL,
    // A file cache of metadata would be shared between the Jest realms and the build; discovery is cheap.
    metadataCache: { enabled: false },
    // Entities are discovered from the explicit list; no folder scanning at run time.
    discovery: { warnWhenNoEntities: true },
    // Every request works in its own fork; the global context is a bug.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    // Tables that are not entities: Agenda's own, and counters written with plain SQL.
    schemaGenerator: { skipTables: ['agenda_jobs', 'agenda_logs', 'rate_limit_counters', 'portal_otp_codes', 'sms_messages', 'membership_versions', 'mikro_orm_migrations', 'test_clock'] },
    pool: { min: 0, max: 10 },
    debug: false,
    ...overrides,
  });
}
