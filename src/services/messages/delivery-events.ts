// A provider's delivery events on our sent messages: delivered, opened, bounced. Statuses only move forward
// (QUEUED < SENT < DELIVERED < OPENED; a permanent failure may follow anything before OPENED), whatever order the
// events arrive in, each in one conditional UPDATE; a permanent failure to the debtor's address flags the debtor.
import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '../../auth/tenant-source';
import type { DeliveryEvent } from '../../integrations/mail/mailgun-events';
import type { Logger } from '../../logger';
import { publishEvent, Topic } from '../events/events';
import { execute } from '../ledger/sql';
import { consumeWebhookToken } from './webhook-tokens';

export type DeliveryEventOutcome = 'updated' | 'unchanged' | 'unknown-message' | 'ignored' | 'replayed';

export interface WebhookDeps {
  logger: Logger;
  now(): Date;
  /** Real time for the replay memory of signature tokens, as for the signature's timestamp (never a test clock). */
  realNow(): Date;
}

interface Target {
  id: string;
  administration_id: string;
  debtor_id: string;
}

/** By our id where the event carries it; otherwise by the provider's id, stored with or without angle brackets. */
async function findOutbound(em: EntityManager, event: DeliveryEvent): Promise<Target | null> {
  const columns = 'select id, administration_id, debtor_id from messages';
  if (event.messageId && isUuid(event.messageId)) {
    const [row] = await execute<Target>(em, `${columns} where id = ? and direction = 'OUTBOUND'`, [event.messageId]);
    if (row) return row;
  }
  if (event.providerMessageId) {
    const id = event.providerMessageId;
    const [row] = await execute<Target>(em, `${columns} where provider_message_id in (?, ?) and direction = 'OUTBOUND' order by created_at desc, id desc limit 1`, [
      `<${id}>`,
      id,
    ]);
    if (row) return row;
  }
  return null;
}

// Each statement names the statuses it moves from, so an event that arrives late changes nothing. A message still
// QUEUED was accepted by Mailgun before our SENT committed: it was sent, so sentAt and Mailgun's id are filled in.
const DELIVERED = `
update messages set status = 'DELIVERED', sent_at = coalesce(sent_at, ?::timestamptz), provider_message_id = coalesce(provider_message_id, ?),
       lease_until = null, failure_reason = null
 where id = ? and status in ('QUEUED', 'SENT') returning id`;

// The first open is kept: a later open changes nothing, an earlier one that arrives late moves openedAt back to it.
const OPENED = `
update messages set status = 'OPENED', opened_at = least(coalesce(opened_at, ?::timestamptz), ?::timestamptz),
       sent_at = coalesce(sent_at, ?::timestamptz), provider_message_id = coalesce(provider_message_id, ?), lease_until = null, failure_reason = null
 where id = ? and (status in ('QUEUED', 'SENT', 'DELIVERED') or (status = 'OPENED' and opened_at > ?::timestamptz)) returning id`;

const FAILED = `
update messages set status = 'FAILED', failure_reason = ?, provider_message_id = coalesce(provider_message_id, ?), lease_until = null
 where id = ? and status in ('QUEUED', 'SENT', 'DELIVERED') returning id`;

async function moveStatus(em: EntityManager, message: Target, event: DeliveryEvent, at: string): Promise<boolean> {
  const providerId = event.providerMessageId ? `<${event.providerMessageId}>` : null;
  let rows: unknown[] = [];
  if (event.kind === 'delivered') rows = await execute(em, DELIVERED, [at, providerId, message.id]);
  if (event.kind === 'opened') rows = await execute(em, OPENED, [at, at, at, providerId, message.id, at]);
  if (event.kind === 'failed') rows = await execute(em, FAILED, [event.reason ?? 'The email could not be delivered', providerId, message.id]);
  return rows.length > 0;
}

// The flag is about the debtor's address: a bounce of another recipient (a cc, an address typed for one message)
// leaves it, and an event without a recipient is taken to be about the debtor's. Event times decide, so a late
// "delivered" of an older email does not clear a newer bounce.
const FLAG_BOUNCED = `
update debtors set email_bounced_at = greatest(coalesce(email_bounced_at, '-infinity'), ?::timestamptz)
 where id = ? and (?::text is null or lower(trim(email)) = lower(?::text))`;
const CLEAR_BOUNCED = `
update debtors set email_bounced_at = null
 where id = ? and lower(trim(email)) = lower(?::text) and email_bounced_at < ?::timestamptz`;

async function updateDebtor(em: EntityManager, message: Target, event: DeliveryEvent, at: string): Promise<void> {
  if (event.kind === 'failed') await execute(em, FLAG_BOUNCED, [at, message.debtor_id, event.recipient, event.recipient]);
  if (event.kind === 'delivered' && event.recipient) await execute(em, CLEAR_BOUNCED, [message.debtor_id, event.recipient, at]);
}

/**
 * One signed event in one transaction: the signature's token is used up, the message moves forward (or not), the
 * debtor's bounce flag follows, and a changed message is published live once the transaction commits.
 */
export async function recordDeliveryEvent(em: EntityManager, deps: WebhookDeps, signatureToken: string, event: DeliveryEvent): Promise<DeliveryEventOutcome> {
  const now = deps.now();
  const log = deps.logger.child({ event: event.name, messageId: event.messageId, providerMessageId: event.providerMessageId });
  return em.transactional(async (tx) => {
    if (!(await consumeWebhookToken(tx, signatureToken, deps.realNow()))) return 'replayed';
    if (event.kind === 'other') {
      log.debug('mail event ignored');
      return 'ignored';
    }
    if (event.kind === 'failed' && !event.permanent) {
      // Mailgun retries a temporary failure itself; a final one arrives as a permanent failure.
      log.info({ reason: event.reason }, 'temporary delivery failure; the provider retries');
      return 'ignored';
    }
    const message = await findOutbound(tx, event);
    if (!message) {
      log.warn('mail event for an unknown message');
      return 'unknown-message';
    }
    const at = (event.occurredAt ?? now).toISOString();
    const changed = await moveStatus(tx, message, event, at);
    await updateDebtor(tx, message, event, at);
    if (changed) await publishEvent(tx, Topic.MESSAGE_UPDATED, message.administration_id, [message.id]);
    log.info({ messageId: message.id, changed, reason: event.reason ?? undefined }, changed ? 'message status updated' : 'mail event changed no status');
    return changed ? 'updated' : 'unchanged';
  });
}
