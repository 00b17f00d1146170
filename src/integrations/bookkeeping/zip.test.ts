// Unit tests for reading UBL uploads: a single XML document or a ZIP of them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeZip, type ZipEntryInput } from '../../../test/fixtures/bookkeeping/make-zip';
import { UnreadableFileError, type ParsedRow } from './types';
import { parseUblFile, parseUblZip } from './zip';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/bookkeeping');
const fixture = (name: string): Buffer => readFileSync(path.join(fixtures, name));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ubl-zip-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
function writeTemp(content: Buffer | string, extension = 'bin'): string {
  const file = path.join(dir, `upload-${++counter}.${extension}`);
  writeFileSync(file, content);
  return file;
}

async function collect(rows: AsyncGenerator<ParsedRow>): Promise<ParsedRow[]> {
  const result: ParsedRow[] = [];
  for await (const row of rows) result.push(row);
  return result;
}

async function failure(rows: AsyncGenerator<ParsedRow>): Promise<Error> {
  const error = await collect(rows).then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  if (!error) throw new Error('expected the file to be rejected');
  return error;
}

function summary(rows: ParsedRow[]) {
  return rows.map((r) =>
    'error' in r
      ? { row: r.row, field: r.error.field, message: r.error.message }
      : { row: r.row, id: r.invoice.externalId, cents: r.invoice.amountCents, credit: r.invoice.credit, docs: r.invoice.documents.map((d) => d.filename) },
  );
}

describe('parseUblZip', () => {
  it('yields one row per XML entry in entry order, skipping folders, other files and macOS resource forks', async () => {
    const entries: ZipEntryInput[] = [
      { name: 'invoices/' },
      { name: 'invoices/invoice-due-date.xml', content: fixture('invoice-due-date.xml') },
      { name: 'README.txt', content: 'not an invoice' },
      { name: '__MACOSX/invoices/._invoice-due-date.xml', content: Buffer.from([0, 5, 22, 7, 0, 2, 0, 0]) },
      { name: 'invoices/._creditnote.xml', content: Buffer.from([0, 5, 22, 7]) },
      { name: 'invoices/order.xml', content: fixture('order.xml') },
      { name: 'invoices/CREDITNOTE.XML', content: fixture('creditnote.xml'), store: true },
      { name: 'malformed.xml', content: fixture('malformed.xml') },
      { name: 'scan.pdf', content: '%PDF-1.4' },
      { name: 'invoice-with-pdf.xml', content: fixture('invoice-with-pdf.xml') },
    ];
    const rows = await collect(parseUblZip(writeTemp(makeZip(entries), 'zip')));
    expect(summary(rows)).toEqual([
      { row: 1, id: 'INV-2024-001', cents: 121000n, credit: false, docs: ['invoice-due-date.xml'] },
      { row: 2, field: null, message: "invoices/order.xml: not a UBL Invoice or CreditNote (root element 'Order')" },
      { row: 3, id: 'CN-2024-001', cents: -12100n, credit: true, docs: ['CREDITNOTE.XML'] },
      {
        row: 4,
        field: null,
        message: "malformed.xml: malformed XML at line 7: Expected closing tag 'cbc:IssueDate' (opened in line 6, col 3) instead of closing tag 'Invoice'.",
      },
      { row: 5, id: 'INV-2024-006', cents: 250000n, credit: false, docs: ['invoice-with-pdf.xml', 'INV-2024-006.pdf', 'Timesheet.csv'] },
    ]);
    // The stored original is the exact entry content.
    const first = rows[0];
    expect('invoice' in first && first.invoice.documents[0].content.equals(fixture('invoice-due-date.xml'))).toBe(true);
  });

  it('turns an unreadable entry into a row error and continues', async () => {
    const zip = makeZip([
      { name: 'broken.xml', content: fixture('invoice-negative.xml') },
      { name: 'good.xml', content: fixture('invoice-negative.xml') },
    ]);
    // Overwrite the start of the first entry's deflate stream with an invalid block type.
    zip.fill(0xff, 30 + 'broken.xml'.length, 30 + 'broken.xml'.length + 4);
    const rows = await collect(parseUblZip(writeTemp(zip, 'zip')));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({ row: 1, error: { row: 1, field: null, message: 'broken.xml: could not be read from the ZIP: invalid block type' } });
    expect(summary([rows[1]])).toEqual([{ row: 2, id: 'COR-7', cents: -5000n, credit: true, docs: ['good.xml'] }]);
  });

  it('turns an entry above the size limit into a row error', async () => {
    const zip = makeZip([
      { name: 'big.xml', content: fixture('invoice-due-date.xml') },
      { name: 'small.xml', content: fixture('invoice-negative.xml') },
    ]);
    const limit = fixture('invoice-negative.xml').length;
    const rows = await collect(parseUblZip(writeTemp(zip, 'zip'), { maxDocumentBytes: limit }));
    expect(summary(rows)).toEqual([
      { row: 1, field: null, message: `big.xml: the file is larger than ${limit} bytes` },
      { row: 2, id: 'COR-7', cents: -5000n, credit: true, docs: ['small.xml'] },
    ]);
  });

  it('rejects a file that is not a ZIP', async () => {
    const error = await failure(parseUblZip(writeTemp(fixture('invoice-due-date.xml'))));
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect(error.message).toMatch(/^not a valid ZIP file: /);
  });

  it('rejects a truncated ZIP', async () => {
    const zip = makeZip([{ name: 'a.xml', content: fixture('invoice-due-date.xml') }]);
    const error = await failure(parseUblZip(writeTemp(zip.subarray(0, zip.length - 10), 'zip')));
    expect(error).toBeInstanceOf(UnreadableFileError);
  });

  it('rejects a ZIP without XML files', async () => {
    const error = await failure(parseUblZip(writeTemp(makeZip([{ name: 'notes.txt', content: 'hello' }]), 'zip')));
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect(error.message).toBe('ZIP file contains no .xml files');
  });
});

