// The ordered list of migrations, by name; a new one is appended here and to the classes in ./classes.ts.
import type { MigrationObject } from '@mikro-orm/core';
import type * as Classes from './classes';

export const migrationNames = [
  'Migration20261122Foundation',
  'Migration20261122Ledger',
  'Migration20261122ImportSources',
  'Migration20261124TrustedLedger',
  'Migration20261126Messages',
  'Migration20261202MailgunWebhooks',
  'Migration20261203PortalAccess',
  'Migration20261204InvoicePaidAt',
  'Migration20261205Reminders',
  'Migration20261206Cases',
  'Migration20261206PaymentPlanItems',
  'Migration20261207PortalSessions',
  'Migration20261208OnlinePayments',
  'Migration20261209MembershipVersions',
  'Migration20261210ReminderWriteCosts',
  'Migration20261211MessageWriteCosts',
  'Migration20261212ReminderSendKey',
  'Migration20261213CaseInvoiceList',
] as const;

export type MigrationName = (typeof migrationNames)[number];

/**
 * The migration classes, loaded only when one is pending: they extend @mikro-orm/migrations' base class, and that
 * package brings umzug and its command-line parser, about a tenth of the code a start would otherwise load.
 */
export function loadMigrationsList(): MigrationObject[] {
  // A plain require: a dynamic import() stays native in the compiled CommonJS and would not resolve ./classes.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { migrationClasses } = require('./classes') as typeof Classes;
  return migrationNames.map((name) => ({ name, class: migrationClasses[name] }));
}
