// The class of each migration in ./index.ts (loaded on demand from there); the compiler checks that none is missing.
import type { MigrationObject } from '@mikro-orm/core';
import type { MigrationName } from '.';
import { Migration20261122Foundation } from './Migration20261122Foundation';
import { Migration20261122Ledger } from './Migration20261122Ledger';
import { Migration20261122ImportSources } from './Migration20261122ImportSources';
import { Migration20261124TrustedLedger } from './Migration20261124TrustedLedger';
import { Migration20261126Messages } from './Migration20261126Messages';
import { Migration20261202MailgunWebhooks } from './Migration20261202MailgunWebhooks';
import { Migration20261203PortalAccess } from './Migration20261203PortalAccess';
import { Migration20261204InvoicePaidAt } from './Migration20261204InvoicePaidAt';
import { Migration20261205Reminders } from './Migration20261205Reminders';
import { Migration20261206Cases } from './Migration20261206Cases';
import { Migration20261206PaymentPlanItems } from './Migration20261206PaymentPlanItems';
import { Migration20261207PortalSessions } from './Migration20261207PortalSessions';
import { Migration20261208OnlinePayments } from './Migration20261208OnlinePayments';
import { Migration20261209MembershipVersions } from './Migration20261209MembershipVersions';
import { Migration20261210ReminderWriteCosts } from './Migration20261210ReminderWriteCosts';
import { Migration20261211MessageWriteCosts } from './Migration20261211MessageWriteCosts';
import { Migration20261212ReminderSendKey } from './Migration20261212ReminderSendKey';
import { Migration20261213CaseInvoiceList } from './Migration20261213CaseInvoiceList';

export const migrationClasses: Record<MigrationName, MigrationObject['class']> = {
  Migration20261122Foundation,
  Migration20261122Ledger,
  Migration20261122ImportSources,
  Migration20261124TrustedLedger,
  Migration20261126Messages,
  Migration20261202MailgunWebhooks,
  Migration20261203PortalAccess,
  Migration20261204InvoicePaidAt,
  Migration20261205Reminders,
  Migration20261206Cases,
  Migration20261206PaymentPlanItems,
  Migration20261207PortalSessions,
  Migration20261208OnlinePayments,
  Migration20261209MembershipVersions,
  Migration20261210ReminderWriteCosts,
  Migration20261211MessageWriteCosts,
  Migration20261212ReminderSendKey,
  Migration20261213CaseInvoiceList,
};
