// What the caller asked to send, checked and completed from a standard message before anything is stored.
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { isUuid } from '../../auth/tenant-source';
import { isEmailAddress } from '../../domain/email-address';
import { StandardMessage } from '../../entities/StandardMessage';
import { badInput, notFound } from '../../schema/errors';
import { normalizeNewlines } from './compose';
import { assertKnownPlaceholders } from './placeholders';

export const MAX_RECIPIENTS = 50;
export const MAX_SUBJECT_LENGTH = 500;
export const MAX_BODY_LENGTH = 100_000;

export interface ContentInput {
  to?: string[] | null;
  cc?: string[] | null;
  bcc?: string[] | null;
  subject?: string | null;
  body?: string | null;
  standardMessageId?: string | null;
}

export interface Content {
  /** null: each target's debtor's own address. */
  to: string[] | null;
  cc: string[];
  bcc: string[];
  /** Templates: placeholders are filled in per target. */
  subject: string;
  body: string;
}

/** Trimmed, checked and de-duplicated addresses; null when the field was left out. */
export function checkAddresses(addresses: string[] | null | undefined, field: string): string[] | null {
  if (addresses === null || addresses === undefined) return null;
  const seen = new Map<string, string>();
  for (const raw of addresses) {
    const address = raw.trim();
    if (!isEmailAddress(address)) throw badInput(`'${raw}' in ${field} is not a valid email address`, field);
    seen.set(address.toLowerCase(), seen.get(address.toLowerCase()) ?? address);
  }
  if (seen.size > MAX_RECIPIENTS) throw badInput(`${field} may name at most ${MAX_RECIPIENTS} addresses`, field);
  return [...seen.values()];
}

export function checkSubject(subject: string | null | undefined, field = 'subject'): string {
  const value = subject?.trim() ?? '';
  if (value === '') throw badInput(`${field} is required (or a standard message that has one)`, field);
  if (/[\r\n]/.test(value)) throw badInput(`${field} must be a single line`, field);
  if (value.length > MAX_SUBJECT_LENGTH) throw badInput(`${field} must be at most ${MAX_SUBJECT_LENGTH} characters`, field);
  assertKnownPlaceholders(value, field);
  return value;
}

export function checkBody(body: string | null | undefined, field = 'body'): string {
  const value = normalizeNewlines(body ?? '').trim();
  if (value === '') throw badInput(`${field} is required (or a standard message that has one)`, field);
  if (value.length > MAX_BODY_LENGTH) throw badInput(`${field} must be at most ${MAX_BODY_LENGTH} characters`, field);
  assertKnownPlaceholders(value, field);
  return value;
}

/** A standard message fills subject, body, cc and bcc where the input leaves them out (null or absent). */
export async function completeContent(ctx: RequestContext, administrationId: string, input: ContentInput): Promise<Content> {
  const to = checkAddresses(input.to, 'to');
  if (to !== null && to.length === 0) {
    throw badInput("to must name at least one address; leave it out to write to the debtor's email address", 'to');
  }
  const cc = checkAddresses(input.cc, 'cc');
  const bcc = checkAddresses(input.bcc, 'bcc');
  let standard: StandardMessage | null = null;
  if (input.standardMessageId) {
    if (!isUuid(input.standardMessageId)) throw notFound('Standard message not found');
    standard = await tenantEm(ctx, administrationId).findOne(StandardMessage, { id: input.standardMessageId });
    if (!standard) throw notFound('Standard message not found');
  }
  return {
    to,
    cc: cc ?? standard?.cc ?? [],
    bcc: bcc ?? standard?.bcc ?? [],
    subject: checkSubject(input.subject ?? standard?.subject),
    body: checkBody(input.body ?? standard?.body),
  };
}
