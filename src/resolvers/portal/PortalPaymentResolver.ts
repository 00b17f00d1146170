// The customer portal's payment: a debtor pays chosen open invoices online.
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { PORTAL_DEBTOR } from '../../auth/roles';
import { PaymentCheckoutType } from '../../schema/types/portal-payments';
import { startOnlinePayment } from '../../services/payments/online-payments';

@Resolver()
export class PortalPaymentResolver {
  @Authorized(PORTAL_DEBTOR)
  @Mutation(() => PaymentCheckoutType, { description: "an ONLINE payment of the chosen open invoices' open amounts, and the provider's checkout page" })
  portalStartPayment(@Ctx() ctx: RequestContext, @Arg('invoiceIds', () => [ID]) invoiceIds: string[]) {
    return startOnlinePayment(ctx, invoiceIds);
  }
}
