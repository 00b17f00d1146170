// A debt-collection case: a debtor's overdue invoices grouped, with statutory collection costs and interest.
import { ArrayType, BigIntType, Entity, Enum, Filter, Index, ManyToOne, PrimaryKey, Property, type Rel, Unique, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { newId, tenantFilter } from './base';
import { Debtor } from './Debtor';
import { PaymentPlan } from './PaymentPlan';

export enum CaseStatus {
  OPEN = 'OPEN',
  PAYMENT_PLAN = 'PAYMENT_PLAN',
  CLOSED = 'CLOSED',
}

export enum CollectionCostsMode {
  UNDECIDED = 'UNDECIDED',
  COLLECT = 'COLLECT',
  WAIVE = 'WAIVE',
}

/** Art. 6:119 BW (private debtors) and art. 6:119a BW (business debtors). */
export enum InterestKind {
  STATUTORY = 'STATUTORY',
  COMMERCIAL = 'COMMERCIAL',
}

@Entity({ tableName: 'cases' })
@Unique({ properties: ['administration', 'number'] })
@Index({ properties: ['administration', 'openedAt', 'id'] })
@Filter(tenantFilter)
export class Case {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @Property({ type: 'text' })
  number!: string;

  @ManyToOne(() => Debtor, { deleteRule: 'cascade' })
  @Index()
  debtor!: Rel<Debtor>;

  @Enum({ items: () => CaseStatus, nativeEnumName: 'case_status' })
  status: Opt<CaseStatus> = CaseStatus.OPEN;

  @Property({ type: 'text' })
  currency!: string;

  /**
   * The invoices it was opened with. An invoice names its case (invoices.case_id) and that is the truth: one that
   * later went into a new case (after this one closed) is this case's no more. The list is how a case finds its
   * invoices, through their primary key; an index on invoices.case_id would make every invoice a run puts into a case
   * write a new entry in each of the invoice's indexes instead of updating in place (Migration20261213CaseInvoiceList).
   */
  @Property({ type: ArrayType, columnType: 'uuid[]' })
  invoiceIds!: string[];

  /** The open amount of its invoices when the case was opened: what the statutory costs are computed on. */
  @Property({ type: new BigIntType('bigint') })
  principal!: bigint;

  /** Statutory extrajudicial collection costs on `principal`, owed only once the mode is COLLECT. */
  @Property({ type: new BigIntType('bigint') })
  collectionCosts!: bigint;

  @Enum({ items: () => CollectionCostsMode, nativeEnumName: 'collection_costs_mode' })
  collectionCostsMode: Opt<CollectionCostsMode> = CollectionCostsMode.UNDECIDED;

  @Enum({ items: () => InterestKind, nativeEnumName: 'interest_kind' })
  interestKind!: InterestKind;

  @Property({ type: 'date', nullable: true })
  interestFrom: string | null = null;

  /** Private debtor: the last day of the 14-day letter's term; costs may be collected only after it. */
  @Property({ type: 'date', nullable: true })
  letterDeadline: string | null = null;

  /** The payment plan that covers it (the latest one). */
  @ManyToOne(() => PaymentPlan, { nullable: true, deleteRule: 'set null' })
  paymentPlan: Rel<PaymentPlan> | null = null;

  @Property({ type: 'timestamptz' })
  openedAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  closedAt: Date | null = null;
}
