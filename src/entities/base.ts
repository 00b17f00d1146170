// Shared column helpers for entities.
import { randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

/**
 * Scopes tenant-owned entities to one administration. It is on by default, so a
 * query that forgot to say which administration fails loudly instead of leaking;
 * the few deliberate cross-tenant reads (a user's own memberships) switch it off.
 */
export const TENANT_FILTER = 'tenant';
export const tenantFilter = {
  name: TENANT_FILTER,
  cond: (args: { administrationId: string }) => ({ administration: args.administrationId }),
  default: true,
};
