// importFile: an uploaded CSV or UBL (XML or ZIP) streamed to a temporary file, then imported by the worker.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { RequestContext } from '../../context';
import { badInput } from '../../schema/errors';
import { MAX_UPLOAD_BYTES, type FileUpload } from '../../domain/files';
import { startImport } from './start-import';

/** Never held in memory: the stream goes to disk, and graphql-upload stops it past 100 MB. */
async function toTempFile(upload: Promise<FileUpload>): Promise<{ file: string; filename: string }> {
  let received: FileUpload;
  try {
    received = await upload;
  } catch {
    throw badInput('The file could not be received', 'file');
  }
  const file = path.join(os.tmpdir(), `credit-import-${randomUUID()}`);
  try {
    await pipeline(received.createReadStream(), fs.createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    await fs.promises.rm(file, { force: true });
    const tooLarge = /exceeds|limit/i.test((error as Error).message);
    throw badInput(tooLarge ? `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB` : 'The file could not be received', 'file');
  }
  return { file, filename: path.basename(received.filename || 'upload') };
}

export async function importFile(
  ctx: RequestContext,
  administrationId: string,
  upload: Promise<FileUpload>,
  format: 'CSV' | 'UBL',
  complete: boolean,
) {
  const { file, filename } = await toTempFile(upload);
  try {
    return await startImport(ctx, administrationId, { format, complete, filename, source: { kind: 'file', path: file } });
  } finally {
    // Moved into storage on success; left behind only when the run was refused.
    await fs.promises.rm(file, { force: true });
  }
}
