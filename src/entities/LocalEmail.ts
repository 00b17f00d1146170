// An email "sent" by the local transport (no Mailgun configured): kept in the database instead of leaving the building.
import { Entity, Filter, Index, ManyToOne, PrimaryKey, Property, type Rel, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { Message } from './Message';
import { newId, tenantFilter } from './base';

@Entity({ tableName: 'local_emails' })
@Filter(tenantFilter)
export class LocalEmail {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @ManyToOne(() => Message, { deleteRule: 'cascade' })
  @Index()
  message!: Rel<Message>;

  @Property({ type: 'text' })
  from!: string;

  @Property({ type: 'text[]' })
  to!: string[];

  @Property({ type: 'text[]' })
  cc!: string[];

  @Property({ type: 'text[]' })
  bcc!: string[];

  @Property({ type: 'text' })
  replyTo!: string;

  @Property({ type: 'text' })
  subject!: string;

  @Property({ type: 'text' })
  text!: string;

  @Property({ type: 'text' })
  html!: string;

  @Property({ type: 'text[]' })
  tags!: string[];

  /** Names, types and sizes of the attachments (the bytes stay in storage). */
  @Property({ type: 'jsonb' })
  attachments: Opt<{ filename: string; contentType: string; size: number }[]> = [];

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
