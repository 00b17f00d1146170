// Opening the customer portal and verifying the debtor. portalOpen needs no token (the link is the credential);
// the checks need the session it gave.
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { PORTAL_DEBTOR } from '../../auth/roles';
import { PortalOtpChallengeType, PortalSessionType } from '../../schema/types/portal';
import { openPortal, verifyPostcode } from '../../services/portal/portal-session';
import { requestOtp, verifyOtp } from '../../services/portal/portal-otp';

@Resolver()
export class PortalSessionResolver {
  @Mutation(() => PortalSessionType, { description: "a portal session for the debtor whose link's token this is" })
  portalOpen(@Ctx() ctx: RequestContext, @Arg('accessToken', () => String) accessToken: string) {
    return openPortal(ctx, accessToken);
  }

  @Authorized(PORTAL_DEBTOR)
  @Mutation(() => PortalSessionType, { description: 'a verified session when both match what the administration has for this debtor' })
  portalVerifyPostcode(@Ctx() ctx: RequestContext, @Arg('postcode', () => String) postcode: string, @Arg('houseNumber', () => String) houseNumber: string) {
    return verifyPostcode(ctx, postcode, houseNumber);
  }

  @Authorized(PORTAL_DEBTOR)
  @Mutation(() => PortalOtpChallengeType, { description: "sends a 6-digit code to the debtor's phone, valid 10 minutes" })
  portalRequestOtp(@Ctx() ctx: RequestContext) {
    return requestOtp(ctx);
  }

  @Authorized(PORTAL_DEBTOR)
  @Mutation(() => PortalSessionType, { description: 'a verified session when the code is the latest one sent' })
  portalVerifyOtp(@Ctx() ctx: RequestContext, @Arg('code', () => String) code: string) {
    return verifyOtp(ctx, code);
  }
}
