// A debtor: a customer of the administration, as the bookkeeping software knows it.
import { Entity, Enum, Filter, Index, ManyToOne, PrimaryKey, Property, type Rel, Unique, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { newId, tenantFilter } from './base';
import { PORTAL_LINK_NONCE_SQL } from '../domain/portal-access';

export enum DebtorType {
  BUSINESS = 'BUSINESS',
  PRIVATE = 'PRIVATE',
}

@Entity({ tableName: 'debtors' })
@Unique({ properties: ['administration', 'externalId'] })
// Keyset pagination of administration.debtors runs on (name, id).
@Index({ properties: ['administration', 'name', 'id'] })
@Filter(tenantFilter)
export class Debtor {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  /** Customer number in the bookkeeping software; details only change through an import. */
  @Property({ type: 'text' })
  externalId!: string;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => DebtorType, nativeEnumName: 'debtor_type' })
  type!: DebtorType;

  @Property({ type: 'text', nullable: true })
  email: string | null = null;

  /**
   * When an email to this address failed permanently (Mailgun's bounce): the debtor needs attention (EMAIL_BOUNCED)
   * until the address changes or a later email to it is delivered.
   */
  @Property({ type: 'timestamptz', nullable: true })
  emailBouncedAt: Date | null = null;

  /**
   * The random part of the debtor's portal link (see domain/portal-access.ts): made by the database, also for
   * debtors the set-based import inserts. Replacing it (rotatePortalAccess) ends the old link and its sessions.
   */
  @Property({ type: 'text', defaultRaw: PORTAL_LINK_NONCE_SQL, lazy: false })
  portalLinkNonce!: Opt<string>;

  /** E.164 where the imported number parses, otherwise as imported. */
  @Property({ type: 'text', nullable: true })
  phone: string | null = null;

  @Property({ type: 'text', nullable: true })
  street: string | null = null;

  @Property({ type: 'text', nullable: true })
  houseNumber: string | null = null;

  @Property({ type: 'text', nullable: true })
  postcode: string | null = null;

  @Property({ type: 'text', nullable: true })
  city: string | null = null;

  @Property({ type: 'text', nullable: true })
  country: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Opt<Date> = new Date();
}
