// Sending messages: one or many targets, each its own message in its own thread, written with its delivery job
// in one transaction (the worker sends after commit).
import { randomBytesPooled } from '../../domain/random-pool';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { isEmailAddress } from '../../domain/email-address';
import { type SensitiveAttachmentsPolicy } from '../../entities/AdministrationSettings';
import { type Message, MessageStatus, type EmailEnvelope, type TargetType } from '../../entities/Message';
import type { FileUpload } from '../../domain/files';
import { storageFor } from '../../integrations/storage/storage';
import { badInput, notFound, unauthenticated } from '../../schema/errors';
import { execute } from '../ledger/sql';
import { attachesSensitive, removeFiles, sensitiveDocumentsOf, storeUploads, type AttachmentFile } from './attachments';
import { emailEnvelope } from './compose';
import { completeContent, type Content, type ContentInput } from './content';
import { enqueueDeliveries } from './delivery';
import { fillPlaceholders } from './placeholders';
import { resolveTargets, type ResolvedTarget, type TargetRef } from './targets';
import { insertOutboundMessages } from './write-messages';

export const MAX_BULK_TARGETS = 1000;

/** Who sends, from which administration, with which signature: the same for every message of a request. */
export interface Sender {
  user: { id: string; name: string };
  administration: { id: string; name: string };
  signature: string | null;
  sensitiveAttachments: SensitiveAttachmentsPolicy;
}

interface SenderRow {
  user_id: string | null;
  user_name: string | null;
  administration_id: string;
  administration_name: string;
  email_signature: string | null;
  sensitive_attachments: SensitiveAttachmentsPolicy;
}

/** The calling user with the administration and its settings, in one statement (every send reads it). */
export async function senderOf(ctx: RequestContext, administrationId: string): Promise<Sender> {
  if (!ctx.userId) throw unauthenticated();
  const [row] = await execute<SenderRow>(
    ctx.em,
    `select u.id as user_id, u.name as user_name, a.id as administration_id, a.name as administration_name, s.email_signature, s.sensitive_attachments
       from administration_settings s join administrations a on a.id = s.administration_id left join users u on u.id = ?
      where s.administration_id = ?`,
    [ctx.userId, administrationId],
  );
  if (!row) throw notFound('Administration not found');
  // A token of a user deleted since it was signed.
  if (!row.user_id || row.user_name === null) throw unauthenticated();
  return {
    user: { id: row.user_id, name: row.user_name },
    administration: { id: row.administration_id, name: row.administration_name },
    signature: row.email_signature,
    sensitiveAttachments: row.sensitive_attachments,
  };
}

/** A new thread's token: 128 random bits in hex, the part after `reply+` of the Reply-To address. */
export const newThreadToken = () => randomBytesPooled(16).toString('hex');

export function replyAddress(ctx: RequestContext, token: string): string {
  return `reply+${token}@${ctx.config.mail.replyDomain}`;
}

/** The envelope of a user's message: From on their behalf, Reply-To its thread, the administration's signature. */
export function senderEnvelope(ctx: RequestContext, sender: Sender, token: string, targetType: TargetType, notice: string | null = null): EmailEnvelope {
  return emailEnvelope({
    notice,
    signature: sender.signature,
    senderName: sender.user.name,
    administrationName: sender.administration.name,
    fromAddress: ctx.config.mail.from,
    replyTo: replyAddress(ctx, token),
    tags: ['message', `about-${targetType.toLowerCase()}`],
  });
}

interface Draft {
  target: ResolvedTarget;
  token: string;
  to: string[];
  subject: string;
  body: string;
  email: EmailEnvelope | null;
  /** Why a message is NOT_EMAILED. */
  notEmailed: string | null;
  attachments: AttachmentFile[];
}

/**
 * The message for one target: placeholders filled with its values, `to` its debtor's address unless given, the
 * uploads attached, and an invoice's sensitive documents attached or linked by the administration's policy.
 */
function draftFor(ctx: RequestContext, sender: Sender, content: Content, target: ResolvedTarget, uploads: AttachmentFile[], sensitive: AttachmentFile[]): Draft {
  const portalUrl = ctx.portalLinks.urlOf(target.debtor.id, target.debtor.portalLinkNonce);
  const values = { ...target.values, 'portal.url': portalUrl, 'user.name': sender.user.name };
  const subject = fillPlaceholders(content.subject, values, 'subject').replace(/[\r\n]+/g, ' ');
  const body = fillPlaceholders(content.body, values, 'body');
  const token = newThreadToken();
  const attach = attachesSensitive(sender.sensitiveAttachments, target.debtor.type);
  const attachments = attach ? [...uploads, ...sensitive] : uploads;
  const notice =
    !attach && sensitive.length > 0 && target.invoice
      ? `The documents of invoice ${target.invoice.number} are in your customer portal: ${portalUrl}`
      : null;
  const debtorEmail = target.debtor.email?.trim() ?? '';
  const to = content.to ?? (isEmailAddress(debtorEmail) ? [debtorEmail] : []);
  if (to.length === 0) {
    const notEmailed = debtorEmail ? `The debtor's email address '${debtorEmail}' is not valid` : 'The debtor has no email address';
    return { target, token, to, subject, body, email: null, notEmailed, attachments };
  }
  const email = senderEnvelope(ctx, sender, token, target.type, notice);
  return { target, token, to, subject, body, email, notEmailed: null, attachments };
}

