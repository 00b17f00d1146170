// Environment configuration, parsed and validated once at start-up.
import path from 'node:path';

export type Role = 'api' | 'worker' | 'all';
export type LogFormat = 'auto' | 'json' | 'pretty';

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  jwtSecret: string | null;
  /** DATA_ENCRYPTION_KEY: encrypts stored secrets; null = generated into DATA_DIR. */
  dataEncryptionKey: string | null;
  /** DATA_ENCRYPTION_KEYS_OLD: earlier keys, for reading what they encrypted while the key is rotated. */
  dataEncryptionKeysOld: string[];
  tokenTtlSeconds: number;
  seedDemo: boolean;
  introspection: boolean;
  logLevel: string;
  /** `auto`: readable lines when stdout is a terminal, JSON otherwise. */
  logFormat: LogFormat;
  embeddedPgPort: number;
  maxQueryDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  loginRateLimit: { perEmail: number; perIp: number; windowSeconds: number };
  jobs: JobSettings;
  /** How often an open subscription re-checks that its user is still a member (each event is checked too). */
  subscriptionRecheckMs: number;
  /** IMPORT_ALLOW_PRIVATE_URLS: import sources may be on loopback and private addresses (an on-premises server). */
  importAllowPrivateUrls: boolean;
  /** Where users and providers reach this server (webhooks, portal links), without a trailing slash. */
  publicUrl: string;
  mail: MailSettings;
  /** TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM all set: SMS go out through Twilio; null: the local transport. */
  twilio: TwilioSettings | null;
  portal: PortalLimits;
  /** MOLLIE_API_KEY set: online payments through Mollie (MOLLIE_API_URL); null: the built-in test provider. */
  mollie: { apiKey: string; apiUrl: string } | null;
  /** TEST_CLOCK: the clock is read from the database and `setTestClock` moves it; never in production. */
  testClock: boolean;
}

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from: string;
  apiUrl: string;
}

/** The customer portal's session lifetime and the limits on verification attempts (brute force). */
export interface PortalLimits {
  sessionTtlSeconds: number;
  attemptsPerDebtor: number;
  attemptsPerIp: number;
  attemptWindowSeconds: number;
}

export interface MailSettings {
  /** Both MAILGUN_API_KEY and MAILGUN_DOMAIN set: mail goes out through Mailgun; null: the local transport. */
  mailgun: { apiKey: string; domain: string; url: string } | null;
  /** Verifies Mailgun's webhooks (events and inbound replies); null: both answer 503 and accept nothing. */
  webhookSigningKey: string | null;
  /** The From address; the display name is "<user> via <administration>". */
  from: string;
  /** Replies go to reply+<token>@replyDomain. */
  replyDomain: string;
  /** First retry after a temporary failure (5xx, network); each next one waits twice as long. */
  retryBaseMs: number;
  /** Delivery attempts of one message before it is FAILED. */
  maxAttempts: number;
  /** How long one call to the provider may take. */
  timeoutMs: number;
}

export interface JobSettings {
  /** How long a claimed import run stays the worker's without a heartbeat; past it, the run is recovered. */
  leaseSeconds: number;
  /** Claims of one run before recovery gives up and ends it FAILED (a run that kills its worker each time). */
  maxAttempts: number;
  /** How often the worker's dispatcher looks for new outbox rows. */
  outboxPollMs: number;
  /** Reminder runs (one administration each) a worker executes at once. */
  reminderRunConcurrency: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got '${raw}'`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolVar(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got '${raw}'`);
}

