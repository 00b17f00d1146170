// Trusted ledger: payments awaiting the bookkeeping, the job outbox, and leases on import runs.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261124TrustedLedger extends Migration {
  override async up(): Promise<void> {
    // What the bookkeeping last said is open; open_amount is that minus the payments it does not show yet.
    this.addSql(`alter table "invoices" add column "bookkeeping_open_amount" bigint null;`);
    this.addSql(`update "invoices" set "bookkeeping_open_amount" = "open_amount";`);
    this.addSql(`alter table "invoices" alter column "bookkeeping_open_amount" set not null;`);
    // The part of an allocation the bookkeeping has not shown yet (a MANUAL or ONLINE payment made here).
    // Existing allocations count as reconciled: the ledger before this had no notion of waiting.
    this.addSql(`alter table "payment_allocations" add column "awaiting_amount" bigint not null default 0;`);
    this.addSql(`create index "payment_allocations_awaiting_index" on "payment_allocations" ("invoice_id", "id") where "awaiting_amount" > 0;`);
    this.addSql(`alter table "payments" add column "reconciled_at" timestamptz null;`);
    this.addSql(`update "payments" set "reconciled_at" = "created_at";`);

    // Transactional outbox: a job is written in the transaction of the change it belongs to.
    this.addSql(`create table "job_outbox" ("id" bigserial primary key, "job" text not null, "data" jsonb not null, "created_at" timestamptz not null default now());`);

    // A run is claimed atomically and kept alive by a heartbeat; an expired lease means its worker died.
    this.addSql(`alter table "import_runs" add column "lease_until" timestamptz null, add column "attempts" int not null default 0;`);
    this.addSql(`create index "import_runs_active_index" on "import_runs" ("lease_until") where "status" in ('QUEUED', 'RUNNING');`);
  }
}
