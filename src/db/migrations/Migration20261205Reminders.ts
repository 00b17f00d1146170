// Reminders, collection cases and payment plans: the flow's steps, its runs, the steps each invoice reached, cases,
// plans with their installments; every administration there is gets the default flow.
import { Migration } from '@mikro-orm/migrations';
import { DEFAULT_REMINDER_FLOW } from '../../domain/default-reminder-flow';

export class Migration20261205Reminders extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "payment_plan_status" as enum ('ACTIVE', 'COMPLETED', 'BREACHED', 'CANCELLED');`);
    this.addSql(`create type "plan_interval" as enum ('WEEKLY', 'MONTHLY');`);
    this.addSql(`create type "case_status" as enum ('OPEN', 'PAYMENT_PLAN', 'CLOSED');`);
    this.addSql(`create type "collection_costs_mode" as enum ('UNDECIDED', 'COLLECT', 'WAIVE');`);
    this.addSql(`create type "interest_kind" as enum ('STATUTORY', 'COMMERCIAL');`);
    this.addSql(`create type "run_status" as enum ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');`);
    this.addSql(`create type "reminder_action" as enum ('EMAIL', 'FOURTEEN_DAY_LETTER', 'OPEN_CASE');`);
    this.addSql(`create type "debtor_scope" as enum ('ALL', 'BUSINESS', 'PRIVATE');`);
    this.addSql(`create table "payment_plans" ("id" uuid not null, "administration_id" uuid not null, "debtor_id" uuid not null, "status" "payment_plan_status" not null default 'ACTIVE', "currency" text not null, "total" bigint not null, "paid" bigint not null default 0, "interval" "plan_interval" not null, "created_by" uuid null, "created_at" timestamptz not null, "ended_at" timestamptz null, constraint "payment_plans_pkey" primary key ("id"));`);
    this.addSql(`create index "payment_plans_debtor_id_index" on "payment_plans" ("debtor_id");`);
    this.addSql(`create index "payment_plans_administration_id_created_at_id_index" on "payment_plans" ("administration_id", "created_at", "id");`);
    this.addSql(`create table "installments" ("id" uuid not null, "administration_id" uuid not null, "plan_id" uuid not null, "number" int not null, "due_date" date not null, "amount" bigint not null, "paid_amount" bigint not null default 0, "alert_sent_at" timestamptz null, "overdue_notice_sent_at" timestamptz null, constraint "installments_pkey" primary key ("id"));`);
    this.addSql(`create index "installments_due_date_index" on "installments" ("due_date");`);
    this.addSql(`alter table "installments" add constraint "installments_plan_id_number_unique" unique ("plan_id", "number");`);
    this.addSql(`create table "cases" ("id" uuid not null, "administration_id" uuid not null, "number" text not null, "debtor_id" uuid not null, "status" "case_status" not null default 'OPEN', "currency" text not null, "principal" bigint not null, "collection_costs" bigint not null, "collection_costs_mode" "collection_costs_mode" not null default 'UNDECIDED', "interest_kind" "interest_kind" not null, "interest_from" date null, "letter_deadline" date null, "payment_plan_id" uuid null, "opened_at" timestamptz not null, "closed_at" timestamptz null, constraint "cases_pkey" primary key ("id"));`);
    this.addSql(`create index "cases_debtor_id_index" on "cases" ("debtor_id");`);
    this.addSql(`create index "cases_administration_id_opened_at_id_index" on "cases" ("administration_id", "opened_at", "id");`);
    this.addSql(`alter table "cases" add constraint "cases_administration_id_number_unique" unique ("administration_id", "number");`);
    this.addSql(`create table "reminder_runs" ("id" uuid not null, "administration_id" uuid not null, "status" "run_status" not null default 'QUEUED', "daily_on" date null, "created_by" uuid null, "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, "invoices_selected" int not null default 0, "messages_queued" int not null default 0, "cases_opened" int not null default 0, "error" text null, "lease_until" timestamptz null, constraint "reminder_runs_pkey" primary key ("id"));`);
    this.addSql(`create index "reminder_runs_administration_id_created_at_id_index" on "reminder_runs" ("administration_id", "created_at", "id");`);
    this.addSql(`alter table "reminder_runs" add constraint "reminder_runs_administration_id_daily_on_unique" unique ("administration_id", "daily_on");`);
    this.addSql(`create table "reminder_sends" ("id" uuid not null, "administration_id" uuid not null, "invoice_id" uuid not null, "step_key" text not null, "action" "reminder_action" not null, "run_id" uuid not null, "message_id" uuid null, "case_id" uuid null, "sent_on" date not null, "created_at" timestamptz not null, constraint "reminder_sends_pkey" primary key ("id"));`);
    this.addSql(`create index "reminder_sends_run_id_index" on "reminder_sends" ("run_id");`);
    this.addSql(`alter table "reminder_sends" add constraint "reminder_sends_invoice_id_step_key_unique" unique ("invoice_id", "step_key");`);
    this.addSql(`create table "reminder_steps" ("id" uuid not null, "administration_id" uuid not null, "position" int not null, "key" text not null, "name" text not null, "days_after_due" int not null, "action" "reminder_action" not null, "applies_to" "debtor_scope" not null, "subject" text not null, "body" text not null, constraint "reminder_steps_pkey" primary key ("id"));`);
    this.addSql(`alter table "reminder_steps" add constraint "reminder_steps_administration_id_key_unique" unique ("administration_id", "key");`);
    this.addSql(`alter table "payment_plans" add constraint "payment_plans_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "payment_plans" add constraint "payment_plans_debtor_id_foreign" foreign key ("debtor_id") references "debtors" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "installments" add constraint "installments_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "installments" add constraint "installments_plan_id_foreign" foreign key ("plan_id") references "payment_plans" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "cases" add constraint "cases_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "cases" add constraint "cases_debtor_id_foreign" foreign key ("debtor_id") references "debtors" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "cases" add constraint "cases_payment_plan_id_foreign" foreign key ("payment_plan_id") references "payment_plans" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "reminder_runs" add constraint "reminder_runs_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "reminder_sends" add constraint "reminder_sends_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "reminder_sends" add constraint "reminder_sends_invoice_id_foreign" foreign key ("invoice_id") references "invoices" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "reminder_steps" add constraint "reminder_steps_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "administrations" add column "next_case_number" int not null default 1;`);
    this.addSql(`alter table "administration_settings" add column "reminder_run_time" text not null default '07:00', add column "installment_alert_days" int not null default 3, add column "installment_grace_days" int not null default 7;`);
    this.addSql(`alter table "invoices" add column "reminder_step_key" text null, add column "reminder_step_days" int null, add column "letter_deadline" date null, add column "case_id" uuid null, add column "payment_plan_id" uuid null;`);
    this.addSql(`alter table "invoices" add constraint "invoices_case_id_foreign" foreign key ("case_id") references "cases" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "invoices" add constraint "invoices_payment_plan_id_foreign" foreign key ("payment_plan_id") references "payment_plans" ("id") on update cascade on delete set null;`);
    this.addSql(`create index "invoices_case_id_index" on "invoices" ("case_id");`);
    this.addSql(`create index "invoices_payment_plan_id_index" on "invoices" ("payment_plan_id");`);
    const flow = JSON.stringify(
      DEFAULT_REMINDER_FLOW.map((step, position) => ({ position, key: step.key, name: step.name, days_after_due: step.daysAfterDue, action: step.action, applies_to: step.appliesTo, subject: step.subject, body: step.body })),
    ).replaceAll("'", "''");
    this.addSql(
      `insert into "reminder_steps" ("id", "administration_id", "position", "key", "name", "days_after_due", "action", "applies_to", "subject", "body")
       select gen_random_uuid(), a."id", s."position", s."key", s."name", s."days_after_due", s."action"::"reminder_action", s."applies_to"::"debtor_scope", s."subject", s."body"
         from "administrations" a
         cross join jsonb_to_recordset('${flow}'::jsonb) as s("position" int, "key" text, "name" text, "days_after_due" int, "action" text, "applies_to" text, "subject" text, "body" text);`,
    );
    // The test clock (TEST_CLOCK=true): one row, how far the simulated time is ahead of the real time.
    this.addSql(`create table "test_clock" ("id" boolean primary key default true check ("id"), "offset_ms" bigint not null default 0);`);
  }
}
