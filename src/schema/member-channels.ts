// The live subscriptions of one topic in one administration, per process: a channel checks the membership once per
// event for all its subscribers (member-subscription.ts says why it is checked at all).
import type { GraphQLError } from 'graphql';
import type { RequestContext } from '../context';
import type { Role } from '../entities/Membership';
import type { Logger } from '../logger';
import { hasRole } from '../auth/roles';
import { Topic } from '../services/events/events';
import { CodedError } from './errors';
import { membersReaderOf, type Members, type MembersReader } from './membership-checks';
import { listen, type EventPayload } from './pubsub';

/** Joins the user of `context` to the channel of the topic in the administration; the subscription's events. */
export function joinChannel(topic: Topic, administrationId: string, required: Role, context: RequestContext): AsyncIterableIterator<EventPayload> {
  return channelFor(topic, administrationId, context).join(new Subscriber(context.userId, required, context.roles, administrationId));
}

/** Null while the role allows the events; otherwise the error that ends the subscription. */
function refusal(role: Role | null, required: Role): GraphQLError | null {
  // Same codes as the rest of the API (NOT_FOUND for a non-member, FORBIDDEN for a role too low), clearer words.
  if (role === null) return new CodedError('NOT_FOUND', 'You are no longer a member of this administration; its live events have stopped');
  if (!hasRole(role, required)) return new CodedError('FORBIDDEN', `Your role in this administration no longer allows its live events (${required} or higher is needed)`);
  return null;
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * One subscription: the events its channel hands it, queued until graphql-ws asks for them. Revoked, it drops what
 * is queued and its next() rejects with the error, which graphql-ws sends as the subscription's final `error` message
 * (the socket and its other subscriptions stay).
 */
class Subscriber implements AsyncIterableIterator<EventPayload> {
  channel: Channel | null = null;
  /** The channel's count of events when this subscriber joined: earlier events are not its own. */
  joinedAt = 0;
  private readonly queue: EventPayload[] = [];
  private waiting: { resolve(result: IteratorResult<EventPayload>): void; reject(error: unknown): void } | null = null;
  private revoked: GraphQLError | null = null;
  private ended = false;

  constructor(
    readonly userId: string | null,
    private readonly required: Role,
    private readonly roles: RequestContext['roles'],
    private readonly administrationId: string,
  ) {}

  /** Applies the members as read now: passes the event on (null: a recheck) or ends the subscription. */
  check(members: Members | null, payload: EventPayload | null): void {
    if (this.ended || this.revoked) return;
    if (members) {
      const role = (this.userId && members.get(this.userId)) || null;
      // The subscription's resolvers check their role through the request's cache; it follows the table.
      this.roles.set(this.administrationId, role);
      const error = refusal(role, this.required);
      if (error) return this.revoke(error);
    }
    if (!payload) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = null;
      waiting.resolve({ value: payload, done: false });
    } else this.queue.push(payload);
  }

  private revoke(error: GraphQLError): void {
    this.revoked = error;
    this.queue.length = 0;
    this.leave();
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(error);
    if (waiting) this.ended = true;
  }

  next(): Promise<IteratorResult<EventPayload>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.ended) return Promise.resolve(DONE);
    if (this.revoked) {
      this.ended = true;
      return Promise.reject(this.revoked);
    }
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<EventPayload>> {
    this.ended = true;
    this.queue.length = 0;
    this.leave();
    this.waiting?.resolve(DONE);
    this.waiting = null;
    return Promise.resolve(DONE);
  }

  async throw(error: unknown): Promise<IteratorResult<EventPayload>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<EventPayload> {
    return this;
  }

  private leave(): void {
    this.channel?.leave(this);
    this.channel = null;
  }
}

/**
 * The subscribers of one topic in one administration in this process. Each event, and each recheck, reads the
 * members once for all of them (one read per turn for all administrations: membership-checks.ts) and then applies it
 * to every subscriber in a plain loop; so an event costs its 10,000 subscribers no query, check or timer each.
 * Events are applied in the order they arrived.
 */
class Channel {
  private readonly subscribers = new Set<Subscriber>();
  private events = 0;
  private applied: Promise<void> = Promise.resolve();
  private readonly unlisten: () => void;
  private readonly stopRechecks: () => void;

  constructor(
    private readonly topic: Topic,
    private readonly administrationId: string,
    private readonly readMembers: MembersReader,
    private readonly logger: Logger,
    recheckMs: number,
    private readonly onEmpty: () => void,
  ) {
    this.unlisten = listen(topic, administrationId, (payload) => this.apply(payload));
    this.stopRechecks = everyInterval(recheckMs, () => this.apply(null));
  }

  join(subscriber: Subscriber): Subscriber {
    subscriber.channel = this;
    subscriber.joinedAt = this.events;
    this.subscribers.add(subscriber);
    return subscriber;
  }

  leave(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size > 0) return;
    this.unlisten();
    this.stopRechecks();
    this.onEmpty();
  }

  /** Reads the members now and, in arrival order, applies them with the event (null: a recheck) to its subscribers. */
  private apply(payload: EventPayload | null): void {
    const event = payload ? (this.events += 1) : Infinity;
    const members = this.readMembers.read(this.administrationId).catch((error: unknown) => {
      // A failed check (the database is away) keeps the subscriptions: nothing is sent that could not be loaded anyway.
      this.logger.warn({ err: error, administrationId: this.administrationId, topic: this.topic }, 'subscription membership check failed; will retry');
      return null;
    });
    this.applied = this.applied
      .then(() => members)
      .then((read) => {
        for (const subscriber of this.subscribers) if (subscriber.joinedAt < event) subscriber.check(read, payload);
      })
      // Logged, and the chain goes on: one failed event must not silence the channel's later ones.
      .catch((error: unknown) => this.logger.error({ err: error, administrationId: this.administrationId, topic: this.topic }, 'live event not passed on'));
  }
}

/** The channels of this process, by database (tests run several servers in one process), then topic and administration. */
const channelsByDatabase = new WeakMap<MembersReader, Map<string, Channel>>();

function channelFor(topic: Topic, administrationId: string, context: RequestContext): Channel {
  const readMembers = membersReaderOf(context);
  let channels = channelsByDatabase.get(readMembers);
  if (!channels) {
    channels = new Map();
    channelsByDatabase.set(readMembers, channels);
  }
  const key = `${topic}:${administrationId}`;
  let channel = channels.get(key);
  if (!channel) {
    const registry = channels;
    channel = new Channel(topic, administrationId, readMembers, context.logger, context.config.subscriptionRecheckMs, () => {
      registry.delete(key);
      if (!Object.values(Topic).some((other) => registry.has(`${other}:${administrationId}`))) readMembers.forget(administrationId);
    });
    channels.set(key, channel);
  }
  return channel;
}

/** Per interval length: one timer and the rechecks it runs. */
const tickers = new Map<number, { timer: NodeJS.Timeout; tasks: Set<() => void> }>();

/**
 * Runs `task` every `ms` on a timer shared by every channel with that interval, so their rechecks fall in one turn
 * of the event loop and batch into one query (membership-checks.ts): ten thousand quiet subscriptions cost a query
 * or two per interval, not ten thousand spread over it. Returns the function that stops it.
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
