// Structured JSON logging (pino), one root logger per process.
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'credit-api' }, redact: ['req.headers.authorization', '*.password'] });
}
