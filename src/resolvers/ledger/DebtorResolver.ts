// Fields of Debtor that are derived or loaded: address, open amount, invoices, attention.
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import type { Debtor } from '../../entities/Debtor';
import { centsToDecimal } from '../../schema/money';
import { AddressType, AttentionReason, DebtorType_, InvoiceConnection, MoneyType } from '../../schema/types/ledger';
import { loadersFor, scopedKey } from '../../services/ledger/loaders';
import { listInvoices } from '../../services/ledger/invoice-service';

@Resolver(() => DebtorType_)
export class DebtorResolver {
  @FieldResolver(() => AddressType, { nullable: true })
  address(@Root() debtor: Debtor): AddressType | null {
    const { street, houseNumber, postcode, city, country } = debtor;
    if ([street, houseNumber, postcode, city, country].every((v) => v === null)) return null;
    return { street, houseNumber, postcode, city, country };
  }

  @FieldResolver(() => MoneyType)
  async openAmount(@Ctx() ctx: RequestContext, @Root() debtor: Debtor): Promise<MoneyType> {
    const loaders = loadersFor(ctx);
    const administrationId = debtor.administration.id;
    const [cents, administration] = await Promise.all([
      loaders.debtorOpenAmount.load(scopedKey(administrationId, debtor.id)),
      loaders.administration.load(administrationId),
    ]);
    return { amount: centsToDecimal(cents), currency: administration.currency };
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
    const reasons: AttentionReason[] = [];
    if (!debtor.email) reasons.push(AttentionReason.MISSING_EMAIL);
    if (await loadersFor(ctx).debtorHasDisputed.load(scopedKey(debtor.administration.id, debtor.id))) {
      reasons.push(AttentionReason.DISPUTED);
    }
    return reasons;
  }
}
