// The test clock (TEST_CLOCK=true): "now" is the real time plus an offset kept in the database, so every process agrees.
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from './clock';
import type { Logger } from './logger';
import { startListener, type EventListener } from './schema/event-listener';
import { execute } from './services/ledger/sql';

/** setTestClock notifies here, with the new offset, after its commit. */
export const TEST_CLOCK_CHANNEL = 'credit_test_clock';
/** Shown in pg_stat_activity for the clock's own LISTEN connection. */
export const TEST_CLOCK_APPLICATION_NAME = 'credit-test-clock';
/** The fallback: a notification lost while the LISTEN connection was down is caught up within this. */
const POLL_MS = 1000;

/** The stored offset in milliseconds (0 while the clock was never set), in the entity manager's transaction if any. */
export async function readTestClockOffset(em: EntityManager, lock = false): Promise<number> {
  const [row] = await execute<{ offset_ms: string }>(em, `select offset_ms from test_clock${lock ? ' for update' : ''}`);
  return row ? Number(row.offset_ms) : 0;
}

/**
 * The app clock under TEST_CLOCK. It is read on every request, so it answers from a cached offset, kept fresh by a
 * notification when the clock is set and, should that be missed, a poll every second. Real time keeps flowing.
 */
export class DatabaseClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly orm: MikroORM) {}

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /**
   * Takes a newer offset. An older one (a poll answered after the notification that overtook it) is ignored: the
   * stored offset only grows, since setTestClock refuses a time before the current one, so neither does this clock.
   */
  advance(offsetMs: number): void {
    if (Number.isFinite(offsetMs) && offsetMs > this.offsetMs) this.offsetMs = offsetMs;
  }

  /** Reads the stored offset now: at start-up, in each poll, and before daily work runs on this clock. */
  async sync(): Promise<void> {
    this.advance(await readTestClockOffset(this.orm.em));
  }
}

export interface RunningDatabaseClock {
  clock: DatabaseClock;
  stop(): Promise<void>;
}

/** Loads the offset (so the first request already sees it), then listens and polls until stopped. */
export async function startDatabaseClock(orm: MikroORM, databaseUrl: string, logger: Logger): Promise<RunningDatabaseClock> {
  const clock = new DatabaseClock(orm);
  await clock.sync();
  const listener: EventListener = await startListener(databaseUrl, {
    channels: [TEST_CLOCK_CHANNEL],
    onNotification: (_channel, payload) => clock.advance(Number(payload)),
    logger,
    applicationName: TEST_CLOCK_APPLICATION_NAME,
    subject: 'test-clock notifications',
  });
  let polling: Promise<void> | null = null;
  const timer = setInterval(() => {
    polling ??= clock
      .sync()
      .catch((error: unknown) => logger.warn({ err: error }, 'test clock could not be read; retrying'))
      .finally(() => (polling = null));
  }, POLL_MS);
  // A test clock never keeps a process alive that has nothing else to do.
  timer.unref();
  logger.info({ now: clock.now().toISOString() }, 'test clock on (TEST_CLOCK=true)');
  return {
    clock,
    async stop() {
      clearInterval(timer);
      await polling;
      await listener.stop();
    },
  };
}
