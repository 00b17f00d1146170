// A debtor's link into the customer portal, and ending it.
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import type { Debtor } from '../../entities/Debtor';
import { Role } from '../../entities/Membership';
import { TenantFrom } from '../../auth/tenant-source';
import { portalUrlOf } from '../../domain/portal-access';
import { DebtorType_ } from '../../schema/types/ledger';
import { rotatePortalAccess } from '../../services/portal/portal-access';
import { administrationOf } from '../ledger/owner';

@Resolver(() => DebtorType_)
export class PortalAccessResolver {
  @FieldResolver(() => String, { description: "the debtor's link into the customer portal" })
  portalUrl(@Ctx() ctx: RequestContext, @Root() debtor: Debtor): string {
    return portalUrlOf(ctx.config.publicUrl, debtor.portalAccessToken);
  }

  /** MEMBER and up: whoever handles a debtor can end a link that reached the wrong person. */
  @Authorized(Role.MEMBER)
  @TenantFrom({ path: 'debtorId', table: 'debtors' })
  @Mutation(() => DebtorType_, { description: 'new portalUrl; the old link stops working' })
  async rotatePortalAccess(@Ctx() ctx: RequestContext, @Arg('debtorId', () => ID) debtorId: string) {
    return rotatePortalAccess(ctx, await administrationOf(ctx, 'debtors', debtorId), debtorId);
  }
}
