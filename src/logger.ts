// Logging (pino), one root logger per process: JSON records, or readable lines for a person at a terminal.
import pino from 'pino';
import type { LogFormat } from './config';
import { prettyDestination } from './pretty-log';

export type Logger = pino.Logger;

/** `auto` is readable lines when stdout is a terminal, and JSON (for a log collector) otherwise. */
export function createLogger(level: string, format: LogFormat = 'json'): Logger {
  const options: pino.LoggerOptions = { level, base: { service: 'credit-api' }, redact: ['req.headers.authorization', '*.password'] };
  const pretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  return pretty ? pino(options, prettyDestination()) : pino(options);
}
