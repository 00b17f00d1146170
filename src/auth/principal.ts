// Who is calling: a user (staff of one or more administrations) or a debtor in the customer portal.
// Both arrive as Bearer tokens signed by the same key but for different audiences, so neither can pass for the other.
import type { TokenService } from './tokens';

/** One debtor of one administration, from a portal session token. */
export interface PortalPrincipal {
  debtorId: string;
  administrationId: string;
  /** Whether the debtor passed the administration's extra check (postcode, SMS code) in this session. */
  verified: boolean;
  /** The fingerprint of the link it was opened with: a rotated link ends the sessions it opened. */
  link: string;
}

export interface Caller {
  userId: string | null;
  portal: PortalPrincipal | null;
  /** A token was sent but is bad or expired: refused, never treated as anonymous. */
  invalid: boolean;
}

const ANONYMOUS: Caller = { userId: null, portal: null, invalid: false };
const INVALID: Caller = { userId: null, portal: null, invalid: true };

/** Claims a portal session token carries besides its subject (the debtor id). */
export interface PortalClaims {
  adm: string;
  ver: boolean;
  lnk: string;
}

export function signPortalSession(tokens: TokenService, principal: PortalPrincipal, ttlSeconds: number): Promise<string> {
  const claims: PortalClaims = { adm: principal.administrationId, ver: principal.verified, lnk: principal.link };
  return tokens.sign(principal.debtorId, 'portal', { ...claims }, ttlSeconds);
}

/** Reads an `Authorization: Bearer <token>` value: a user token, a portal session token, or nothing. */
export async function callerFromAuthorization(tokens: TokenService, header: unknown): Promise<Caller> {
  if (header === undefined || header === null || header === '') return ANONYMOUS;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  if (!match) return INVALID;
  const user = await tokens.verify(match[1], 'user');
  if (user) return { userId: user.subject, portal: null, invalid: false };
  const portal = await tokens.verify(match[1], 'portal');
  if (portal && typeof portal.claims.adm === 'string' && typeof portal.claims.lnk === 'string') {
    const principal = { debtorId: portal.subject, administrationId: portal.claims.adm, verified: portal.claims.ver === true, link: portal.claims.lnk };
    return { userId: null, portal: principal, invalid: false };
  }
  return INVALID;
}
