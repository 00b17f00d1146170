// Turns one raw invoice row (strings from CSV, UBL or GraphQL) into a validated ImportedInvoice or a row error.
import { splitStreetAndNumber } from './address';
import { parseAmountCents } from './amount';
import { normalizeEmail, normalizePhone } from './contact';
import { isCountryCode, normalizeCountry } from './country';
import { parseIsoDate } from './date';
import { fitsCurrency, isoCurrency, minorDigits } from '../../domain/currencies';
import type { DebtorKind, ImportedDebtor, ImportedInvoice, ImportRowError, ParsedRow } from './types';

/** Field names in the order they are validated; also the accepted CSV column names (case-insensitive). */
export const ALL_FIELDS = [
  'externalId',
  'number',
  'issueDate',
  'dueDate',
  'amount',
  'openAmount',
  'currency',
  'debtorExternalId',
  'debtorName',
  'debtorType',
  'debtorEmail',
  'debtorPhone',
  'debtorStreet',
  'debtorHouseNumber',
  'debtorPostcode',
  'debtorCity',
  'debtorCountry',
] as const;

export type InvoiceField = (typeof ALL_FIELDS)[number];

export const REQUIRED_FIELDS: readonly InvoiceField[] = [
  'externalId',
  'number',
  'issueDate',
  'dueDate',
  'amount',
  'openAmount',
  'debtorExternalId',
  'debtorName',
  'debtorType',
];

export type RawInvoiceRow = Partial<Record<InvoiceField, string | null | undefined>>;

export interface NormalizeOptions {
  /** UBL invoices may lack a due date (the default payment term applies); CSV and GraphQL must supply one. */
  dueDateRequired?: boolean;
  /** Debtors already normalised in this input (see DebtorCache). */
  debtors?: DebtorCache;
}

// Bounds the memory of a DebtorCache; past it, the cache starts over.
const MAX_CACHED_DEBTORS = 20_000;

/**
 * A debtor comes again with each of its invoices, and normalising it (phone, address, country) costs more than the
 * rest of the row: one input normalises each distinct debtor once. The result is the same object for every row.
 */
export class DebtorCache {
  // By the debtor's external id as given, with the row the result was made from (its debtor fields are compared).
  private readonly entries = new Map<string, { raw: RawInvoiceRow; result: ImportedDebtor | RowError }>();

  get(raw: RawInvoiceRow): ImportedDebtor {
    const key = raw.debtorExternalId ?? '';
    let entry = this.entries.get(key);
    if (entry === undefined || !sameDebtor(raw, entry.raw)) {
      let result: ImportedDebtor | RowError;
      try {
        result = toDebtor(raw);
      } catch (err) {
        if (!(err instanceof RowError)) throw err;
        result = err;
      }
      if (this.entries.size >= MAX_CACHED_DEBTORS) this.entries.clear();
      entry = { raw: debtorFields(raw), result };
      this.entries.set(key, entry);
    }
    if (entry.result instanceof RowError) throw entry.result;
    return entry.result;
  }
}

/**
 * A copy of the debtor's fields. Keeping the row itself would make the row objects of the first rows (each with a
 * debtor not seen before) long-lived, and V8 would then allocate every later row directly in the old generation
 * (allocation-site pretenuring), where the dead rows pile up until a full garbage collection: the import's memory
 * would grow with the file.
 */
function debtorFields(raw: RawInvoiceRow): RawInvoiceRow {
  return {
    debtorExternalId: raw.debtorExternalId,
    debtorName: raw.debtorName,
    debtorType: raw.debtorType,
    debtorEmail: raw.debtorEmail,
    debtorPhone: raw.debtorPhone,
    debtorStreet: raw.debtorStreet,
    debtorHouseNumber: raw.debtorHouseNumber,
    debtorPostcode: raw.debtorPostcode,
    debtorCity: raw.debtorCity,
    debtorCountry: raw.debtorCountry,
  };
}

/** Written out field by field: this runs for every row. */
function sameDebtor(a: RawInvoiceRow, b: RawInvoiceRow): boolean {
  return (
    a.debtorExternalId === b.debtorExternalId &&
    a.debtorName === b.debtorName &&
    a.debtorType === b.debtorType &&
    a.debtorEmail === b.debtorEmail &&
    a.debtorPhone === b.debtorPhone &&
    a.debtorStreet === b.debtorStreet &&
    a.debtorHouseNumber === b.debtorHouseNumber &&
    a.debtorPostcode === b.debtorPostcode &&
    a.debtorCity === b.debtorCity &&
    a.debtorCountry === b.debtorCountry
  );
}

const DEFAULT_PHONE_COUNTRY = 'NL';

