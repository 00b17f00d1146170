// GraphQL types of the reminder flow, its runs and the steps planned for invoices.
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DebtorScope, ReminderAction } from '../../entities/ReminderStep';
import { RunStatus } from '../../entities/ReminderRun';
import type { Invoice } from '../../entities/Invoice';
import { DateScalar } from '../scalars';
import { connectionOf } from './connection';
import { InvoiceType } from './ledger';

registerEnumType(ReminderAction, { name: 'ReminderAction' });
registerEnumType(DebtorScope, { name: 'DebtorScope' });
registerEnumType(RunStatus, { name: 'RunStatus' });

@ObjectType('ReminderStep', { simpleResolvers: true })
export class ReminderStepType {
  @Field(() => ID) id!: string;
  @Field(() => String) key!: string;
  @Field(() => String) name!: string;
  @Field(() => Int, { description: 'Negative for a notice before the due date.' }) daysAfterDue!: number;
  @Field(() => ReminderAction) action!: ReminderAction;
  @Field(() => DebtorScope) appliesTo!: DebtorScope;
  @Field(() => String) subject!: string;
  @Field(() => String, { description: 'Template with {{placeholders}}.' }) body!: string;
}

@ObjectType('ReminderFlow', { simpleResolvers: true })
export class ReminderFlowType {
  @Field(() => [ReminderStepType]) steps!: ReminderStepType[];
}

@InputType('ReminderStepInput')
export class ReminderStepInput {
  @Field(() => String) key!: string;
  @Field(() => String) name!: string;
  @Field(() => Int) daysAfterDue!: number;
  @Field(() => ReminderAction) action!: ReminderAction;
  @Field(() => DebtorScope) appliesTo!: DebtorScope;
  @Field(() => String) subject!: string;
  @Field(() => String) body!: string;
}

@ObjectType('PlannedStep', { simpleResolvers: true })
export class PlannedStepType {
  @Field(() => ReminderStepType) step!: ReminderStepType;
  @Field(() => InvoiceType) invoice!: Invoice;
  @Field(() => DateScalar) plannedOn!: string;
}

@ObjectType('ReminderRun', { simpleResolvers: true })
export class ReminderRunType {
  @Field(() => ID) id!: string;
  @Field(() => RunStatus) status!: RunStatus;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => Int, { description: 'Invoices that reached a step in this run.' }) invoicesSelected!: number;
  @Field(() => Int, { description: 'One per debtor per step.' }) messagesQueued!: number;
  @Field(() => Int) casesOpened!: number;
  @Field(() => String, { nullable: true }) error!: string | null;
}

export const ReminderRunConnection = connectionOf(ReminderRunType, 'ReminderRun');
