// Mailgun's webhooks: delivery events (a debtor's bounced address), inbound replies (their sender and Message-Id,
// a debtor's unread replies) and the tokens of accepted webhooks, against replays.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261202MailgunWebhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "debtors" add column "email_bounced_at" timestamptz null;`);

    this.addSql(`alter table "messages" add column "from" text null, add column "external_message_id" text null;`);
    this.addSql(`alter table "messages" add constraint "messages_administration_id_external_message_id_unique" unique ("administration_id", "external_message_id");`);
    this.addSql(`create index "messages_unread_replies_index" on "messages" ("debtor_id") where "direction" = 'INBOUND' and "read_at" is null;`);

    this.addSql(`create table "mailgun_webhook_tokens" ("token" text not null, "used_at" timestamptz not null, constraint "mailgun_webhook_tokens_pkey" primary key ("token"));`);
    this.addSql(`create index "mailgun_webhook_tokens_used_at_index" on "mailgun_webhook_tokens" ("used_at");`);
  }
}
