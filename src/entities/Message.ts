// A message about an invoice, a debtor or a case: an email sent on behalf of a user, or a debtor's reply.
import { Entity, Enum, Filter, Index, ManyToOne, PrimaryKey, Property, type Rel, Unique, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { Debtor } from './Debtor';
import { Invoice } from './Invoice';
import { MessageThread } from './MessageThread';
import { User } from './User';
import { newId, tenantFilter } from './base';

export enum MessageDirection {
  OUTBOUND = 'OUTBOUND',
  INBOUND = 'INBOUND',
}

export enum MessageStatus {
  QUEUED = 'QUEUED',
  SENT = 'SENT',
  DELIVERED = 'DELIVERED',
  OPENED = 'OPENED',
  FAILED = 'FAILED',
  NOT_EMAILED = 'NOT_EMAILED',
  RECEIVED = 'RECEIVED',
}

/** What a message is about. CASE arrives with the cases of the reminders issue. */
export enum TargetType {
  INVOICE = 'INVOICE',
  DEBTOR = 'DEBTOR',
  CASE = 'CASE',
}

/** The email as rendered when the message was written: what every delivery attempt sends. */
export interface RenderedEmail {
  from: string;
  replyTo: string;
  text: string;
  html: string;
  tags: string[];
}

@Entity({ tableName: 'messages' })
// The inbox: newest first per administration, and its unread filter.
@Index({ properties: ['administration', 'createdAt', 'id'] })
@Index({
  name: 'messages_unread_index',
  expression: `create index "messages_unread_index" on "messages" ("administration_id", "created_at", "id") where "read_at" is null`,
})
// Delivery recovery looks for queued messages whose lease ran out (a dead worker, or a retry that is due).
@Index({
  name: 'messages_queued_index',
  expression: `create index "messages_queued_index" on "messages" ("lease_until") where "status" = 'QUEUED'`,
})
// A debtor's unread replies (UNREAD_REPLY): found per debtor, and per page of debtors, without reading their other messages.
@Index({
  name: 'messages_unread_replies_index',
  expression: `create index "messages_unread_replies_index" on "messages" ("debtor_id") where "direction" = 'INBOUND' and "read_at" is null`,
})
// A case's timeline finds the messages about it.
@Index({
  name: 'messages_case_target_index',
  expression: `create index "messages_case_target_index" on "messages" ("target_id") where "target_type" = 'CASE'`,
})
// Mailgun may forward the same reply more than once; its Message-Id keeps it one message (null ids stay distinct).
@Unique({ properties: ['administration', 'externalMessageId'] })
@Filter(tenantFilter)
export class Message {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  // No constraint of its own: the debtor and the thread are the administration's and cascade (see
  // Migration20261210ReminderWriteCosts).
  @ManyToOne(() => Administration, { createForeignKeyConstraint: false })
  administration!: Rel<Administration>;

  /** The conversation it belongs to; replies find it by the thread's token. */
  @ManyToOne(() => MessageThread, { deleteRule: 'cascade' })
  @Index()
  thread!: Rel<MessageThread>;

  @Enum({ items: () => MessageDirection, nativeEnumName: 'message_direction' })
  direction!: MessageDirection;

  @Enum({ items: () => TargetType, nativeEnumName: 'target_type' })
  targetType!: TargetType;

  @Property({ type: 'uuid' })
  targetId!: string;

  @ManyToOne(() => Debtor, { deleteRule: 'cascade' })
  @Index()
  debtor!: Rel<Debtor>;

  /** The invoice a message about an invoice is about, so the invoice's timeline finds it. */
  @ManyToOne(() => Invoice, { deleteRule: 'cascade', nullable: true })
  @Index()
  invoice: Rel<Invoice> | null = null;

  /** The user on whose behalf it was sent; null for an inbound message. */
  @ManyToOne(() => User, { deleteRule: 'set null', nullable: true })
  sender: Rel<User> | null = null;

  @Property({ type: 'text[]' })
  to: Opt<string[]> = [];

  /** Who an inbound reply came from (its From header); an outbound message's From is in `email`. */
  @Property({ type: 'text', nullable: true })
  from: string | null = null;

  @Property({ type: 'text[]' })
  cc: Opt<string[]> = [];

  @Property({ type: 'text[]' })
  bcc: Opt<string[]> = [];

  /** Subject and body with the placeholders filled in, without the signature. */
  @Property({ type: 'text' })
  subject!: string;

  @Property({ type: 'text' })
  body!: string;

  @Enum({ items: () => MessageStatus, nativeEnumName: 'message_status' })
  status!: MessageStatus;

  /** Null for a message that is not emailed (inbound, or no address). */
  @Property({ type: 'jsonb', nullable: true, lazy: false })
  email: RenderedEmail | null = null;

  /** Delivery attempts made (each claim by a worker counts, also one that crashed). */
  @Property({ type: 'integer' })
  attempts: Opt<number> = 0;

  /**
   * While QUEUED: until when the delivery is in someone's hands (its job, a running attempt, or the backoff
   * before the next attempt). Past it, recovery queues the next attempt.
   */
  @Property({ type: 'timestamptz', nullable: true })
  leaseUntil: Date | null = null;

  /** Why the last attempt failed (the provider's answer); kept while a retry is pending. */
  @Property({ type: 'text', nullable: true })
  failureReason: string | null = null;

  /** The provider's id for the email (Mailgun's `<...@domain>`), for its webhooks. */
  @Property({ type: 'text', nullable: true })
  @Index()
  providerMessageId: string | null = null;

  /** An inbound reply's own Message-Id header, so that a repeated delivery of it stores nothing new. */
  @Property({ type: 'text', nullable: true })
  externalMessageId: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  sentAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  openedAt: Date | null = null;

  /** Read in the inbox by a user; an outbound message is read by its writer when it is written. */
  @Property({ type: 'timestamptz', nullable: true })
  readAt: Date | null = null;

  @ManyToOne(() => Message, { deleteRule: 'set null', nullable: true })
  inReplyTo: Rel<Message> | null = null;

  /** A resend is a new message with the same content; this points at the one it repeats. */
  @ManyToOne(() => Message, { deleteRule: 'set null', nullable: true })
  resendOf: Rel<Message> | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
