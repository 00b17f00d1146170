// A stored file of an invoice (its PDF, the original UBL) or of a message (its attachments); the bytes live in the storage adapter.
import { Entity, Filter, Index, ManyToOne, PrimaryKey, Property, type Rel, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { Invoice } from './Invoice';
import { Message } from './Message';
import { newId, tenantFilter } from './base';

@Entity({ tableName: 'documents' })
@Filter(tenantFilter)
export class Document {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @ManyToOne(() => Invoice, { deleteRule: 'cascade', nullable: true })
  @Index()
  invoice: Rel<Invoice> | null = null;

  /** Set on a message's attachments; an invoice's own documents have none. */
  @ManyToOne(() => Message, { deleteRule: 'cascade', nullable: true })
  @Index()
  message: Rel<Message> | null = null;

  @Property({ type: 'text' })
  filename!: string;

  @Property({ type: 'text' })
  contentType!: string;

  @Property({ type: 'integer' })
  size!: number;

  /** Key in the storage adapter. */
  @Property({ type: 'text' })
  storageKey!: string;

  @Property({ type: 'boolean' })
  sensitive: Opt<boolean> = true;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
