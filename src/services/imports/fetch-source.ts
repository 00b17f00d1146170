// Downloads an import source's file over HTTP(S) to a temporary file, streaming, with a size cap.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { MAX_UPLOAD_BYTES } from '../../domain/files';

export class FetchError extends Error {}

const TIMEOUT_MS = 5 * 60_000;

export async function fetchToTempFile(url: string, authorization: string | null): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: authorization ? { authorization } : {},
      redirect: 'follow',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new FetchError(`The source could not be reached: ${(error as Error).message}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw new FetchError(`The source answered HTTP ${response.status}`);
  }
  const file = path.join(os.tmpdir(), `credit-source-${randomUUID()}`);
  let size = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(size > MAX_UPLOAD_BYTES ? new FetchError('The source file is larger than 100 MB') : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), cap, fs.createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    await fs.promises.rm(file, { force: true });
    throw error instanceof FetchError ? error : new FetchError(`The download failed: ${(error as Error).message}`);
  }
  return file;
}
