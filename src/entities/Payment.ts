// A payment by a debtor, and the invoices it settles with the amount per invoice.
import { BigIntType, Entity, Enum, Filter, Index, ManyToOne, PrimaryKey, Property, type Rel, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { Debtor } from './Debtor';
import { Invoice } from './Invoice';
import { newId, tenantFilter } from './base';

export enum PaymentStatus {
  OPEN = 'OPEN',
  PENDING = 'PENDING',
  PAID = 'PAID',
  FAILED = 'FAILED',
  CANCELED = 'CANCELED',
  EXPIRED = 'EXPIRED',
  REFUNDED = 'REFUNDED',
}

export enum PaymentSource {
  ONLINE = 'ONLINE',
  BOOKKEEPING = 'BOOKKEEPING',
  MANUAL = 'MANUAL',
}

@Entity({ tableName: 'payments' })
@Index({ properties: ['administration', 'createdAt', 'id'] })
@Filter(tenantFilter)
export class Payment {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @ManyToOne(() => Debtor, { deleteRule: 'cascade' })
  @Index()
  debtor!: Rel<Debtor>;

  @Property({ type: new BigIntType('bigint') })
  amount!: bigint;

  @Property({ type: 'text' })
  currency!: string;

  @Enum({ items: () => PaymentStatus, nativeEnumName: 'payment_status' })
  status!: PaymentStatus;

  @Enum({ items: () => PaymentSource, nativeEnumName: 'payment_source' })
  source!: PaymentSource;

  @Property({ type: 'text', nullable: true })
  method: string | null = null;

  /** The provider's id of an ONLINE payment (Mollie's tr_...): what its webhook posts. */
  @Property({ type: 'text', nullable: true })
  @Index()
  providerReference: string | null = null;

  /** Of an ONLINE payment: what the provider refunded of it so far (applied to the ledger once each). */
  @Property({ type: new BigIntType('bigint') })
  refundedAmount: Opt<bigint> = 0n;

  /** The business date of the payment (the day the money came in). */
  @Property({ type: 'date', nullable: true })
  paidOn: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  paidAt: Date | null = null;

  /** When the bookkeeping showed all of this payment; null while it is awaiting the bookkeeping. */
  @Property({ type: 'timestamptz', nullable: true })
  reconciledAt: Date | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}

@Entity({ tableName: 'payment_allocations' })
// Reconciliation looks for the allocations still awaiting the bookkeeping, oldest first, per invoice.
@Index({
  name: 'payment_allocations_awaiting_index',
  expression: `create index "payment_allocations_awaiting_index" on "payment_allocations" ("invoice_id", "id") where "awaiting_amount" > 0`,
})
@Filter(tenantFilter)
export class PaymentAllocation {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @ManyToOne(() => Payment, { deleteRule: 'cascade' })
  @Index()
  payment!: Rel<Payment>;

  @ManyToOne(() => Invoice, { deleteRule: 'cascade' })
  @Index()
  invoice!: Rel<Invoice>;

  @Property({ type: new BigIntType('bigint') })
  amount!: bigint;

  /** The part the bookkeeping does not show yet; reconciled (down to 0) by later imports. */
  @Property({ type: new BigIntType('bigint') })
  awaitingAmount: Opt<bigint> = 0n;
}
