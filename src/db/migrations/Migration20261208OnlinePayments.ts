// Online payments from the customer portal: what an open online payment is for, what the provider refunded of a
// payment, the provider's id to find a payment by from its webhook, and the built-in test provider's payments.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261208OnlinePayments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "online_payment_invoices" ("id" uuid not null, "administration_id" uuid not null, "payment_id" uuid not null, "invoice_id" uuid not null, "amount" bigint not null, constraint "online_payment_invoices_pkey" primary key ("id"));`);
    this.addSql(`create index "online_payment_invoices_payment_id_index" on "online_payment_invoices" ("payment_id");`);
    this.addSql(`create index "online_payment_invoices_invoice_id_index" on "online_payment_invoices" ("invoice_id");`);
    this.addSql(`alter table "online_payment_invoices" add constraint "online_payment_invoices_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "online_payment_invoices" add constraint "online_payment_invoices_payment_id_foreign" foreign key ("payment_id") references "payments" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "online_payment_invoices" add constraint "online_payment_invoices_invoice_id_foreign" foreign key ("invoice_id") references "invoices" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "test_provider_payments" ("id" text not null, "amount" bigint not null, "currency" text not null, "description" text not null, "status" text not null, "amount_refunded" bigint not null default 0, "redirect_url" text not null, "webhook_url" text not null, "metadata" jsonb not null, "created_at" timestamptz not null, constraint "test_provider_payments_pkey" primary key ("id"));`);

    this.addSql(`alter table "payments" add column "refunded_amount" bigint not null default 0;`);
    this.addSql(`create index "payments_provider_reference_index" on "payments" ("provider_reference");`);
  }
}
