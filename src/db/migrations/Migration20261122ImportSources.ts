// Daily import sources: where each administration's bookkeeping export is fetched from, and when.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261122ImportSources extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "import_sources" ("administration_id" uuid not null, "url" text not null, "format" text not null, "authorization_encrypted" text null, "time_of_day" text not null, "enabled" boolean not null default true, "next_run_at" timestamptz not null, "last_run_at" timestamptz null, "last_success_at" timestamptz null, "last_error" text null, "failures" int not null default 0, constraint "import_sources_pkey" primary key ("administration_id"));`);
    this.addSql(`create index "import_sources_next_run_at_index" on "import_sources" ("next_run_at");`);
    this.addSql(`alter table "import_sources" add constraint "import_sources_administration_id_foreign" foreign key ("administration_id") references "administrations" ("id") on update cascade on delete cascade;`);
  }
}
