// Runs one queued import in the worker, in one transaction, so a failure writes nothing: the whole input is staged
// (staging.ts), then merged set-based (merge.ts).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { todayIn } from '../../clock';
import { Administration } from '../../entities/Administration';
import { ImportRun, ImportStatus, type StoredRowError } from '../../entities/ImportRun';
import { UnreadableFileError } from '../../integrations/bookkeeping';
import { storageFor, type Storage } from '../../integrations/storage/storage';
import { publishEvent, Topic } from '../events/events';
import { attachDocuments, storeDocumentFiles, type PendingDocument } from './documents';
import { mergeStaged, type MergeContext, type MergeCounts } from './merge';
import { rowsOf } from './row-sources';
import { stageRows, type ValidRow } from './staging';
import { assertStillHeld, claimRun, LeaseLostError, lockRunForImport, renewLease, type RunClaim } from './run-lease';

// How often rowsRead is saved while the input is staged.
const PROGRESS_INTERVAL_MS = 250;
// Keeps a file full of bad rows from turning the run into megabytes of errors.
const MAX_STORED_ERRORS = 1000;

/** Tells the job queue the run is alive (Agenda's touch), beside the run's own lease. */
export type Heartbeat = () => Promise<void>;

interface Progress extends MergeCounts {
  rowsRead: number;
  /** Storage keys of the documents this run wrote: removed again when its transaction rolls back. */
  storedDocuments: string[];
  errors: StoredRowError[];
  errorCount: number;
}

/**
 * Idempotent for the job queue: only the worker whose atomic claim takes the QUEUED run imports it; a second
 * delivery of the job finds it taken and returns. While it runs, a timer renews the lease (see run-lease.ts).
 */
export async function runImport(ctx: RequestContext, administrationId: string, runId: string, heartbeat: Heartbeat = async () => undefined): Promise<void> {
  const { leaseSeconds } = ctx.config.jobs;
  const claim = await claimRun(ctx.em.fork(), administrationId, runId, leaseSeconds, ctx.clock.now());
  if (!claim) return;
  const em = tenantEm(ctx, administrationId);
  const run = await em.findOneOrFail(ImportRun, { id: runId });
  const administration = await em.findOneOrFail(Administration, { id: administrationId });
  const storage = storageFor(ctx.config);
  const progress: Progress = { rowsRead: 0, storedDocuments: [], invoicesCreated: 0, invoicesUpdated: 0, invoicesClosed: 0, debtorsCreated: 0, debtorsUpdated: 0, errors: [], errorCount: 0 };
  const lease = keepLease(ctx, claim, heartbeat);
  await publishEvent(ctx.em.fork(), Topic.IMPORT_RUN_UPDATED, administrationId, [runId]);

  try {
    await em.transactional(async (tx) => {
      await lockRunForImport(tx, claim);
      const at: MergeContext = {
        administrationId,
        currency: administration.currency,
        defaultPaymentTermDays: administration.defaultPaymentTermDays,
        now: ctx.clock.now(),
        today: todayIn(ctx.clock, administration.timeZone),
      };
      await importRows(ctx, tx, run, claim, at, storage, progress, lease);
      await assertStillHeld(tx, claim);
    });
  } catch (error) {
    lease.stop();
    await Promise.all(progress.storedDocuments.map((key) => storage.remove(key).catch(() => undefined)));
    // The run is another worker's now: it writes the outcome.
    if (error instanceof LeaseLostError) return void ctx.logger.warn({ runId }, error.message);
    if (!(error instanceof UnreadableFileError)) ctx.logger.error({ err: error, runId }, 'import failed');
    const failed = { ...progress, invoicesCreated: 0, invoicesUpdated: 0, invoicesClosed: 0, debtorsCreated: 0, debtorsUpdated: 0 };
    failed.errors = [{ row: 0, field: null, message: failureReason(error) }, ...progress.errors];
    await saveOutcome(ctx, claim, failed, ImportStatus.FAILED);
    await removeSource(storage, run);
    return;
  }
  lease.stop();
  const written = progress.rowsRead - progress.errorCount > 0;
  const status = progress.errorCount === 0 ? ImportStatus.SUCCEEDED : written ? ImportStatus.PARTIAL : ImportStatus.FAILED;
  await saveOutcome(ctx, claim, progress, status);
  await removeSource(storage, run);
}

function failureReason(error: unknown): string {
  if (error instanceof UnreadableFileError) return `The file cannot be read: ${error.message}`;
  if (error instanceof ProgressSaveError) return `Saving the import's progress failed (${error.message}); nothing was imported`;
  return 'The import failed unexpectedly; nothing was imported';
}

interface Lease {
  /** Throws LeaseLostError once a renewal found the run taken over; checked while staging and before the merge. */
  check(): void;
  stop(): void;
}

