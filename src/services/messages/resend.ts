// Resending: the same content as a new message in the same thread, a new delivery attempt on the timeline.
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { isEmailAddress } from '../../domain/email-address';
import { Document } from '../../entities/Document';
import { Message, MessageDirection, MessageStatus } from '../../entities/Message';
import { badInput, notFound } from '../../schema/errors';
import { publishEvent, Topic } from '../events/events';
import { queueDeliveries } from './delivery';
import { senderEnvelope, senderOf } from './send';
import { fromMailbox } from './compose';

/**
 * Sent on behalf of the user who resends it (From and `sender`), to the same recipients; a message that was
 * not emailed goes to the debtor's address as it is now. Its attachments are the same stored files.
 */
export async function resendMessage(ctx: RequestContext, administrationId: string, id: string): Promise<Message> {
  const em = tenantEm(ctx, administrationId);
  const original = await em.findOne(Message, { id }, { populate: ['thread', 'debtor'] });
  if (!original) throw notFound('Message not found');
  if (original.direction !== MessageDirection.OUTBOUND) throw badInput('Only a message that was sent can be sent again; this one was received', 'id');
  const debtorEmail = original.debtor.email?.trim() ?? '';
  const to = original.to.length > 0 ? original.to : isEmailAddress(debtorEmail) ? [debtorEmail] : [];
  if (to.length === 0) throw badInput('The debtor has no valid email address to send this message to', 'id');
  const sender = await senderOf(ctx, administrationId);
  const email = original.email
    ? { ...original.email, from: fromMailbox(sender.user.name, sender.administration.name, ctx.config.mail.from) }
    : senderEnvelope(ctx, sender, original.thread.token, original.targetType);
  const now = ctx.clock.now();
  return em.transactional(async (tx) => {
    const resent = tx.create(Message, {
      administration: administrationId,
      thread: original.thread,
      direction: MessageDirection.OUTBOUND,
      targetType: original.targetType,
      targetId: original.targetId,
      debtor: original.debtor,
      invoice: original.invoice,
      sender: sender.user.id,
      to,
      cc: original.cc,
      bcc: original.bcc,
      subject: original.subject,
      body: original.body,
      status: MessageStatus.QUEUED,
      email,
      resendOf: original,
      readAt: now,
      createdAt: now,
    });
    const attachments = await tx.find(Document, { message: original.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    for (const document of attachments) {
      const { filename, contentType, size, storageKey, sensitive, invoice } = document;
      tx.create(Document, { administration: administrationId, message: resent, invoice, filename, contentType, size, storageKey, sensitive, createdAt: now });
    }
    await tx.flush();
    await queueDeliveries(tx, ctx.config, administrationId, [resent]);
    await publishEvent(tx, Topic.MESSAGE_ADDED, administrationId, [resent.id]);
    return resent;
  });
}