describe('parseUblFile', () => {
  it('reads a ZIP when the file starts with PK', async () => {
    const zip = makeZip([
      { name: 'a.xml', content: fixture('invoice-payment-means-due-date.xml') },
      { name: 'b.xml', content: fixture('invoice-no-due-date.xml') },
    ]);
    const rows = await collect(parseUblFile(writeTemp(zip), 'export.zip'));
    expect(summary(rows)).toEqual([
      { row: 1, id: '0042', cents: 8470n, credit: false, docs: ['a.xml'] },
      { row: 2, id: 'INV-2024-003', cents: 9950n, credit: false, docs: ['b.xml'] },
    ]);
  });

  it('reads a single XML document as row 1, naming the stored copy after the uploaded file', async () => {
    const rows = await collect(parseUblFile(writeTemp(fixture('creditnote.xml')), 'Creditnota maart.xml'));
    expect(summary(rows)).toEqual([{ row: 1, id: 'CN-2024-001', cents: -12100n, credit: true, docs: ['Creditnota maart.xml'] }]);
  });

  it('names the stored copy after the invoice number when the upload name is unknown', async () => {
    const rows = await collect(parseUblFile(writeTemp(fixture('invoice-due-date.xml'))));
    expect(summary(rows)).toEqual([{ row: 1, id: 'INV-2024-001', cents: 121000n, credit: false, docs: ['INV-2024-001.xml'] }]);
  });

  it('reports a malformed single document as a row error', async () => {
    const rows = await collect(parseUblFile(writeTemp(fixture('malformed.xml'))));
    expect(rows).toEqual([
      {
        row: 1,
        error: { row: 1, field: null, message: "malformed XML at line 7: Expected closing tag 'cbc:IssueDate' (opened in line 6, col 3) instead of closing tag 'Invoice'." },
      },
    ]);
  });

  it('rejects an empty file', async () => {
    const error = await failure(parseUblFile(writeTemp('')));
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect(error.message).toBe('file is empty');
  });

  it('rejects a file that is neither XML nor ZIP', async () => {
    const error = await failure(parseUblFile(writeTemp('%PDF-1.4\n%âãÏÓ\n')));
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect(error.message).toBe('file is neither a ZIP archive nor an XML document');
  });

  it('rejects a single XML document above the size limit', async () => {
    const error = await failure(parseUblFile(writeTemp(fixture('invoice-due-date.xml')), undefined, { maxDocumentBytes: 100 }));
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect(error.message).toBe('XML file is larger than 100 bytes');
  });

  it('rejects a path that cannot be opened', async () => {
    const error = await failure(parseUblFile(path.join(dir, 'does-not-exist.xml')));
    expect(error).toBeInstanceOf(UnreadableFileError);
  });
});
