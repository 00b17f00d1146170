// The request context every resolver, service and job receives first.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Logger } from './logger';
import type { TokenService } from './auth/tokens';
import type { PortalLinks } from './domain/portal-access';
import type { Role } from './entities/Membership';
import { TENANT_FILTER } from './entities/base';
import type { PortalPrincipal } from './auth/principal';

/** Long-lived parts of the process that a request or job uses. */
export interface AppServices {
  config: Config;
  logger: Logger;
  /** "Now" for every rule of the product: the system clock, a test's ManualClock, or the test clock (TEST_CLOCK). */
  clock: Clock;
  /**
   * Real time, for what is measured against the world outside: token lifetimes, providers' signed timestamps.
   * The same as `clock` except under the test clock, whose simulated days must not expire sessions.
   */
  realClock: Clock;
  tokens: TokenService;
  /** Makes and checks the debtors' portal links. */
  portalLinks: PortalLinks;
  /** Enqueues a job for the worker; set once the job queue is up (every role can enqueue). */
}

export interface RequestContext extends AppServices {
  /** This request's own fork of the ORM; no entity is shared between requests. */
  em: EntityManager;
  /** The calling user; null for a portal debtor, a job or an anonymous caller. */
  userId: string | null;
  /** The calling debtor in the customer portal; null for everyone else. Never both a user and a debtor. */
  portal: PortalPrincipal | null;
  /** The caller's role per administration, filled by the auth checker (null: not a member). */
  roles: Map<string, Role | null>;
  ip: string;
  requestId: string;
}

const rootEms = new WeakMap<RequestContext, { root: EntityManager; own(): EntityManager | null }>();

/**
 * The request's entity manager is forked on first use. A subscription's context lives as long as its socket and
 * mostly runs plain SQL (connectionOf), so ten thousand open inboxes need not hold ten thousand forks (4 KB each).
 */
export function createRequestContext(
  app: AppServices,
  em: EntityManager,
  request: { userId: string | null; portal?: PortalPrincipal | null; ip: string; requestId: string },
): RequestContext {
  const ctx = { ...app, roles: new Map(), portal: null, ...request } as RequestContext;
  let own: EntityManager | null = null;
  Object.defineProperty(ctx, 'em', {
    get: () => (own ??= em.fork()),
    set: (value: EntityManager) => (own = value),
    enumerable: true,
    configurable: true,
  });
  rootEms.set(ctx, { root: em, own: () => own });
  return ctx;
}

/** For plain SQL: the connection and the request's transaction, if any, without forking an entity manager. */
export function connectionOf(ctx: RequestContext): { connection: ReturnType<EntityManager['getConnection']>; transaction: unknown } {
  const lazy = rootEms.get(ctx);
  const em = lazy ? (lazy.own() ?? lazy.root) : ctx.em;
  return { connection: em.getConnection(), transaction: lazy && !lazy.own() ? undefined : em.getTransactionContext() };
}

/**
 * An entity manager scoped to one administration: the tenant filter on every
 * tenant-owned entity is bound to it, so a query cannot reach another tenant's rows.
 */
export function tenantEm(ctx: RequestContext, administrationId: string): EntityManager {
  const em = ctx.em.fork({ clear: false });
  em.setFilterParams(TENANT_FILTER, { administrationId });
  return em;
}

/** The entity manager the request's own is forked from: to fork another without forking the request's first. */
export function rootEmOf(ctx: RequestContext): EntityManager {
  return rootEms.get(ctx)?.root ?? ctx.em;
}
