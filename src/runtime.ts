// Starts and stops the process's parts for a role: the database, the API server and/or the worker.
import type { MikroORM } from '@mikro-orm/postgresql';
import { systemClock, type Clock } from './clock';
import { startDatabaseClock } from './clock-database';
import type { Config, Role } from './config';
import type { AppServices } from './context';
import { createLogger, type Logger } from './logger';
import { resolveDataEncryptionKey, resolveJwtSecret } from './auth/secret';
import { createPortalLinks } from './domain/portal-access';
import { createTokenService } from './auth/tokens';
import { openDatabase, type Database } from './db/database';
import { seedDemo, type DemoLogin } from './db/seed';
import { getSchema } from './schema/build-schema';
import { startEventListener } from './schema/pubsub';
import { openLiveReads } from './db/live-reads';
import { createHttpServer, GRAPHQL_PATH, type HttpServer } from './server/app';
import { createAgenda, type Agenda } from './jobs/agenda';
import { defineJobs, scheduleRecurringJobs } from './jobs';
import { startLeaseRecovery } from './jobs/lease-recovery';
import { startOutboxDispatcher } from './jobs/outbox-dispatcher';
import { startMessageRecovery } from './jobs/messages';

export interface Runtime {
  app: AppServices;
  orm: MikroORM;
  /** The worker's job queue; null in the api role, which hands jobs over through the outbox table. */
  agenda: Agenda | null;
  /** Set in the api role: where the server listens. */
  url: string | null;
  demoLogin: DemoLogin | null;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  config: Config;
  role: Role;
  /** Tests inject a ManualClock; otherwise the system clock, or the database's test clock under TEST_CLOCK. */
  clock?: Clock;
  logger?: Logger;
  /** An already open database (tests share one per file); otherwise opened and closed here. */
  database?: Database;
}

type Stop = () => Promise<void>;

/** The worker: Agenda with every job, the outbox dispatcher that feeds it, and recovery of abandoned runs. */
async function startWorker(app: AppServices, db: Database, name: string): Promise<{ agenda: Agenda; stops: Stop[] }> {
  const { agenda, close } = await createAgenda(db.url, app.logger, name);
  try {
    defineJobs(agenda, app, db.orm);
    await agenda.start();
    await scheduleRecurringJobs(agenda);
  } catch (error) {
    await close();
    throw error;
  }
  const dispatcher = startOutboxDispatcher(db.orm, agenda, app.logger, app.config.jobs.outboxPollMs);
  const recovery = startLeaseRecovery(app, db.orm);
  const messageRecovery = startMessageRecovery(app, db.orm);
  app.logger.info('worker started');
  return { agenda, stops: [close, () => dispatcher.stop(), () => recovery.stop(), () => messageRecovery.stop()] };
}

/** The API: GraphQL over HTTP and WebSocket, fed with live events by this process's LISTEN connection; not listening yet. */
async function prepareApi(app: AppServices, db: Database): Promise<{ http: HttpServer; stops: Stop[] }> {
  const events = await startEventListener(db.url, app.logger);
  const liveReads = await openLiveReads(db.orm).catch(async (error: unknown) => {
    await events.stop();
    throw error;
  });
  try {
    const http = await createHttpServer(app, db.orm, await getSchema(), { events: () => events.isUp() });
    return { http, stops: [() => liveReads.close(), () => events.stop(), () => http.stop()] };
  } catch (error) {
    await liveReads.close();
    await events.stop();
    throw error;
  }
}

export async function startRuntime({ config, role, clock: injectedClock, logger, database }: RuntimeOptions): Promise<Runtime> {
  const log = logger ?? createLogger(config.logLevel, config.logFormat);
  // Debug-level marks of where start-up time goes, counted from the start of the process (module loading included).
  const mark = (step: string) => log.debug({ step, sinceProcessStartMs: Math.round(performance.now()) }, 'start-up');
  mark('modules loaded');
  const db = database ?? (await openDatabase(config, log));
  mark('database open');
  const stops: Stop[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => log.error({ err: error }, 'error while stopping'));
    }
  };
  if (database === undefined) stops.push(() => db.close());
  try {
    let clock = injectedClock ?? systemClock;
    // Read before anything serves or runs a job, so that no request sees the real time where a test clock is set.
    if (!injectedClock && config.testClock) {
      const testClock = await startDatabaseClock(db.orm, db.url, log);
      stops.push(() => testClock.stop());
      clock = testClock.clock;
      mark('test clock read');
    }
    // Token lifetimes and providers' signed timestamps are real time: moving the test clock a month on must not
    // end every session or refuse every webhook. An injected clock is the tests' real time as well.
    const realClock = injectedClock ?? systemClock;
    const app: AppServices = {
      config,
      logger: log,
      clock,
      realClock,
      tokens: createTokenService(resolveJwtSecret(config), config.tokenTtlSeconds, realClock),
      portalLinks: createPortalLinks([resolveDataEncryptionKey(config), ...config.dataEncryptionKeysOld], config.publicUrl),
    };
    // The parts start side by side: one's database round trips overlap another's CPU work (building the schema).
    const [seeded, worker, api] = await Promise.allSettled([
      config.seedDemo ? seedDemo(db.orm, config.dataDir) : null,
      role !== 'api' ? startWorker(app, db, `${role}-${process.pid}`).finally(() => mark('worker started')) : null,
      role !== 'worker' ? prepareApi(app, db).finally(() => mark('api prepared')) : null,
    ]);
    // Stopped in reverse: the API first (draining requests and sockets), then the worker, then the database.
    if (worker.status === 'fulfilled' && worker.value) stops.push(...worker.value.stops);
    if (api.status === 'fulfilled' && api.value) stops.push(...api.value.stops);
    for (const result of [seeded, worker, api]) if (result.status === 'rejected') throw result.reason;
    let url: string | null = null;
    // Listening comes last, so that a ready API (GET /readyz) means that every part of the process has started.
    if (api.status === 'fulfilled' && api.value) {
      const port = await api.value.http.listen(config.port, config.host);
      url = `http://localhost:${port}${GRAPHQL_PATH}`;
      mark('listening');
    }
    return {
      app,
      orm: db.orm,
      agenda: worker.status === 'fulfilled' ? (worker.value?.agenda ?? null) : null,
      url,
      demoLogin: seeded.status === 'fulfilled' ? seeded.value : null,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
