// A reusable message of an administration: subject, body with placeholders, and default CC/BCC.
import { Entity, Filter, Index, ManyToOne, PrimaryKey, Property, type Rel, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { newId, tenantFilter } from './base';

@Entity({ tableName: 'standard_messages' })
@Index({ properties: ['administration', 'description', 'id'] })
@Filter(tenantFilter)
export class StandardMessage {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @Property({ type: 'text' })
  description!: string;

  @Property({ type: 'text' })
  subject!: string;

  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'text[]' })
  cc: Opt<string[]> = [];

  @Property({ type: 'text[]' })
  bcc: Opt<string[]> = [];

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Opt<Date> = new Date();
}
