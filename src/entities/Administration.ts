// An administration: one ledger of one company, and the unit of tenancy.
import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { newId } from './base';

@Entity({ tableName: 'administrations' })
export class Administration {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  name!: string;

  /** ISO-4217 code of the ledger's currency. */
  @Property({ type: 'text' })
  currency: Opt<string> = 'EUR';

  /** IANA time zone in which "today" is taken for due dates and schedules. */
  @Property({ type: 'text' })
  timeZone: Opt<string> = 'Europe/Amsterdam';

  /** Applied when an imported invoice carries no due date. */
  @Property({ type: 'integer' })
  defaultPaymentTermDays: Opt<number> = 30;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  /** The number the next collection case gets (C-1, C-2, ...). */
  @Property({ type: 'integer' })
  nextCaseNumber: Opt<number> = 1;
}
