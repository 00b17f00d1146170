// What a portal session can reach: the portal's own types and the few shared ones it needs, never the types of
// the credit controllers' side (Invoice, Debtor, Case, timelines, users). The portal operations return Message and
// Payment, whose relations lead there; those relations are closed to a portal caller here, in one place, rather
// than in every resolver that might one day be reachable.
import type { MiddlewareFn } from 'type-graphql';
import type { RequestContext } from '../context';
import { forbidden } from '../schema/errors';

const PORTAL_TYPES = new Set(['Query', 'Mutation', 'PortalSession', 'PortalInvoice', 'PortalOtpChallenge', 'PaymentCheckout', 'Payment', 'Message', 'Document', 'Money']);
const CLOSED_FIELDS = new Set(['Message.debtor', 'Message.sender', 'Payment.debtor', 'Payment.invoices']);

/** A global middleware: a no-op for users; types built with simpleResolvers (plain data) never reach it. */
export const portalFieldGuard: MiddlewareFn<RequestContext> = ({ context, info }, next) => {
  if (context.portal) {
    const parent = info.parentType.name;
    if (!PORTAL_TYPES.has(parent) || CLOSED_FIELDS.has(`${parent}.${info.fieldName}`)) {
      throw forbidden(`${parent}.${info.fieldName} is not part of the customer portal`);
    }
  }
  return next();
};
