// Subscriber: pushes payment changes to live subscriptions (paymentUpdated).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PaymentRecorded, PaymentsReconciled } from './domain-events';
import { publishEvent, Topic } from './events';

/** Runs in the transaction; pg_notify is delivered by PostgreSQL only after commit, and never on rollback. */
export function pushPaymentsLive(em: EntityManager, event: PaymentRecorded | PaymentsReconciled): Promise<void> {
  return publishEvent(em, Topic.PAYMENT_UPDATED, event.administrationId, event.paymentIds);
}