class RowError extends Error {
  constructor(
    readonly field: InvoiceField,
    message: string,
  ) {
    super(message);
  }
}

/** Validates and normalises one row; the first problem found (in ALL_FIELDS order) becomes the row's error. */
export function normalizeInvoiceRow(raw: RawInvoiceRow, row: number, options: NormalizeOptions = {}): ParsedRow {
  try {
    return { row, invoice: toInvoice(raw, options.dueDateRequired ?? true, options.debtors) };
  } catch (err) {
    if (!(err instanceof RowError)) throw err;
    const error: ImportRowError = { row, field: err.field, message: err.message };
    return { row, error };
  }
}

function fieldReader(raw: RawInvoiceRow) {
  const value = (field: InvoiceField): string | null => {
    const text = raw[field]?.trim();
    return text ? text : null;
  };
  const required = (field: InvoiceField): string => {
    const text = value(field);
    if (text === null) throw new RowError(field, `${field} is required`);
    return text;
  };
  return { value, required };
}

function toInvoice(raw: RawInvoiceRow, dueDateRequired: boolean, debtors?: DebtorCache): ImportedInvoice {
  const { value, required } = fieldReader(raw);
  const date = (field: InvoiceField, text: string): string => {
    const iso = parseIsoDate(text);
    if (iso === null) throw new RowError(field, `${field} is not a valid date (use YYYY-MM-DD or DD-MM-YYYY): '${text}'`);
    return iso;
  };
  const amount = (field: InvoiceField): bigint => {
    const text = required(field);
    const cents = parseAmountCents(text);
    if (cents === null) throw new RowError(field, `${field} is not a valid amount: '${text}'`);
    return cents;
  };

  const externalId = required('externalId');
  const number = required('number');
  const issueDate = date('issueDate', required('issueDate'));
  const dueText = dueDateRequired ? required('dueDate') : value('dueDate');
  const dueDate = dueText === null ? null : date('dueDate', dueText);

  const amountCents = amount('amount');
  const openAmountCents = amount('openAmount');
  if (abs(openAmountCents) > abs(amountCents)) {
    throw new RowError('openAmount', `openAmount (${value('openAmount')}) exceeds amount (${value('amount')})`);
  }

  const currencyText = value('currency');
  const currency = currencyText === null ? null : isoCurrency(currencyText);
  if (currencyText !== null && currency === null) {
    throw new RowError('currency', `unknown currency '${currencyText}' (use an ISO 4217 code such as EUR)`);
  }
  if (currency !== null && !(fitsCurrency(amountCents, currency) && fitsCurrency(openAmountCents, currency))) {
    throw new RowError('currency', `${currency} amounts have ${minorDigits(currency)} decimals; '${value('amount')}' / '${value('openAmount')}' has more`);
  }

  return {
    externalId,
    number,
    issueDate,
    dueDate,
    amountCents,
    openAmountCents,
    currency,
    credit: amountCents < 0n,
    // The debtor's fields come last in ALL_FIELDS: checked after the invoice's, so the first problem is still the one reported.
    debtor: debtors ? debtors.get(raw) : toDebtor(raw),
    documents: [],
  };
}

function toDebtor(raw: RawInvoiceRow): ImportedDebtor {
  const { value, required } = fieldReader(raw);
  const externalId = required('debtorExternalId');
  const name = required('debtorName');
  const type = debtorKind(required('debtorType'));

  const emailText = value('debtorEmail');
  const email = emailText === null ? null : normalizeEmail(emailText);
  if (emailText !== null && email === null) {
    throw new RowError('debtorEmail', `debtorEmail is not a valid e-mail address: '${emailText}'`);
  }

  const countryText = value('debtorCountry');
  const country = countryText === null ? null : normalizeCountry(countryText);
  if (countryText !== null && country === null) {
    throw new RowError('debtorCountry', `debtorCountry is not a known country (use an ISO code such as NL): '${countryText}'`);
  }

  const phoneText = value('debtorPhone');
  const phone = phoneText === null ? null : normalizePhone(phoneText, isCountryCode(country) ? country : DEFAULT_PHONE_COUNTRY);

  let street = value('debtorStreet');
  let houseNumber = value('debtorHouseNumber');
  if (street !== null && houseNumber === null) ({ street, houseNumber } = splitStreetAndNumber(street));

  return { externalId, name, type, email, phone, street, houseNumber, postcode: value('debtorPostcode'), city: value('debtorCity'), country };
}

function debtorKind(text: string): DebtorKind {
  const upper = text.toUpperCase();
  if (upper === 'BUSINESS' || upper === 'PRIVATE') return upper;
  throw new RowError('debtorType', `debtorType must be BUSINESS or PRIVATE: '${text}'`);
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}
