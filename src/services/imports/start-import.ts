// Starting an import: the run is recorded QUEUED, its input stored for the worker, and its job written to the
// outbox in the same transaction.
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { ImportRun } from '../../entities/ImportRun';
import { storageFor } from '../../integrations/storage/storage';
import { conflict } from '../../schema/errors';
import { publishEvent, Topic } from '../events/events';
import { execute } from '../ledger/sql';
import { queueRun } from './run-lease';

export type ImportSource = { kind: 'buffer'; content: Buffer } | { kind: 'file'; path: string };

export interface StartImport {
  format: 'CSV' | 'UBL' | 'API';
  complete: boolean;
  filename?: string | null;
  source: ImportSource;
}

/**
 * One import at a time per administration: a second one while a run is QUEUED or RUNNING
 * is a CONFLICT (an advisory lock makes the check race-free across API processes).
 */
export async function startImport(ctx: RequestContext, administrationId: string, input: StartImport): Promise<ImportRun> {
  const storage = storageFor(ctx.config);
  const sourceKey = `imports/${administrationId}/${randomUUID()}`;
  const run = await tenantEm(ctx, administrationId).transactional(async (em) => {
    await execute(em, `select pg_advisory_xact_lock(hashtextextended('import:' || ?, 0))`, [administrationId]);
    const [active] = await execute(em, `select id from import_runs where administration_id = ? and status in ('QUEUED', 'RUNNING') limit 1`, [
      administrationId,
    ]);
    if (active) throw conflict('An import is already queued or running for this administration; wait until it has finished');
    if (input.source.kind === 'buffer') await storage.put(sourceKey, input.source.content);
    else await storage.putFile(sourceKey, input.source.path);
    const created = em.create(ImportRun, {
      administration: administrationId,
      format: input.format,
      complete: input.complete,
      filename: input.filename ?? null,
      sourceKey,
      createdBy: ctx.userId,
      createdAt: ctx.clock.now(),
    });
    await em.flush();
    await queueRun(em, administrationId, created.id, ctx.config.jobs.leaseSeconds);
    await publishEvent(em, Topic.IMPORT_RUN_UPDATED, administrationId, [created.id]);
    return created;
  });
  return run;
}
