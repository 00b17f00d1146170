// Reads an uploaded UBL file: either one XML document or a ZIP of them, streaming entries one at a time.
import { open as openFile, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { openPromise, type Entry, type ZipFile } from 'yauzl';
import { UnreadableFileError, type ParsedRow } from './types';
import { parseUblDocument } from './ubl';
import { decodeXml } from './xml';

export interface UblFileOptions {
  /** Largest single XML document accepted; protects memory against zip bombs and absurd uploads. */
  maxDocumentBytes?: number;
}

// Peppol documents with embedded PDFs are a few MB; 50 MiB leaves ample room without risking memory.
const DEFAULT_MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

/**
 * Sniffs the file: a ZIP ("PK") is read with parseUblZip, anything else must be a single XML document (row 1).
 * `filename` is the uploaded file's original name (the path is usually a temporary file) for the stored XML copy.
 */
export async function* parseUblFile(path: string, filename?: string, options: UblFileOptions = {}): AsyncGenerator<ParsedRow> {
  const maxBytes = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const { size, head } = await readHead(path, 1024);
  if (size === 0) throw new UnreadableFileError('file is empty');
  if (head.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) || head.subarray(0, 4).equals(Buffer.from('PK\x05\x06', 'latin1'))) {
    yield* parseUblZip(path, options);
    return;
  }
  if (!decodeXml(head).trimStart().startsWith('<')) {
    throw new UnreadableFileError('file is neither a ZIP archive nor an XML document');
  }
  if (size > maxBytes) throw new UnreadableFileError(`XML file is larger than ${maxBytes} bytes`);
  yield parseUblDocument(await readFile(path), 1, filename);
}

/**
 * Yields one row per .xml entry, numbered 1..n in entry order; other entries are skipped. Problems inside an entry
 * are row errors (prefixed with the entry name so the user can find it); an unreadable archive throws.
 */
export async function* parseUblZip(path: string, options: UblFileOptions = {}): AsyncGenerator<ParsedRow> {
  const maxBytes = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  let zip: ZipFile;
  try {
    zip = await openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch (err) {
    throw new UnreadableFileError(`not a valid ZIP file: ${(err as Error).message}`, { cause: err });
  }

  let row = 0;
  try {
    for await (const entry of entries(zip)) {
      if (!isXmlEntry(entry.fileName)) continue;
      row += 1;
      const parsed = await readEntry(zip, entry, row, maxBytes);
      if ('error' in parsed) parsed.error.message = `${entry.fileName}: ${parsed.error.message}`;
      yield parsed;
    }
  } finally {
    zip.close();
  }
  if (row === 0) throw new UnreadableFileError('ZIP file contains no .xml files');
}

async function* entries(zip: ZipFile): AsyncGenerator<Entry> {
  const iterator = zip.eachEntry();
  for (;;) {
    let next: IteratorResult<Entry>;
    try {
      next = await iterator.next();
    } catch (err) {
      // A broken central directory means we cannot trust which documents the archive holds.
      throw new UnreadableFileError(`ZIP file is corrupt: ${(err as Error).message}`, { cause: err });
    }
    if (next.done) return;
    yield next.value;
  }
}

/** Skips folders and the "__MACOSX/._name.xml" resource forks that macOS adds, which end in .xml but are binary. */
function isXmlEntry(fileName: string): boolean {
  const name = fileName.split('/').pop() ?? '';
  return !fileName.endsWith('/') && !fileName.startsWith('__MACOSX/') && !name.startsWith('._') && /\.xml$/i.test(name);
}

async function readEntry(zip: ZipFile, entry: Entry, row: number, maxBytes: number): Promise<ParsedRow> {
  const fail = (message: string): ParsedRow => ({ row, error: { row, field: null, message } });
  if (entry.isEncrypted()) return fail('the file is encrypted (password-protected ZIP)');
  if (entry.uncompressedSize > maxBytes) return fail(`the file is larger than ${maxBytes} bytes`);
  let content: Buffer;
  try {
    content = await collect(await zip.openReadStreamPromise(entry), maxBytes);
  } catch (err) {
    return fail(`could not be read from the ZIP: ${(err as Error).message}`);
  }
  return parseUblDocument(content, row, entry.fileName);
}

async function collect(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      stream.destroy();
      throw new Error(`the file is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function readHead(path: string, length: number): Promise<{ size: number; head: Buffer }> {
  let handle;
  try {
    handle = await openFile(path, 'r');
  } catch (err) {
    throw new UnreadableFileError(`file cannot be opened: ${(err as Error).message}`, { cause: err });
  }
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(length, size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { size, head: buffer.subarray(0, bytesRead) };
  } finally {
    await handle.close();
  }
}
