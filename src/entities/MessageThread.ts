// A conversation with a debtor: a sent message and the replies to it, tied together by an unguessable token.
import { Entity, Filter, ManyToOne, PrimaryKey, Property, type Rel, Unique, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { newId, tenantFilter } from './base';

@Entity({ tableName: 'message_threads' })
@Filter(tenantFilter)
export class MessageThread {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  // No constraint: written with its first message, for the administration the writer was checked against
  // (Migration20261211MessageWriteCosts).
  @ManyToOne(() => Administration, { createForeignKeyConstraint: false })
  administration!: Rel<Administration>;

  /** In the Reply-To address (reply+<token>@...): 128 random bits, so a reply address cannot be guessed. */
  @Property({ type: 'text' })
  @Unique()
  token!: string;

  /** A revoked thread takes no more replies. */
  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
