// type-graphql's PubSub over PostgreSQL LISTEN/NOTIFY: an event raised in any process (a worker's import)
// reaches subscribers on every API process. Events carry ids only; subscribers load them tenant-scoped.
import { Client } from 'pg';
import type { PubSub } from 'type-graphql';
import type { Logger } from '../logger';
import { EVENTS_CHANNEL, type EventMessage } from '../services/events/events';

export interface EventPayload {
  id: string;
}

type Listener = (payload: EventPayload) => void;

const listeners = new Map<string, Set<Listener>>();
const keyOf = (topic: string, administrationId: unknown) => `${topic}:${String(administrationId)}`;

function dispatch(message: EventMessage): void {
  const set = listeners.get(keyOf(message.topic, message.administrationId));
  if (!set) return;
  for (const id of message.ids) for (const listener of set) listener({ id });
}

/** A queue per subscription; it ends (and unregisters) when the client unsubscribes. */
function subscribe(topic: string, administrationId: unknown): AsyncIterableIterator<EventPayload> {
  const key = keyOf(topic, administrationId);
  const queue: EventPayload[] = [];
  let wake: ((result: IteratorResult<EventPayload>) => void) | null = null;
  let done = false;
  const listener: Listener = (payload) => {
    if (wake) {
      const resolve = wake;
      wake = null;
      resolve({ value: payload, done: false });
    } else queue.push(payload);
  };
  const set = listeners.get(key) ?? new Set();
  set.add(listener);
  listeners.set(key, set);
  const finish = (): Promise<IteratorResult<EventPayload>> => {
    done = true;
    set.delete(listener);
    if (set.size === 0) listeners.delete(key);
    wake?.({ value: undefined, done: true });
    wake = null;
    return Promise.resolve({ value: undefined, done: true });
  };
  return {
    next: () => {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (wake = resolve));
    },
    return: finish,
    throw: (error: unknown) => finish().then(() => Promise.reject(error)),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

export const pubSub: PubSub = {
  // Publishing goes through pg_notify in the publisher's transaction (services/events); this is for local use only.
  publish(routingKey, ...args) {
    const [administrationId, ...ids] = args as string[];
    dispatch({ topic: routingKey as EventMessage['topic'], administrationId, ids });
  },
  subscribe: (routingKey, dynamicId) => subscribe(routingKey, dynamicId),
};

/** One LISTEN connection per database per process, shared by the API runtimes in it. */
const connections = new Map<string, { refs: number; stop: () => Promise<void> }>();

export async function startEventListener(databaseUrl: string, logger: Logger): Promise<() => Promise<void>> {
  const existing = connections.get(databaseUrl);
  if (existing) {
    existing.refs += 1;
  } else {
    connections.set(databaseUrl, { refs: 1, stop: await listen(databaseUrl, logger) });
  }
  return async () => {
    const entry = connections.get(databaseUrl);
    if (!entry) return;
    entry.refs -= 1;
    if (entry.refs === 0) {
      connections.delete(databaseUrl);
      await entry.stop();
    }
  };
}

/** A dedicated client LISTENing; it reconnects after a lost connection (events in the gap are lost, as with any NOTIFY). */
async function listen(databaseUrl: string, logger: Logger): Promise<() => Promise<void>> {
  let client: Client | null = null;
  let stopped = false;
  const connect = async (): Promise<void> => {
    const next = new Client({ connectionString: databaseUrl });
    next.on('notification', (notification) => {
      if (notification.channel !== EVENTS_CHANNEL || !notification.payload) return;
      try {
        dispatch(JSON.parse(notification.payload) as EventMessage);
      } catch (error) {
        logger.warn({ err: error }, 'unreadable event notification');
      }
    });
    next.on('error', (error) => {
      logger.warn({ err: error }, 'event listener connection lost; reconnecting');
      void next.end().catch(() => undefined);
      if (!stopped) setTimeout(() => void connect().catch((e: unknown) => logger.error({ err: e }, 'event listener reconnect failed')), 1000);
    });
    await next.connect();
    await next.query(`listen ${EVENTS_CHANNEL}`);
    client = next;
  };
  await connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => undefined);
  };
}
