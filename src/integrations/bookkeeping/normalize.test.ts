// Unit tests for the shared row normalisation used by CSV, UBL and GraphQL imports.
import { ALL_FIELDS, REQUIRED_FIELDS, normalizeInvoiceRow, type RawInvoiceRow } from './normalize';
import type { ImportedInvoice, ParsedRow } from './types';

const base: RawInvoiceRow = {
  externalId: ' 1001 ',
  number: 'F2024-0001',
  issueDate: '2024-01-15',
  dueDate: '14-02-2024',
  amount: '1.234,56',
  openAmount: '1234,56',
  debtorExternalId: 'DEB-1',
  debtorName: ' Jansen B.V. ',
  debtorType: 'business',
};

function invoiceOf(result: ParsedRow): ImportedInvoice {
  if (!('invoice' in result)) throw new Error(`expected an invoice, got ${JSON.stringify(result.error)}`);
  return result.invoice;
}

function errorOf(raw: RawInvoiceRow, row = 7) {
  const result = normalizeInvoiceRow(raw, row);
  if (!('error' in result)) throw new Error('expected a row error');
  expect(result.row).toBe(row);
  expect(result.error.row).toBe(row);
  return { field: result.error.field, message: result.error.message };
}

describe('normalizeInvoiceRow', () => {
  it('normalises a minimal valid row', () => {
    const result = normalizeInvoiceRow(base, 2);
    expect(result).toEqual({
      row: 2,
      invoice: {
        externalId: '1001',
        number: 'F2024-0001',
        issueDate: '2024-01-15',
        dueDate: '2024-02-14',
        amountCents: 123456n,
        openAmountCents: 123456n,
        currency: null,
        credit: false,
        debtor: {
          externalId: 'DEB-1',
          name: 'Jansen B.V.',
          type: 'BUSINESS',
          email: null,
          phone: null,
          street: null,
          houseNumber: null,
          postcode: null,
          city: null,
          country: null,
        },
        documents: [],
      },
    });
  });

  it('normalises contact, address, currency and country fields', () => {
    const invoice = invoiceOf(
      normalizeInvoiceRow(
        {
          ...base,
          currency: ' eur ',
          debtorType: 'Private',
          debtorEmail: ' Annie.de.Boer@Example.NL ',
          debtorPhone: '06-12345678',
          debtorStreet: 'Keizersgracht 123A',
          debtorPostcode: '1015 CJ',
          debtorCity: 'Amsterdam',
          debtorCountry: 'nl',
        },
        3,
      ),
    );
    expect(invoice.currency).toBe('EUR');
    expect(invoice.debtor).toEqual({
      externalId: 'DEB-1',
      name: 'Jansen B.V.',
      type: 'PRIVATE',
      email: 'annie.de.boer@example.nl',
      phone: '+31612345678',
      street: 'Keizersgracht',
      houseNumber: '123A',
      postcode: '1015 CJ',
      city: 'Amsterdam',
      country: 'NL',
    });
  });

  it('uses the debtor country as the default phone region, NL otherwise', () => {
    const be = invoiceOf(normalizeInvoiceRow({ ...base, debtorPhone: '0470 12 34 56', debtorCountry: 'BE' }, 2));
    expect(be.debtor.phone).toBe('+32470123456');
    const nl = invoiceOf(normalizeInvoiceRow({ ...base, debtorPhone: '020 123 4567' }, 2));
    expect(nl.debtor.phone).toBe('+31201234567');
    const international = invoiceOf(normalizeInvoiceRow({ ...base, debtorPhone: '+44 20 7224 3688', debtorCountry: 'NL' }, 2));
    expect(international.debtor.phone).toBe('+442072243688');
  });

  it('keeps an unparseable phone number as written instead of failing the row', () => {
    const invoice = invoiceOf(normalizeInvoiceRow({ ...base, debtorPhone: '  ask reception  ' }, 2));
    expect(invoice.debtor.phone).toBe('ask reception');
    const short = invoiceOf(normalizeInvoiceRow({ ...base, debtorPhone: '12345' }, 2));
    expect(short.debtor.phone).toBe('12345');
  });

  it('keeps an explicit house number and does not split the street then', () => {
    const invoice = invoiceOf(normalizeInvoiceRow({ ...base, debtorStreet: 'Plein 1944', debtorHouseNumber: '5' }, 2));
    expect(invoice.debtor.street).toBe('Plein 1944');
    expect(invoice.debtor.houseNumber).toBe('5');
  });

  it('accepts country names in English and Dutch, and UK for GB', () => {
    expect(invoiceOf(normalizeInvoiceRow({ ...base, debtorCountry: 'Nederland' }, 2)).debtor.country).toBe('NL');
    expect(invoiceOf(normalizeInvoiceRow({ ...base, debtorCountry: 'belgium' }, 2)).debtor.country).toBe('BE');
    expect(invoiceOf(normalizeInvoiceRow({ ...base, debtorCountry: 'UK' }, 2)).debtor.country).toBe('GB');
    expect(invoiceOf(normalizeInvoiceRow({ ...base, debtorCountry: '  ' }, 2)).debtor.country).toBeNull();
  });

  it('marks negative amounts as credit', () => {
    const invoice = invoiceOf(normalizeInvoiceRow({ ...base, amount: '-12.5', openAmount: '-2,5' }, 2));
    expect(invoice.amountCents).toBe(-1250n);
    expect(invoice.openAmountCents).toBe(-250n);
    expect(invoice.credit).toBe(true);
  });

  it('allows an overpaid invoice (negative open amount within the total)', () => {
    const invoice = invoiceOf(normalizeInvoiceRow({ ...base, amount: '100', openAmount: '-20' }, 2));
    expect(invoice.openAmountCents).toBe(-2000n);
    expect(invoice.credit).toBe(false);
  });

  it('lets UBL omit the due date when asked', () => {
    const result = normalizeInvoiceRow({ ...base, dueDate: null }, 1, { dueDateRequired: false });
    expect(invoiceOf(result).dueDate).toBeNull();
  });

  it.each(REQUIRED_FIELDS.map((field) => [field]))('requires %s', (field) => {
    expect(errorOf({ ...base, [field]: '   ' })).toEqual({ field, message: `${field} is required` });
    expect(errorOf({ ...base, [field]: undefined })).toEqual({ field, message: `${field} is required` });
  });

  it.each([
    [{ amount: '12.345' }, 'amount', "amount is not a valid amount: '12.345'"],
    [{ amount: 'twelve' }, 'amount', "amount is not a valid amount: 'twelve'"],
    [{ openAmount: '1,5,0' }, 'openAmount', "openAmount is not a valid amount: '1,5,0'"],
    [{ amount: '100', openAmount: '100.01' }, 'openAmount', 'openAmount (100.01) exceeds amount (100)'],
    [{ amount: '-100', openAmount: '-150' }, 'openAmount', 'openAmount (-150) exceeds amount (-100)'],
    [{ issueDate: '2024-02-30' }, 'issueDate', "issueDate is not a valid date (use YYYY-MM-DD or DD-MM-YYYY): '2024-02-30'"],
    [{ dueDate: '12/31/2024' }, 'dueDate', "dueDate is not a valid date (use YYYY-MM-DD or DD-MM-YYYY): '12/31/2024'"],
    [{ currency: 'XYZ' }, 'currency', "unknown currency 'XYZ' (use an ISO 4217 code such as EUR)"],
    [{ currency: 'euro' }, 'currency', "unknown currency 'euro' (use an ISO 4217 code such as EUR)"],
    [{ currency: 'NLG' }, 'currency', "unknown currency 'NLG' (use an ISO 4217 code such as EUR)"],
    [{ currency: 'JPY', amount: '12.50', openAmount: '12' }, 'currency', "JPY amounts have 0 decimals; '12.50' / '12' has more"],
    [{ debtorType: 'company' }, 'debtorType', "debtorType must be BUSINESS or PRIVATE: 'company'"],
    [{ debtorEmail: 'jan at example.nl' }, 'debtorEmail', "debtorEmail is not a valid e-mail address: 'jan at example.nl'"],
    [{ debtorEmail: 'jan@localhost' }, 'debtorEmail', "debtorEmail is not a valid e-mail address: 'jan@localhost'"],
    [{ debtorCountry: 'Atlantis' }, 'debtorCountry', "debtorCountry is not a known country (use an ISO code such as NL): 'Atlantis'"],
    [{ debtorCountry: 'EU' }, 'debtorCountry', "debtorCountry is not a known country (use an ISO code such as NL): 'EU'"],
  ])('rejects %j', (override, field, message) => {
    expect(errorOf({ ...base, ...override })).toEqual({ field, message });
  });

  it('reports the first problem in field order', () => {
    expect(errorOf({ ...base, externalId: '', amount: 'x', debtorType: 'x' })).toEqual({
      field: 'externalId',
      message: 'externalId is required',
    });
  });

  it('lists every field name in ALL_FIELDS', () => {
    expect(ALL_FIELDS).toEqual([
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
    ]);
  });
});
