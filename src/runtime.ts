// Starts and stops the process's parts for a role: the database, the API server and/or the worker.
import type { MikroORM } from '@mikro-orm/postgresql';
import { systemClock, type Clock } from './clock';
import type { Config, Role } from './config';
import type { AppServices } from './context';
import { createLogger, type Logger } from './logger';
import { resolveJwtSecret } from './auth/secret';
import { createTokenService } from './auth/tokens';
import { openDatabase, type Database } from './db/database';
import { seedDemo, type DemoLogin } from './db/seed';
import { getSchema } from './schema/build-schema';
import { startEventListener } from './schema/pubsub';
import { createHttpServer, GRAPHQL_PATH, type HttpServer } from './server/app';
import { createAgenda, type Agenda } from './jobs/agenda';
import { defineJobs, scheduleRecurringJobs } from './jobs';
import { startLeaseRecovery } from './jobs/lease-recovery';
import { startOutboxDispatcher } from './jobs/outbox-dispatcher';
import { startMessageRecovery } from './jobs/messages';

export interface Runtime {
  app: AppServices;
  orm: MikroORM;
  agenda: Agenda;
  /** Set in the api role: where the server listens. */
  url: string | null;
  demoLogin: DemoLogin | null;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  config: Config;
  role: Role;
  clock?: Clock;
  logger?: Logger;
  /** An already open database (tests share one per file); otherwise opened and closed here. */
  database?: Database;
}

export async function startRuntime({ config, role, clock = systemClock, logger, database }: RuntimeOptions): Promise<Runtime> {
  const log = logger ?? createLogger(config.logLevel);
  const db = database ?? (await openDatabase(config, log));
  const ownsDatabase = database === undefined;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => log.error({ err: error }, 'error while stopping'));
    }
  };
  if (ownsDatabase) stops.push(() => db.close());
  try {
    const app: AppServices = {
      config,
      logger: log,
      clock,
      tokens: createTokenService(resolveJwtSecret(config), config.tokenTtlSeconds, clock),
    };
    const demoLogin = config.seedDemo ? await seedDemo(db.orm, config.dataDir) : null;

    // Jobs are enqueued through the outbox table (services/outbox); the worker role hands them to Agenda and runs them.
    const { agenda, close: closeAgenda } = await createAgenda(db.url, log, `${role}-${process.pid}`);
    defineJobs(agenda, app, db.orm);
    stops.push(closeAgenda);
    if (role !== 'api') {
      await agenda.start();
      await scheduleRecurringJobs(agenda);
      const dispatcher = startOutboxDispatcher(db.orm, agenda, log, config.jobs.outboxPollMs);
      const recovery = startLeaseRecovery(app, db.orm);
      const messageRecovery = startMessageRecovery(app, db.orm);
      stops.push(() => dispatcher.stop(), () => recovery.stop(), () => messageRecovery.stop());
      log.info('worker started');
    }

    let url: string | null = null;
    if (role !== 'worker') {
      // Live events: this API process LISTENs for NOTIFYs from every process (see schema/pubsub.ts).
      const events = await startEventListener(db.url, log);
      stops.push(() => events.stop());
      const http: HttpServer = await createHttpServer(app, db.orm, await getSchema(), { events: () => events.isUp() });
      const port = await http.listen(config.port, config.host);
      stops.push(() => http.stop());
      url = `http://localhost:${port}${GRAPHQL_PATH}`;
    }
    return { app, orm: db.orm, agenda, url, demoLogin, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
