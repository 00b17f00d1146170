// Where the provider sends the debtor back after the checkout: the debtor's own portal page. One function, so that
// how a portal link is made is decided in one place (domain/portal-access.ts).
import type { RequestContext } from '../../context';
import type { Debtor } from '../../entities/Debtor';

export function portalReturnUrl(ctx: Pick<RequestContext, 'portalLinks'>, debtor: Debtor): string {
  return ctx.portalLinks.urlOf(debtor.id, debtor.portalLinkNonce);
}
