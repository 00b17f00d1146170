// The token of each signed Mailgun webhook accepted in the last minutes: a post that repeats one is a replay.
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'mailgun_webhook_tokens' })
export class MailgunWebhookToken {
  /** The primary key makes the check atomic: of two posts with one token, only one insert succeeds. */
  @PrimaryKey({ type: 'text' })
  token!: string;

  /** Tokens older than the signature's tolerance can be forgotten: their timestamp is refused anyway. */
  @Property({ type: 'timestamptz' })
  @Index()
  usedAt!: Date;
}
