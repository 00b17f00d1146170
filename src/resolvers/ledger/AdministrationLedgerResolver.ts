// The ledger's fields of Administration: invoices, debtors, payments and the dashboard.
import { Arg, Authorized, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Role } from '../../entities/Membership';
import { AdministrationType } from '../../schema/types/administration';
import {
  DashboardType,
  DebtorConnection,
  DebtorFilter,
  InvoiceConnection,
  InvoiceFilter,
  PaymentConnection,
  PaymentFilter,
} from '../../schema/types/ledger';
import { dashboard } from '../../services/ledger/dashboard-service';
import { listDebtors } from '../../services/ledger/debtor-service';
import { listInvoices } from '../../services/ledger/invoice-service';
import { listPayments } from '../../services/ledger/payment-service';

@Resolver(() => AdministrationType)
export class AdministrationLedgerResolver {
  @Authorized(Role.VIEWER)
  @FieldResolver(() => InvoiceConnection)
  invoices(
    @Ctx() ctx: RequestContext,
    @Root() administration: AdministrationType,
    @Arg('filter', () => InvoiceFilter, { nullable: true }) filter?: InvoiceFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return listInvoices(ctx, administration.id, filter, first, after);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => DebtorConnection)
  debtors(
    @Ctx() ctx: RequestContext,
    @Root() administration: AdministrationType,
    @Arg('filter', () => DebtorFilter, { nullable: true }) filter?: DebtorFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return listDebtors(ctx, administration.id, filter, first, after);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => PaymentConnection)
  payments(
    @Ctx() ctx: RequestContext,
    @Root() administration: AdministrationType,
    @Arg('filter', () => PaymentFilter, { nullable: true }) filter?: PaymentFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return listPayments(ctx, administration.id, filter, first, after);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => DashboardType)
  dashboard(@Ctx() ctx: RequestContext, @Root() administration: AdministrationType) {
    return dashboard(ctx, administration.id);
  }
}
