// Typed domain events and their subscribers, after Vendure's EventBus: a service raises an event inside the
// transaction of its change; each subscriber is the one place for one consequence of it.
import type { EntityManager } from '@mikro-orm/postgresql';
import { allocateToInstallments } from '../payment-plans/allocate-payments';
import { pushPaymentsLive } from './live-push';
import { recordCasePayments } from '../cases/close-cases';

/** A payment was written (MANUAL or ONLINE made here, BOOKKEEPING from an import), with its allocations. */
export interface PaymentRecorded {
  type: 'PaymentRecorded';
  administrationId: string;
  paymentIds: string[];
}

/** The bookkeeping now shows these payments in full: they no longer lower the invoices' open amounts themselves. */
export interface PaymentsReconciled {
  type: 'PaymentsReconciled';
  administrationId: string;
  paymentIds: string[];
}

export type DomainEvent = PaymentRecorded | PaymentsReconciled;
type EventOf<T extends DomainEvent['type']> = Extract<DomainEvent, { type: T }>;

/**
 * Every subscriber runs inside the raising transaction, with its entity manager: what it writes commits or
 * rolls back with the change. A consequence that must wait for the commit (a job, an email, a live push)
 * is written there as an outbox row (services/outbox) or a pg_notify, both of which take effect only at commit.
 */
export type Subscriber<E extends DomainEvent> = (em: EntityManager, event: E) => Promise<void>;

/**
 * What follows from each event, in order. Reminders, plans and the timeline add their subscribers here. Payment
 * plans count PaymentRecorded only: every payment of whatever source (MANUAL, ONLINE, and BOOKKEEPING for what an
 * import shows that no payment made here explains) is recorded once; PaymentsReconciled is the bookkeeping catching
 * up with money already counted.
 */
const SUBSCRIBERS: { [T in DomainEvent['type']]: Subscriber<EventOf<T>>[] } = {
  PaymentRecorded: [pushPaymentsLive, recordCasePayments, allocateToInstallments],
  // A reconciliation moves no money (the bookkeeping now shows what was already counted): cases and plans need nothing from it.
  PaymentsReconciled: [pushPaymentsLive],
};

/** Runs the event's subscribers in the caller's transaction; a failing subscriber fails the whole change. */
export async function raise(em: EntityManager, event: DomainEvent): Promise<void> {
  if (event.paymentIds.length === 0) return;
  for (const subscriber of SUBSCRIBERS[event.type] as Subscriber<DomainEvent>[]) await subscriber(em, event);
}
