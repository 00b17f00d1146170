// What a debtor reads and does in the customer portal, behind the verification the settings ask for.
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import type { Invoice } from '../../entities/Invoice';
import { PORTAL_DEBTOR } from '../../auth/roles';
import { centsToDecimal } from '../../domain/money';
import { DocumentType, MoneyType } from '../../schema/types/ledger';
import { MessageType } from '../../schema/types/messages';
import { PortalInvoiceType } from '../../schema/types/portal';
import { loadersFor, scopedKey } from '../../services/ledger/loaders';
import { requirePortalSensitive } from '../../services/portal/portal-guard';
import { portalInvoices, portalMessages, portalReply } from '../../services/portal/portal-data';

@Resolver(() => PortalInvoiceType)
export class PortalResolver {
  @Authorized(PORTAL_DEBTOR)
  @Query(() => [PortalInvoiceType], { description: "the debtor's open invoices, earliest due first" })
  portalInvoices(@Ctx() ctx: RequestContext) {
    return portalInvoices(ctx);
  }

  @Authorized(PORTAL_DEBTOR)
  @Query(() => [MessageType], { description: 'messages about the debtor, its invoices and cases, newest first (at most 200)' })
  portalMessages(@Ctx() ctx: RequestContext) {
    return portalMessages(ctx);
  }

  @Authorized(PORTAL_DEBTOR)
  @Mutation(() => MessageType, { description: 'a message from the debtor about one of its invoices, or about itself' })
  portalReply(@Ctx() ctx: RequestContext, @Arg('invoiceId', () => ID, { nullable: true }) invoiceId: string | null, @Arg('body', () => String) body: string) {
    return portalReply(ctx, invoiceId, body);
  }

  @FieldResolver(() => MoneyType)
  amount(@Root() invoice: Invoice): MoneyType {
    return { amount: centsToDecimal(invoice.amount), currency: invoice.currency };
  }

  @FieldResolver(() => MoneyType)
  openAmount(@Root() invoice: Invoice): MoneyType {
    return { amount: centsToDecimal(invoice.openAmount), currency: invoice.currency };
  }

  @FieldResolver(() => [DocumentType], { description: 'FORBIDDEN until verified where the level asks for it' })
  async documents(@Ctx() ctx: RequestContext, @Root() invoice: Invoice) {
    await requirePortalSensitive(ctx);
    return loadersFor(ctx).invoiceDocuments.load(scopedKey(invoice.administration.id, invoice.id));
  }
}
