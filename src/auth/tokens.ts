// Signed, expiring bearer tokens (HS256 JWTs through jose).
import { SignJWT, jwtVerify, errors } from 'jose';
import type { Clock } from '../clock';

const ISSUER = 'credit-api';

export type TokenAudience = 'user' | 'portal' | 'document';

export interface TokenService {
  sign(subject: string, audience: TokenAudience, claims?: Record<string, unknown>, ttlSeconds?: number): Promise<string>;
  /** Returns the subject and claims, or null for a token that is invalid, expired or for another audience. */
  verify(token: string, audience: TokenAudience): Promise<{ subject: string; claims: Record<string, unknown> } | null>;
}

export function createTokenService(secret: string, defaultTtlSeconds: number, clock: Clock): TokenService {
  const key = new TextEncoder().encode(secret);
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  return {
    async sign(subject, audience, claims = {}, ttlSeconds = defaultTtlSeconds) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(subject)
        .setIssuer(ISSUER)
        .setAudience(audience)
        .setIssuedAt(nowSeconds())
        .setExpirationTime(nowSeconds() + ttlSeconds)
        .sign(key);
    },
    async verify(token, audience) {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience, algorithms: ['HS256'], currentDate: clock.now() });
        if (typeof payload.sub !== 'string') return null;
        return { subject: payload.sub, claims: payload as Record<string, unknown> };
      } catch (error) {
        if (error instanceof errors.JOSEError) return null;
        throw error;
      }
    },
  };
}
