// Standard messages: created, changed and deleted by ADMINs and OWNERs, listed for every member.
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Role } from '../../entities/Membership';
import { TenantFrom } from '../../auth/tenant-source';
import { StandardMessageInput, StandardMessageType } from '../../schema/types/messages';
import { createStandardMessage, deleteStandardMessage, updateStandardMessage } from '../../services/messages/standard-messages';
import { administrationOf } from '../ledger/owner';

@Resolver(() => StandardMessageType)
export class StandardMessageResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => StandardMessageType)
  createStandardMessage(
    @Ctx() ctx: RequestContext,
    @Arg('administrationId', () => ID) administrationId: string,
    @Arg('input', () => StandardMessageInput) input: StandardMessageInput,
  ) {
    return createStandardMessage(ctx, administrationId, input);
  }

  @Authorized(Role.ADMIN)
  @TenantFrom({ path: 'id', table: 'standard_messages' })
  @Mutation(() => StandardMessageType)
  async updateStandardMessage(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => StandardMessageInput) input: StandardMessageInput,
  ) {
    return updateStandardMessage(ctx, await administrationOf(ctx, 'standard_messages', id), id, input);
  }

  @Authorized(Role.ADMIN)
  @TenantFrom({ path: 'id', table: 'standard_messages' })
  @Mutation(() => Boolean)
  async deleteStandardMessage(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return deleteStandardMessage(ctx, await administrationOf(ctx, 'standard_messages', id), id);
  }
}
