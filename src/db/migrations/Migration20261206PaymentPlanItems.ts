// What each payment plan covers, for good: an invoice or a case may be in several plans over time (one cancelled or
// breached, then a new one), while its own payment_plan_id names only the latest.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261206PaymentPlanItems extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "payment_plan_items" ("id" uuid not null, "administration_id" uuid not null, "plan_id" uuid not null, "invoice_id" uuid null, "case_id" uuid null, "amount" bigint not null, constraint "payment_plan_items_pkey" primary key ("id"));`);
    this.addSql(`create index "payment_plan_items_plan_id_index" on "payment_plan_items" ("plan_id");`);
    this.addSql(`create index "payment_plan_items_invoice_id_index" on "payment_plan_items" ("invoice_id");`);
    this.addSql(`create index "payment_plan_items_case_id_index" on "payment_plan_items" ("case_id");`);
    this.addSql(`alter table "payment_plan_items" add constraint "payment_plan_items_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "payment_plan_items" add constraint "payment_plan_items_plan_id_foreign" foreign key ("plan_id") references "payment_plans" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "payment_plan_items" add constraint "payment_plan_items_invoice_id_foreign" foreign key ("invoice_id") references "invoices" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "payment_plan_items" add constraint "payment_plan_items_case_id_foreign" foreign key ("case_id") references "cases" ("id") on update cascade on delete cascade;`);
  }
}
