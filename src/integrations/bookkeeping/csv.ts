// Streams a bookkeeping CSV export (header row + one invoice per row) into normalised invoice rows.
import { Readable, pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { ALL_FIELDS, REQUIRED_FIELDS, normalizeInvoiceRow, type InvoiceField, type RawInvoiceRow } from './normalize';
import { UnreadableFileError, type ParsedRow } from './types';

// Enough for any real header line; a file without a line break this early is not a CSV we can read.
const MAX_HEADER_BYTES = 64 * 1024;
// Caps memory when an unbalanced quote makes the parser swallow the rest of a big file into one record.
const MAX_RECORD_BYTES = 1024 * 1024;
const CANDIDATE_DELIMITERS = [';', ',', '\t'] as const;

type Chunk = string | Buffer;

/**
 * Yields one ParsedRow per non-empty data row, numbered like a spreadsheet (header = row 1, so data starts at 2).
 * Throws UnreadableFileError when the file is empty, binary, lacks a header with the required columns, or has CSV
 * syntax the parser cannot recover from.
 */
export async function* parseCsvInvoices(input: NodeJS.ReadableStream): AsyncGenerator<ParsedRow> {
  const source = input[Symbol.asyncIterator]() as AsyncIterator<Chunk>;
  const { chunks, firstLine } = await readFirstLine(source);
  const parser = parse({
    delimiter: detectDelimiter(firstLine),
    bom: true,
    trim: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_BYTES,
  });
  // Errors on either side surface through the parser's async iterator below, so the callback has nothing to add.
  pipeline(Readable.from(replay(chunks, source)), parser, () => undefined);

  let columns: Map<InvoiceField, number> | undefined;
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row += 1;
      if (!columns) {
        columns = mapHeader(record);
        continue;
      }
      if (record.every((value) => value === '')) continue;
      yield toParsedRow(record, columns, row);
    }
  } catch (err) {
    if (err instanceof CsvError) {
      throw new UnreadableFileError(`CSV could not be parsed at row ${row + 1}: ${err.message}`, { cause: err });
    }
    throw err;
  }
  if (!columns) throw new UnreadableFileError('CSV file has no header row');
}

/** Buffers just enough of the stream to see the header line, so the delimiter can be chosen before parsing starts. */
async function readFirstLine(source: AsyncIterator<Chunk>): Promise<{ chunks: Chunk[]; firstLine: string }> {
  const chunks: Chunk[] = [];
  let size = 0;
  let bytes = Buffer.alloc(0);
  for (;;) {
    const lineEnd = bytes.findIndex((b) => b === 0x0a || b === 0x0d);
    if (lineEnd >= 0) return { chunks, firstLine: decodeHeader(bytes.subarray(0, lineEnd)) };
    if (size > MAX_HEADER_BYTES) throw new UnreadableFileError('not a CSV file: no line break in the first 64 KiB');
    const next = await source.next();
    if (next.done) break;
    chunks.push(next.value);
    const buffer = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value, 'utf8');
    size += buffer.length;
    bytes = Buffer.concat([bytes, buffer]);
  }
  if (size === 0) throw new UnreadableFileError('CSV file is empty');
  return { chunks, firstLine: decodeHeader(bytes) };
}

function decodeHeader(bytes: Buffer): string {
  if (bytes.includes(0)) throw new UnreadableFileError('not a CSV file: it contains binary data (or is UTF-16; save it as UTF-8)');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new UnreadableFileError('not a UTF-8 CSV file: the header row is not valid UTF-8');
  }
}

/** Picks the candidate delimiter that occurs most often outside quotes in the header line (comma on a tie). */
function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (CANDIDATE_DELIMITERS as readonly string[]).includes(char)) {
      counts.set(char, (counts.get(char) ?? 0) + 1);
    }
  }
  let best = ',';
  for (const candidate of CANDIDATE_DELIMITERS) {
    if ((counts.get(candidate) ?? 0) > (counts.get(best) ?? 0)) best = candidate;
  }
  return best;
}

async function* replay(head: Chunk[], rest: AsyncIterator<Chunk>): AsyncGenerator<Chunk> {
  try {
    yield* head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}

/** Column names are matched ignoring case, surrounding spaces, underscores and dashes ("Debtor_External_ID"). */
function columnKey(name: string): string {
  return name.replace(/[\s_-]/g, '').toLowerCase();
}

const FIELD_BY_KEY = new Map<string, InvoiceField>(ALL_FIELDS.map((field) => [columnKey(field), field]));

function mapHeader(header: string[]): Map<InvoiceField, number> {
  const columns = new Map<InvoiceField, number>();
  header.forEach((name, index) => {
    const field = FIELD_BY_KEY.get(columnKey(name));
    if (!field) return;
    if (columns.has(field)) throw new UnreadableFileError(`CSV header contains column '${field}' more than once`);
    columns.set(field, index);
  });
  const missing = REQUIRED_FIELDS.filter((field) => !columns.has(field));
  if (missing.length > 0) {
    const list = `${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`;
    throw new UnreadableFileError(
      columns.size === 0
        ? `the first row of the CSV is not a header with the expected column names; missing required column${list}`
        : `CSV header is missing required column${list}`,
    );
  }
  return columns;
}

function toParsedRow(record: string[], columns: Map<InvoiceField, number>, row: number): ParsedRow {
  const raw: RawInvoiceRow = {};
  for (const [field, index] of columns) {
    // A short row (fewer columns than the header) leaves trailing fields undefined.
    const value = record.at(index);
    // csv-parse decodes invalid UTF-8 (typically a Windows-1252 export) to U+FFFD; importing that would corrupt names.
    if (value?.includes('\uFFFD')) {
      return { row, error: { row, field, message: `${field} contains characters that are not valid UTF-8; save the file as UTF-8` } };
    }
    raw[field] = value;
  }
  return normalizeInvoiceRow(raw, row);
}
