// The cases of an administration, of a debtor, and the case of an invoice.
import { Arg, Authorized, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import type { Debtor } from '../../entities/Debtor';
import type { Invoice } from '../../entities/Invoice';
import { Role } from '../../entities/Membership';
import { AdministrationType } from '../../schema/types/administration';
import { CaseConnection, CaseType } from '../../schema/types/cases';
import { DebtorType_, InvoiceType } from '../../schema/types/ledger';
import { listCases } from '../../services/cases/case-service';
import { loadersFor, scopedKey } from '../../services/ledger/loaders';

@Resolver(() => AdministrationType)
export class AdministrationCasesResolver {
  @Authorized(Role.VIEWER)
  @FieldResolver(() => CaseConnection, { description: 'newest first' })
  cases(
    @Ctx() ctx: RequestContext,
    @Root() administration: AdministrationType,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return listCases(ctx, administration.id, first, after);
  }
}

@Resolver(() => DebtorType_)
export class DebtorCasesResolver {
  @FieldResolver(() => [CaseType], { description: 'newest first' })
  cases(@Ctx() ctx: RequestContext, @Root() debtor: Debtor) {
    return loadersFor(ctx).debtorCases.load(scopedKey(debtor.administration.id, debtor.id));
  }
}

@Resolver(() => InvoiceType)
export class InvoiceCaseResolver {
  @FieldResolver(() => CaseType, { nullable: true, description: 'the collection case it is in' })
  case(@Ctx() ctx: RequestContext, @Root() invoice: Invoice) {
    return invoice.case ? loadersFor(ctx).case.load(scopedKey(invoice.administration.id, invoice.case.id)) : null;
  }
}
