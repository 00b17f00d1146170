// Streams a bookkeeping CSV export (header row + one invoice per row) into normalised invoice rows.
import { CsvSyntaxError, CsvTokenizer } from './csv-tokenizer';
import { ALL_FIELDS, DebtorCache, REQUIRED_FIELDS, normalizeInvoiceRow, type InvoiceField, type RawInvoiceRow } from './normalize';
import { UnreadableFileError, type ParsedRow } from './types';

// Enough for any real header line; a file without a line break this early is not a CSV we can read.
const MAX_HEADER_BYTES = 64 * 1024;
// Caps memory when an unbalanced quote makes the parser swallow the rest of a big file into one record.
const MAX_RECORD_BYTES = 1024 * 1024;
const CANDIDATE_DELIMITERS = [';', ',', '\t'] as const;

type Chunk = string | Buffer;

/** The known columns of the file, and a reader that makes a record into a RawInvoiceRow. */
interface Columns {
  fields: InvoiceField[];
  indexes: number[];
  read(record: string[]): RawInvoiceRow;
}

// The index of a column the file does not have: past the end of any record, so it reads as undefined.
const ABSENT = 2 ** 30;

/**
 * A reader with the field names written out: every row object gets the same shape, and the normaliser reads
 * them at the speed of plain property access (this runs for every row of the file).
 */
function columnsOf(found: Map<InvoiceField, number>): Columns {
  const at = (field: InvoiceField) => found.get(field) ?? ABSENT;
  const [externalId, number, issueDate, dueDate, amount, openAmount, currency, debtorExternalId, debtorName, debtorType] = ALL_FIELDS.slice(0, 10).map(at);
  const [debtorEmail, debtorPhone, debtorStreet, debtorHouseNumber, debtorPostcode, debtorCity, debtorCountry] = ALL_FIELDS.slice(10).map(at);
  return {
    fields: [...found.keys()],
    indexes: [...found.values()],
    read: (r) => ({
      externalId: r[externalId],
      number: r[number],
      issueDate: r[issueDate],
      dueDate: r[dueDate],
      amount: r[amount],
      openAmount: r[openAmount],
      currency: r[currency],
      debtorExternalId: r[debtorExternalId],
      debtorName: r[debtorName],
      debtorType: r[debtorType],
      debtorEmail: r[debtorEmail],
      debtorPhone: r[debtorPhone],
      debtorStreet: r[debtorStreet],
      debtorHouseNumber: r[debtorHouseNumber],
      debtorPostcode: r[debtorPostcode],
      debtorCity: r[debtorCity],
      debtorCountry: r[debtorCountry],
    }),
  };
}

/**
 * Yields one ParsedRow per non-empty data row, numbered like a spreadsheet (header = row 1, so data starts at 2).
 * Throws UnreadableFileError when the file is empty, binary, lacks a header with the required columns, or has CSV
 * syntax that cannot be read.
 */
export async function* parseCsvInvoices(input: NodeJS.ReadableStream): AsyncGenerator<ParsedRow> {
  for await (const rows of parseCsvInvoiceBatches(input)) yield* rows;
}

/** Like parseCsvInvoices, a batch of rows per chunk of input: one step of the async iteration per chunk, not per row. */
export async function* parseCsvInvoiceBatches(input: NodeJS.ReadableStream): AsyncGenerator<ParsedRow[]> {
  const source = input[Symbol.asyncIterator]() as AsyncIterator<Chunk>;
  const { chunks, firstLine } = await readFirstLine(source);
  const tokenizer = new CsvTokenizer(detectDelimiter(firstLine), MAX_RECORD_BYTES);
  const debtors = new DebtorCache();
  let columns: Columns | undefined;
  let row = 0;
  const toRows = (records: string[][]): ParsedRow[] => {
    const rows: ParsedRow[] = [];
    for (const record of records) {
      row += 1;
      if (!columns) {
        columns = columnsOf(mapHeader(record));
        continue;
      }
      if (record.every((value) => value === '')) continue;
      rows.push(toParsedRow(record, columns, row, debtors));
    }
    return rows;
  };
  try {
    for await (const chunk of replay(chunks, source)) {
      const rows = toRows(tokenizer.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
      if (rows.length > 0) yield rows;
    }
    const last = toRows(tokenizer.end());
    if (last.length > 0) yield last;
  } catch (err) {
    if (err instanceof CsvSyntaxError) {
      throw new UnreadableFileError(`CSV could not be parsed at row ${err.record}: ${err.message}`, { cause: err });
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

function toParsedRow(record: string[], columns: Columns, row: number, debtors: DebtorCache): ParsedRow {
  // Invalid UTF-8 (typically a Windows-1252 export) was decoded to U+FFFD; importing that would corrupt names.
  if (record.some((value) => value.includes('\uFFFD'))) {
    for (let i = 0; i < columns.fields.length; i += 1) {
      const field = columns.fields[i];
      if (record[columns.indexes[i]]?.includes('\uFFFD')) {
        return { row, error: { row, field, message: `${field} contains characters that are not valid UTF-8; save the file as UTF-8` } };
      }
    }
  }
  // A short row (fewer columns than the header) leaves trailing fields undefined.
  return normalizeInvoiceRow(columns.read(record), row, { debtors });
}
