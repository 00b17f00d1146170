// GraphQL types of payment plans: the plan, its installments, the input that makes one, and the connection.
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PaymentPlanStatus, PlanInterval } from '../../entities/PaymentPlan';
import { InstallmentStatus } from '../../domain/installments';
import { DateScalar } from '../scalars';
import { connectionOf } from './connection';
import { MoneyType } from './ledger';

registerEnumType(PaymentPlanStatus, { name: 'PaymentPlanStatus' });
registerEnumType(InstallmentStatus, { name: 'InstallmentStatus' });
registerEnumType(PlanInterval, { name: 'PlanInterval' });

@ObjectType('Installment', { simpleResolvers: true })
export class InstallmentType {
  @Field(() => Int) number!: number;
  @Field(() => DateScalar) dueDate!: string;
  @Field(() => MoneyType) amount!: MoneyType;
  @Field(() => MoneyType) paidAmount!: MoneyType;
  @Field(() => InstallmentStatus, { description: 'OVERDUE: not paid in full and the due date is past (today in the administration time zone).' })
  status!: InstallmentStatus;
}

/** Root values are PaymentPlan entities; money, debtor, invoices, cases and installments are resolved in PaymentPlanResolver. */
@ObjectType('PaymentPlan', { simpleResolvers: true })
export class PaymentPlanType {
  @Field(() => ID) id!: string;
  @Field(() => PaymentPlanStatus) status!: PaymentPlanStatus;
  @Field(() => PlanInterval) interval!: PlanInterval;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When it stopped being ACTIVE (completed, breached or cancelled).' }) endedAt!: Date | null;
}

@InputType('CreatePaymentPlanInput', {
  description: 'Exactly one way to pick what the plan covers: invoiceIds and/or caseIds, or debtorId (all open invoices of that debtor).',
})
export class CreatePaymentPlanInput {
  @Field(() => ID) administrationId!: string;
  @Field(() => [ID], { nullable: true }) invoiceIds?: string[] | null;
  @Field(() => [ID], { nullable: true }) caseIds?: string[] | null;
  @Field(() => ID, { nullable: true }) debtorId?: string | null;
  @Field(() => Int, { description: '1 to 120.' }) installmentCount!: number;
  @Field(() => DateScalar, { description: 'Not before today, at most a year ahead.' }) firstDueDate!: string;
  @Field(() => PlanInterval) interval!: PlanInterval;
}

export const PaymentPlanConnection = connectionOf(PaymentPlanType, 'PaymentPlan');
