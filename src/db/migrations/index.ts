// The ordered list of migrations; new ones are appended here.
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122Foundation } from './Migration20261122Foundation';
import { Migration20261122Ledger } from './Migration20261122Ledger';
import { Migration20261122ImportSources } from './Migration20261122ImportSources';
import { Migration20261124TrustedLedger } from './Migration20261124TrustedLedger';
import { Migration20261126Messages } from './Migration20261126Messages';

export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261122Foundation', class: Migration20261122Foundation },
  { name: 'Migration20261122Ledger', class: Migration20261122Ledger },
  { name: 'Migration20261122ImportSources', class: Migration20261122ImportSources },
  { name: 'Migration20261124TrustedLedger', class: Migration20261124TrustedLedger },
  { name: 'Migration20261126Messages', class: Migration20261126Messages },
];
