// The customer portal's sessions: the link's nonce replaces the stored token, one-time SMS codes, and the SMS
// outbox. The two tables are read and written in plain SQL only (schemaGenerator.skipTables lists them).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261207PortalSessions extends Migration {
  override async up(): Promise<void> {
    // The stored value becomes the nonce of an HMAC (domain/portal-access.ts): the links themselves are not stored.
    // The old links stop working, which is the point: they were readable from the database.
    this.addSql(`alter table "debtors" drop constraint "debtors_portal_access_token_unique";`);
    this.addSql(`alter table "debtors" rename column "portal_access_token" to "portal_link_nonce";`);
    this.addSql(`update "debtors" set "portal_link_nonce" = default;`);

    this.addSql(`create table "portal_otp_codes" (
      "id" uuid not null primary key,
      "administration_id" uuid not null references "administrations" ("id") on update cascade on delete cascade,
      "debtor_id" uuid not null references "debtors" ("id") on update cascade on delete cascade,
      "code_hash" text not null,
      "sent_to" text not null,
      "created_at" timestamptz not null,
      "expires_at" timestamptz not null,
      "attempts" int not null default 0,
      "used_at" timestamptz null);`);
    this.addSql(`create index "portal_otp_codes_debtor_index" on "portal_otp_codes" ("debtor_id", "created_at");`);

    this.addSql(`create table "sms_messages" (
      "id" uuid not null primary key,
      "administration_id" uuid not null references "administrations" ("id") on update cascade on delete cascade,
      "debtor_id" uuid null references "debtors" ("id") on update cascade on delete set null,
      "to" text not null,
      "sealed_body" text null,
      "summary" text not null,
      "status" text not null check ("status" in ('QUEUED', 'SENT', 'FAILED')),
      "attempts" int not null default 0,
      "provider_id" text null,
      "error" text null,
      "created_at" timestamptz not null,
      "sent_at" timestamptz null);`);
  }
}
