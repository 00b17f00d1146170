// Reading messages: one by id, the inbox, and marking a message read.
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { Message, type MessageDirection } from '../../entities/Message';
import { notFound } from '../../schema/errors';
import { byCreatedAt, listPage, type ListSpec, type Page } from '../lists/list-page';
import { execute, knex } from '../ledger/sql';
import { readRows } from '../lists/read-rows';

export interface InboxFilterInput {
  unreadOnly?: boolean | null;
  direction?: MessageDirection | null;
}

const INBOX: ListSpec<Message> = { entity: Message, alias: 'm', direction: 'desc', ...byCreatedAt };

/** Newest first; `unreadOnly` leaves the messages a user has read (and every sent one: its writer read it). */
export function listInbox(
  ctx: RequestContext,
  administrationId: string,
  filter: InboxFilterInput | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<Message>> {
  const em = ctx.em; // plain SQL that names its administration
  const base = knex(em)('messages as m').where('m.administration_id', administrationId);
  if (filter?.unreadOnly) base.whereNull('m.read_at');
  if (filter?.direction) base.where('m.direction', filter.direction);
  return listPage(em, base, INBOX, { first, after });
}

export async function getMessage(ctx: RequestContext, administrationId: string, id: string): Promise<Message> {
  const message = await tenantEm(ctx, administrationId).findOne(Message, { id });
  if (!message) throw notFound('Message not found');
  return message;
}

/** Sets readAt the first time; reading it again keeps the first time. */
export async function markMessageRead(ctx: RequestContext, administrationId: string, id: string): Promise<Message> {
  const em = tenantEm(ctx, administrationId);
  const rows = await execute(
    em,
    `update messages set read_at = coalesce(read_at, ?::timestamptz) where id = ? and administration_id = ? returning *`,
    [ctx.clock.now().toISOString(), id, administrationId],
  );
  if (rows.length === 0) throw notFound('Message not found');
  return readRows(em, Message, rows)[0];
}
