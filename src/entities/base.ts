// Shared column helpers for entities.
import { randomBytesPooled } from '../domain/random-pool';

let lastMillis = 0;
let counter = 0;

/**
 * A UUIDv7 (RFC 9562): the real time in milliseconds, then a counter, then randomness. Ids made by one
 * process sort in the order they were made, which is what says "oldest first" where clock readings tie
 * (two payments in one millisecond, or any number under a fixed test clock); new rows also land at the end
 * of their indexes instead of all over them.
 */
export function newId(): string {
  let millis = Date.now();
  if (millis <= lastMillis) {
    millis = lastMillis;
    counter += 1;
    if (counter > 0xfff) {
      millis += 1;
      counter = 0;
    }
  } else {
    counter = 0;
  }
  lastMillis = millis;
  const bytes = randomBytesPooled(16);
  bytes.writeUIntBE(millis, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

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
