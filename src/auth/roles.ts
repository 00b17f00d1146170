// Role ranks: each role may do what the roles below it may do.
import { Role } from '../entities/Membership';

export { Role };

const RANK: Record<Role, number> = { VIEWER: 0, MEMBER: 1, ADMIN: 2, OWNER: 3 };

export function hasRole(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

/**
 * Not a membership role: a debtor in the customer portal. `@Authorized(PORTAL_DEBTOR)` marks a portal
 * operation; the portal's principal is scoped to one debtor of one administration.
 */
export const PORTAL_DEBTOR = 'PORTAL_DEBTOR';
export type RequiredRole = Role | typeof PORTAL_DEBTOR;
