// Writes new outbound messages with their threads and attachment rows in a few set-based statements, so a bulk
// send of a thousand costs what one does in round trips (the unit of work would insert and track each entity).
import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '../../entities/base';
import { Message, type MessageStatus, type StoredEmail, type TargetType } from '../../entities/Message';
import { publishEvent, Topic } from '../events/events';
import { readRows } from '../lists/read-rows';
import { executeBulk } from '../ledger/sql';
import type { AttachmentFile } from './attachments';

export interface NewMessage {
  threadToken: string;
  targetType: TargetType;
  targetId: string;
  debtorId: string;
  invoiceId: string | null;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  body: string;
  status: MessageStatus;
  email: StoredEmail | null;
  failureReason: string | null;
  attachments: AttachmentFile[];
}

/**
 * In the caller's transaction; returns the messages (read-only snapshots) in the order given. A QUEUED message gets
 * its first delivery lease (`leaseSeconds`, on the database's clock) as it is written; the caller enqueues its job
 * (enqueueDeliveries).
 */
export async function insertOutboundMessages(
  em: EntityManager,
  administrationId: string,
  senderId: string | null,
  now: Date,
  messages: NewMessage[],
  leaseSeconds: number,
): Promise<Message[]> {
  const { rows, inserted } = await writeRows(em, administrationId, senderId, now, messages, leaseSeconds, true);
  const byId = new Map(readRows(em, Message, inserted).map((m) => [m.id, m]));
  return rows.map((row) => byId.get(row.id)!);
}

/** What a bulk writer needs of a message it wrote: enough to enqueue its delivery (enqueueDeliveries). */
export interface WrittenMessage {
  id: string;
  status: MessageStatus;
  attempts: number;
}

/**
 * insertOutboundMessages without reading the messages back: a reminder run writes thousands, and `returning *`
 * would ship every rendered body back to us for nothing (it was a third of the messages statement's time).
 */
export async function writeOutboundMessages(
  em: EntityManager,
  administrationId: string,
  senderId: string | null,
  now: Date,
  messages: NewMessage[],
  leaseSeconds: number,
): Promise<WrittenMessage[]> {
  const { rows } = await writeRows(em, administrationId, senderId, now, messages, leaseSeconds, false);
  return rows.map((row) => ({ id: row.id, status: row.status, attempts: 0 }));
}

async function writeRows(
  em: EntityManager,
  administrationId: string,
  senderId: string | null,
  now: Date,
  messages: NewMessage[],
  leaseSeconds: number,
  readBack: boolean,
) {
  const rows = messages.map((m) => ({
    id: newId(),
    thread_id: newId(),
    token: m.threadToken,
    target_type: m.targetType,
    target_id: m.targetId,
    debtor_id: m.debtorId,
    invoice_id: m.invoiceId,
    to: m.to,
    cc: m.cc,
    bcc: m.bcc,
    subject: m.subject,
    body: m.body,
    status: m.status,
    email: m.email,
    failure_reason: m.failureReason,
  }));
  const at = now.toISOString();
  // Threads and messages in one statement: the JSON (every rendered body) is parsed once, not once per table. The
  // messages' foreign key to their thread is checked at the end of the statement, when the threads are there.
  // The writer has read what they wrote (read_at): the inbox's unread filter is about replies.
  const inserted = await executeBulk(
    em,
    `with r as materialized (
       select * from jsonb_to_recordset(?::jsonb) as r(id uuid, thread_id uuid, token text, target_type text, target_id uuid, debtor_id uuid, invoice_id uuid,
                                                      "to" text[], cc text[], bcc text[], subject text, body text, status text, email jsonb, failure_reason text)
     ), threads as (
       insert into message_threads (id, administration_id, token, created_at) select r.thread_id, ?::uuid, r.token, ?::timestamptz from r
     )
     insert into messages (id, administration_id, thread_id, direction, target_type, target_id, debtor_id, invoice_id, sender_id,
                           "to", cc, bcc, subject, body, status, email, attempts, failure_reason, read_at, created_at, lease_until)
     select r.id, ?::uuid, r.thread_id, 'OUTBOUND', r.target_type::target_type, r.target_id, r.debtor_id, r.invoice_id, ?::uuid,
            r."to", r.cc, r.bcc, r.subject, r.body, r.status::message_status, r.email, 0, r.failure_reason, ?::timestamptz, ?::timestamptz,
            case when r.status = 'QUEUED' then now() + make_interval(secs => ?) end
       from r
     ${readBack ? 'returning *' : ''}`,
    [JSON.stringify(rows), administrationId, at, administrationId, senderId, at, at, leaseSeconds],
  );
  await insertMessageDocuments(
    em,
    administrationId,
    at,
    messages.flatMap((m, i) => m.attachments.map((file) => ({ messageId: rows[i].id, file }))),
  );
  // Pushed to messageAdded subscribers once this transaction commits.
  await publishEvent(em, Topic.MESSAGE_ADDED, administrationId, rows.map((row) => row.id));
  return { rows, inserted };
}

/** The documents of messages (their attachments, already stored), in one statement whatever their number. */
export async function insertMessageDocuments(em: EntityManager, administrationId: string, at: string, documents: { messageId: string; file: AttachmentFile }[]): Promise<void> {
  if (documents.length === 0) return;
  const rows = documents.map(({ messageId, file }) => ({
    id: newId(),
    message_id: messageId,
    filename: file.filename,
    content_type: file.contentType,
    size: file.size,
    storage_key: file.storageKey,
    sensitive: file.sensitive,
  }));
  await executeBulk(
    em,
    `insert into documents (id, administration_id, invoice_id, message_id, filename, content_type, size, storage_key, sensitive, created_at)
     select r.id, ?::uuid, null, r.message_id, r.filename, r.content_type, r.size, r.storage_key, r.sensitive, ?::timestamptz
       from jsonb_to_recordset(?::jsonb) as r(id uuid, message_id uuid, filename text, content_type text, size int, storage_key text, sensitive boolean)`,
    [administrationId, at, JSON.stringify(rows)],
  );
}
