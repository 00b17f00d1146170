// A debtor's reply to one of our emails, received through the reply address of its thread: stored as an INBOUND
// message about the same invoice or debtor, answering the email it replies to, with its attachments as documents.
import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '../../entities/base';
import { isExecutable } from '../../domain/file-type';
import { bareMessageId } from '../../integrations/mail/mailgun-events';
import type { InboundAttachment, InboundEmail } from '../../integrations/mail/mailgun-inbound';
import type { Storage } from '../../integrations/storage/storage';
import { publishEvent, Topic } from '../events/events';
import { execute } from '../ledger/sql';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_COUNT, MAX_ATTACHMENTS_BYTES, removeFiles, safeFilename, storeFile, type AttachmentFile } from './attachments';
import type { WebhookDeps } from './delivery-events';
import { consumeWebhookToken, webhookTokenUsed } from './webhook-tokens';
import { insertMessageDocuments } from './write-messages';

export type InboundOutcome = { kind: 'stored'; messageId: string } | { kind: 'duplicate' } | { kind: 'unknown-thread' } | { kind: 'replayed' };

export interface InboundDeps extends WebhookDeps {
  storage: Storage;
  /** MAIL_REPLY_DOMAIN: only reply addresses at our own domain name a thread. */
  replyDomain: string;
}

/** The thread token of a reply address `reply+<token>@<reply domain>` (the domain in any case), or null. */
export function threadTokenOf(recipient: string | null, replyDomain: string): string | null {
  for (const address of (recipient ?? '').split(',')) {
    const match = /^\s*<?reply\+([0-9a-f]{32})@([^\s@<>]+?)>?\s*$/i.exec(address);
    if (match && match[2].toLowerCase() === replyDomain.toLowerCase()) return match[1].toLowerCase();
  }
  return null;
}

interface Thread {
  id: string;
  administration_id: string;
}

interface Origin {
  id: string;
  target_type: string;
  target_id: string;
  debtor_id: string;
  invoice_id: string | null;
}

async function openThread(em: EntityManager, token: string): Promise<Thread | null> {
  const [thread] = await execute<Thread>(em, 'select id, administration_id from message_threads where token = ? and revoked_at is null', [token]);
  return thread ?? null;
}

/** The sent email a reply answers: the one its In-Reply-To names, else the thread's latest; its target is the reply's. */
async function originOf(em: EntityManager, threadId: string, inReplyTo: string | null): Promise<Origin | null> {
  const [origin] = await execute<Origin>(
    em,
    `select id, target_type, target_id, debtor_id, invoice_id from messages
      where thread_id = ? and direction = 'OUTBOUND'
      order by coalesce(trim(both '<>' from provider_message_id) = ?::text, false) desc, created_at desc, id desc limit 1`,
    [threadId, bareMessageId(inReplyTo)],
  );
  return origin ?? null;
}

async function alreadyStored(em: EntityManager, administrationId: string, externalMessageId: string | null): Promise<boolean> {
  if (!externalMessageId) return false;
  const rows = await execute(em, 'select 1 from messages where administration_id = ? and external_message_id = ?', [administrationId, externalMessageId]);
  return rows.length > 0;
}

/**
 * The outbound rules for files, applied to what a debtor sent: at most 20 files, 10 MB each and 25 MB together,
 * typed by content, no programs. A file outside them is left out rather than the reply refused (the provider would
 * only send it again); the reply's body says which.
 */
async function storeAttachments(storage: Storage, administrationId: string, files: InboundAttachment[]): Promise<{ stored: AttachmentFile[]; refused: string[] }> {
  const stored: AttachmentFile[] = [];
  const refused: string[] = [];
  let used = 0;
  try {
    for (const [index, file] of files.entries()) {
      const filename = safeFilename(file.filename);
      const size = file.content.length;
      if (index >= MAX_ATTACHMENT_COUNT) refused.push(`${filename} (more than ${MAX_ATTACHMENT_COUNT} attachments)`);
      else if (size > MAX_ATTACHMENT_BYTES) refused.push(`${filename} (larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB)`);
      else if (used + size > MAX_ATTACHMENTS_BYTES) refused.push(`${filename} (the attachments together are larger than ${MAX_ATTACHMENTS_BYTES / 1024 / 1024} MB)`);
      else if (isExecutable(file.content)) refused.push(`${filename} (a program)`);
      else {
        stored.push(await storeFile(storage, administrationId, filename, file.content));
        used += size;
      }
    }
  } catch (error) {
    await removeFiles(storage, stored);
    throw error;
  }
  return { stored, refused };
}

