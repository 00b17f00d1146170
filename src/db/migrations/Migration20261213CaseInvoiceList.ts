// A case lists the invoices it was opened with, so invoices.case_id needs no index (see Case.invoiceIds).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261213CaseInvoiceList extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "cases" add column "invoice_ids" uuid[] not null default '{}';`);
    this.addSql(`update "cases" c set "invoice_ids" = l.ids
                   from (select case_id, array_agg(id order by due_date, id) as ids from "invoices" where case_id is not null group by case_id) l
                  where l.case_id = c.id;`);
    this.addSql(`alter table "cases" alter column "invoice_ids" drop default;`);
    // A reminder run puts a third of the invoices it moves into a case. Setting an indexed column is never an update
    // in place: each such invoice got a new row version on another page and an entry in all six of its indexes
    // (bench/reminders at 300 administrations: 95,000 of 277,000 invoice updates). The full bench with this and the
    // (invoice, step) key: 40.1 s and 67.8 CPU seconds of the machine, against 41.5-43.3 s and 71.3-74.0 before both.
    this.addSql(`drop index "invoices_case_id_index";`);
    // Without the index the constraint's ON DELETE SET NULL would scan all invoices per deleted case; cases go only
    // with their administration, whose invoices go too.
    this.addSql(`alter table "invoices" drop constraint "invoices_case_id_foreign";`);
  }
}
