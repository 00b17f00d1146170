// Cases: reading one, opening one by hand, deciding on its collection costs; the loaded fields of Case; the rate table.
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import type { Case } from '../../entities/Case';
import { CollectionCostsMode } from '../../entities/Case';
import { Role } from '../../entities/Membership';
import { TenantFrom } from '../../auth/tenant-source';
import { centsToDecimal } from '../../domain/money';
import type { CaseBalance } from '../../domain/interest';
import { notFound } from '../../schema/errors';
import { CaseType, InterestRateType } from '../../schema/types/cases';
import { DebtorType_, InvoiceType, MoneyType } from '../../schema/types/ledger';
import { costsOwed } from '../../services/cases/case-balance';
import { getCase, interestRates, setCollectionCosts } from '../../services/cases/case-service';
import { openCase } from '../../services/cases/open-cases';
import { loadersFor, scopedKey } from '../../services/ledger/loaders';
import { administrationOf } from '../ledger/owner';

@Resolver(() => CaseType)
export class CaseResolver {
  @Authorized(Role.VIEWER)
  @TenantFrom({ path: 'id', table: 'cases' })
  @Query(() => CaseType, { nullable: true })
  async case(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return getCase(ctx, await administrationOf(ctx, 'cases', id), id);
  }

  @Authorized(Role.ADMIN)
  @TenantFrom({ path: 'invoiceIds', table: 'invoices' })
  @Mutation(() => CaseType, { description: 'one case of overdue open invoices of one debtor, with statutory costs and interest' })
  async openCase(@Ctx() ctx: RequestContext, @Arg('invoiceIds', () => [ID]) invoiceIds: string[]) {
    return openCase(ctx, await administrationOf(ctx, 'invoices', invoiceIds[0]), invoiceIds);
  }

  @Authorized(Role.ADMIN)
  @TenantFrom({ path: 'caseId', table: 'cases' })
  @Mutation(() => CaseType)
  async setCollectionCosts(
    @Ctx() ctx: RequestContext,
    @Arg('caseId', () => ID) caseId: string,
    @Arg('mode', () => CollectionCostsMode) mode: CollectionCostsMode,
  ) {
    return setCollectionCosts(ctx, await administrationOf(ctx, 'cases', caseId), caseId, mode);
  }

  @Authorized()
  @Query(() => [InterestRateType], { description: 'the dated table of Dutch statutory interest rates the server computes with' })
  interestRates(): InterestRateType[] {
    return interestRates().map((r) => ({ kind: r.kind, validFrom: r.validFrom, percent: centsToDecimal(r.basisPoints), source: r.source }));
  }

  @FieldResolver(() => DebtorType_)
  async debtor(@Ctx() ctx: RequestContext, @Root() c: Case) {
    const debtor = await loadersFor(ctx).debtor.load(scopedKey(c.administration.id, c.debtor.id));
    if (!debtor) throw notFound('Debtor not found');
    return debtor;
  }

  @FieldResolver(() => [InvoiceType])
  invoices(@Ctx() ctx: RequestContext, @Root() c: Case) {
    return loadersFor(ctx).caseInvoices.load(scopedKey(c.administration.id, c.id));
  }

  @FieldResolver(() => MoneyType, { description: 'the open amount of its invoices when it was opened' })
  principal(@Root() c: Case): MoneyType {
    return { amount: centsToDecimal(c.principal), currency: c.currency };
  }

  @FieldResolver(() => MoneyType, { description: 'statutory extrajudicial costs on the principal; owed only when COLLECT' })
  collectionCosts(@Root() c: Case): MoneyType {
    return { amount: centsToDecimal(c.collectionCosts), currency: c.currency };
  }

  @FieldResolver(() => MoneyType, { description: 'statutory interest accrued to today (paid or not)' })
  async interest(@Ctx() ctx: RequestContext, @Root() c: Case): Promise<MoneyType> {
    return { amount: centsToDecimal((await this.balance(ctx, c)).interest), currency: c.currency };
  }

  @FieldResolver(() => MoneyType, { description: 'principal + collection costs when collected + interest' })
  async totalDue(@Ctx() ctx: RequestContext, @Root() c: Case): Promise<MoneyType> {
    const { interest } = await this.balance(ctx, c);
    return { amount: centsToDecimal(c.principal + costsOwed(c) + interest), currency: c.currency };
  }

  @FieldResolver(() => MoneyType, { description: 'paid toward the case since it was opened' })
  async paid(@Ctx() ctx: RequestContext, @Root() c: Case): Promise<MoneyType> {
    return { amount: centsToDecimal((await this.balance(ctx, c)).paid.total), currency: c.currency };
  }

  @FieldResolver(() => MoneyType, { description: 'totalDue minus paid: what is still owed today' })
  async outstanding(@Ctx() ctx: RequestContext, @Root() c: Case): Promise<MoneyType> {
    return { amount: centsToDecimal((await this.balance(ctx, c)).outstanding.total), currency: c.currency };
  }

  private async balance(ctx: RequestContext, c: Case): Promise<CaseBalance> {
    const loaders = loadersFor(ctx);
    const key = scopedKey(c.administration.id, c.id);
    // The balance reads the case's terms through the case loader: hand it the case at hand (no-op if it has one).
    loaders.case.prime(key, c);
    const balance = await loaders.caseBalance.load(key);
    if (!balance) throw notFound('Case not found');
    return balance;
  }
}
