// What each email and (invoice, step) row costs to write (bench/reminders: a run of one administration writes about
// 530 emails and 920 rows).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261211MessageWriteCosts extends Migration {
  override async up(): Promise<void> {
    // A foreign-key check is a query and a row lock per row written. These two guarded nothing the writers do not:
    // a thread is written in the statement that writes its first message, with the administration the caller was
    // checked against, and a message's debtor is one the writer read in the same transaction under the tenant
    // filter. Neither administrations nor debtors are ever deleted; should that come, it deletes their messages and
    // threads itself. Together about a seventh of the CPU of bench/reminders at 150 administrations (21.8 CPU seconds of
    // the machine against 24.6-25.7).
    this.addSql(`alter table "message_threads" drop constraint "message_threads_administration_id_foreign";`);
    this.addSql(`alter table "messages" drop constraint "messages_debtor_id_foreign";`);
    // Nothing looks up the (invoice, step) rows of a run; the run keeps its counts. One index entry less per invoice.
    this.addSql(`drop index "reminder_sends_run_id_index";`);
    // The statement writing a run's (invoice, step) rows updates each one's invoice of the administration and checks
    // that the counts match (run-reminders.ts): the foreign key only locked every invoice once more. Invoices are
    // not deleted (one that is no longer owed becomes PAID or CANCELLED).
    this.addSql(`alter table "reminder_sends" drop constraint "reminder_sends_invoice_id_foreign";`);
  }
}
