// type-graphql authChecker: the caller's membership of the administration in question decides.
import type { AuthChecker, ResolverData } from 'type-graphql';
import type { RequestContext } from '../context';
import { Membership, type Role } from '../entities/Membership';
import { forbidden, notFound, unauthenticated } from '../schema/errors';
import { hasRole } from './roles';
import { isUuid, resolveAdministrationId, tenantSourceOf } from './tenant-source';

/** The caller's role in an administration, cached for the request; null when not a member. */
export async function roleIn(ctx: RequestContext, administrationId: string): Promise<Role | null> {
  if (!ctx.userId) return null;
  if (!ctx.roles.has(administrationId)) {
    const membership = await ctx.em.findOne(
      Membership,
      { administration: administrationId, user: ctx.userId },
      { filters: false },
    );
    ctx.roles.set(administrationId, membership?.role ?? null);
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
  const source = tenantSourceOf(info.fieldName);
  if (source && info.parentType.name in { Query: 1, Mutation: 1, Subscription: 1 }) {
    const id = await resolveAdministrationId(context.em, source, args[source.arg]);
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
 * `@Authorized()` needs a logged-in user; `@Authorized(Role.X)` also needs role X
 * (or higher) in the administration the operation acts on.
 */
export const authChecker: AuthChecker<RequestContext, Role> = async (data, requiredRoles) => {
  const ctx = data.context;
  if (!ctx.userId) throw unauthenticated();
  if (requiredRoles.length === 0) return true;
  const administrationId = await administrationInQuestion(data);
  if (administrationId === null) {
    throw new Error(`No administration in question for ${data.info.parentType.name}.${data.info.fieldName}`);
  }
  await requireRole(ctx, administrationId, requiredRoles[0]);
  return true;
};
