// Where an administration's daily import comes from: a URL serving a CSV or UBL ZIP, fetched at a time of day.
import { Entity, Filter, Index, OneToOne, Property, type Rel, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { tenantFilter } from './base';

@Entity({ tableName: 'import_sources' })
@Filter(tenantFilter)
export class ImportSource {
  @OneToOne(() => Administration, { primary: true, owner: true, deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  @Property({ type: 'text' })
  url!: string;

  /** CSV or UBL. */
  @Property({ type: 'text' })
  format!: string;

  /** The Authorization header to send, AES-GCM encrypted with DATA_ENCRYPTION_KEY (see services/imports/secret-box). */
  @Property({ type: 'text', nullable: true, hidden: true })
  authorizationEncrypted: string | null = null;

  /** HH:MM in the administration's time zone. */
  @Property({ type: 'text' })
  timeOfDay!: string;

  @Property({ type: 'boolean' })
  enabled: Opt<boolean> = true;

  /** The scheduler picks sources whose time has come. */
  @Property({ type: 'timestamptz' })
  @Index()
  nextRunAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  lastRunAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  lastSuccessAt: Date | null = null;

  /** Why the last attempt failed; null once a run succeeds. Shown as an attention item meanwhile. */
  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'integer' })
  failures: Opt<number> = 0;
}
