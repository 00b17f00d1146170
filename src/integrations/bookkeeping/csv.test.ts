// Unit tests for streaming CSV invoice files into parsed rows.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { parseCsvInvoices } from './csv';
import { UnreadableFileError, type ParsedRow } from './types';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/bookkeeping');
const HEADER = 'externalId,number,issueDate,dueDate,amount,openAmount,debtorExternalId,debtorName,debtorType';

async function collect(input: NodeJS.ReadableStream): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  for await (const row of parseCsvInvoices(input)) rows.push(row);
  return rows;
}

function fromText(text: string | Buffer): Readable {
  return Readable.from([Buffer.from(text)]);
}

async function failure(input: NodeJS.ReadableStream): Promise<Error> {
  const error = await collect(input).then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  if (!error) throw new Error('expected the file to be rejected');
  return error;
}

describe('parseCsvInvoices', () => {
  it('reads a semicolon file with BOM, CRLF, quoted fields, Dutch amounts and DD-MM-YYYY dates', async () => {
    const rows = await collect(createReadStream(path.join(fixtures, 'invoices-semicolon-bom.csv')));
    expect(rows.map((r) => r.row)).toEqual([2, 3, 6]);
    expect(rows[0]).toEqual({
      row: 2,
      invoice: {
        externalId: '1001',
        number: 'F2024-0001',
        issueDate: '2024-01-15',
        dueDate: '2024-02-14',
        amountCents: 123456n,
        openAmountCents: 123456n,
        currency: 'EUR',
        credit: false,
        debtor: {
          externalId: 'DEB-1',
          name: 'Jansen; Zonen B.V.',
          type: 'BUSINESS',
          email: 'info@jansen.nl',
          phone: '+31612345678',
          street: 'Keizersgracht',
          houseNumber: '123A',
          postcode: '1015 CJ',
          city: 'Amsterdam',
          country: 'NL',
        },
        documents: [],
      },
    });
    expect(rows[1]).toMatchObject({
      row: 3,
      invoice: {
        externalId: '1002',
        issueDate: '2024-02-01',
        dueDate: '2024-03-02',
        amountCents: 25000n,
        openAmountCents: 10050n,
        currency: null,
        credit: false,
        debtor: {
          externalId: 'DEB-2',
          name: 'Mevr. A. "Annie" de Boer',
          type: 'PRIVATE',
          email: null,
          phone: '+32470123456',
          street: 'Rue de la Loi',
          houseNumber: '16 bus 2',
          postcode: '1000',
          city: 'Brussel',
          country: 'BE',
        },
      },
    });
    expect(rows[2]).toMatchObject({
      row: 6,
      invoice: {
        externalId: '1003',
        issueDate: '2024-02-29',
        amountCents: -1250n,
        openAmountCents: -1250n,
        currency: 'EUR',
        credit: true,
      },
    });
  });

  it('turns bad rows into row errors and keeps the good ones', async () => {
    const rows = await collect(createReadStream(path.join(fixtures, 'invoices-bad-rows.csv')));
    const summary = rows.map((r) => ('error' in r ? [r.row, r.error.field, r.error.message] : [r.row, 'ok', r.invoice.amountCents]));
    expect(summary).toEqual([
      [2, 'ok', 10000n],
      [3, 'externalId', 'externalId is required'],
      [4, 'amount', "amount is not a valid amount: '12.345'"],
      [5, 'openAmount', 'openAmount (150.00) exceeds amount (100.00)'],
      [6, 'issueDate', "issueDate is not a valid date (use YYYY-MM-DD or DD-MM-YYYY): '31-02-2024'"],
      [7, 'currency', "unknown currency 'XYZ' (use an ISO 4217 code such as EUR)"],
      [8, 'debtorType', "debtorType must be BUSINESS or PRIVATE: 'company'"],
      [9, 'debtorEmail', "debtorEmail is not a valid e-mail address: 'beta at example.com'"],
      [10, 'dueDate', 'dueDate is required'],
      [11, 'ok', 123456n],
      [12, 'amount', "amount is not a valid amount: '€ 100'"],
      [13, 'debtorCountry', "debtorCountry is not a known country (use an ISO code such as NL): 'Atlantis'"],
    ]);
    for (const r of rows) if ('error' in r) expect(r.error.row).toBe(r.row);
  });

  it('detects a comma delimiter, ignores unknown columns and matches headers loosely', async () => {
    const csv = ` External_ID ,NUMBER,Extra,issue-date,dueDate,amount,openAmount,debtorExternalId,debtorName,debtorType\n7,N7,"x, y",2024-01-01,2024-01-31,"1,234.56",0.5,D7,"Doe, John",PRIVATE\n`;
    const rows = await collect(fromText(csv));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      row: 2,
      invoice: { externalId: '7', number: 'N7', amountCents: 123456n, openAmountCents: 50n, debtor: { name: 'Doe, John', type: 'PRIVATE' } },
    });
  });

  it('detects a tab delimiter', async () => {
    const csv = `${HEADER.replace(/,/g, '\t')}\n1\tN1\t2024-01-01\t2024-01-31\t10,00\t10,00\tD1\tName, with comma\tbusiness\n`;
    const rows = await collect(fromText(csv));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ row: 2, invoice: { amountCents: 1000n, debtor: { name: 'Name, with comma' } } });
  });

  it('streams input that arrives in small chunks, splitting multi-byte characters', async () => {
    const csv = Buffer.from(`\uFEFF${HEADER}\n1,N1,2024-01-01,2024-01-31,10,10,D1,Crème Brûlée BV,business\n`);
    const stream = new PassThrough();
    const rows = collect(stream);
    for (let i = 0; i < csv.length; i += 3) stream.write(csv.subarray(i, i + 3));
    stream.end();
    expect(await rows).toMatchObject([{ row: 2, invoice: { debtor: { name: 'Crème Brûlée BV' } } }]);
  });

  it('treats missing trailing columns as missing values', async () => {
    const rows = await collect(fromText(`${HEADER}\n1,N1,2024-01-01\n`));
    expect(rows).toEqual([{ row: 2, error: { row: 2, field: 'dueDate', message: 'dueDate is required' } }]);
  });

  it('reports values that are not UTF-8 (a Windows-1252 export) as a row error', async () => {
    const latin1 = Buffer.concat([Buffer.from(`${HEADER}\n1,N1,2024-01-01,2024-01-31,10,10,D1,Caf`), Buffer.from([0xe9]), Buffer.from(',business\n')]);
    const rows = await collect(fromText(latin1));
    expect(rows).toEqual([
      { row: 2, error: { row: 2, field: 'debtorName', message: 'debtorName contains characters that are not valid UTF-8; save the file as UTF-8' } },
    ]);
  });

  it('yields nothing for a header-only file', async () => {
    expect(await collect(fromText(`${HEADER}\r\n`))).toEqual([]);
  });

  it.each([
    ['an empty file', '', 'CSV file is empty'],
    ['a file with only a BOM', '\uFEFF', 'CSV file has no header row'],
    ['a header missing columns', 'externalId;number;amount\n1;2;3\n', 'CSV header is missing required columns: issueDate, dueDate, openAmount, debtorExternalId, debtorName, debtorType'],
    [
      'data without a header',
      '1001,F1,2024-01-01,2024-01-31,10,10,D1,Name,BUSINESS\n',
      'the first row of the CSV is not a header with the expected column names; missing required columns: externalId, number, issueDate, dueDate, amount, openAmount, debtorExternalId, debtorName, debtorType',
    ],
    ['a duplicated column', `${HEADER},Amount\n`, "CSV header contains column 'amount' more than once"],
    ['an unclosed quote', `${HEADER}\n1,N1,2024-01-01,2024-01-31,"10,10,D1,Name,BUSINESS\n`, 'CSV could not be parsed at row 2: Quote Not Closed'],
  ])('rejects %s', async (_name, text, message) => {
    const error = await failure(fromText(text));
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect(error.message).toContain(message);
  });

  it('rejects binary garbage', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    const error = await failure(fromText(Buffer.concat([Buffer.from([0x00, 0x01]), png])));
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect(error.message).toBe('not a CSV file: it contains binary data (or is UTF-16; save it as UTF-8)');

    const invalidUtf8 = await failure(fromText(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x0a, 0x41])));
    expect(invalidUtf8).toBeInstanceOf(UnreadableFileError);
    expect(invalidUtf8.message).toBe('not a UTF-8 CSV file: the header row is not valid UTF-8');
  });

  it('rejects a file with no line break in the first 64 KiB', async () => {
    const error = await failure(fromText('x'.repeat(70 * 1024)));
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect(error.message).toBe('not a CSV file: no line break in the first 64 KiB');
  });

  it('stops reading the input when the consumer stops early', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `${i},N${i},2024-01-01,2024-01-31,10,10,D1,Name,BUSINESS`);
    const input = Readable.from([`${HEADER}\n`, ...lines.map((l) => `${l}\n`)]);
    for await (const row of parseCsvInvoices(input)) {
      expect(row.row).toBe(2);
      break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(input.destroyed).toBe(true);
  });
});