const INSERT_REPLY = `
insert into messages (id, administration_id, thread_id, direction, target_type, target_id, debtor_id, invoice_id, sender_id, "to", cc, bcc, "from",
                      subject, body, status, email, attempts, external_message_id, in_reply_to_id, read_at, created_at)
values (?, ?, ?, 'INBOUND', ?::target_type, ?, ?, ?, null, array[?]::text[], '{}', '{}', ?, ?, ?, 'RECEIVED', null, 0, ?, ?, null, ?::timestamptz)
on conflict (administration_id, external_message_id) do nothing
returning id`;

async function insertReply(em: EntityManager, thread: Thread, origin: Origin, email: InboundEmail, body: string, files: AttachmentFile[], at: string): Promise<string | null> {
  const id = newId();
  const subject = email.subject.replace(/[\r\n]+/g, ' ').trim().slice(0, 998);
  const inserted = await execute(em, INSERT_REPLY, [
    id,
    thread.administration_id,
    thread.id,
    origin.target_type,
    origin.target_id,
    origin.debtor_id,
    origin.invoice_id,
    email.recipient ?? '',
    email.from?.slice(0, 998) ?? null,
    subject,
    body,
    email.messageId,
    origin.id,
    at,
  ]);
  if (inserted.length === 0) return null;
  await insertMessageDocuments(
    em,
    thread.administration_id,
    at,
    files.map((file) => ({ messageId: id, file })),
  );
  return id;
}

/**
 * Stores a signed reply once. Everything that can refuse it is looked at before its files are stored; the
 * transaction then uses up the signature's token and inserts the message, its documents and its live event, and
 * a reply that a concurrent delivery stored first (the unique Message-Id) leaves nothing behind.
 */
export async function receiveReply(em: EntityManager, deps: InboundDeps, signatureToken: string, email: InboundEmail): Promise<InboundOutcome> {
  const log = deps.logger.child({ recipient: email.recipient, externalMessageId: email.messageId });
  if (await webhookTokenUsed(em, signatureToken)) return { kind: 'replayed' };
  const token = threadTokenOf(email.recipient, deps.replyDomain);
  const thread = token ? await openThread(em, token) : null;
  const origin = thread ? await originOf(em, thread.id, email.inReplyTo) : null;
  if (!thread || !origin) {
    log.info('reply to an unknown or revoked reply address refused');
    return { kind: 'unknown-thread' };
  }
  if (await alreadyStored(em, thread.administration_id, email.messageId)) {
    log.info('reply received again; already stored');
    return { kind: 'duplicate' };
  }
  const { stored, refused } = await storeAttachments(deps.storage, thread.administration_id, email.attachments);
  const body = refused.length > 0 ? `${email.body.trimEnd()}\n\n[Attachments not kept: ${refused.join(', ')}]` : email.body;
  const now = deps.now();
  let outcome: InboundOutcome;
  try {
    outcome = await em.transactional(async (tx): Promise<InboundOutcome> => {
      if (!(await consumeWebhookToken(tx, signatureToken, deps.realNow()))) return { kind: 'replayed' };
      const id = await insertReply(tx, thread, origin, email, body, stored, now.toISOString());
      if (!id) return { kind: 'duplicate' };
      await publishEvent(tx, Topic.MESSAGE_ADDED, thread.administration_id, [id]);
      return { kind: 'stored', messageId: id };
    });
  } catch (error) {
    await removeFiles(deps.storage, stored);
    throw error;
  }
  if (outcome.kind !== 'stored') await removeFiles(deps.storage, stored);
  else log.info({ messageId: outcome.messageId, attachments: stored.length, refused: refused.length }, 'reply received');
  return outcome;
}
