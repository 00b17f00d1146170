// A LISTEN connection that survives the database: after any loss it reconnects with backoff until stopped.
import { Client } from 'pg';
import type { Logger } from '../logger';

/** Shown in pg_stat_activity, so an operator (or a test) can tell the listener's backend from the pool's. */
export const LISTENER_APPLICATION_NAME = 'credit-events-listener';

export interface ListenerOptions {
  channels: string[];
  onNotification(channel: string, payload: string): void;
  logger: Logger;
  /** Shown in pg_stat_activity; LISTENER_APPLICATION_NAME unless given. */
  applicationName?: string;
  /** What pauses while the connection is down, for the log (default: live events). */
  subject?: string;
  /** First retry delay; it doubles per failed attempt up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface EventListener {
  /** True while connected and LISTENing on every channel; /readyz reports the process not ready otherwise. */
  isUp(): boolean;
  stop(): Promise<void>;
}

/**
 * Connects and LISTENs once (a failure here fails start-up, like the ORM does), then keeps the connection for
 * as long as the process lives. A restart, a failover or a few seconds in which the database refuses
 * connections must not silence live events for good, so retries never give up; only stop() ends them.
 * NOTIFYs sent while the connection is down are not queued by PostgreSQL for a session that is not there:
 * those events are lost (documented in the README).
 */
export async function startListener(databaseUrl: string, options: ListenerOptions): Promise<EventListener> {
  const { channels, onNotification, logger, baseDelayMs = 100, maxDelayMs = 5000 } = options;
  const { applicationName = LISTENER_APPLICATION_NAME, subject = 'live events' } = options;
  let current: Client | null = null;
  let stopped = false;
  let downSince = 0;
  let attempts = 0;
  let retry: NodeJS.Timeout | null = null;
  // Clients that reported a loss; a connection lost while it was being set up is never taken for the current one.
  const dead = new WeakSet<Client>();

  const open = async (): Promise<Client> => {
    // keepAlive: a connection whose peer vanished without a FIN (a failed-over host) is noticed by TCP.
    const client = new Client({ connectionString: databaseUrl, application_name: applicationName, keepAlive: true });
    client.on('notification', (message) => {
      if (!dead.has(client) && !stopped && message.payload) onNotification(message.channel, message.payload);
    });
    // pg reports a terminated backend or a dropped socket as 'error' (when idle) and then 'end'; either one is the loss.
    client.on('error', (error) => lost(client, error));
    client.on('end', () => lost(client, null));
    try {
      await client.connect();
      for (const channel of channels) await client.query(`listen "${channel}"`);
    } catch (error) {
      dead.add(client);
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  };

  const lost = (client: Client, error: Error | null): void => {
    dead.add(client);
    if (client !== current) return;
    current = null;
    void client.end().catch(() => undefined);
    if (stopped) return;
    downSince = Date.now();
    attempts = 0;
    logger.warn({ err: error ?? undefined }, `event listener lost its database connection; ${subject} pause until it reconnects`);
    schedule();
  };

  const schedule = (): void => {
    // Exponential backoff with jitter: many API processes coming back at once do not reconnect in lockstep.
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempts, 20));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    retry = setTimeout(() => void reconnect(), delay);
  };

  const reconnect = async (): Promise<void> => {
    retry = null;
    if (stopped) return;
    attempts += 1;
    let client: Client;
    try {
      client = await open();
    } catch (error) {
      if (stopped) return;
      logger.debug({ err: error, attempts }, 'event listener reconnect failed; retrying');
      schedule();
      return;
    }
    if (stopped || dead.has(client)) {
      await client.end().catch(() => undefined);
      if (!stopped) schedule();
      return;
    }
    current = client;
    logger.info({ downtimeMs: Date.now() - downSince, attempts }, `event listener reconnected; ${subject} resume`);
  };

  current = await open();
  return {
    isUp: () => current !== null,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      const client = current;
      current = null;
      await client?.end().catch(() => undefined);
    },
  };
}
