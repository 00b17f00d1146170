// Messages: sending, resending, reading one, marking read; and the loaded fields of Message.
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Role } from '../../entities/Membership';
import type { Message } from '../../entities/Message';
import { resolveAdministrationId, TenantFrom, tenantSourcesOf } from '../../auth/tenant-source';
import { notFound } from '../../schema/errors';
import { UserType } from '../../schema/types/identity';
import { DebtorType_, DocumentType } from '../../schema/types/ledger';
import { MessageType, SendMessageInput, SendMessagesInput } from '../../schema/types/messages';
import { loadersFor, scopedKey } from '../../services/ledger/loaders';
import { requirePortalSensitive } from '../../services/portal/portal-guard';
import { getMessage, markMessageRead } from '../../services/messages/message-service';
import { resendMessage } from '../../services/messages/resend';
import { sendMessage, sendMessages } from '../../services/messages/send';
import { TARGET_TABLES } from '../../services/messages/targets';
import { administrationOf } from '../ledger/owner';

/** The administration the operation's declared ids point at (the auth checker has already vouched for it). */
async function administrationOfArgs(ctx: RequestContext, field: string, args: unknown): Promise<string> {
  const administrationId = await resolveAdministrationId(ctx.em, tenantSourcesOf(field) ?? [], args);
  if (administrationId === null) throw notFound();
  return administrationId;
}

@Resolver(() => MessageType)
export class MessageResolver {
  @Authorized(Role.MEMBER)
  @TenantFrom({ path: 'input.target', table: TARGET_TABLES }, { path: 'input.standardMessageId', table: 'standard_messages' })
  @Mutation(() => MessageType)
  async sendMessage(@Ctx() ctx: RequestContext, @Arg('input', () => SendMessageInput) input: SendMessageInput) {
    const administrationId = await administrationOfArgs(ctx, 'sendMessage', { input });
    return sendMessage(ctx, administrationId, input.target, input);
  }

  @Authorized(Role.MEMBER)
  @TenantFrom({ path: 'input.targets', table: TARGET_TABLES }, { path: 'input.standardMessageId', table: 'standard_messages' })
  @Mutation(() => [MessageType])
  async sendMessages(@Ctx() ctx: RequestContext, @Arg('input', () => SendMessagesInput) input: SendMessagesInput) {
    const administrationId = await administrationOfArgs(ctx, 'sendMessages', { input });
    return sendMessages(ctx, administrationId, input.targets, input);
  }

  @Authorized(Role.MEMBER)
  @TenantFrom({ path: 'id', table: 'messages' })
  @Mutation(() => MessageType)
  async resendMessage(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return resendMessage(ctx, await administrationOf(ctx, 'messages', id), id);
  }

  @Authorized(Role.MEMBER)
  @TenantFrom({ path: 'id', table: 'messages' })
  @Mutation(() => MessageType)
  async markMessageRead(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return markMessageRead(ctx, await administrationOf(ctx, 'messages', id), id);
  }

  @Authorized(Role.VIEWER)
  @TenantFrom({ path: 'id', table: 'messages' })
  @Query(() => MessageType, { nullable: true })
  async message(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    return getMessage(ctx, await administrationOf(ctx, 'messages', id), id);
  }

  @FieldResolver(() => DebtorType_)
  async debtor(@Ctx() ctx: RequestContext, @Root() message: Message) {
    const debtor = await loadersFor(ctx).debtor.load(scopedKey(message.administration.id, message.debtor.id));
    if (!debtor) throw notFound('Debtor not found');
    return debtor;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "who it is from: a reply's From header, or the From of an email we sent; null for a message that was not emailed",
  })
  from(@Root() message: Message): string | null {
    return message.from ?? message.email?.from ?? null;
  }

  @FieldResolver(() => UserType, { nullable: true, description: 'the user on whose behalf it was sent' })
  sender(@Ctx() ctx: RequestContext, @Root() message: Message) {
    return message.sender ? loadersFor(ctx).user.load(message.sender.id) : null;
  }

  @FieldResolver(() => [DocumentType], { description: 'in the customer portal: FORBIDDEN until verified where the level asks for it' })
  async attachments(@Ctx() ctx: RequestContext, @Root() message: Message) {
    if (ctx.portal) await requirePortalSensitive(ctx);
    return loadersFor(ctx).messageAttachments.load(scopedKey(message.administration.id, message.id));
  }

  @FieldResolver(() => MessageType, { nullable: true })
  inReplyTo(@Ctx() ctx: RequestContext, @Root() message: Message) {
    return message.inReplyTo ? loadersFor(ctx).message.load(scopedKey(message.administration.id, message.inReplyTo.id)) : null;
  }
}
