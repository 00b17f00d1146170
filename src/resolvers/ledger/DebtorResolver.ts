// Fields of Debtor that are derived or loaded: address, open amount, invoices, attention.
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import type { Debtor } from '../../entities/Debtor';
import { centsToDecimal, moneyPerCurrency } from '../../domain/money';
import { AddressType, DebtorType_, InvoiceConnection, MoneyType } from '../../schema/types/ledger';
import { AttentionReason } from '../../domain/attention';
import { loadAdministration, loadersFor, scopedKey } from '../../services/ledger/loaders';
import { listInvoices } from '../../services/ledger/invoice-service';
import { planLoadersFor } from '../../services/payment-plans/loaders';

@Resolver(() => DebtorType_)
export class DebtorResolver {
  @FieldResolver(() => AddressType, { nullable: true })
  address(@Root() debtor: Debtor): AddressType | null {
    const { street, houseNumber, postcode, city, country } = debtor;
    if ([street, houseNumber, postcode, city, country].every((v) => v === null)) return null;
    return { street, houseNumber, postcode, city, country };
  }

  @FieldResolver(() => MoneyType, { description: "in the administration's currency only" })
  async openAmount(@Ctx() ctx: RequestContext, @Root() debtor: Debtor): Promise<MoneyType> {
    const [sums, currency] = await this.openSums(ctx, debtor);
    return { amount: centsToDecimal(sums.get(currency) ?? 0n), currency };
  }

  @FieldResolver(() => [MoneyType], { description: 'one per currency with open invoices' })
  async openAmounts(@Ctx() ctx: RequestContext, @Root() debtor: Debtor): Promise<MoneyType[]> {
    return moneyPerCurrency(...(await this.openSums(ctx, debtor)));
  }

  /** The debtor's open sums per currency and the administration's currency, batched across a page. */
  private async openSums(ctx: RequestContext, debtor: Debtor): Promise<[Map<string, bigint>, string]> {
    const loaders = loadersFor(ctx);
    const administrationId = debtor.administration.id;
    const [sums, administration] = await Promise.all([
      loaders.debtorOpenAmounts.load(scopedKey(administrationId, debtor.id)),
      loadAdministration(ctx, administrationId),
    ]);
    return [sums, administration.currency];
  }

  @FieldResolver(() => InvoiceConnection)
  invoices(
    @Ctx() ctx: RequestContext,
    @Root() debtor: Debtor,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return listInvoices(ctx, debtor.administration.id, { debtorId: debtor.id }, first, after);
  }

  @FieldResolver(() => [AttentionReason])
  async attentionReasons(@Ctx() ctx: RequestContext, @Root() debtor: Debtor): Promise<AttentionReason[]> {
    const loaders = loadersFor(ctx);
    const key = scopedKey(debtor.administration.id, debtor.id);
    const [unreadReply, planBreached, undecided, disputed] = await Promise.all([
      loaders.debtorHasUnreadReply.load(key),
      planLoadersFor(ctx).debtorHasBreachedPlan.load(key),
      loaders.debtorHasUndecidedCase.load(key),
      loaders.debtorHasDisputed.load(key),
    ]);
    const reasons: AttentionReason[] = [];
    if (!debtor.email) reasons.push(AttentionReason.MISSING_EMAIL);
    if (debtor.emailBouncedAt) reasons.push(AttentionReason.EMAIL_BOUNCED);
    if (unreadReply) reasons.push(AttentionReason.UNREAD_REPLY);
    if (planBreached) reasons.push(AttentionReason.PAYMENT_PLAN_BREACHED);
    if (undecided) reasons.push(AttentionReason.COLLECTION_COSTS_UNDECIDED);
    if (disputed) reasons.push(AttentionReason.DISPUTED);
    return reasons;
  }
}
