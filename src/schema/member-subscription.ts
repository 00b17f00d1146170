// Subscriptions to one administration's events that end, with a coded error, once the user may no longer see them.
import type { SubscribeResolverData } from 'type-graphql';
import type { RequestContext } from '../context';
import type { Role } from '../entities/Membership';
import type { Topic } from '../services/events/events';
import { joinChannel } from './member-channels';
import type { EventPayload } from './pubsub';

/**
 * The auth checker decides once, at subscribe time, and a socket may stay open for days. So the membership
 * is read again from the table before every event is sent, and every SUBSCRIPTION_RECHECK_MS for a quiet
 * subscription. Why not a "membership changed" NOTIFY instead: notifications are exactly what is lost while
 * the listener is down, and every path that ends a membership (this API, a deleted user or administration
 * cascading, an operator's SQL) would have to remember to send one; the table is always right. The cost is
 * one query per event for all its subscribers in the process (member-channels.ts reads the members once per event
 * and applies them to every subscriber; membership-checks.ts batches the reads), and one per interval for all the
 * quiet ones (their rechecks share a timer).
 */
export function memberSubscription(topic: Topic, required: Role) {
  return ({ args, context }: SubscribeResolverData<unknown, { administrationId: string }, RequestContext>): AsyncIterableIterator<EventPayload> => {
    const administrationId = String(args.administrationId);
    return joinChannel(topic, administrationId, required, context);
  };
}

