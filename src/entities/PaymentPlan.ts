// A payment plan: a debtor pays invoices and/or cases in installments; covered items get no reminders while ACTIVE.
import { BigIntType, Entity, Enum, Filter, Index, ManyToOne, PrimaryKey, Property, type Rel, Unique, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { newId, tenantFilter } from './base';
import { Debtor } from './Debtor';

export enum PaymentPlanStatus {
  ACTIVE = 'ACTIVE',
  COMPLETED = 'COMPLETED',
  BREACHED = 'BREACHED',
  CANCELLED = 'CANCELLED',
}

export enum PlanInterval {
  WEEKLY = 'WEEKLY',
  MONTHLY = 'MONTHLY',
}

@Entity({ tableName: 'payment_plans' })
@Index({ properties: ['administration', 'createdAt', 'id'] })
@Filter(tenantFilter)
export class PaymentPlan {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @ManyToOne(() => Debtor, { deleteRule: 'cascade' })
  @Index()
  debtor!: Rel<Debtor>;

  @Enum({ items: () => PaymentPlanStatus, nativeEnumName: 'payment_plan_status' })
  status: Opt<PaymentPlanStatus> = PaymentPlanStatus.ACTIVE;

  @Property({ type: 'text' })
  currency!: string;

  @Property({ type: new BigIntType('bigint') })
  total!: bigint;

  @Property({ type: new BigIntType('bigint') })
  paid: Opt<bigint> = 0n;

  @Enum({ items: () => PlanInterval, nativeEnumName: 'plan_interval' })
  interval!: PlanInterval;

  @Property({ type: 'uuid', nullable: true })
  createdBy: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  /** When it stopped being ACTIVE (completed, breached or cancelled). */
  @Property({ type: 'timestamptz', nullable: true })
  endedAt: Date | null = null;
}

@Entity({ tableName: 'installments' })
@Unique({ properties: ['plan', 'number'] })
@Filter(tenantFilter)
export class Installment {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @ManyToOne(() => PaymentPlan, { deleteRule: 'cascade' })
  plan!: Rel<PaymentPlan>;

  @Property({ type: 'integer' })
  number!: number;

  @Property({ type: 'date' })
  @Index()
  dueDate!: string;

  @Property({ type: new BigIntType('bigint') })
  amount!: bigint;

  @Property({ type: new BigIntType('bigint') })
  paidAmount: Opt<bigint> = 0n;

  /** The alert some days before the due date went out (written with its email, so it goes once). */
  @Property({ type: 'timestamptz', nullable: true })
  alertSentAt: Date | null = null;

  /** The reminder for an overdue installment went out. */
  @Property({ type: 'timestamptz', nullable: true })
  overdueNoticeSentAt: Date | null = null;
}
