// What a debtor sees and does in the portal: its open invoices, the messages about it, and replies.
import type { RequestContext } from '../../context';
import { Invoice, InvoiceStatus } from '../../entities/Invoice';
import { Message } from '../../entities/Message';
import { newId } from '../../entities/base';
import { isUuid } from '../../auth/tenant-source';
import { notFound } from '../../schema/errors';
import { readRows } from '../lists/read-rows';
import { execute } from '../ledger/sql';
import { checkBody } from '../messages/content';
import { newThreadToken } from '../messages/send';
import { publishEvent, Topic } from '../events/events';
import { requirePortalData } from './portal-guard';
import type { PortalView } from './portal-view';

/** The portal shows a debtor's conversation, not an archive: the newest messages, at most this many. */
export const PORTAL_MESSAGES_LIMIT = 200;

export async function portalInvoices(ctx: RequestContext): Promise<Invoice[]> {
  const view = await requirePortalData(ctx);
  const rows = await execute(
    ctx.em,
    `select * from invoices where administration_id = ? and debtor_id = ? and status = ? order by due_date, number, id`,
    [view.administrationId, view.debtorId, InvoiceStatus.OPEN],
  );
  return readRows(ctx.em, Invoice, rows);
}

/** Messages about the debtor, its invoices and its cases, newest first, including those that were not emailed. */
export async function portalMessages(ctx: RequestContext): Promise<Message[]> {
  const view = await requirePortalData(ctx);
  const rows = await execute(ctx.em, `select * from messages where administration_id = ? and debtor_id = ? order by created_at desc, id desc limit ?`, [
    view.administrationId,
    view.debtorId,
    PORTAL_MESSAGES_LIMIT,
  ]);
  return readRows(ctx.em, Message, rows).map(withoutBcc);
}

/** Blind copies are the administration's business: the debtor never sees who they went to. */
function withoutBcc(message: Message): Message {
  return Object.assign(Object.create(Object.getPrototypeOf(message) as object) as Message, message, { bcc: [] });
}

/**
 * A reply from the portal: stored like an emailed reply (INBOUND, RECEIVED, unread, so the debtor carries
 * UNREAD_REPLY) on the invoice or the debtor, in the conversation of the latest message about it, and pushed live.
 */
export async function portalReply(ctx: RequestContext, invoiceId: string | null | undefined, body: string): Promise<Message> {
  const view = await requirePortalData(ctx);
  const text = checkBody(body);
  const invoice = invoiceId ? await ownInvoice(ctx, view, invoiceId) : null;
  const now = ctx.clock.now().toISOString();
  const id = newId();
  const rows = await ctx.em.transactional(async (em) => {
    const [latest] = await execute<{ thread_id: string; subject: string }>(
      em,
      `select thread_id, subject from messages where administration_id = ? and debtor_id = ? and (?::uuid is null or invoice_id = ?::uuid)
        order by created_at desc limit 1`,
      [view.administrationId, view.debtorId, invoice?.id ?? null, invoice?.id ?? null],
    );
    const threadId = latest?.thread_id ?? newId();
    if (!latest) {
      await execute(em, 'insert into message_threads (id, administration_id, token, created_at) values (?, ?, ?, ?)', [threadId, view.administrationId, newThreadToken(), now]);
    }
    const subject = latest ? `Re: ${latest.subject.replace(/^(re:\s*)+/i, '')}` : invoice ? `Reply about invoice ${invoice.number}` : 'Reply from the customer portal';
    const inserted = await execute(
      em,
      `insert into messages (id, administration_id, thread_id, direction, target_type, target_id, debtor_id, invoice_id, sender_id, "to", cc, bcc, "from",
                             subject, body, status, email, attempts, read_at, created_at)
       values (?, ?, ?, 'INBOUND', ?::target_type, ?, ?, ?, null, '{}', '{}', '{}', ?, ?, ?, 'RECEIVED', null, 0, null, ?)
       returning *`,
      [id, view.administrationId, threadId, invoice ? 'INVOICE' : 'DEBTOR', invoice?.id ?? view.debtorId, view.debtorId, invoice?.id ?? null, `${view.debtorName} (customer portal)`, subject.slice(0, 500), text, now],
    );
    await publishEvent(em, Topic.MESSAGE_ADDED, view.administrationId, [id]);
    return inserted;
  });
  ctx.logger.info({ administrationId: view.administrationId, debtorId: view.debtorId, messageId: id }, 'portal reply received');
  return readRows(ctx.em, Message, rows)[0];
}

async function ownInvoice(ctx: RequestContext, view: PortalView, invoiceId: string): Promise<{ id: string; number: string }> {
  if (!isUuid(invoiceId)) throw notFound('Invoice not found');
  const [invoice] = await execute<{ id: string; number: string }>(ctx.em, 'select id, number from invoices where id = ? and administration_id = ? and debtor_id = ?', [
    invoiceId,
    view.administrationId,
    view.debtorId,
  ]);
  if (!invoice) throw notFound('Invoice not found');
  return invoice;
}
