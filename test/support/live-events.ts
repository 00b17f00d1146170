// Listens to the live-event channel (pg_notify) the way the API's listener does, to see what a change published
// once its transaction committed, before the subscriptions that consume a topic exist.
import { Client } from 'pg';
import { EVENTS_CHANNEL, type EventMessage } from '../../src/services/events/events';

export interface EventLog {
  events: EventMessage[];
  /** Events of a topic seen so far, optionally only those naming an id. */
  of(topic: string, id?: string): EventMessage[];
  /** Waits until an event of the topic naming the id was seen. */
  waitFor(topic: string, id: string, timeoutMs?: number): Promise<EventMessage>;
  close(): Promise<void>;
}

export async function listenForEvents(databaseUrl: string): Promise<EventLog> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const events: EventMessage[] = [];
  client.on('notification', (notification) => {
    if (notification.channel === EVENTS_CHANNEL && notification.payload) events.push(JSON.parse(notification.payload) as EventMessage);
  });
  await client.query(`listen ${EVENTS_CHANNEL}`);
  const of = (topic: string, id?: string) => events.filter((e) => e.topic === topic && (id === undefined || e.ids.includes(id)));
  return {
    events,
    of,
    async waitFor(topic, id, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [event] = of(topic, id);
        if (event) return event;
        if (Date.now() > deadline) throw new Error(`no ${topic} event for ${id}; saw ${JSON.stringify(events)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => client.end(),
  };
}
