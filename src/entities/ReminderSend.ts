// That an invoice reached a step of the flow: written once, in the transaction that queues its email, so a step
// is never sent twice (the key), whichever run or worker gets there.
import { Entity, Enum, Filter, ManyToOne, PrimaryKey, PrimaryKeyProp, Property, type Rel, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { newId, tenantFilter } from './base';
import { Invoice } from './Invoice';
import { ReminderAction } from './ReminderStep';

@Entity({ tableName: 'reminder_sends' })
@Filter(tenantFilter)
export class ReminderSend {
  [PrimaryKeyProp]?: ['invoice', 'stepKey'];

  /**
   * Names the row as a timeline entry. Not a key: the (invoice, step) key is the one index a run writes per invoice
   * here (Migration20261212ReminderSendKey), and a random uuid needs no index to stay unique.
   */
  @Property({ type: 'uuid' })
  id: string = newId();

  // No constraints: written with the invoice's update, for the administration the run is of, and neither is
  // deleted (Migration20261210ReminderWriteCosts, Migration20261211MessageWriteCosts).
  @ManyToOne(() => Administration, { createForeignKeyConstraint: false })
  administration!: Rel<Administration>;

  @ManyToOne(() => Invoice, { primary: true, createForeignKeyConstraint: false })
  invoice!: Rel<Invoice>;

  @PrimaryKey({ type: 'text' })
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
