// Downloads an import source's file over HTTP(S) to a temporary file: through the SSRF guard, streaming, with a size cap.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../config';
import { MAX_UPLOAD_BYTES } from '../../domain/files';
import { addressRefusal } from './address-policy';
import { FetchError, guardedGet, type GuardedGetOptions } from './guarded-get';

export { FetchError };

export type SourceGuard = Pick<GuardedGetOptions, 'refusal' | 'resolve' | 'maxRedirects' | 'connectTimeoutMs'> & { timeoutMs?: number };

/** The guard the configuration asks for: the address policy, 3 redirects, 10 s to connect, 5 minutes in all. */
export function sourceGuard(config: Pick<Config, 'importAllowPrivateUrls'>): SourceGuard {
  return { refusal: (address) => addressRefusal(address, { allowPrivate: config.importAllowPrivateUrls }) };
}

const TIMEOUT_MS = 5 * 60_000;

function decoder(encoding: string | undefined): Transform {
  switch ((encoding ?? 'identity').trim().toLowerCase()) {
    case 'identity':
    case '':
      return new PassThrough();
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      throw new FetchError(`The source sent an unsupported content encoding '${encoding}'`);
  }
}

export async function fetchToTempFile(url: string, authorization: string | null, guard: SourceGuard): Promise<string> {
  const timeoutMs = guard.timeoutMs ?? TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const response = await guardedGet(url, {
    ...guard,
    signal,
    headers: { 'accept-encoding': 'gzip, deflate, br', 'user-agent': 'credit-management-import', ...(authorization ? { authorization } : {}) },
  });
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    response.destroy();
    throw new FetchError(`The source answered HTTP ${status}`);
  }
  const file = path.join(os.tmpdir(), `credit-source-${randomUUID()}`);
  let size = 0;
  // Counted after decompression, so a small compressed bomb is cut off as well.
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(size > MAX_UPLOAD_BYTES ? new FetchError('The source file is larger than 100 MB') : null, chunk);
    },
  });
  try {
    const decode = decoder(response.headers['content-encoding']);
    await pipeline(response as Readable, decode, cap, fs.createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    response.destroy();
    await fs.promises.rm(file, { force: true });
    if (error instanceof FetchError) throw error;
    if (signal.aborted) throw new FetchError(`The download did not finish within ${Math.round(timeoutMs / 1000)} s`);
    throw new FetchError(`The download failed: ${(error as Error).message}`);
  }
  return file;
}
