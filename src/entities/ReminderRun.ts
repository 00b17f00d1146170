// One run of the reminder flow for an administration: the daily run, or one started by runReminders.
import { Entity, Enum, Filter, Index, ManyToOne, PrimaryKey, Property, type Rel, Unique, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { newId, tenantFilter } from './base';

export enum RunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

@Entity({ tableName: 'reminder_runs' })
@Index({ properties: ['administration', 'createdAt', 'id'] })
// At most one daily run per administration and day, whichever worker gets there first.
@Unique({ properties: ['administration', 'dailyOn'] })
@Filter(tenantFilter)
export class ReminderRun {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @Enum({ items: () => RunStatus, nativeEnumName: 'run_status' })
  status: Opt<RunStatus> = RunStatus.QUEUED;

  /** The administration's day this daily run is for; null for a run started by a user. */
  @Property({ type: 'date', nullable: true })
  dailyOn: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  createdBy: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null = null;

  @Property({ type: 'integer' })
  invoicesSelected: Opt<number> = 0;

  @Property({ type: 'integer' })
  messagesQueued: Opt<number> = 0;

  @Property({ type: 'integer' })
  casesOpened: Opt<number> = 0;

  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  /** Until when the run's job is taken care of (real time); past it, unfinished, the daily task queues it again. */
  @Property({ type: 'timestamptz', nullable: true })
  leaseUntil: Date | null = null;
}
