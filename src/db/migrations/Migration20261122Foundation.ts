// Users, administrations, memberships, settings and the shared rate-limit counters.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261122Foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "portal_authentication_level" as enum ('NONE', 'EVERY_PAGE', 'SENSITIVE_INFORMATION', 'SENSITIVE_INFORMATION_PRIVATE_ONLY', 'SENSITIVE_INFORMATION_NOT_ACCESSIBLE');`);
    this.addSql(`create type "portal_authentication_method" as enum ('POSTCODE_HOUSE_NUMBER', 'SMS_OTP');`);
    this.addSql(`create type "sensitive_attachments_policy" as enum ('INCLUDE', 'EXCLUDE', 'EXCLUDE_FOR_PRIVATE');`);
    this.addSql(`create type "role" as enum ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER');`);
    this.addSql(`create table "administrations" ("id" uuid not null, "name" text not null, "currency" text not null default 'EUR', "time_zone" text not null default 'Europe/Amsterdam', "default_payment_term_days" int not null default 30, "created_at" timestamptz not null, constraint "administrations_pkey" primary key ("id"));`);
    this.addSql(`create table "administration_settings" ("administration_id" uuid not null, "paused" boolean not null default false, "paused_until" date null, "portal_authentication_level" "portal_authentication_level" not null default 'NONE', "portal_primary_method" "portal_authentication_method" null, "portal_secondary_method" "portal_authentication_method" null, "sensitive_attachments" "sensitive_attachments_policy" not null default 'INCLUDE', "email_signature" text null, constraint "administration_settings_pkey" primary key ("administration_id"));`);
    this.addSql(`create table "users" ("id" uuid not null, "email" text not null, "name" text not null, "password_hash" text not null, "created_at" timestamptz not null, constraint "users_pkey" primary key ("id"));`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);
    this.addSql(`create table "memberships" ("id" uuid not null, "administration_id" uuid not null, "user_id" uuid not null, "role" "role" not null, "created_at" timestamptz not null, constraint "memberships_pkey" primary key ("id"));`);
    this.addSql(`alter table "memberships" add constraint "memberships_administration_id_user_id_unique" unique ("administration_id", "user_id");`);
    this.addSql(`create index "memberships_user_id_index" on "memberships" ("user_id");`);
    this.addSql(`alter table "administration_settings" add constraint "administration_settings_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "memberships" add constraint "memberships_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "memberships" add constraint "memberships_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
    // Fixed-window counters shared by every API process (login, OTP and portal checks).
    this.addSql(`create table "rate_limit_counters" ("key" text not null, "window_start" timestamptz not null, "hits" int not null, constraint "rate_limit_counters_pkey" primary key ("key"));`);
  }
}