/** Renews the run's lease every quarter of its length, on a connection of its own, even while a statement runs. */
function keepLease(ctx: RequestContext, claim: RunClaim, heartbeat: Heartbeat): Lease {
  const { leaseSeconds } = ctx.config.jobs;
  let lost = false;
  const renew = async () => {
    try {
      if (!(await renewLease(ctx.em.fork(), claim, leaseSeconds))) lost = true;
      await heartbeat();
    } catch (error) {
      // A missed renewal is not fatal: the lease is four renewals long.
      ctx.logger.warn({ err: error, runId: claim.runId }, 'import lease renewal failed');
    }
  };
  const timer = setInterval(() => void renew(), (leaseSeconds * 1000) / 4);
  return {
    check() {
      if (lost) throw new LeaseLostError();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

async function importRows(
  ctx: RequestContext,
  tx: EntityManager,
  run: ImportRun,
  claim: RunClaim,
  at: MergeContext,
  storage: Storage,
  progress: Progress,
  lease: Lease,
) {
  const documents: PendingDocument[] = [];
  const started = performance.now();
  let savedAt = performance.now();
  const staged = await stageRows(tx, rowsOf(run, storage), async (batch) => {
    const valid: ValidRow[] = [];
    for (const parsed of batch) {
      progress.rowsRead += 1;
      if ('error' in parsed) {
        progress.errorCount += 1;
        if (progress.errors.length < MAX_STORED_ERRORS) progress.errors.push(parsed.error);
        continue;
      }
      if (parsed.invoice.documents.length > 0) {
        await storeDocumentFiles(storage, at.administrationId, parsed.row, parsed.invoice, progress.storedDocuments, documents);
      }
      valid.push(parsed);
    }
    if (performance.now() - savedAt >= PROGRESS_INTERVAL_MS) {
      savedAt = performance.now();
      await saveProgress(ctx, claim, progress);
      lease.check();
    }
    return valid;
  });
  const stagedMs = Math.round(performance.now() - started);
  // Everything is read: the counters now show the whole file while the merge runs.
  await saveProgress(ctx, claim, progress);
  lease.check();
  if (progress.errorCount > MAX_STORED_ERRORS) {
    progress.errors.push({ row: 0, field: null, message: `${progress.errorCount - MAX_STORED_ERRORS} more rows had errors` });
  }
  // A row with an error may be an open invoice; closing it as paid would be wrong.
  const closeAbsent = run.complete && progress.errorCount === 0;
  if (run.complete && !closeAbsent) {
    progress.errors.push({ row: 0, field: null, message: 'Open invoices absent from this import were not closed, because some rows had errors' });
  }
  Object.assign(progress, await mergeStaged(tx, at, staged, closeAbsent));
  await attachDocuments(tx, storage, at.administrationId, documents);
  ctx.logger.info({ runId: claim.runId, rows: staged.rows, stagedMs, mergedMs: Math.round(performance.now() - started) - stagedMs }, 'import staged and merged');
}

/** Saving progress failed: the run ends FAILED with this as its reason. */
class ProgressSaveError extends Error {}

const SAVE = `
update import_runs set rows_read = ?, invoices_created = ?, invoices_updated = ?, invoices_closed = ?, debtors_created = ?,
       debtors_updated = ?, errors = ?::jsonb, status = coalesce(?::import_status, status),
       finished_at = coalesce(?::timestamptz, finished_at), lease_until = case when ?::boolean then null else lease_until end
 where id = ? and administration_id = ? and attempts = ? and status = 'RUNNING'`;

/**
 * Progress is written outside the import's transaction (a pool connection of its own), so clients see
 * rowsRead grow while the rows themselves only appear at commit. Fenced by the attempt: a worker that lost
 * the run writes nothing.
 */
async function saveProgress(ctx: RequestContext, claim: RunClaim, progress: Progress, outcome: ImportStatus | null = null): Promise<void> {
  const root = ctx.em.fork();
  try {
    await root.getConnection().execute(SAVE, [
      progress.rowsRead,
      progress.invoicesCreated,
      progress.invoicesUpdated,
      progress.invoicesClosed,
      progress.debtorsCreated,
      progress.debtorsUpdated,
      JSON.stringify(progress.errors),
      outcome,
      outcome ? ctx.clock.now().toISOString() : null,
      outcome !== null,
      claim.runId,
      claim.administrationId,
      claim.attempt,
    ]);
    await publishEvent(root, Topic.IMPORT_RUN_UPDATED, claim.administrationId, [claim.runId]);
  } catch (error) {
    throw new ProgressSaveError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The outcome is tried a few times (a short database blip must not leave the run RUNNING); if it still
 * cannot be written, the lease runs out and recovery re-queues the run or ends it FAILED.
 */
async function saveOutcome(ctx: RequestContext, claim: RunClaim, progress: Progress, outcome: ImportStatus): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await saveProgress(ctx, claim, progress, outcome);
    } catch (error) {
      if (attempt === 3) return void ctx.logger.error({ err: error, runId: claim.runId }, 'the import outcome could not be saved; recovery will retry the run');
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

async function removeSource(storage: Storage, run: ImportRun): Promise<void> {
  if (run.sourceKey) await storage.remove(run.sourceKey).catch(() => undefined);
}
