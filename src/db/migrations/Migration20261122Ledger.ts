// Ledger: debtors, invoices, payments with their allocations, documents and import runs.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261122Ledger extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "debtor_type" as enum ('BUSINESS', 'PRIVATE');`);
    this.addSql(`create type "import_status" as enum ('QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED');`);
    this.addSql(`create type "invoice_status" as enum ('OPEN', 'PAID', 'CANCELLED');`);
    this.addSql(`create type "payment_status" as enum ('OPEN', 'PENDING', 'PAID', 'FAILED', 'CANCELED', 'EXPIRED', 'REFUNDED');`);
    this.addSql(`create type "payment_source" as enum ('ONLINE', 'BOOKKEEPING', 'MANUAL');`);
    this.addSql(`create table "debtors" ("id" uuid not null, "administration_id" uuid not null, "external_id" text not null, "name" text not null, "type" "debtor_type" not null, "email" text null, "phone" text null, "street" text null, "house_number" text null, "postcode" text null, "city" text null, "country" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "debtors_pkey" primary key ("id"));`);
    this.addSql(`create index "debtors_administration_id_name_id_index" on "debtors" ("administration_id", "name", "id");`);
    this.addSql(`alter table "debtors" add constraint "debtors_administration_id_external_id_unique" unique ("administration_id", "external_id");`);
    this.addSql(`create table "import_runs" ("id" uuid not null, "administration_id" uuid not null, "format" text not null, "status" "import_status" not null default 'QUEUED', "complete" boolean not null default false, "source_key" text null, "filename" text null, "created_by" uuid null, "started_at" timestamptz null, "finished_at" timestamptz null, "rows_read" int not null default 0, "invoices_created" int not null default 0, "invoices_updated" int not null default 0, "invoices_closed" int not null default 0, "debtors_created" int not null default 0, "debtors_updated" int not null default 0, "errors" jsonb not null, "created_at" timestamptz not null, constraint "import_runs_pkey" primary key ("id"));`);
    this.addSql(`create index "import_runs_administration_id_created_at_id_index" on "import_runs" ("administration_id", "created_at", "id");`);
    this.addSql(`create table "invoices" ("id" uuid not null, "administration_id" uuid not null, "debtor_id" uuid not null, "external_id" text not null, "number" text not null, "issue_date" date not null, "due_date" date not null, "amount" bigint not null, "open_amount" bigint not null, "currency" text not null, "status" "invoice_status" not null default 'OPEN', "on_hold" boolean not null default false, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "invoices_pkey" primary key ("id"));`);
    this.addSql(`create index "invoices_debtor_id_index" on "invoices" ("debtor_id");`);
    this.addSql(`create index "invoices_administration_id_due_date_id_index" on "invoices" ("administration_id", "due_date", "id");`);
    this.addSql(`alter table "invoices" add constraint "invoices_administration_id_external_id_unique" unique ("administration_id", "external_id");`);
    this.addSql(`create table "documents" ("id" uuid not null, "administration_id" uuid not null, "invoice_id" uuid null, "filename" text not null, "content_type" text not null, "size" int not null, "storage_key" text not null, "sensitive" boolean not null default true, "created_at" timestamptz not null, constraint "documents_pkey" primary key ("id"));`);
    this.addSql(`create index "documents_invoice_id_index" on "documents" ("invoice_id");`);
    this.addSql(`create table "payments" ("id" uuid not null, "administration_id" uuid not null, "debtor_id" uuid not null, "amount" bigint not null, "currency" text not null, "status" "payment_status" not null, "source" "payment_source" not null, "method" text null, "provider_reference" text null, "paid_on" date null, "paid_at" timestamptz null, "created_at" timestamptz not null, constraint "payments_pkey" primary key ("id"));`);
    this.addSql(`create index "payments_debtor_id_index" on "payments" ("debtor_id");`);
    this.addSql(`create index "payments_administration_id_created_at_id_index" on "payments" ("administration_id", "created_at", "id");`);
    this.addSql(`create table "payment_allocations" ("id" uuid not null, "administration_id" uuid not null, "payment_id" uuid not null, "invoice_id" uuid not null, "amount" bigint not null, constraint "payment_allocations_pkey" primary key ("id"));`);
    this.addSql(`create index "payment_allocations_payment_id_index" on "payment_allocations" ("payment_id");`);
    this.addSql(`create index "payment_allocations_invoice_id_index" on "payment_allocations" ("invoice_id");`);
    this.addSql(`alter table "debtors" add constraint "debtors_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "import_runs" add constraint "import_runs_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "invoices" add constraint "invoices_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "invoices" add constraint "invoices_debtor_id_foreign" foreign key ("debtor_id") references "debtors" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "documents" add constraint "documents_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "documents" add constraint "documents_invoice_id_foreign" foreign key ("invoice_id") references "invoices" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "payments" add constraint "payments_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "payments" add constraint "payments_debtor_id_foreign" foreign key ("debtor_id") references "debtors" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "payment_allocations" add constraint "payment_allocations_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "payment_allocations" add constraint "payment_allocations_payment_id_foreign" foreign key ("payment_id") references "payments" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "payment_allocations" add constraint "payment_allocations_invoice_id_foreign" foreign key ("invoice_id") references "invoices" ("id") on update cascade on delete cascade;`);
  }
}
