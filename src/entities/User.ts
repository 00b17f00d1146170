// A person who logs in; belongs to administrations through memberships.
import { Entity, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { newId } from './base';

@Entity({ tableName: 'users' })
export class User {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  /** Stored lowercased so uniqueness is case-insensitive. */
  @Property({ type: 'text' })
  @Unique()
  email!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', hidden: true })
  passwordHash!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
