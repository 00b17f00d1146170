// Administrations (tenants), their members and roles.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { Administration } from '../../entities/Administration';
import { AdministrationSettings } from '../../entities/AdministrationSettings';
import { Membership, Role } from '../../entities/Membership';
import { User } from '../../entities/User';
import { ReminderStep } from '../../entities/ReminderStep';
import { DEFAULT_REMINDER_FLOW } from '../../domain/default-reminder-flow';
import { roleIn } from '../../auth/auth-checker';
import { isUuid } from '../../auth/tenant-source';
import { badInput, conflict, forbidden, notFound } from '../../schema/errors';
import { normalizeEmail } from '../identity/identity-service';
import { isoCurrency } from '../../domain/currencies';
import { loadAdministration } from '../ledger/loaders';

export function validCurrency(code: string, field = 'currency'): string {
  const iso = isoCurrency(code);
  if (iso === null) throw badInput(`Unknown currency '${code}'; use an ISO-4217 code such as EUR`, field);
  return iso;
}

/** A new administration with its default settings and reminder flow, to be flushed by the caller. */
export function newAdministration(em: EntityManager, name: string, currency: string): Administration {
  const administration = em.create(Administration, { name, currency });
  em.create(AdministrationSettings, { administration });
  DEFAULT_REMINDER_FLOW.forEach((step, position) => em.create(ReminderStep, { administration, position, ...step }));
  return administration;
}

export async function createAdministration(ctx: RequestContext, name: string, currency?: string | null) {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) throw badInput('Name must be 1 to 200 characters', 'name');
  const code = validCurrency(currency ?? 'EUR');
  const user = await ctx.em.findOneOrFail(User, { id: ctx.userId! });
  return ctx.em.transactional(async (em) => {
    const administration = newAdministration(em, trimmed, code);
    em.create(Membership, { administration, user, role: Role.OWNER });
    await em.flush();
    ctx.roles.set(administration.id, Role.OWNER);
    return administration;
  });
}

/** The administrations the caller belongs to, by name. */
export async function myAdministrations(ctx: RequestContext): Promise<Administration[]> {
  const memberships = await ctx.em.find(
    Membership,
    { user: ctx.userId! },
    { populate: ['administration'], filters: false, orderBy: { administration: { name: 'asc' } } },
  );
  for (const m of memberships) ctx.roles.set(m.administration.id, m.role);
  return memberships.map((m) => m.administration);
}

export async function getAdministration(ctx: RequestContext, id: string): Promise<Administration> {
  // Through the request's loader: the fields below (today, currency) read the same row without another query.
  return loadAdministration(ctx, id);
}

export async function myRole(ctx: RequestContext, administrationId: string): Promise<Role> {
  const role = await roleIn(ctx, administrationId);
  if (!role) throw notFound('Administration not found');
  return role;
}

export async function members(ctx: RequestContext, administrationId: string): Promise<Membership[]> {
  return tenantEm(ctx, administrationId).find(
    Membership,
    {},
    { populate: ['user'], orderBy: { createdAt: 'asc', id: 'asc' } },
  );
}

/** Adds an existing user by email. Only an OWNER may make someone else OWNER. */
export async function addMember(ctx: RequestContext, administrationId: string, email: string, role: Role): Promise<Membership> {
  const callerRole = await roleIn(ctx, administrationId);
  if (role === Role.OWNER && callerRole !== Role.OWNER) throw forbidden('Only an OWNER can add another OWNER');
  const em = tenantEm(ctx, administrationId);
  const user = await em.findOne(User, { email: normalizeEmail(email) });
  if (!user) throw badInput('No user with this email address; ask them to sign up first', 'email');
  if (await em.findOne(Membership, { administration: administrationId, user })) {
    throw conflict('This user is already a member of the administration');
  }
  const membership = em.create(Membership, { administration: administrationId, user, role });
  await em.flush();
  return membership;
}

/**
 * Ends a user's membership. Only an OWNER may remove an OWNER, and the last OWNER stays (CONFLICT). The
 * removed user's open subscriptions end at their next event or membership recheck (schema/member-subscription).
 */
export async function removeMember(ctx: RequestContext, administrationId: string, userId: string): Promise<boolean> {
  if (!isUuid(userId)) throw notFound('No such member of this administration');
  const callerRole = await roleIn(ctx, administrationId);
  await tenantEm(ctx, administrationId).transactional(async (em) => {
    // The owners are locked first, so two owners removing each other at once cannot leave none.
    const owners = await em.find(Membership, { administration: administrationId, role: Role.OWNER }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } });
    const membership = await em.findOne(Membership, { administration: administrationId, user: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!membership) throw notFound('No such member of this administration');
    if (membership.role === Role.OWNER) {
      if (callerRole !== Role.OWNER) throw forbidden('Only an OWNER can remove an OWNER');
      if (owners.length === 1) throw conflict('The last OWNER cannot be removed; make someone else OWNER first');
    }
    em.remove(membership);
  });
  if (userId === ctx.userId) ctx.roles.set(administrationId, null);
  return true;
}
