// Subscriptions to one administration's events that end, with a coded error, once the user may no longer see them.
import type { GraphQLError } from 'graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { RequestContext } from '../context';
import type { Role } from '../entities/Membership';
import { hasRole } from '../auth/roles';
import type { Topic } from '../services/events/events';
import { CodedError } from './errors';
import { currentRole } from './membership-checks';
import { pubSub, type EventPayload } from './pubsub';

/**
 * The auth checker decides once, at subscribe time, and a socket may stay open for days. So the membership
 * is read again from the table before every event is sent, and every SUBSCRIPTION_RECHECK_MS for a quiet
 * subscription. Why not a "membership changed" NOTIFY instead: notifications are exactly what is lost while
 * the listener is down, and every path that ends a membership (this API, a deleted user or administration
 * cascading, an operator's SQL) would have to remember to send one; the table is always right. The cost is
 * one query per event for all its subscribers in the process (membership-checks.ts batches them), and one per
 * interval for all the quiet ones (their rechecks share a timer).
 */
export function memberSubscription(topic: Topic, required: Role) {
  return ({ args, context }: SubscribeResolverData<unknown, { administrationId: string }, RequestContext>): AsyncIterableIterator<EventPayload> => {
    const administrationId = String(args.administrationId);
    return whileAllowed(pubSub.subscribe(topic, administrationId) as AsyncIterableIterator<EventPayload>, () => stillAllowed(context, administrationId, required), {
      recheckMs: context.config.subscriptionRecheckMs,
      // A failed check (the database is away) keeps the subscription: nothing is sent that could not be loaded anyway.
      onCheckFailed: (error) => context.logger.warn({ err: error, administrationId }, 'subscription membership check failed; will retry'),
    });
  };
}

/** Null while the user still has the role; otherwise the error that ends the subscription. */
async function stillAllowed(ctx: RequestContext, administrationId: string, required: Role): Promise<GraphQLError | null> {
  const role = await currentRole(ctx, administrationId);
  // The subscription's resolvers check their role through the request's cache; it follows the table.
  ctx.roles.set(administrationId, role);
  // Same codes as the rest of the API (NOT_FOUND for a non-member, FORBIDDEN for a role too low), clearer words.
  if (role === null) return new CodedError('NOT_FOUND', 'You are no longer a member of this administration; its live events have stopped');
  if (!hasRole(role, required)) return new CodedError('FORBIDDEN', `Your role in this administration no longer allows its live events (${required} or higher is needed)`);
  return null;
}

/** Per interval length: one timer and the rechecks it runs. */
const tickers = new Map<number, { timer: NodeJS.Timeout; tasks: Set<() => void> }>();

/**
 * Runs `task` every `ms` on a timer shared by every subscription with that interval, so their rechecks fall in one
 * turn of the event loop and batch into one query (membership-checks.ts): ten thousand quiet subscriptions cost
 * a query or two per interval, not ten thousand spread over it. Returns the function that stops it.
 */
function everyInterval(ms: number, task: () => void): () => void {
  let ticker = tickers.get(ms);
  if (!ticker) {
    const tasks = new Set<() => void>();
    const timer = setInterval(() => tasks.forEach((run) => run()), ms);
    timer.unref();
    ticker = { timer, tasks };
    tickers.set(ms, ticker);
  }
  const { tasks, timer } = ticker;
  tasks.add(task);
  return () => {
    tasks.delete(task);
    if (tasks.size > 0) return;
    clearInterval(timer);
    tickers.delete(ms);
  };
}

/**
 * Passes the source's events on while `check` finds nothing wrong: checked before each event and every
 * `recheckMs`. When it finds an error, the source is closed and next() rejects with that error, which
 * graphql-ws sends as the subscription's final `error` message (the socket and its other subscriptions stay).
 */
export function whileAllowed<T>(
  source: AsyncIterator<T>,
  check: () => Promise<GraphQLError | null>,
  options: { recheckMs: number; onCheckFailed(error: unknown): void },
): AsyncIterableIterator<T> {
  let ended = false;
  let revoked: GraphQLError | null = null;
  // Wakes the pending next() when the timer finds the subscription revoked; one per call, so none pile up.
  let interrupt: (() => void) | null = null;

  const recheck = async (): Promise<GraphQLError | null> => {
    try {
      return await check();
    } catch (error) {
      options.onCheckFailed(error);
      return null;
    }
  };
  const stopRechecks = everyInterval(options.recheckMs, () => {
    void recheck().then((error) => {
      if (!error || revoked) return;
      revoked = error;
      interrupt?.();
    });
  });

  const end = async (): Promise<IteratorReturnResult<undefined>> => {
    if (!ended) {
      ended = true;
      stopRechecks();
      await source.return?.();
    }
    return { value: undefined, done: true };
  };
  const fail = async (error: GraphQLError): Promise<never> => {
    await end();
    throw error;
  };

  return {
    async next() {
      if (ended) return { value: undefined, done: true };
      if (revoked) return fail(revoked);
      const interrupted = new Promise<null>((resolve) => (interrupt = () => resolve(null)));
      const result = await Promise.race([source.next(), interrupted]);
      interrupt = null;
      if (result === null) return fail(revoked!);
      if (result.done) return end();
      const error = revoked ?? (await recheck());
      if (error) return fail(error);
      return result;
    },
    return: end,
    throw: async (error: unknown) => {
      await end();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
