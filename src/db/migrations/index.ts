// The ordered list of migrations; new ones are appended here.
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122Foundation } from './Migration20261122Foundation';

export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261122Foundation', class: Migration20261122Foundation },
];
