// One step of an administration's reminder flow: what happens how many days after an invoice's due date.
import { Entity, Enum, Filter, ManyToOne, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import { Administration } from './Administration';
import { newId, tenantFilter } from './base';

export enum ReminderAction {
  EMAIL = 'EMAIL',
  FOURTEEN_DAY_LETTER = 'FOURTEEN_DAY_LETTER',
  OPEN_CASE = 'OPEN_CASE',
}

/** Which debtors a step is for. */
export enum DebtorScope {
  ALL = 'ALL',
  BUSINESS = 'BUSINESS',
  PRIVATE = 'PRIVATE',
}

@Entity({ tableName: 'reminder_steps' })
@Unique({ properties: ['administration', 'key'] })
@Filter(tenantFilter)
export class ReminderStep {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  /** Order in the flow as the user wrote it. */
  @Property({ type: 'integer' })
  position!: number;

  /** Stable name of the step; an invoice that reached it is in the dashboard phase of this key. */
  @Property({ type: 'text' })
  key!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'integer' })
  daysAfterDue!: number;

  @Enum({ items: () => ReminderAction, nativeEnumName: 'reminder_action' })
  action!: ReminderAction;

  @Enum({ items: () => DebtorScope, nativeEnumName: 'debtor_scope' })
  appliesTo!: DebtorScope;

  @Property({ type: 'text' })
  subject!: string;

  @Property({ type: 'text' })
  body!: string;
}
