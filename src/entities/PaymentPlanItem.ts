// What a payment plan covers: one row per invoice or case, kept for good (an item's own pointer to its plan is only its latest).
import { BigIntType, Entity, Filter, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Administration } from './Administration';
import { newId, tenantFilter } from './base';
import { Case } from './Case';
import { Invoice } from './Invoice';
import { PaymentPlan } from './PaymentPlan';

@Entity({ tableName: 'payment_plan_items' })
@Filter(tenantFilter)
export class PaymentPlanItem {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @ManyToOne(() => PaymentPlan, { deleteRule: 'cascade' })
  @Index()
  plan!: Rel<PaymentPlan>;

  /** Exactly one of invoice and case is set. */
  @ManyToOne(() => Invoice, { nullable: true, deleteRule: 'cascade' })
  @Index()
  invoice: Rel<Invoice> | null = null;

  @ManyToOne(() => Case, { nullable: true, deleteRule: 'cascade' })
  @Index()
  case: Rel<Case> | null = null;

  /** What it added to the plan's total: the invoice's open amount, or the case's total due, when the plan was made. */
  @Property({ type: new BigIntType('bigint') })
  amount!: bigint;
}
