// Mailgun's webhook signature: hex HMAC-SHA256 of timestamp + token under the account's webhook signing key.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface MailgunSignature {
  timestamp: string;
  token: string;
  signature: string;
}

/** How far a signed timestamp may be from our clock, either way (Mailgun's own advice is a few minutes). */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** The three fields as strings, or null when one is missing: an unsigned post. */
export function signatureOf(source: Record<string, unknown> | null | undefined): MailgunSignature | null {
  const { timestamp, token, signature } = source ?? {};
  if (typeof timestamp !== 'string' && typeof timestamp !== 'number') return null;
  if (typeof token !== 'string' || typeof signature !== 'string') return null;
  return { timestamp: String(timestamp), token, signature };
}

/** Constant-time: a forger learns nothing from how long a wrong signature takes to refuse. */
export function signatureValid(key: string, { timestamp, token, signature }: MailgunSignature): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signature) || token.length === 0 || token.length > 200) return false;
  const expected = createHmac('sha256', key).update(timestamp + token).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Seconds since the epoch, within the tolerance of `now`: an old signed post replayed later is refused. */
export function timestampFresh(timestamp: string, now: Date): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(Number(timestamp) * 1000 - now.getTime()) <= SIGNATURE_TOLERANCE_MS;
}
