// Root operations on invoices, debtors and payments.
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Role } from '../../entities/Membership';
import { TenantFrom } from '../../auth/tenant-source';
import { DateScalar, DecimalScalar } from '../../schema/scalars';
import { DebtorType_, InvoiceType, PaymentType } from '../../schema/types/ledger';
import { getDebtor } from '../../services/ledger/debtor-service';
import { getInvoice, setInvoiceOnHold } from '../../services/ledger/invoice-service';
import { registerPayment } from '../../services/ledger/payment-service';
import { administrationOf } from './owner';

@Resolver()
export class LedgerResolver {
  @Authorized(Role.VIEWER)
  @TenantFrom({ path: 'id', table: 'invoices' })
  @Query(() => InvoiceType, { nullable: true })
  async invoice(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return getInvoice(ctx, await administrationOf(ctx, 'invoices', id), id);
  }

  @Authorized(Role.VIEWER)
  @TenantFrom({ path: 'id', table: 'debtors' })
  @Query(() => DebtorType_, { nullable: true })
  async debtor(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return getDebtor(ctx, await administrationOf(ctx, 'debtors', id), id);
  }

  @Authorized(Role.MEMBER)
  @TenantFrom({ path: 'invoiceId', table: 'invoices' })
  @Mutation(() => InvoiceType)
  async setInvoiceOnHold(
    @Ctx() ctx: RequestContext,
    @Arg('invoiceId', () => ID) invoiceId: string,
    @Arg('onHold', () => Boolean) onHold: boolean,
  ) {
    return setInvoiceOnHold(ctx, await administrationOf(ctx, 'invoices', invoiceId), invoiceId, onHold);
  }

  @Authorized(Role.MEMBER)
  @TenantFrom({ path: 'invoiceId', table: 'invoices' })
  @Mutation(() => PaymentType)
  async registerPayment(
    @Ctx() ctx: RequestContext,
    @Arg('invoiceId', () => ID) invoiceId: string,
    @Arg('amount', () => DecimalScalar) amount: string,
    @Arg('paidOn', () => DateScalar, { nullable: true }) paidOn?: string | null,
  ) {
    const administrationId = await administrationOf(ctx, 'invoices', invoiceId);
    return registerPayment(ctx, administrationId, invoiceId, amount, paidOn);
  }
}
