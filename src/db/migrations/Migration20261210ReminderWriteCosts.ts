// What a reminder run writes per invoice and per email, made cheaper (bench/reminders: a run writes about one
// invoice update, one reminder_sends row and half a message per invoice it selects).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261210ReminderWriteCosts extends Migration {
  override async up(): Promise<void> {
    // Each row also references a parent of its administration that cascades (the invoice; the debtor and the thread),
    // so these constraints only checked that the administration exists, at a row lock per row written: a tenth of
    // a run's writing. The rows still go when their administration does, through those parents.
    this.addSql(`alter table "reminder_sends" drop constraint "reminder_sends_administration_id_foreign";`);
    this.addSql(`alter table "messages" drop constraint "messages_administration_id_foreign";`);
    // Room on every page for a changed invoice to stay on its page (a HOT update: no new entry in any of its six
    // indexes). Runs, payments and imports change invoices in place; a full page halves a run's update speed.
    // Pages written from now on keep it; existing ones gain it as they are rewritten (VACUUM FULL does all at once).
    this.addSql(`alter table "invoices" set (fillfactor = 85);`);
    // A rendered email is a few kilobytes and is compressed on the way in; lz4 costs a fraction of the default's
    // CPU. Builds of PostgreSQL without lz4 keep the default (the embedded one has none).
    this.addSql(`do $$ begin
      alter table "messages" alter column "email" set compression lz4, alter column "body" set compression lz4;
    exception when feature_not_supported then null;
    end $$;`);
  }
}
