// The gate of every portal operation: a live session of this debtor, and the verification the administration's
// level asks for. Refused access is FORBIDDEN with what is needed, never an empty answer passed off as the truth.
import type { RequestContext } from '../../context';
import { refusal, type PortalNeed } from '../../domain/portal-verification';
import { forbidden, unauthenticated } from '../../schema/errors';
import { readPortalView, type PortalView } from './portal-view';

const views = new WeakMap<RequestContext, Promise<PortalView>>();

/** The calling debtor's view, read once per request. Needs a portal session whose link is still the debtor's. */
export function portalSession(ctx: RequestContext): Promise<PortalView> {
  let view = views.get(ctx);
  if (!view) {
    view = readSession(ctx);
    views.set(ctx, view);
  }
  return view;
}

async function readSession(ctx: RequestContext): Promise<PortalView> {
  const principal = ctx.portal;
  if (!principal) throw unauthenticated('This needs a portal session token (portalOpen)');
  const view = await readPortalView(ctx, principal.debtorId);
  if (!view || view.administrationId !== principal.administrationId || ctx.portalLinks.fingerprint(view.linkNonce) !== principal.link) {
    throw unauthenticated('This portal session has ended: the link was replaced. Open the newest link you received');
  }
  return view;
}

async function requireAccess(ctx: RequestContext, need: PortalNeed): Promise<PortalView> {
  const view = await portalSession(ctx);
  const why = refusal(view.settings, view.debtor, ctx.portal!.verified, need);
  if (why) throw forbidden(why);
  return view;
}

/** Any portal data (invoices, messages, replies, payments): refused before verification at EVERY_PAGE. */
export function requirePortalData(ctx: RequestContext): Promise<PortalView> {
  return requireAccess(ctx, 'data');
}

/** Invoice documents (PDF, UBL) and message attachments, as the level allows them to this debtor. */
export function requirePortalSensitive(ctx: RequestContext): Promise<PortalView> {
  return requireAccess(ctx, 'sensitive');
}
