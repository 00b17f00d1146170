// Live events: ids published with pg_notify inside the transaction, so PostgreSQL delivers them only after commit.
import type { EntityManager } from '@mikro-orm/postgresql';
import { executeBulk } from '../ledger/sql';

export const EVENTS_CHANNEL = 'credit_events';

export enum Topic {
  PAYMENT_UPDATED = 'PAYMENT_UPDATED',
  IMPORT_RUN_UPDATED = 'IMPORT_RUN_UPDATED',
  /** A message was written: outbound (sent, or stored as NOT_EMAILED) or inbound (a reply). */
  MESSAGE_ADDED = 'MESSAGE_ADDED',
  /** A message's delivery status changed (sent, failed, or a provider's webhook: delivered, opened, bounced). */
  MESSAGE_UPDATED = 'MESSAGE_UPDATED',
}

export interface EventMessage {
  topic: Topic;
  administrationId: string;
  ids: string[];
}

// A NOTIFY payload must stay under 8000 bytes; 150 uuids with JSON quoting is about 6 kB.
const IDS_PER_NOTIFY = 150;

/** One NOTIFY per 150 ids (never one per row), all in one statement, rolled back with the transaction it is part of. */
export async function publishEvent(em: EntityManager, topic: Topic, administrationId: string, ids: string[]): Promise<void> {
  const payloads: string[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_NOTIFY) {
    const message: EventMessage = { topic, administrationId, ids: ids.slice(i, i + IDS_PER_NOTIFY) };
    payloads.push(JSON.stringify(message));
  }
  if (payloads.length === 0) return;
  await executeBulk(em, 'select pg_notify(?, p) from unnest(?::text[]) as p', [EVENTS_CHANNEL, payloads]);
}
