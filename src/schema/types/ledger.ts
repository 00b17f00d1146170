// GraphQL types of the ledger: debtors, invoices, documents, payments, the dashboard and their connections.
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DebtorType } from '../../entities/Debtor';
import { InvoiceStatus } from '../../entities/Invoice';
import { PaymentSource, PaymentStatus } from '../../entities/Payment';
import { DateScalar, DecimalScalar } from '../scalars';
import { AttentionReason } from '../../domain/attention';
import { connectionOf } from './connection';


registerEnumType(DebtorType, { name: 'DebtorType' });
registerEnumType(InvoiceStatus, { name: 'InvoiceStatus' });
registerEnumType(PaymentStatus, { name: 'PaymentStatus' });
registerEnumType(PaymentSource, { name: 'PaymentSource' });
registerEnumType(AttentionReason, { name: 'AttentionReason' });

@ObjectType('Money', { simpleResolvers: true })
export class MoneyType {
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => String) currency!: string;
}

@ObjectType('Address', { simpleResolvers: true })
export class AddressType {
  @Field(() => String, { nullable: true }) street!: string | null;
  @Field(() => String, { nullable: true }) houseNumber!: string | null;
  @Field(() => String, { nullable: true }) postcode!: string | null;
  @Field(() => String, { nullable: true }) city!: string | null;
  @Field(() => String, { nullable: true }) country!: string | null;
}

/** Root values are Debtor entities; computed fields are resolved in DebtorResolver. */
@ObjectType('Debtor', { simpleResolvers: true })
export class DebtorType_ {
  @Field(() => ID) id!: string;
  @Field(() => String) externalId!: string;
  @Field(() => String) name!: string;
  @Field(() => DebtorType) type!: DebtorType;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) phone!: string | null;
}

@ObjectType('Document', { simpleResolvers: true })
export class DocumentType {
  @Field(() => ID) id!: string;
  @Field(() => String) filename!: string;
  @Field(() => String) contentType!: string;
  @Field(() => Int) size!: number;
  @Field(() => Boolean) sensitive!: boolean;
}

/** Root values are Invoice entities; money, debtor and derived fields are resolved in InvoiceResolver. */
@ObjectType('Invoice', { simpleResolvers: true })
export class InvoiceType {
  @Field(() => ID) id!: string;
  @Field(() => String) externalId!: string;
  @Field(() => String) number!: string;
  @Field(() => DateScalar) issueDate!: string;
  @Field(() => DateScalar) dueDate!: string;
  @Field(() => InvoiceStatus) status!: InvoiceStatus;
  @Field(() => Boolean) onHold!: boolean;
}

@ObjectType('Payment', { simpleResolvers: true })
export class PaymentType {
  @Field(() => ID) id!: string;
  @Field(() => PaymentStatus) status!: PaymentStatus;
  @Field(() => PaymentSource) source!: PaymentSource;
  @Field(() => String, { nullable: true }) method!: string | null;
  @Field(() => String, { nullable: true }) providerReference!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) paidAt!: Date | null;
  /** When the bookkeeping showed all of it; null while a payment made here awaits the bookkeeping. */
  @Field(() => Date, { nullable: true }) reconciledAt!: Date | null;
}

@InputType('InvoiceFilter')
export class InvoiceFilter {
  @Field(() => InvoiceStatus, { nullable: true }) status?: InvoiceStatus | null;
  @Field(() => String, { nullable: true }) phase?: string | null;
  @Field(() => Boolean, { nullable: true }) attention?: boolean | null;
  @Field(() => AttentionReason, { nullable: true }) attentionReason?: AttentionReason | null;
  @Field(() => ID, { nullable: true }) debtorId?: string | null;
  @Field(() => Boolean, { nullable: true }) overdue?: boolean | null;
  @Field(() => String, { nullable: true }) search?: string | null;
}

@InputType('DebtorFilter')
export class DebtorFilter {
  @Field(() => Boolean, { nullable: true }) attention?: boolean | null;
  @Field(() => AttentionReason, { nullable: true }) attentionReason?: AttentionReason | null;
  @Field(() => DebtorType, { nullable: true }) type?: DebtorType | null;
  @Field(() => String, { nullable: true }) search?: string | null;
}

@InputType('PaymentFilter')
export class PaymentFilter {
  @Field(() => PaymentStatus, { nullable: true }) status?: PaymentStatus | null;
  @Field(() => PaymentSource, { nullable: true }) source?: PaymentSource | null;
}

export const InvoiceConnection = connectionOf(InvoiceType, 'Invoice');

export const DebtorConnection = connectionOf(DebtorType_, 'Debtor');

export const PaymentConnection = connectionOf(PaymentType, 'Payment');

@ObjectType('DashboardPhase', { simpleResolvers: true })
export class DashboardPhaseType {
  @Field(() => String) key!: string;
  @Field(() => String) label!: string;
  @Field(() => Int) invoiceCount!: number;
  @Field(() => MoneyType) openAmount!: MoneyType;
}

@ObjectType('AttentionCount', { simpleResolvers: true })
export class AttentionCountType {
  @Field(() => AttentionReason) reason!: AttentionReason;
  @Field(() => Int) count!: number;
}

@ObjectType('Dashboard', { simpleResolvers: true })
export class DashboardType {
  @Field(() => [DashboardPhaseType]) phases!: DashboardPhaseType[];
  @Field(() => [AttentionCountType]) attention!: AttentionCountType[];
  @Field(() => MoneyType, { description: "in the administration's currency only" }) openAmount!: MoneyType;
  @Field(() => MoneyType, { description: "in the administration's currency only" }) overdueAmount!: MoneyType;
  @Field(() => [MoneyType], { description: "one per currency with open invoices, the administration's first; sums never mix currencies" })
  openAmounts!: MoneyType[];
  @Field(() => [MoneyType], { description: 'one per currency with overdue invoices' }) overdueAmounts!: MoneyType[];
}
