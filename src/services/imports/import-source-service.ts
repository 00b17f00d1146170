// Daily imports: configuring an administration's import source, running it now, and running due sources.
import fs from 'node:fs';
import type { RequestContext } from '../../context';
import { tenantEm } from '../../context';
import { Administration } from '../../entities/Administration';
import { ImportSource } from '../../entities/ImportSource';
import type { ImportRun } from '../../entities/ImportRun';
import { badInput, CodedError, notFound } from '../../schema/errors';
import { execute } from '../ledger/sql';
import { decryptSecret, encryptSecret, isCurrentKey, SecretError } from './secret-box';
import { FetchError, fetchToTempFile, sourceGuard } from './fetch-source';
import { hostRefusal } from './address-policy';
import { nextDailyRun, retryAt, TIME_OF_DAY } from './schedule';
import { startImport } from './start-import';

export interface ImportSourceChange {
  url: string;
  format: 'CSV' | 'UBL';
  /** undefined: keep the stored header; null or '': remove it. */
  authorization?: string | null;
  timeOfDay: string;
  enabled?: boolean | null;
}

export async function getImportSource(ctx: RequestContext, administrationId: string): Promise<ImportSource | null> {
  return tenantEm(ctx, administrationId).findOne(ImportSource, { administration: administrationId });
}

export async function configureImportSource(ctx: RequestContext, administrationId: string, change: ImportSourceChange): Promise<ImportSource> {
  let url: URL;
  try {
    url = new URL(change.url.trim());
  } catch {
    throw badInput('url must be an http(s) URL', 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput('url must be an http(s) URL', 'url');
  if (url.username || url.password) throw badInput('Put credentials in authorization, not in the URL', 'url');
  // A literal address (or localhost) can be judged now; a host name is checked when it is resolved, at every fetch.
  const refusal = hostRefusal(url.hostname, { allowPrivate: ctx.config.importAllowPrivateUrls });
  if (refusal) throw badInput(`The source URL is refused: ${refusal}`, 'url');
  if (!TIME_OF_DAY.test(change.timeOfDay)) throw badInput('timeOfDay must be HH:MM (24-hour clock)', 'timeOfDay');
  if (change.authorization && change.authorization.length > 4000) throw badInput('authorization is too long', 'authorization');
  const em = tenantEm(ctx, administrationId);
  const administration = await em.findOneOrFail(Administration, { id: administrationId });
  const nextRunAt = nextDailyRun(ctx.clock.now(), change.timeOfDay, administration.timeZone);
  let source = await em.findOne(ImportSource, { administration: administrationId });
  source ??= em.create(ImportSource, { administration, url: url.toString(), format: change.format, timeOfDay: change.timeOfDay, nextRunAt });
  em.assign(source, { url: url.toString(), format: change.format, timeOfDay: change.timeOfDay, nextRunAt, enabled: change.enabled ?? true });
  if (change.authorization !== undefined) {
    source.authorizationEncrypted = change.authorization ? encryptSecret(ctx.config, change.authorization) : null;
  }
  await em.flush();
  return source;
}

/** Fetches the source and starts an import of it; a failure is recorded on the source (and retried with backoff). */
export async function runImportSource(ctx: RequestContext, administrationId: string): Promise<ImportRun> {
  const em = tenantEm(ctx, administrationId);
  const source = await em.findOne(ImportSource, { administration: administrationId });
  if (!source) throw notFound('This administration has no import source');
  const administration = await em.findOneOrFail(Administration, { id: administrationId });
  const now = ctx.clock.now();
  const nextDaily = nextDailyRun(now, source.timeOfDay, administration.timeZone);
  source.lastRunAt = now;
  let file: string | null = null;
  try {
    const stored = source.authorizationEncrypted;
    const authorization = stored ? decryptSecret(ctx.config, stored) : null;
    // A header under an old key moves to the current one, so after one run of every source the old key can go.
    if (stored && authorization !== null && !isCurrentKey(ctx.config, stored)) source.authorizationEncrypted = encryptSecret(ctx.config, authorization);
    file = await fetchToTempFile(source.url, authorization, sourceGuard(ctx.config));
    const run = await startImport(ctx, administrationId, {
      format: source.format as 'CSV' | 'UBL',
      complete: true,
      filename: decodeURIComponent(new URL(source.url).pathname.split('/').pop() || 'import'),
      source: { kind: 'file', path: file },
    });
    Object.assign(source, { lastError: null, failures: 0, lastSuccessAt: now, nextRunAt: nextDaily });
    await em.flush();
    return run;
  } catch (error) {
    const expected = error instanceof FetchError || error instanceof SecretError || error instanceof CodedError;
    const message = expected ? (error as Error).message : 'The import source could not be read';
    if (!expected) ctx.logger.error({ err: error, administrationId }, 'import source failed');
    source.failures += 1;
    source.lastError = message;
    source.nextRunAt = retryAt(now, source.failures, nextDaily);
    await em.flush();
    throw error instanceof CodedError ? error : badInput(message, error instanceof SecretError ? 'authorization' : 'url');
  } finally {
    if (file) await fs.promises.rm(file, { force: true });
  }
}

/**
 * The scheduler's tick: claims sources whose time has come (SKIP LOCKED, so several workers
 * share the work) by moving their next run forward, then runs each.
 */
export async function runDueImportSources(ctx: RequestContext): Promise<number> {
  const due = await ctx.em.getConnection().execute<{ administration_id: string }[]>(
    `update import_sources set next_run_at = ?::timestamptz + interval '15 minutes'
      where administration_id in (
        select administration_id from import_sources where enabled and next_run_at <= ?::timestamptz
         order by next_run_at limit 20 for update skip locked)
      returning administration_id`,
    [ctx.clock.now().toISOString(), ctx.clock.now().toISOString()],
  );
  for (const { administration_id: administrationId } of due) {
    await runImportSource(ctx, administrationId).catch(() => undefined);
  }
  return due.length;
}

/** For the dashboard: whether the daily import is failing. */
export async function importSourceFailing(ctx: RequestContext, administrationId: string): Promise<boolean> {
  const rows = await execute(tenantEm(ctx, administrationId), 'select 1 from import_sources where administration_id = ? and last_error is not null', [
    administrationId,
  ]);
  return rows.length > 0;
}
