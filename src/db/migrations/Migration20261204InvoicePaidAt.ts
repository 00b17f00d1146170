// When an invoice became paid, for its timeline (INVOICE_PAID); set wherever the status becomes PAID.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261204InvoicePaidAt extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "invoices" add column "paid_at" timestamptz null;`);
    // Invoices already paid: the moment of the last payment allocated to them (the one that paid them off, since
    // an invoice takes no payment once paid); one imported as paid, or closed by a payment that is gone, has only
    // its last change to go on.
    this.addSql(`
      update "invoices" i set "paid_at" = coalesce(
        (select max(coalesce(p."paid_at", p."created_at")) from "payment_allocations" pa join "payments" p on p."id" = pa."payment_id"
          where pa."invoice_id" = i."id"),
        i."updated_at")
       where i."status" = 'PAID';`);
  }
}