function httpUrlVar(env: Env, name: string, fallback: string): string {
  const raw = env[name] || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL, got '${raw}'`);
  return raw.replace(/\/+$/, '');
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

function domainVar(env: Env, name: string, fallback: string): string {
  const value = env[name] || fallback;
  if (!DOMAIN.test(value)) throw new ConfigError(`${name} must be a domain name, got '${value}'`);
  return value.toLowerCase();
}

function mailSettings(env: Env): MailSettings {
  const apiKey = env.MAILGUN_API_KEY || null;
  const domain = env.MAILGUN_DOMAIN ? domainVar(env, 'MAILGUN_DOMAIN', '') : null;
  if ((apiKey === null) !== (domain === null)) {
    throw new ConfigError('MAILGUN_API_KEY and MAILGUN_DOMAIN go together: set both to send through Mailgun, or neither');
  }
  const replyDomain = domainVar(env, 'MAIL_REPLY_DOMAIN', domain ?? 'localhost');
  const from = env.MAIL_FROM || `no-reply@${domain ?? 'localhost'}`;
  if (!/^[^\s@<>",;]+@[^\s@<>",;]+$/.test(from)) throw new ConfigError(`MAIL_FROM must be a bare email address, got '${from}'`);
  return {
    mailgun: apiKey && domain ? { apiKey, domain, url: httpUrlVar(env, 'MAILGUN_URL', 'https://api.mailgun.net') } : null,
    webhookSigningKey: env.MAILGUN_WEBHOOK_SIGNING_KEY || null,
    from,
    replyDomain,
    retryBaseMs: intVar(env, 'MAIL_RETRY_BASE_MS', 30_000, 10, 3_600_000),
    maxAttempts: intVar(env, 'MAIL_MAX_ATTEMPTS', 5, 1, 50),
    timeoutMs: intVar(env, 'MAIL_TIMEOUT_MS', 30_000, 100, 600_000),
  };
}

function twilioSettings(env: Env): TwilioSettings | null {
  const accountSid = env.TWILIO_ACCOUNT_SID || null;
  const authToken = env.TWILIO_AUTH_TOKEN || null;
  const from = env.TWILIO_FROM || null;
  const set = [accountSid, authToken, from].filter((value) => value !== null).length;
  if (set === 0) return null;
  if (set !== 3) throw new ConfigError('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM go together: set all three to send SMS through Twilio, or none');
  return { accountSid: accountSid!, authToken: authToken!, from: from!, apiUrl: httpUrlVar(env, 'TWILIO_API_URL', 'https://api.twilio.com') };
}

function urlVar(env: Env, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a postgres:// URL`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`${name} must be a postgres:// URL, got protocol '${url.protocol}'`);
  }
  return raw;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = (env.NODE_ENV ?? 'development') as Config['nodeEnv'];
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError(`NODE_ENV must be development, production or test, got '${nodeEnv}'`);
  }
  const databaseUrl = urlVar(env, 'DATABASE_URL');
  const jwtSecret = env.JWT_SECRET || null;
  if (jwtSecret !== null && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters');
  }
  if (jwtSecret === null && nodeEnv === 'production' && databaseUrl !== null) {
    // Several processes against a shared database must agree on the secret.
    throw new ConfigError('JWT_SECRET is required in production with DATABASE_URL');
  }
  const dataEncryptionKey = env.DATA_ENCRYPTION_KEY || null;
  if (dataEncryptionKey !== null && dataEncryptionKey.length < 32) {
    throw new ConfigError('DATA_ENCRYPTION_KEY must be at least 32 characters');
  }
  if (dataEncryptionKey === null && nodeEnv === 'production' && databaseUrl !== null) {
    // Every process must read what another encrypted, and a lost key loses the stored secrets.
    throw new ConfigError('DATA_ENCRYPTION_KEY is required in production with DATABASE_URL');
  }
  const dataEncryptionKeysOld = (env.DATA_ENCRYPTION_KEYS_OLD ?? '').split(',').map((key) => key.trim()).filter(Boolean);
  if (dataEncryptionKeysOld.some((key) => key.length < 32)) {
    throw new ConfigError('DATA_ENCRYPTION_KEYS_OLD must be a comma-separated list of keys of at least 32 characters');
  }
  const logLevel = env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got '${logLevel}'`);
  }
  const logFormat = (env.LOG_FORMAT || 'auto') as LogFormat;
  if (!['auto', 'json', 'pretty'].includes(logFormat)) {
    throw new ConfigError(`LOG_FORMAT must be json, pretty or auto, got '${logFormat}'`);
  }
  const port = intVar(env, 'PORT', 4000, 0, 65535);
  const testClock = boolVar(env, 'TEST_CLOCK', false);
  if (testClock && nodeEnv === 'production') {
    // Anyone logged in could move every due date, reminder and plan of every administration.
    throw new ConfigError('TEST_CLOCK=true is refused with NODE_ENV=production: the test clock is for test and demo environments only');
  }
  return {
    nodeEnv,
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    databaseUrl,
    jwtSecret,
    dataEncryptionKey,
    dataEncryptionKeysOld,
    tokenTtlSeconds: intVar(env, 'TOKEN_TTL_SECONDS', 8 * 3600, 60, 30 * 24 * 3600),
    // Seed a demo login only on the zero-configuration embedded database, unless asked.
    seedDemo: boolVar(env, 'SEED_DEMO', databaseUrl === null),
    introspection: boolVar(env, 'GRAPHQL_INTROSPECTION', nodeEnv !== 'production'),
    logLevel,
    logFormat,
    embeddedPgPort: intVar(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
    maxQueryDepth: intVar(env, 'GRAPHQL_MAX_DEPTH', 10, 2, 100),
    maxAliases: intVar(env, 'GRAPHQL_MAX_ALIASES', 15, 1, 1000),
    maxTokens: intVar(env, 'GRAPHQL_MAX_TOKENS', 2000, 100, 100000),
    maxCost: intVar(env, 'GRAPHQL_MAX_COST', 20000, 100, 10_000_000),
    loginRateLimit: {
      perEmail: intVar(env, 'LOGIN_MAX_PER_EMAIL', 5, 1, 10000),
      perIp: intVar(env, 'LOGIN_MAX_PER_IP', 30, 1, 100000),
      windowSeconds: intVar(env, 'LOGIN_WINDOW_SECONDS', 900, 1, 86400),
    },
    jobs: {
      leaseSeconds: intVar(env, 'JOB_LEASE_SECONDS', 60, 2, 3600),
      maxAttempts: intVar(env, 'JOB_MAX_ATTEMPTS', 3, 1, 100),
      outboxPollMs: intVar(env, 'OUTBOX_POLL_MS', 250, 10, 60_000),
      // Each run holds a connection of the pool (10) for its transaction: at most 8 leaves room for the other jobs.
      reminderRunConcurrency: intVar(env, 'REMINDER_RUN_CONCURRENCY', 3, 1, 8),
    },
    subscriptionRecheckMs: intVar(env, 'SUBSCRIPTION_RECHECK_MS', 5000, 100, 3_600_000),
    importAllowPrivateUrls: boolVar(env, 'IMPORT_ALLOW_PRIVATE_URLS', false),
    publicUrl: httpUrlVar(env, 'PUBLIC_URL', `http://localhost:${port}`),
    mail: mailSettings(env),
    twilio: twilioSettings(env),
    portal: {
      sessionTtlSeconds: intVar(env, 'PORTAL_SESSION_TTL_SECONDS', 1800, 60, 86400),
      attemptsPerDebtor: intVar(env, 'PORTAL_MAX_ATTEMPTS_PER_DEBTOR', 10, 1, 10000),
      attemptsPerIp: intVar(env, 'PORTAL_MAX_ATTEMPTS_PER_IP', 30, 1, 100000),
      attemptWindowSeconds: intVar(env, 'PORTAL_ATTEMPT_WINDOW_SECONDS', 900, 1, 86400),
    },
    mollie: env.MOLLIE_API_KEY ? { apiKey: env.MOLLIE_API_KEY, apiUrl: httpUrlVar(env, 'MOLLIE_API_URL', 'https://api.mollie.com/v2') } : null,
    testClock,
  };
}

export function parseRole(arg: string | undefined): Role {
  if (arg === undefined || arg === 'all') return 'all';
  if (arg === 'api' || arg === 'worker') return arg;
  throw new ConfigError(`unknown role '${arg}': use api, worker or all`);
}
