// The rows of an import run, whatever its format: parsed lazily, one at a time, from the stored input.
import fs from 'node:fs';
import type { Storage } from '../../integrations/storage/storage';
import {
  normalizeInvoiceRow,
  parseCsvInvoices,
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

async function* apiRows(storage: Storage, key: string): AsyncGenerator<ParsedRow> {
  const invoices = JSON.parse(await fs.promises.readFile(storage.localPath(key), 'utf8')) as ApiInvoice[];
  for (let i = 0; i < invoices.length; i += 1) yield normalizeInvoiceRow(apiRow(invoices[i]), i + 1);
}

export function rowsOf(run: ImportRun, storage: Storage): AsyncGenerator<ParsedRow> {
  if (!run.sourceKey) throw new UnreadableFileError('the input of this import is no longer available');
  if (!fs.existsSync(storage.localPath(run.sourceKey))) throw new UnreadableFileError('the input of this import is no longer available');
  switch (run.format) {
    case 'API':
      return apiRows(storage, run.sourceKey);
    case 'CSV':
      return parseCsvInvoices(storage.read(run.sourceKey));
    case 'UBL':
      return parseUblFile(storage.localPath(run.sourceKey), run.filename ?? undefined);
    default:
      throw new UnreadableFileError(`unknown import format ${run.format}`);
  }
}
