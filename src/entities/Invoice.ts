// An invoice of a debtor, as imported from the bookkeeping software; amounts in integer cents.
import { BigIntType, Entity, Enum, Filter, Index, ManyToOne, PrimaryKey, Property, type Rel, Unique, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { Case } from './Case';
import { PaymentPlan } from './PaymentPlan';
import { Debtor } from './Debtor';
import { newId, tenantFilter } from './base';

export enum InvoiceStatus {
  OPEN = 'OPEN',
  PAID = 'PAID',
  CANCELLED = 'CANCELLED',
}

@Entity({ tableName: 'invoices' })
@Unique({ properties: ['administration', 'externalId'] })
// Keyset pagination of administration.invoices runs on (due_date, id).
@Index({ properties: ['administration', 'dueDate', 'id'] })
@Filter(tenantFilter)
export class Invoice {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @ManyToOne(() => Debtor, { deleteRule: 'cascade' })
  @Index()
  debtor!: Rel<Debtor>;

  @Property({ type: 'text' })
  externalId!: string;

  @Property({ type: 'text' })
  number!: string;

  @Property({ type: 'date' })
  issueDate!: string;

  @Property({ type: 'date' })
  dueDate!: string;

  @Property({ type: new BigIntType('bigint') })
  amount!: bigint;

  /** What is still to be paid: the bookkeeping's open amount minus the payments it does not show yet, never below zero. */
  @Property({ type: new BigIntType('bigint') })
  openAmount!: bigint;

  /** The open amount as the bookkeeping last reported it. */
  @Property({ type: new BigIntType('bigint') })
  bookkeepingOpenAmount!: bigint;

  @Property({ type: 'text' })
  currency!: string;

  @Enum({ items: () => InvoiceStatus, nativeEnumName: 'invoice_status' })
  status: Opt<InvoiceStatus> = InvoiceStatus.OPEN;

  /** Put on hold by a user (disputed): out of the reminder flow until released. */
  @Property({ type: 'boolean' })
  onHold: Opt<boolean> = false;

  /** When it was first imported: its INVOICE_IMPORTED moment on the timeline. */
  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  /** When its status last became PAID (null while not paid): its INVOICE_PAID moment on the timeline. */
  @Property({ type: 'timestamptz', nullable: true })
  paidAt: Date | null = null;

  @Property({ type: 'timestamptz' })
  updatedAt: Opt<Date> = new Date();

  /** The last step of the reminder flow it reached (its phase while open and not covered otherwise). */
  @Property({ type: 'text', nullable: true })
  reminderStepKey: string | null = null;

  /** Days after due of that step when it was reached: later steps are those with more days, even if the flow changed. */
  @Property({ type: 'integer', nullable: true })
  reminderStepDays: number | null = null;

  /** Private debtor: the last day of the term its 14-day letter gave; a case is not opened before it has run. */
  @Property({ type: 'date', nullable: true })
  letterDeadline: string | null = null;

  /**
   * The collection case it is part of. Not indexed (a case lists its invoices: Case.invoiceIds) and no constraint:
   * cases are written with their invoices' ids read in the same transaction, and are deleted only with their
   * administration, which takes its invoices along.
   */
  @ManyToOne(() => Case, { nullable: true, createForeignKeyConstraint: false })
  case: Rel<Case> | null = null;

  /** Its open amount when its case was opened: its part of the case's principal, earning interest from its own start. */
  @Property({ type: new BigIntType('bigint'), nullable: true })
  casePrincipal: bigint | null = null;

  /** The payment plan that covers it (the latest one; only an ACTIVE plan stops reminders). */
  @ManyToOne(() => PaymentPlan, { nullable: true, deleteRule: 'set null' })
  @Index()
  paymentPlan: Rel<PaymentPlan> | null = null;
}
