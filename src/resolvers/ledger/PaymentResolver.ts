// Fields of Payment: money, debtor and the invoices it settles.
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import type { Payment } from '../../entities/Payment';
import { notFound } from '../../schema/errors';
import { centsToDecimal } from '../../domain/money';
import { DebtorType_, InvoiceType, MoneyType, PaymentType } from '../../schema/types/ledger';
import { loadersFor, scopedKey } from '../../services/ledger/loaders';

@Resolver(() => PaymentType)
export class PaymentResolver {
  @FieldResolver(() => MoneyType)
  amount(@Root() payment: Payment): MoneyType {
    return { amount: centsToDecimal(payment.amount), currency: payment.currency };
  }

  /** False while a payment made here (MANUAL, ONLINE) awaits the bookkeeping; BOOKKEEPING payments always are. */
  @FieldResolver(() => Boolean)
  reconciled(@Root() payment: Payment): boolean {
    return payment.reconciledAt !== null;
  }

  @FieldResolver(() => DebtorType_)
  async debtor(@Ctx() ctx: RequestContext, @Root() payment: Payment) {
    const debtor = await loadersFor(ctx).debtor.load(scopedKey(payment.administration.id, payment.debtor.id));
    if (!debtor) throw notFound('Debtor not found');
    return debtor;
  }

  @FieldResolver(() => [InvoiceType])
  invoices(@Ctx() ctx: RequestContext, @Root() payment: Payment) {
    return loadersFor(ctx).paymentInvoices.load(scopedKey(payment.administration.id, payment.id));
  }
}
