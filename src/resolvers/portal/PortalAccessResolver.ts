// A debtor's link into the customer portal, and ending it.
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import type { Debtor } from '../../entities/Debtor';
import { Role } from '../../entities/Membership';
import { TenantFrom } from '../../auth/tenant-source';
import { DebtorType_ } from '../../schema/types/ledger';
import { rotatePortalAccess } from '../../services/portal/portal-access';
import { administrationOf } from '../ledger/owner';

@Resolver(() => DebtorType_)
export class PortalAccessResolver {
  @FieldResolver(() => String, { description: "the debtor's link into the customer portal" })
  portalUrl(@Ctx() ctx: RequestContext, @Root() debtor: Debtor): string {
    return ctx.portalLinks.urlOf(debtor.id, debtor.portalLinkNonce);
  }

  /** ADMIN and up: a new link invalidates every email the debtor holds, so it is a decision for an administrator. */
  @Authorized(Role.ADMIN)
  @TenantFrom({ path: 'debtorId', table: 'debtors' })
  @Mutation(() => DebtorType_, { description: 'new portalUrl; the old link stops working' })
  async rotatePortalAccess(@Ctx() ctx: RequestContext, @Arg('debtorId', () => ID) debtorId: string) {
    return rotatePortalAccess(ctx, await administrationOf(ctx, 'debtors', debtorId), debtorId);
  }
}
