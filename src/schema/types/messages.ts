// GraphQL types of messages: the message, its connection, the inbox filter, sending inputs and standard messages.
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MessageDirection, MessageStatus, TargetType } from '../../entities/Message';
import type { FileUpload } from '../../domain/files';
import { UploadScalar } from '../upload';
import { connectionOf } from './connection';

registerEnumType(MessageDirection, { name: 'MessageDirection' });
registerEnumType(MessageStatus, { name: 'MessageStatus' });
registerEnumType(TargetType, { name: 'TargetType', description: 'What a message is about: an invoice, a debtor, or a case.' });

@InputType('TargetRef')
export class TargetRefInput {
  @Field(() => TargetType) type!: TargetType;
  @Field(() => ID) id!: string;
}

/** Root values are Message entities; debtor, sender, attachments and inReplyTo are resolved in MessageResolver. */
@ObjectType('Message', { simpleResolvers: true })
export class MessageType {
  @Field(() => ID) id!: string;
  @Field(() => MessageDirection) direction!: MessageDirection;
  @Field(() => TargetType) targetType!: TargetType;
  @Field(() => ID) targetId!: string;
  @Field(() => [String]) to!: string[];
  @Field(() => [String]) cc!: string[];
  @Field(() => [String]) bcc!: string[];
  @Field(() => String) subject!: string;
  @Field(() => String) body!: string;
  @Field(() => MessageStatus) status!: MessageStatus;
  @Field(() => Date, { nullable: true }) sentAt!: Date | null;
  @Field(() => Date, { nullable: true }) openedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'read in the inbox by a user' }) readAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Int, { description: 'delivery attempts made so far (a retry after a temporary failure adds one)' }) attempts!: number;
  @Field(() => String, { nullable: true, description: 'why the last delivery attempt failed, or why the message was not emailed' })
  failureReason!: string | null;
}

export const MessageConnection = connectionOf(MessageType, 'Message');

@InputType('InboxFilter')
export class InboxFilter {
  @Field(() => Boolean, { nullable: true }) unreadOnly?: boolean | null;
  @Field(() => MessageDirection, { nullable: true }) direction?: MessageDirection | null;
}

@InputType('SendMessageInput', {
  description: "`to` defaults to the debtor's general email address; a standard message fills subject, body, cc and bcc where the input leaves them out.",
})
export class SendMessageInput {
  @Field(() => TargetRefInput) target!: TargetRefInput;
  @Field(() => [String], { nullable: true }) to?: string[] | null;
  @Field(() => [String], { nullable: true }) cc?: string[] | null;
  @Field(() => [String], { nullable: true }) bcc?: string[] | null;
  @Field(() => String, { nullable: true }) subject?: string | null;
  @Field(() => String, { nullable: true }) body?: string | null;
  @Field(() => ID, { nullable: true }) standardMessageId?: string | null;
  @Field(() => [UploadScalar], { nullable: true }) attachments?: Promise<FileUpload>[] | null;
}

@InputType('SendMessagesInput')
export class SendMessagesInput {
  @Field(() => [TargetRefInput]) targets!: TargetRefInput[];
  @Field(() => String, { nullable: true }) subject?: string | null;
  @Field(() => String, { nullable: true }) body?: string | null;
  @Field(() => ID, { nullable: true }) standardMessageId?: string | null;
  @Field(() => [UploadScalar], { nullable: true }) attachments?: Promise<FileUpload>[] | null;
}

@ObjectType('StandardMessage', { simpleResolvers: true })
export class StandardMessageType {
  @Field(() => ID) id!: string;
  @Field(() => String) description!: string;
  @Field(() => String) subject!: string;
  @Field(() => String) body!: string;
  @Field(() => [String]) cc!: string[];
  @Field(() => [String]) bcc!: string[];
}

@InputType('StandardMessageInput')
export class StandardMessageInput {
  @Field(() => String) description!: string;
  @Field(() => String) subject!: string;
  @Field(() => String) body!: string;
  @Field(() => [String], { nullable: true }) cc?: string[] | null;
  @Field(() => [String], { nullable: true }) bcc?: string[] | null;
}
