// Messages: threads with reply tokens, messages with their delivery state, standard messages, the local transport's
// mailbox, and attachments as documents of a message.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261126Messages extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "message_direction" as enum ('OUTBOUND', 'INBOUND');`);
    this.addSql(`create type "target_type" as enum ('INVOICE', 'DEBTOR', 'CASE');`);
    this.addSql(`create type "message_status" as enum ('QUEUED', 'SENT', 'DELIVERED', 'OPENED', 'FAILED', 'NOT_EMAILED', 'RECEIVED');`);

    this.addSql(`create table "message_threads" ("id" uuid not null, "administration_id" uuid not null, "token" text not null, "revoked_at" timestamptz null, "created_at" timestamptz not null, constraint "message_threads_pkey" primary key ("id"));`);
    this.addSql(`alter table "message_threads" add constraint "message_threads_token_unique" unique ("token");`);
    this.addSql(`alter table "message_threads" add constraint "message_threads_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "standard_messages" ("id" uuid not null, "administration_id" uuid not null, "description" text not null, "subject" text not null, "body" text not null, "cc" text[] not null, "bcc" text[] not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "standard_messages_pkey" primary key ("id"));`);
    this.addSql(`create index "standard_messages_administration_id_description_id_index" on "standard_messages" ("administration_id", "description", "id");`);
    this.addSql(`alter table "standard_messages" add constraint "standard_messages_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "messages" ("id" uuid not null, "administration_id" uuid not null, "thread_id" uuid not null, "direction" "message_direction" not null, "target_type" "target_type" not null, "target_id" uuid not null, "debtor_id" uuid not null, "invoice_id" uuid null, "sender_id" uuid null, "to" text[] not null, "cc" text[] not null, "bcc" text[] not null, "subject" text not null, "body" text not null, "status" "message_status" not null, "email" jsonb null, "attempts" int not null default 0, "lease_until" timestamptz null, "failure_reason" text null, "provider_message_id" text null, "sent_at" timestamptz null, "opened_at" timestamptz null, "read_at" timestamptz null, "in_reply_to_id" uuid null, "resend_of_id" uuid null, "created_at" timestamptz not null, constraint "messages_pkey" primary key ("id"));`);
    this.addSql(`create index "messages_thread_id_index" on "messages" ("thread_id");`);
    this.addSql(`create index "messages_debtor_id_index" on "messages" ("debtor_id");`);
    this.addSql(`create index "messages_invoice_id_index" on "messages" ("invoice_id");`);
    this.addSql(`create index "messages_provider_message_id_index" on "messages" ("provider_message_id");`);
    // Delivery recovery: queued messages whose lease ran out.
    this.addSql(`create index "messages_queued_index" on "messages" ("lease_until") where "status" = 'QUEUED';`);
    // The inbox, newest first, and its unread filter.
    this.addSql(`create index "messages_unread_index" on "messages" ("administration_id", "created_at", "id") where "read_at" is null;`);
    this.addSql(`create index "messages_administration_id_created_at_id_index" on "messages" ("administration_id", "created_at", "id");`);
    this.addSql(`alter table "messages" add constraint "messages_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "messages" add constraint "messages_thread_id_foreign" foreign key ("thread_id") references "message_threads" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "messages" add constraint "messages_debtor_id_foreign" foreign key ("debtor_id") references "debtors" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "messages" add constraint "messages_invoice_id_foreign" foreign key ("invoice_id") references "invoices" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "messages" add constraint "messages_sender_id_foreign" foreign key ("sender_id") references "users" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "messages" add constraint "messages_in_reply_to_id_foreign" foreign key ("in_reply_to_id") references "messages" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "messages" add constraint "messages_resend_of_id_foreign" foreign key ("resend_of_id") references "messages" ("id") on update cascade on delete set null;`);

    // What the local transport "sent" when no Mailgun is configured.
    this.addSql(`create table "local_emails" ("id" uuid not null, "administration_id" uuid not null, "message_id" uuid not null, "from" text not null, "to" text[] not null, "cc" text[] not null, "bcc" text[] not null, "reply_to" text not null, "subject" text not null, "text" text not null, "html" text not null, "tags" text[] not null, "attachments" jsonb not null, "created_at" timestamptz not null, constraint "local_emails_pkey" primary key ("id"));`);
    this.addSql(`create index "local_emails_message_id_index" on "local_emails" ("message_id");`);
    this.addSql(`alter table "local_emails" add constraint "local_emails_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "local_emails" add constraint "local_emails_message_id_foreign" foreign key ("message_id") references "messages" ("id") on update cascade on delete cascade;`);

    // A message's attachments are documents of the message.
    this.addSql(`alter table "documents" add column "message_id" uuid null;`);
    this.addSql(`alter table "documents" add constraint "documents_message_id_foreign" foreign key ("message_id") references "messages" ("id") on update cascade on delete cascade;`);
    this.addSql(`create index "documents_message_id_index" on "documents" ("message_id");`);
  }
}
