// One import of invoices and debtors from the bookkeeping software, run by the worker.
import { Entity, Enum, Filter, Index, ManyToOne, PrimaryKey, Property, type Rel, type Opt } from '@mikro-orm/core';
import { Administration } from './Administration';
import { newId, tenantFilter } from './base';

export enum ImportStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  PARTIAL = 'PARTIAL',
  FAILED = 'FAILED',
}

export interface StoredRowError {
  row: number;
  field: string | null;
  message: string;
}

@Entity({ tableName: 'import_runs' })
@Index({ properties: ['administration', 'createdAt', 'id'] })
// Recovery looks for runs whose lease ran out; only unfinished runs are in this index.
@Index({
  name: 'import_runs_active_index',
  expression: `create index "import_runs_active_index" on "import_runs" ("lease_until") where "status" in ('QUEUED', 'RUNNING')`,
})
@Filter(tenantFilter)
export class ImportRun {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Administration, { deleteRule: 'cascade' })
  administration!: Rel<Administration>;

  /** CSV, UBL or API (importInvoices). */
  @Property({ type: 'text' })
  format!: string;

  @Enum({ items: () => ImportStatus, nativeEnumName: 'import_status' })
  status: Opt<ImportStatus> = ImportStatus.QUEUED;

  /** The import is the full list of open items: open invoices absent from it are closed. */
  @Property({ type: 'boolean' })
  complete: Opt<boolean> = false;

  /** Where the input waits for the worker (storage key); removed once the run ends. */
  @Property({ type: 'text', nullable: true })
  sourceKey: string | null = null;

  @Property({ type: 'text', nullable: true })
  filename: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  createdBy: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null = null;

  @Property({ type: 'integer' })
  rowsRead: Opt<number> = 0;

  @Property({ type: 'integer' })
  invoicesCreated: Opt<number> = 0;

  @Property({ type: 'integer' })
  invoicesUpdated: Opt<number> = 0;

  @Property({ type: 'integer' })
  invoicesClosed: Opt<number> = 0;

  @Property({ type: 'integer' })
  debtorsCreated: Opt<number> = 0;

  @Property({ type: 'integer' })
  debtorsUpdated: Opt<number> = 0;

  @Property({ type: 'json' })
  errors: Opt<StoredRowError[]> = [];

  /** While RUNNING: the worker holding the run renews this; past it, the run is taken for crashed and re-queued. */
  @Property({ type: 'timestamptz', nullable: true })
  leaseUntil: Date | null = null;

  /** How often a worker has claimed the run (more than 1: it was recovered after a crash). */
  @Property({ type: 'integer' })
  attempts: Opt<number> = 0;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
