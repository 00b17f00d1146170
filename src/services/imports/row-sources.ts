// The rows of an import run, whatever its format: parsed lazily, a batch at a time, from the stored input.
import fs from 'node:fs';
import type { Storage } from '../../integrations/storage/storage';
import {
  DebtorCache,
  normalizeInvoiceRow,
  parseCsvInvoiceBatches,
  parseUblFile,
  UnreadableFileError,
  type ParsedRow,
  type RawInvoiceRow,
} from '../../integrations/bookkeeping';
import type { ImportRun } from '../../entities/ImportRun';

/** The shape importInvoices stores: the GraphQL input, as given. */
export interface ApiInvoice {
  externalId: string;
  number: string;
  issueDate: string;
  dueDate: string;
  amount: string;
  openAmount: string;
  currency?: string | null;
  debtor: {
    externalId: string;
    name: string;
    type: string;
    email?: string | null;
    phone?: string | null;
    street?: string | null;
    houseNumber?: string | null;
    postcode?: string | null;
    city?: string | null;
    country?: string | null;
  };
}

export function apiRow(invoice: ApiInvoice): RawInvoiceRow {
  const d = invoice.debtor;
  return {
    externalId: invoice.externalId,
    number: invoice.number,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    amount: invoice.amount,
    openAmount: invoice.openAmount,
    currency: invoice.currency,
    debtorExternalId: d.externalId,
    debtorName: d.name,
    debtorType: d.type,
    debtorEmail: d.email,
    debtorPhone: d.phone,
    debtorStreet: d.street,
    debtorHouseNumber: d.houseNumber,
    debtorPostcode: d.postcode,
    debtorCity: d.city,
    debtorCountry: d.country,
  };
}

// importInvoices gives at most 10,000 rows; they are handed on in batches like a file's.
const API_BATCH = 1000;

async function* apiRows(storage: Storage, key: string): AsyncGenerator<ParsedRow[]> {
  const invoices = JSON.parse(await fs.promises.readFile(storage.localPath(key), 'utf8')) as ApiInvoice[];
  const debtors = new DebtorCache();
  for (let start = 0; start < invoices.length; start += API_BATCH) {
    yield invoices.slice(start, start + API_BATCH).map((invoice, i) => normalizeInvoiceRow(apiRow(invoice), start + i + 1, { debtors }));
  }
}

/** Each UBL document is one row, and parsing it costs far more than handing it on alone. */
async function* oneByOne(rows: AsyncIterable<ParsedRow>): AsyncGenerator<ParsedRow[]> {
  for await (const row of rows) yield [row];
}

/** The rows of a run's stored input, parsed lazily, a batch at a time. */
export function rowsOf(run: ImportRun, storage: Storage): AsyncGenerator<ParsedRow[]> {
  if (!run.sourceKey) throw new UnreadableFileError('the input of this import is no longer available');
  if (!fs.existsSync(storage.localPath(run.sourceKey))) throw new UnreadableFileError('the input of this import is no longer available');
  switch (run.format) {
    case 'API':
      return apiRows(storage, run.sourceKey);
    case 'CSV':
      return parseCsvInvoiceBatches(storage.read(run.sourceKey));
    case 'UBL':
      return oneByOne(parseUblFile(storage.localPath(run.sourceKey), run.filename ?? undefined));
    default:
      throw new UnreadableFileError(`unknown import format ${run.format}`);
  }
}