/** Checks and renders every target's message, then stores the uploads: nothing is stored when a target is bad. */
async function draftAll(
  ctx: RequestContext,
  administrationId: string,
  sender: Sender,
  content: Content,
  targets: ResolvedTarget[],
  uploads: Promise<FileUpload>[] | null | undefined,
): Promise<Draft[]> {
  const sensitive = await sensitiveDocumentsOf(ctx.em, administrationId, targets.flatMap((t) => (t.invoice ? [t.invoice.id] : [])));
  const sensitiveOf = (target: ResolvedTarget) => (target.invoice ? (sensitive.get(target.invoice.id) ?? []) : []);
  // A dry run first: a bad placeholder refuses the request before any upload is read or stored.
  for (const target of targets) draftFor(ctx, sender, content, target, [], []);
  const stored = await storeUploads(storageFor(ctx.config), administrationId, uploads);
  return targets.map((target) => draftFor(ctx, sender, content, target, stored, sensitiveOf(target)));
}

async function writeDrafts(ctx: RequestContext, administrationId: string, sender: Sender, content: Content, drafts: Draft[]): Promise<Message[]> {
  try {
    return await writeDraftsOnce(ctx, administrationId, sender, content, drafts);
  } catch (error) {
    // The uploads were stored for these messages only; the invoices' own documents stay.
    await removeFiles(storageFor(ctx.config), drafts[0]?.attachments.filter((a) => !a.sensitive) ?? []);
    throw error;
  }
}

async function writeDraftsOnce(ctx: RequestContext, administrationId: string, sender: Sender, content: Content, drafts: Draft[]): Promise<Message[]> {
  const now = ctx.clock.now();
  return tenantEm(ctx, administrationId).transactional(async (em) => {
    const messages = await insertOutboundMessages(
      em,
      administrationId,
      sender.user.id,
      now,
      drafts.map((draft) => ({
        threadToken: draft.token,
        targetType: draft.target.type,
        targetId: draft.target.id,
        debtorId: draft.target.debtor.id,
        invoiceId: draft.target.invoice?.id ?? null,
        to: draft.to,
        cc: draft.email ? content.cc : [],
        bcc: draft.email ? content.bcc : [],
        subject: draft.subject,
        body: draft.body,
        status: draft.email ? MessageStatus.QUEUED : MessageStatus.NOT_EMAILED,
        email: draft.email,
        failureReason: draft.notEmailed,
        attachments: draft.attachments,
      })),
      ctx.config.jobs.leaseSeconds,
    );
    await enqueueDeliveries(em, administrationId, messages.filter((m) => m.status === MessageStatus.QUEUED));
    return messages;
  });
}

export interface SendInput extends ContentInput {
  attachments?: Promise<FileUpload>[] | null;
}

export async function sendMessage(ctx: RequestContext, administrationId: string, target: TargetRef, input: SendInput): Promise<Message> {
  const content = await completeContent(ctx, administrationId, input);
  const resolved = await resolveTargets(ctx, administrationId, [target]);
  const sender = await senderOf(ctx, administrationId);
  const drafts = await draftAll(ctx, administrationId, sender, content, resolved, input.attachments);
  const [message] = await writeDrafts(ctx, administrationId, sender, content, drafts);
  return message;
}

/**
 * The same message to each target, individually: its own debtor's address, its own placeholder values, its own
 * message. Everything is checked and rendered before the one transaction that writes them all, so a bad target
 * refuses the whole request and a user never sends half a bulk.
 */
export async function sendMessages(
  ctx: RequestContext,
  administrationId: string,
  targets: TargetRef[],
  input: Omit<SendInput, 'to' | 'cc' | 'bcc'>,
): Promise<Message[]> {
  if (targets.length === 0) throw badInput('targets must name at least one invoice or debtor', 'targets');
  if (targets.length > MAX_BULK_TARGETS) throw badInput(`targets may name at most ${MAX_BULK_TARGETS} invoices or debtors`, 'targets');
  const unique = [...new Map(targets.map((t) => [`${t.type}:${t.id}`, t])).values()];
  const content = await completeContent(ctx, administrationId, input);
  const resolved = await resolveTargets(ctx, administrationId, unique);
  const sender = await senderOf(ctx, administrationId);
  const drafts = await draftAll(ctx, administrationId, sender, content, resolved, input.attachments);
  return writeDrafts(ctx, administrationId, sender, content, drafts);
}
