// type-graphql's PubSub over PostgreSQL LISTEN/NOTIFY: an event raised in any process (a worker's import)
// reaches subscribers on every API process. Events carry ids only; subscribers load them tenant-scoped.
// This module dispatches; the connection and its reconnects are event-listener.ts.
import type { PubSub } from 'type-graphql';
import type { Logger } from '../logger';
import { startListener, type EventListener } from './event-listener';
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
  // One payload object per event, shared by its subscribers: they read it once (shareEventLoaders).
  for (const id of message.ids) {
    const payload: EventPayload = { id };
    for (const listener of set) listener(payload);
  }
}

/** Calls `listener` with every event of the topic in the administration until the returned function is called. */
export function listen(topic: string, administrationId: unknown, listener: Listener): () => void {
  const key = keyOf(topic, administrationId);
  const set = listeners.get(key) ?? new Set();
  set.add(listener);
  listeners.set(key, set);
  return () => {
    set.delete(listener);
    if (set.size === 0 && listeners.get(key) === set) listeners.delete(key);
  };
}

/** A queue per subscription; it ends (and unregisters) when the client unsubscribes. */
function subscribe(topic: string, administrationId: unknown): AsyncIterableIterator<EventPayload> {
  const queue: EventPayload[] = [];
  let wake: ((result: IteratorResult<EventPayload>) => void) | null = null;
  let done = false;
  const unlisten = listen(topic, administrationId, (payload) => {
    if (wake) {
      const resolve = wake;
      wake = null;
      resolve({ value: payload, done: false });
    } else queue.push(payload);
  });
  const finish = (): Promise<IteratorResult<EventPayload>> => {
    done = true;
    unlisten();
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

/** What the API reports on /readyz about its live events. */
export interface EventListenerHandle {
  isUp(): boolean;
  stop(): Promise<void>;
}

/** One LISTEN connection per database per process, shared by the API runtimes in it (tests run several). */
const connections = new Map<string, { refs: number; listener: Promise<EventListener> }>();

export async function startEventListener(databaseUrl: string, logger: Logger): Promise<EventListenerHandle> {
  let entry = connections.get(databaseUrl);
  if (entry) {
    entry.refs += 1;
  } else {
    const listener = startListener(databaseUrl, { channels: [EVENTS_CHANNEL], onNotification: (_channel, payload) => receive(payload, logger), logger });
    entry = { refs: 1, listener };
    connections.set(databaseUrl, entry);
    listener.catch(() => connections.delete(databaseUrl));
  }
  const listener = await entry.listener;
  let released = false;
  return {
    isUp: () => listener.isUp(),
    async stop() {
      if (released) return;
      released = true;
      const current = connections.get(databaseUrl);
      if (!current) return;
      current.refs -= 1;
      if (current.refs === 0) {
        connections.delete(databaseUrl);
        await listener.stop();
      }
    },
  };
}

function receive(payload: string, logger: Logger): void {
  try {
    dispatch(JSON.parse(payload) as EventMessage);
  } catch (error) {
    logger.warn({ err: error }, 'unreadable event notification');
  }
}
