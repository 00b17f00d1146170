// That an invoice reached a step of the flow: written once, in the transaction that queues its email, so a step
// is never sent twice (the unique key), whichever run or worker gets there.
import { Entity, Enum, Filter, ManyToOne, PrimaryKey, Property, type Rel, Unique, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { newId, tenantFilter } from './base';
import { Invoice } from './Invoice';
import { ReminderAction } from './ReminderStep';

@Entity({ tableName: 'reminder_sends' })
@Unique({ properties: ['invoice', 'stepKey'] })
@Filter(tenantFilter)
export class ReminderSend {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  // No constraints: written with the invoice's update, for the administration the run is of, and neither is
  // deleted (Migration20261210ReminderWriteCosts, Migration20261211MessageWriteCosts).
  @ManyToOne(() => Administration, { createForeignKeyConstraint: false })
  administration!: Rel<Administration>;

  @ManyToOne(() => Invoice, { createForeignKeyConstraint: false })
  invoice!: Rel<Invoice>;

  @Property({ type: 'text' })
  stepKey!: string;

  @Enum({ items: () => ReminderAction, nativeEnumName: 'reminder_action' })
  action!: ReminderAction;

  /** The run that sent it (not indexed: nothing looks up a run's rows). */
  @Property({ type: 'uuid' })
  runId!: string;

  /** The email listing this invoice (null when the debtor could not be emailed: the message is NOT_EMAILED). */
  @Property({ type: 'uuid', nullable: true })
  messageId: string | null = null;

  /** The case an OPEN_CASE step put the invoice in. */
  @Property({ type: 'uuid', nullable: true })
  caseId: string | null = null;

  /** The administration's day it was sent. */
  @Property({ type: 'date' })
  sentOn!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
