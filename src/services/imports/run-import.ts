// Runs one queued import in the worker: streams rows in batches into one transaction, so a failure writes nothing.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { todayIn } from '../../clock';
import { Administration } from '../../entities/Administration';
import { ImportRun, ImportStatus, type StoredRowError } from '../../entities/ImportRun';
import { UnreadableFileError, type ImportedInvoice } from '../../integrations/bookkeeping';
import { storageFor, type Storage } from '../../integrations/storage/storage';
import { publishEvent, Topic } from '../events/events';
import { execute, executeBulk } from '../ledger/sql';
import { applyBookkeepingOpenAmounts } from '../payments/bookkeeping-payments';
import { upsertBatch, type BatchContext, type BatchCounts } from './bulk-upsert';
import { storeDocuments } from './documents';
import { rowsOf } from './row-sources';

// Rows per round of statements: big enough that per-statement costs vanish, small enough for steady progress.
const BATCH_SIZE = 2000;
// Keeps a file full of bad rows from turning the run into megabytes of errors.
const MAX_STORED_ERRORS = 1000;

/** Tells the job queue the run is alive (Agenda's touch), so a long import is not taken for a crashed one. */
export type Heartbeat = () => Promise<void>;

const HEARTBEAT_INTERVAL_MS = 30_000;

function throttled(heartbeat: Heartbeat): Heartbeat {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < HEARTBEAT_INTERVAL_MS) return;
    last = Date.now();
    await heartbeat();
  };
}

interface Progress extends BatchCounts {
  rowsRead: number;
  /** Storage keys of the documents this run wrote: removed again when its transaction rolls back. */
  storedDocuments: string[];
  errors: StoredRowError[];
  errorCount: number;
}

/**
 * Idempotent for the job queue: a run is only picked up while QUEUED, or RUNNING after a
 * crashed worker (its transaction rolled back, so starting over is safe).
 */
export async function runImport(ctx: RequestContext, administrationId: string, runId: string, heartbeat: Heartbeat = async () => undefined): Promise<void> {
  const em = tenantEm(ctx, administrationId);
  const run = await em.findOne(ImportRun, { id: runId });
  if (!run || (run.status !== ImportStatus.QUEUED && run.status !== ImportStatus.RUNNING)) return;
  const administration = await em.findOneOrFail(Administration, { id: administrationId });
  const storage = storageFor(ctx.config);
  const progress: Progress = { rowsRead: 0, storedDocuments: [], invoicesCreated: 0, invoicesUpdated: 0, invoicesClosed: 0, debtorsCreated: 0, debtorsUpdated: 0, errors: [], errorCount: 0 };
  await saveProgress(ctx, run, progress, { status: ImportStatus.RUNNING, startedAt: ctx.clock.now() });

  try {
    await em.transactional(async (tx) => {
      const batch: BatchContext = {
        administrationId,
        currency: administration.currency,
        defaultPaymentTermDays: administration.defaultPaymentTermDays,
        now: ctx.clock.now(),
        today: todayIn(ctx.clock, administration.timeZone),
        debtorsWritten: new Map(),
      };
      await importRows(ctx, tx, run, batch, storage, progress, throttled(heartbeat));
    });
  } catch (error) {
    const message =
      error instanceof UnreadableFileError ? `The file cannot be read: ${error.message}` : 'The import failed unexpectedly; nothing was imported';
    if (!(error instanceof UnreadableFileError)) ctx.logger.error({ err: error, runId }, 'import failed');
    const failed = { ...progress, invoicesCreated: 0, invoicesUpdated: 0, invoicesClosed: 0, debtorsCreated: 0, debtorsUpdated: 0 };
    failed.errors = [{ row: 0, field: null, message }, ...progress.errors];
    await saveProgress(ctx, run, failed, { status: ImportStatus.FAILED, finishedAt: ctx.clock.now() });
    await removeSource(storage, run);
    await Promise.all(progress.storedDocuments.map((key) => storage.remove(key).catch(() => undefined)));
    return;
  }
  const written = progress.rowsRead - progress.errorCount > 0;
  const status = progress.errorCount === 0 ? ImportStatus.SUCCEEDED : written ? ImportStatus.PARTIAL : ImportStatus.FAILED;
  await saveProgress(ctx, run, progress, { status, finishedAt: ctx.clock.now() });
  await removeSource(storage, run);
}

