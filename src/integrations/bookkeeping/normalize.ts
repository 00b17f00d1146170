// Turns one raw invoice row (strings from CSV, UBL or GraphQL) into a validated ImportedInvoice or a row error.
import { splitStreetAndNumber } from './address';
import { parseAmountCents } from './amount';
import { normalizeEmail, normalizePhone } from './contact';
import { isCountryCode, normalizeCountry } from './country';
import { parseIsoDate } from './date';
import { fitsCurrency, isoCurrency, minorDigits } from '../../domain/currencies';
import type { DebtorKind, ImportedInvoice, ImportRowError, ParsedRow } from './types';

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
    return { row, invoice: { ...toInvoice(raw, options.dueDateRequired ?? true), documents: [] } };
  } catch (err) {
    if (!(err instanceof RowError)) throw err;
    const error: ImportRowError = { row, field: err.field, message: err.message };
    return { row, error };
  }
}

function toInvoice(raw: RawInvoiceRow, dueDateRequired: boolean): Omit<ImportedInvoice, 'documents'> {
  const value = (field: InvoiceField): string | null => {
    const text = raw[field]?.trim();
    return text ? text : null;
  };
  const required = (field: InvoiceField): string => {
    const text = value(field);
    if (text === null) throw new RowError(field, `${field} is required`);
    return text;
  };
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

  const debtorExternalId = required('debtorExternalId');
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

  return {
    externalId,
    number,
    issueDate,
    dueDate,
    amountCents,
    openAmountCents,
    currency,
    credit: amountCents < 0n,
    debtor: {
      externalId: debtorExternalId,
      name,
      type,
      email,
      phone,
      street,
      houseNumber,
      postcode: value('debtorPostcode'),
      city: value('debtorCity'),
      country,
    },
  };
}

function debtorKind(text: string): DebtorKind {
  const upper = text.toUpperCase();
  if (upper === 'BUSINESS' || upper === 'PRIVATE') return upper;
  throw new RowError('debtorType', `debtorType must be BUSINESS or PRIVATE: '${text}'`);
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}
