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

/** The email a delivery attempt sends: From, Reply-To, text and HTML parts. */
export interface RenderedEmail {
  from: string;
  replyTo: string;
  text: string;
  html: string;
  tags: string[];
}

/** One invoice in an email's table (a reminder lists the debtor's invoices at its step). */
export interface InvoiceLine {
  number: string;
  dueDate: string;
  /** In cents. */
  openAmount: string;
  currency: string;
}

/**
 * What a message's email is made of besides its subject and body, fixed when the message is written; each delivery
 * attempt composes the same email from it (compose.ts). Storing this instead of both parts keeps an email's row at
 * about a third of the bytes: a reminder run writes hundreds of thousands.
 */
export interface EmailEnvelope {
  from: string;
  replyTo: string;
  tags: string[];
  signature: string | null;
  /** A paragraph after the body, before the signature (where an invoice's documents can be found). */
  notice: string | null;
  /** The invoices whose table is a paragraph of the body: the HTML part shows them as a table. */
  invoices: InvoiceLine[] | null;
}

/** Messages written before envelopes hold their rendered email. */
export type StoredEmail = EmailEnvelope | RenderedEmail;

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

  // No constraint: written for the administration the writer was checked against, and administrations are not
  // deleted (Migration20261210ReminderWriteCosts, Migration20261211MessageWriteCosts).
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

  // No constraint: the writer read the debtor in the same transaction, and debtors are not deleted
  // (Migration20261211MessageWriteCosts).
  @ManyToOne(() => Debtor, { createForeignKeyConstraint: false })
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
  email: StoredEmail | null = null;

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
