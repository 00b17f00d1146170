// The request context every resolver, service and job receives first.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Logger } from './logger';
import type { TokenService } from './auth/tokens';
import type { Role } from './entities/Membership';
import { TENANT_FILTER } from './entities/base';
import type { PortalPrincipal } from './auth/principal';

/** Long-lived parts of the process that a request or job uses. */
export interface AppServices {
  config: Config;
  logger: Logger;
  clock: Clock;
  tokens: TokenService;
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

export function createRequestContext(
  app: AppServices,
  em: EntityManager,
  request: { userId: string | null; portal?: PortalPrincipal | null; ip: string; requestId: string },
): RequestContext {
  return { ...app, em: em.fork(), roles: new Map(), portal: null, ...request };
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
