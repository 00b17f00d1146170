// What a payment paid toward a case: one row per payment and invoice of the case, written when the payment is recorded.
import { BigIntType, Entity, Filter, Index, ManyToOne, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import { Administration } from './Administration';
import { Case } from './Case';
import { Invoice } from './Invoice';
import { Payment } from './Payment';
import { newId, tenantFilter } from './base';

/**
 * A case's principal is its invoices' open amount when it was opened; a payment counts toward the case when it is
 * recorded while the invoice is in the case (the payment's subscriber writes this row in the payment's own
 * transaction), so no clock reading decides whether a payment came before or after the opening.
 */
@Entity({ tableName: 'case_payments' })
@Unique({ properties: ['payment', 'invoice'] })
@Filter(tenantFilter)
export class CasePayment {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @ManyToOne(() => Case, { deleteRule: 'cascade' })
  @Index()
  case!: Rel<Case>;

  @ManyToOne(() => Payment, { deleteRule: 'cascade' })
  payment!: Rel<Payment>;

  @ManyToOne(() => Invoice, { deleteRule: 'cascade' })
  invoice!: Rel<Invoice>;

  /** The payment's allocation to the invoice. */
  @Property({ type: new BigIntType('bigint') })
  amount!: bigint;

  /** The business date of the payment: where art. 6:44 BW allocation and interest take it. */
  @Property({ type: 'date' })
  paidOn!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}
