// Opening the customer portal from a debtor's link, and verifying the debtor (postcode and house number, or a code
// sent by SMS). Each answers a PortalSession: a new short-lived token saying whether this session is verified.
import type { RequestContext } from '../../context';
import { PortalAuthenticationMethod as Method } from '../../entities/AdministrationSettings';
import { normaliseHouseNumber, normalisePostcode, usableMethods, verificationRequired } from '../../domain/portal-verification';
import { signPortalSession } from '../../auth/principal';
import { returnHit, takeHit } from '../../auth/rate-limit';
import { badInput, forbidden, notFound, tooManyRequests } from '../../schema/errors';
import { readPortalView, type PortalView } from './portal-view';
import { portalSession } from './portal-guard';

export interface PortalSessionResult {
  token: string;
  verified: boolean;
  verificationRequired: boolean;
  methods: Method[];
  debtorName: string;
  administrationName: string;
}

export async function sessionFor(ctx: RequestContext, view: PortalView, verified: boolean): Promise<PortalSessionResult> {
  const principal = { debtorId: view.debtorId, administrationId: view.administrationId, verified, link: ctx.portalLinks.fingerprint(view.linkNonce) };
  return {
    token: await signPortalSession(ctx.tokens, principal, ctx.config.portal.sessionTtlSeconds),
    verified,
    verificationRequired: verificationRequired(view.settings, view.debtor),
    methods: usableMethods(view.settings, view.debtor),
    debtorName: view.debtorName,
    administrationName: view.administrationName,
  };
}

const INVALID_LINK = 'This portal link is not valid; it may have been replaced by a newer one';

/** A link's token to a session of its debtor. Failed opens count against the caller's address like failed checks. */
export async function openPortal(ctx: RequestContext, accessToken: string): Promise<PortalSessionResult> {
  if (ctx.userId) throw forbidden('This is a customer-portal operation; sign out of the user account to use a portal link');
  const debtorId = ctx.portalLinks.debtorIdOf(accessToken.trim());
  const view = debtorId ? await readPortalView(ctx, debtorId) : null;
  if (!view || !ctx.portalLinks.matches(accessToken.trim(), view.debtorId, view.linkNonce)) {
    await countAttempt(ctx, null);
    throw notFound(INVALID_LINK);
  }
  // Opening the link again (a reload) keeps a verified session of this debtor, made with this same link, verified.
  const sameSession = ctx.portal?.debtorId === view.debtorId && ctx.portal.link === ctx.portalLinks.fingerprint(view.linkNonce);
  return sessionFor(ctx, view, sameSession && ctx.portal!.verified);
}

/**
 * One verification attempt against the debtor's and the caller's address's limits, counted before the check: a
 * batch of attempts in one request (aliases) or many requests at once each take their own count. Returns what to
 * call when the attempt succeeded: only failures stay counted.
 */
export async function countAttempt(ctx: RequestContext, view: PortalView | null): Promise<() => Promise<void>> {
  const { attemptsPerDebtor, attemptsPerIp, attemptWindowSeconds } = ctx.config.portal;
  const now = ctx.realClock.now();
  const limits = [{ key: `portal-ip:${ctx.ip}`, limit: attemptsPerIp, windowSeconds: attemptWindowSeconds }];
  if (view) limits.push({ key: `portal-debtor:${view.debtorId}`, limit: attemptsPerDebtor, windowSeconds: attemptWindowSeconds });
  for (const limit of limits) {
    const { allowed, retryAt } = await takeHit(ctx.em, limit, now);
    if (!allowed) {
      throw tooManyRequests(`Too many verification attempts; try again after ${retryAt.toISOString()}`);
    }
  }
  // Only failures count: a successful attempt gives its hits back.
  return async () => {
    for (const { key } of limits) await returnHit(ctx.em, key);
  };
}

export function requireMethod(view: PortalView, method: Method): void {
  if (usableMethods(view.settings, view.debtor).includes(method)) return;
  const name = method === Method.SMS_OTP ? 'a code by SMS' : 'postcode and house number';
  throw forbidden(`Verification by ${name} is not available to you in this portal`);
}

export async function verifyPostcode(ctx: RequestContext, postcode: string, houseNumber: string): Promise<PortalSessionResult> {
  const view = await portalSession(ctx);
  requireMethod(view, Method.POSTCODE_HOUSE_NUMBER);
  if (!normalisePostcode(postcode)) throw badInput('postcode is required', 'postcode');
  if (!normaliseHouseNumber(houseNumber)) throw badInput('houseNumber is required', 'houseNumber');
  const succeeded = await countAttempt(ctx, view);
  const matches =
    normalisePostcode(postcode) === normalisePostcode(view.debtor.postcode!) && normaliseHouseNumber(houseNumber) === normaliseHouseNumber(view.debtor.houseNumber!);
  if (!matches) throw badInput('The postcode and house number do not match what we have for you', 'postcode');
  await succeeded();
  return sessionFor(ctx, view, true);
}
