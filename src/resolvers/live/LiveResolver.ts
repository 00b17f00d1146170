// Subscriptions: payments and import runs of one administration, live. Membership is checked on subscribe,
// and again while the subscription lasts (schema/member-subscription.ts).
import { Arg, Authorized, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Role } from '../../entities/Membership';
import { notFound } from '../../schema/errors';
import { memberSubscription } from '../../schema/member-subscription';
import type { EventPayload } from '../../schema/pubsub';
import { ImportRunType } from '../../schema/types/imports';
import { PaymentType } from '../../schema/types/ledger';
import { Topic } from '../../services/events/events';
import { findImportRun } from '../../services/imports/import-runs';
import { resetLoaders } from '../../services/ledger/loaders';
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
}
