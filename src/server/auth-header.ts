// Reads the user behind an `Authorization: Bearer <token>` value.
import type { TokenService } from '../auth/tokens';

export type BearerResult = { userId: string | null; invalid: boolean };

/** No header: anonymous. A header with a bad or expired token: invalid (refused, never anonymous). */
export async function userFromAuthorization(tokens: TokenService, header: unknown): Promise<BearerResult> {
  if (header === undefined || header === null || header === '') return { userId: null, invalid: false };
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  if (!match) return { userId: null, invalid: true };
  const verified = await tokens.verify(match[1], 'user');
  return verified ? { userId: verified.subject, invalid: false } : { userId: null, invalid: true };
}
