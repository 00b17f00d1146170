// A job waiting to be handed to the queue: written in the transaction of the change it belongs to.
import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

@Entity({ tableName: 'job_outbox' })
export class JobOutbox {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** The Agenda job name. */
  @Property({ type: 'text' })
  job!: string;

  @Property({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
