// type-graphql authChecker: the caller's membership of the administration in question decides.
import type { AuthChecker, ResolverData } from 'type-graphql';
import { connectionOf, type RequestContext } from '../context';
import type { Role } from '../entities/Membership';
import { forbidden, notFound, unauthenticated } from '../schema/errors';
import { primeAdministration } from '../services/ledger/loaders';
import { hasRole } from './roles';
import { PORTAL_DEBTOR, type RequiredRole } from './roles';
import { isUuid, resolveAdministrationId, tenantSourcesOf } from './tenant-source';

/** The caller's role in an administration, cached for the request; null when not a member. */
export async function roleIn(ctx: RequestContext, administrationId: string): Promise<Role | null> {
  if (!ctx.userId) return null;
  if (!ctx.roles.has(administrationId)) {
    // Plain SQL on the (administration, user) unique index: this runs on every request, no entity is needed. The
    // administration's row comes along and primes the request's loader: nearly every operation that checks a role
    // reads the administration next (its currency, its time zone), and that saves the request a statement.
    const { connection, transaction } = connectionOf(ctx);
    const [membership] = await connection.execute<({ membership_role: Role } & Record<string, unknown>)[]>(
      `select m.role as membership_role, a.* from memberships m join administrations a on a.id = m.administration_id
        where m.administration_id = ? and m.user_id = ?`,
      [administrationId, ctx.userId],
      'all',
      transaction as never,
    );
    if (membership) {
      const { membership_role: role, ...administration } = membership;
      primeAdministration(ctx, administration);
      ctx.roles.set(administrationId, role);
      return role;
    }
    ctx.roles.set(administrationId, null);
  }
  return ctx.roles.get(administrationId) ?? null;
}

/** Throws NOT_FOUND unless the caller belongs to the administration, FORBIDDEN when the role is too low. */
export async function requireRole(ctx: RequestContext, administrationId: string, required: Role): Promise<Role> {
  const role = await roleIn(ctx, administrationId);
  if (role === null) throw notFound('Administration not found');
  if (!hasRole(role, required)) throw forbidden(`This needs the ${required} role or higher; you are ${role}`);
  return role;
}

async function administrationInQuestion({ root, args, context, info }: ResolverData<RequestContext>): Promise<string | null> {
  const declared = tenantSourcesOf(info.fieldName);
  if (declared && info.parentType.name in { Query: 1, Mutation: 1, Subscription: 1 }) {
    const id = await resolveAdministrationId(context.em, declared, args);
    if (id === null) throw notFound();
    return id;
  }
  if (typeof args.administrationId === 'string') {
    if (!isUuid(args.administrationId)) throw notFound('Administration not found');
    return args.administrationId;
  }
  // Nested fields: the parent object is an administration, or a row owned by one.
  const parent = root as { id?: unknown; administration?: { id?: unknown } } | undefined;
  const owner = info.parentType.name === 'Administration' ? parent?.id : parent?.administration?.id;
  return typeof owner === 'string' ? owner : null;
}

/**
 * `@Authorized()` needs a logged-in user; `@Authorized(Role.X)` also needs role X (or higher) in the
 * administration the operation acts on; `@Authorized(PORTAL_DEBTOR)` needs a portal session of a debtor
 * of that administration. Listing both lets either in. A user token on a portal operation, and a portal
 * token on anything else, are FORBIDDEN: the two kinds of caller never stand in for each other.
 */
export const authChecker: AuthChecker<RequestContext, RequiredRole> = async (data, requiredRoles) => {
  const ctx = data.context;
  const portalAllowed = requiredRoles.includes(PORTAL_DEBTOR);
  const userRole = requiredRoles.find((role): role is Role => role !== PORTAL_DEBTOR);
  const usersAllowed = userRole !== undefined || requiredRoles.length === 0;
  if (ctx.portal) {
    if (!portalAllowed) throw forbidden('A portal session token only works for the customer-portal operations');
    const administrationId = await administrationInQuestion(data);
    if (administrationId !== null && administrationId !== ctx.portal.administrationId) throw notFound();
    return true;
  }
  if (!ctx.userId) throw unauthenticated(portalAllowed && !usersAllowed ? 'This needs a portal session token (portalOpen)' : undefined);
  if (!usersAllowed) throw forbidden('This is a customer-portal operation: it needs a portal session token, not a user token');
  if (userRole === undefined) return true;
  const administrationId = await administrationInQuestion(data);
  if (administrationId === null) {
    throw new Error(`No administration in question for ${data.info.parentType.name}.${data.info.fieldName}`);
  }
  await requireRole(ctx, administrationId, userRole);
  return true;
};
