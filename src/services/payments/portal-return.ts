// Where the provider sends the debtor back after the checkout: the debtor's own portal page. One function, so that
// how a portal link is made (plain or hashed access tokens) is decided in one place.
import type { Config } from '../../config';
import type { Debtor } from '../../entities/Debtor';
import { portalUrlOf } from '../../domain/portal-access';

export function portalReturnUrl(config: Config, debtor: Debtor): string {
  return portalUrlOf(config.publicUrl, debtor.portalAccessToken);
}
