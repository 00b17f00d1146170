// Verification by a one-time code sent by SMS: 6 digits from a cryptographic source, stored as a keyed hash, valid
// 10 minutes, at most 5 tries per code and 3 codes per 15 minutes per debtor. A new code replaces the one before.
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { RequestContext } from '../../context';
import { PortalAuthenticationMethod as Method } from '../../entities/AdministrationSettings';
import { newId } from '../../entities/base';
import { maskPhone } from '../../domain/portal-verification';
import { badInput, tooManyRequests } from '../../schema/errors';
import { execute } from '../ledger/sql';
import { queueSms } from '../sms/sms-outbox';
import { portalSession } from './portal-guard';
import { countAttempt, requireMethod, sessionFor, type PortalSessionResult } from './portal-session';

export const OTP_TTL_SECONDS = 600;
export const OTP_MAX_ATTEMPTS = 5;
export const OTP_MAX_CODES = 3;
export const OTP_CODES_WINDOW_SECONDS = 900;

export interface OtpChallenge {
  sentTo: string;
  expiresAt: Date;
}

export async function requestOtp(ctx: RequestContext): Promise<OtpChallenge> {
  const view = await portalSession(ctx);
  requireMethod(view, Method.SMS_OTP);
  const phone = view.debtor.phone!.trim();
  const now = ctx.realClock.now();
  const expiresAt = new Date(now.getTime() + OTP_TTL_SECONDS * 1000);
  await ctx.em.transactional(async (em) => {
    // The debtor's row is the lock: two requests at once cannot both take the third code.
    await execute(em, 'select 1 from debtors where id = ? for update', [view.debtorId]);
    const recent = await execute<{ created_at: Date }>(
      em,
      `select created_at from portal_otp_codes where debtor_id = ? and created_at > ?::timestamptz - make_interval(secs => ?) order by created_at`,
      [view.debtorId, now.toISOString(), OTP_CODES_WINDOW_SECONDS],
    );
    if (recent.length >= OTP_MAX_CODES) {
      const next = new Date(new Date(recent[0].created_at).getTime() + OTP_CODES_WINDOW_SECONDS * 1000);
      throw tooManyRequests(`At most ${OTP_MAX_CODES} codes per ${OTP_CODES_WINDOW_SECONDS / 60} minutes; the next can be requested after ${next.toISOString()}`);
    }
    const id = newId();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await execute(em, `update portal_otp_codes set used_at = ? where debtor_id = ? and used_at is null`, [now.toISOString(), view.debtorId]);
    await execute(
      em,
      `insert into portal_otp_codes (id, administration_id, debtor_id, code_hash, sent_to, created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?)`,
      [id, view.administrationId, view.debtorId, ctx.portalLinks.keyedHash(`otp:${id}`, code), maskPhone(phone), now.toISOString(), expiresAt.toISOString()],
    );
    const body = `${code} is your code for the payment portal of ${view.administrationName} (valid ${OTP_TTL_SECONDS / 60} minutes). / ${code} is uw code voor het betaalportaal van ${view.administrationName}.`;
    await queueSms(em, ctx.config, { administrationId: view.administrationId, debtorId: view.debtorId, to: phone, body, summary: 'portal verification code' }, now);
  });
  ctx.logger.info({ debtorId: view.debtorId }, 'portal verification code sent');
  return { sentTo: maskPhone(phone), expiresAt };
}

export async function verifyOtp(ctx: RequestContext, code: string): Promise<PortalSessionResult> {
  const view = await portalSession(ctx);
  requireMethod(view, Method.SMS_OTP);
  if (!/^\d{6}$/.test(code.trim())) throw badInput('The code is the 6 digits of the SMS', 'code');
  const succeeded = await countAttempt(ctx, view);
  const now = ctx.realClock.now();
  // The try is counted in the statement that finds the code, so concurrent tries cannot exceed the limit.
  const [current] = await execute<{ id: string; code_hash: string; attempts: number; expires_at: Date }>(
    ctx.em,
    `update portal_otp_codes set attempts = attempts + 1
      where id = (select id from portal_otp_codes where debtor_id = ? and used_at is null order by created_at desc limit 1)
        and attempts < ?
      returning id, code_hash, attempts, expires_at`,
    [view.debtorId, OTP_MAX_ATTEMPTS],
  );
  if (!current) throw badInput('There is no code to check (or it was tried too often); request a new one', 'code');
  if (new Date(current.expires_at).getTime() <= now.getTime()) throw badInput('The code has expired; request a new one', 'code');
  const given = Buffer.from(ctx.portalLinks.keyedHash(`otp:${current.id}`, code.trim()));
  if (given.length !== current.code_hash.length || !timingSafeEqual(given, Buffer.from(current.code_hash))) {
    const left = OTP_MAX_ATTEMPTS - current.attempts;
    throw badInput(left > 0 ? `The code is not correct; ${left} ${left === 1 ? 'try' : 'tries'} left` : 'The code is not correct; request a new one', 'code');
  }
  await execute(ctx.em, 'update portal_otp_codes set used_at = ? where id = ?', [now.toISOString(), current.id]);
  await succeeded();
  return sessionFor(ctx, view, true);
}
