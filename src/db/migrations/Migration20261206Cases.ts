// Collection cases: each invoice's open amount when its case was opened, the payments made toward a case, and the
// lookup of messages about a case (its timeline).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261206Cases extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "invoices" add column "case_principal" bigint null;`);
    this.addSql(`create table "case_payments" ("id" uuid not null, "administration_id" uuid not null, "case_id" uuid not null, "payment_id" uuid not null, "invoice_id" uuid not null, "amount" bigint not null, "paid_on" date not null, "created_at" timestamptz not null, constraint "case_payments_pkey" primary key ("id"));`);
    this.addSql(`create index "case_payments_case_id_index" on "case_payments" ("case_id");`);
    this.addSql(`alter table "case_payments" add constraint "case_payments_payment_id_invoice_id_unique" unique ("payment_id", "invoice_id");`);
    this.addSql(`alter table "case_payments" add constraint "case_payments_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "case_payments" add constraint "case_payments_case_id_foreign" foreign key ("case_id") references "cases" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "case_payments" add constraint "case_payments_payment_id_foreign" foreign key ("payment_id") references "payments" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "case_payments" add constraint "case_payments_invoice_id_foreign" foreign key ("invoice_id") references "invoices" ("id") on update cascade on delete cascade;`);
    this.addSql(`create index "messages_case_target_index" on "messages" ("target_id") where "target_type" = 'CASE';`);
  }
}
