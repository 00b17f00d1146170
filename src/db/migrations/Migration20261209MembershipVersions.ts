// A version per administration that every change of its memberships raises, in the same transaction: a live
// subscription's recheck compares versions (one row per administration) instead of reading every subscriber's
// membership for every event. A trigger raises it, so an operator's SQL, a deleted user or a cascade counts as
// much as the API. The table is read and written in plain SQL only (schemaGenerator.skipTables lists it).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261209MembershipVersions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "membership_versions" (
      "administration_id" uuid not null primary key references "administrations" ("id") on update cascade on delete cascade,
      "version" bigint not null);`);
    // An administration being deleted takes its memberships with it: its row is gone by then, and so is its version.
    this.addSql(`create function "raise_membership_version"(administration uuid) returns void language sql as $$
      insert into "membership_versions" as v ("administration_id", "version")
      select administration, 1 where exists (select 1 from "administrations" where "id" = administration)
      on conflict ("administration_id") do update set "version" = v."version" + 1;
    $$;`);
    this.addSql(`create function "memberships_changed"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'TRUNCATE' then
          insert into "membership_versions" as v ("administration_id", "version") select "id", 1 from "administrations"
          on conflict ("administration_id") do update set "version" = v."version" + 1;
          return null;
        end if;
        if tg_op <> 'INSERT' then perform "raise_membership_version"(old."administration_id"); end if;
        if tg_op <> 'DELETE' and (tg_op = 'INSERT' or new."administration_id" <> old."administration_id") then
          perform "raise_membership_version"(new."administration_id");
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger "memberships_changed" after insert or update or delete on "memberships"
      for each row execute function "memberships_changed"();`);
    this.addSql(`create trigger "memberships_truncated" after truncate on "memberships"
      for each statement execute function "memberships_changed"();`);
  }
}
