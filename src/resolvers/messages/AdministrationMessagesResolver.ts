// The messaging fields of Administration: the inbox and the standard messages.
import { Arg, Authorized, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Role } from '../../entities/Membership';
import { AdministrationType } from '../../schema/types/administration';
import { InboxFilter, MessageConnection, StandardMessageType } from '../../schema/types/messages';
import { listInbox } from '../../services/messages/message-service';
import { listStandardMessages } from '../../services/messages/standard-messages';

@Resolver(() => AdministrationType)
export class AdministrationMessagesResolver {
  @Authorized(Role.VIEWER)
  @FieldResolver(() => MessageConnection)
  inbox(
    @Ctx() ctx: RequestContext,
    @Root() administration: AdministrationType,
    @Arg('filter', () => InboxFilter, { nullable: true }) filter?: InboxFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return listInbox(ctx, administration.id, filter, first, after);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => [StandardMessageType])
  standardMessages(@Ctx() ctx: RequestContext, @Root() administration: AdministrationType) {
    return listStandardMessages(ctx, administration.id);
  }
}
