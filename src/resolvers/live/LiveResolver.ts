// Subscriptions: payments, import runs and messages of one administration, live. Membership is checked on subscribe,
// and again while the subscription lasts (schema/member-subscription.ts).
import { Arg, Authorized, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Role } from '../../entities/Membership';
import { notFound } from '../../schema/errors';
import { memberSubscription } from '../../schema/member-subscription';
import type { EventPayload } from '../../schema/pubsub';
import { ImportRunType } from '../../schema/types/imports';
import { MessageType } from '../../schema/types/messages';
import { PaymentType } from '../../schema/types/ledger';
import { Topic } from '../../services/events/events';
import { findImportRun } from '../../services/imports/import-runs';
import { loadersFor, resetLoaders, scopedKey, shareEventLoaders } from '../../services/ledger/loaders';
import { findPayment } from '../../services/ledger/payment-service';

@Resolver()
export class LiveResolver {
  @Authorized(Role.VIEWER)
  @Subscription(() => PaymentType, { subscribe: memberSubscription(Topic.PAYMENT_UPDATED, Role.VIEWER) })
  async paymentUpdated(
    @Ctx() ctx: RequestContext,
    @Root() event: EventPayload,
    @Arg('administrationId', () => ID) administrationId: string,
  ) {
    // A subscription's context lives long; each event is read fresh.
    resetLoaders(ctx);
    const payment = await findPayment(ctx, administrationId, event.id);
    if (!payment) throw notFound('Payment not found');
    return payment;
  }

  @Authorized(Role.VIEWER)
  @Subscription(() => ImportRunType, { subscribe: memberSubscription(Topic.IMPORT_RUN_UPDATED, Role.VIEWER) })
  async importRunUpdated(
    @Ctx() ctx: RequestContext,
    @Root() event: EventPayload,
    @Arg('administrationId', () => ID) administrationId: string,
  ) {
    const run = await findImportRun(ctx, administrationId, event.id);
    if (!run) throw notFound('Import run not found');
    return run;
  }

  @Authorized(Role.VIEWER)
  @Subscription(() => MessageType, {
    subscribe: memberSubscription(Topic.MESSAGE_ADDED, Role.VIEWER),
    description: 'every new inbound or outbound message',
  })
  messageAdded(@Ctx() ctx: RequestContext, @Root() event: EventPayload, @Arg('administrationId', () => ID) administrationId: string) {
    return loadEventMessage(ctx, event, administrationId);
  }

  @Authorized(Role.VIEWER)
  @Subscription(() => MessageType, {
    subscribe: memberSubscription(Topic.MESSAGE_UPDATED, Role.VIEWER),
    description: "a message's delivery status changed: sent, failed, or delivered, opened or bounced as Mailgun reports",
  })
  messageUpdated(@Ctx() ctx: RequestContext, @Root() event: EventPayload, @Arg('administrationId', () => ID) administrationId: string) {
    return loadEventMessage(ctx, event, administrationId);
  }
}

/** The message and the fields asked of it are read once per process for all its subscribers (shareEventLoaders). */
async function loadEventMessage(ctx: RequestContext, event: EventPayload, administrationId: string) {
  shareEventLoaders(ctx, event);
  const message = await loadersFor(ctx).message.load(scopedKey(administrationId, event.id));
  if (!message) throw notFound('Message not found');
  return message;
}