async function importRows(
  ctx: RequestContext,
  tx: EntityManager,
  run: ImportRun,
  batch: BatchContext,
  storage: Storage,
  progress: Progress,
  heartbeat: Heartbeat,
) {
  // No index: rows go in fast, duplicates do no harm, and the final anti-join hashes the whole table.
  if (run.complete) await execute(tx, 'create temp table import_seen (external_id text not null) on commit drop');
  // Duplicate external ids: the last row wins (within a batch here, across batches by the later upsert).
  let pending = new Map<string, ImportedInvoice>();
  const write = async (invoices: ImportedInvoice[]) => {
    const result = await upsertBatch(tx, batch, invoices);
    for (const key of ['invoicesCreated', 'invoicesUpdated', 'invoicesClosed', 'debtorsCreated', 'debtorsUpdated'] as const) {
      progress[key] += result[key];
    }
    if (run.complete) {
      await executeBulk(tx, 'insert into import_seen select jsonb_array_elements_text(?::jsonb)', [
        JSON.stringify(invoices.map((i) => i.externalId)),
      ]);
    }
    await storeDocuments(tx, storage, batch.administrationId, invoices, result.invoiceIds, progress.storedDocuments);
    await saveProgress(ctx, run, progress);
    await heartbeat();
  };
  // One batch is written while the next is parsed: PostgreSQL and the parser work at the same time.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    await writing;
    if (pending.size === 0) return;
    const invoices = [...pending.values()];
    pending = new Map();
    writing = write(invoices);
    // Awaited before the next batch and at the end; until then a failure must not count as unhandled.
    writing.catch(() => undefined);
  };

  try {
    for await (const parsed of rowsOf(run, storage)) {
      progress.rowsRead += 1;
      if ('error' in parsed) {
        progress.errorCount += 1;
        if (progress.errors.length < MAX_STORED_ERRORS) progress.errors.push(parsed.error);
        continue;
      }
      pending.delete(parsed.invoice.externalId);
      pending.set(parsed.invoice.externalId, parsed.invoice);
      if (pending.size >= BATCH_SIZE) await flush();
    }
  } catch (error) {
    // An unreadable file: let the batch in flight settle before the transaction rolls back.
    await writing.catch(() => undefined);
    throw error;
  }
  await flush();
  await writing;
  if (progress.errorCount > MAX_STORED_ERRORS) {
    progress.errors.push({ row: 0, field: null, message: `${progress.errorCount - MAX_STORED_ERRORS} more rows had errors` });
  }
  if (run.complete) {
    if (progress.errorCount > 0) {
      // A row with an error may be an open invoice; closing it as paid would be wrong.
      progress.errors.push({ row: 0, field: null, message: 'Open invoices absent from this import were not closed, because some rows had errors' });
    } else {
      await closeAbsentInvoices(tx, batch, progress);
    }
  }
}

/** A complete import lists every open item: an invoice it leaves out is settled in the bookkeeping (open 0). */
async function closeAbsentInvoices(tx: EntityManager, batch: BatchContext, progress: Progress): Promise<void> {
  await execute(tx, 'analyze import_seen');
  const result = await applyBookkeepingOpenAmounts(tx, batch, {
    relation: `(select i.id as invoice_id, 0::bigint as bookkeeping_open from invoices i
                 where i.administration_id = ?::uuid and i.bookkeeping_open_amount <> 0
                   and not exists (select 1 from import_seen s where s.external_id = i.external_id))`,
    params: [batch.administrationId],
  });
  progress.invoicesClosed += result.invoicesClosed;
}

/**
 * Progress is written outside the import's transaction (a pool connection of its own), so
 * clients see rowsRead grow while the rows themselves only appear at commit.
 */
async function saveProgress(
  ctx: RequestContext,
  run: ImportRun,
  progress: Progress,
  change: { status?: ImportStatus; startedAt?: Date; finishedAt?: Date } = {},
): Promise<void> {
  const root = ctx.em.fork();
  await root.getConnection().execute(
    `update import_runs set rows_read = ?, invoices_created = ?, invoices_updated = ?, invoices_closed = ?, debtors_created = ?,
            debtors_updated = ?, errors = ?::jsonb, status = coalesce(?::import_status, status),
            started_at = coalesce(?::timestamptz, started_at), finished_at = coalesce(?::timestamptz, finished_at)
      where id = ? and administration_id = ?`,
    [
      progress.rowsRead,
      progress.invoicesCreated,
      progress.invoicesUpdated,
      progress.invoicesClosed,
      progress.debtorsCreated,
      progress.debtorsUpdated,
      JSON.stringify(progress.errors),
      change.status ?? null,
      change.startedAt?.toISOString() ?? null,
      change.finishedAt?.toISOString() ?? null,
      run.id,
      run.administration.id,
    ],
  );
  await publishEvent(root, Topic.IMPORT_RUN_UPDATED, run.administration.id, [run.id]);
}

async function removeSource(storage: Storage, run: ImportRun): Promise<void> {
  if (run.sourceKey) await storage.remove(run.sourceKey).catch(() => undefined);
}
