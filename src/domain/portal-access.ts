// A debtor's link into the customer portal: PUBLIC_URL/portal/<access token>.
//
// The token is <debtor id, 32 hex digits><HMAC-SHA256 over the debtor id and a random nonce, 64 hex digits>. The
// database holds only the nonce, so the links cannot be read from it (a leaked table or backup opens no portal):
// that is how the token is "stored hashed" while every email can still carry the link. Replacing the nonce ends
// the old link at once. The key is derived from DATA_ENCRYPTION_KEY; while that key is rotated, links made with a
// key in DATA_ENCRYPTION_KEYS_OLD keep working, and new emails carry links made with the new key.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Two random UUIDs' hex digits (64 characters, 244 random bits), from PostgreSQL's built-in gen_random_uuid (no
 * extension). Written the way PostgreSQL prints it back, so the schema check finds the column as declared.
 */
export const PORTAL_LINK_NONCE_SQL = `replace(((gen_random_uuid())::text || (gen_random_uuid())::text), '-'::text, ''::text)`;

const TOKEN = /^([0-9a-f]{32})([0-9a-f]{64})$/;

export interface PortalLinks {
  urlOf(debtorId: string, nonce: string): string;
  /** The debtor a well-formed token names, or null; whether the token is valid is for `matches` to say. */
  debtorIdOf(token: string): string | null;
  matches(token: string, debtorId: string, nonce: string): boolean;
  /** A short digest of the nonce: a portal session carries it, so rotating the link also ends its sessions. */
  fingerprint(nonce: string): string;
  /** A keyed hash of a short secret (a one-time code): without the key, the stored hash cannot be tried offline. */
  keyedHash(purpose: string, value: string): string;
}

/** `dataEncryptionKeys`: the current key first, then the old ones still accepted. */
export function createPortalLinks(dataEncryptionKeys: string[], publicUrl: string): PortalLinks {
  const keys = dataEncryptionKeys.map((secret) => createHmac('sha256', secret).update('portal-link-v1').digest());
  const key = keys[0];
  const tokenWith = (linkKey: Buffer, debtorId: string, nonce: string) =>
    `${debtorId.replace(/-/g, '')}${createHmac('sha256', linkKey).update(`${debtorId}:${nonce}`).digest('hex')}`;
  const tokenOf = (debtorId: string, nonce: string) => tokenWith(key, debtorId, nonce);
  return {
    urlOf: (debtorId, nonce) => `${publicUrl}/portal/${tokenOf(debtorId, nonce)}`,
    debtorIdOf(token) {
      const match = TOKEN.exec(token);
      if (!match) return null;
      const hex = match[1];
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
    matches(token, debtorId, nonce) {
      const given = Buffer.from(token);
      return keys.some((linkKey) => {
        const expected = Buffer.from(tokenWith(linkKey, debtorId, nonce));
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
    },
    fingerprint: (nonce) => createHash('sha256').update(nonce).digest('hex').slice(0, 16),
    keyedHash: (purpose, value) => createHmac('sha256', key).update(`${purpose}:${value}`).digest('hex'),
  };
}
