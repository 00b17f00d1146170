// Entry point: `node dist/main.js [api|worker|all]` (default all).
import 'reflect-metadata';
import './pg-preload';
import { ConfigError, loadConfig, parseRole } from './config';
import { createLogger } from './logger';
import { startRuntime } from './runtime';

async function main(): Promise<void> {
  let config;
  let role;
  try {
    config = loadConfig();
    role = parseRole(process.argv[2]);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, config.logFormat);
  // Handlers go in before start-up, so a signal while starting still stops what has started.
  let stopping = false;
  const runtimePromise = startRuntime({ config, role, logger });
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    runtimePromise
      .then((runtime) => runtime.stop())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const runtime = await runtimePromise;
  if (runtime.url && !stopping) {
    const lines = [`\n  Credit management API (${role}) is up.`, `  Playground: ${runtime.url}`];
    if (runtime.demoLogin) {
      lines.push(`  Demo login: ${runtime.demoLogin.email} / ${runtime.demoLogin.password}`);
    }
    console.log(`${lines.join('\n')}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
