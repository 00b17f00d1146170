// Checks the UBL parser against the official Peppol BIS Billing 3.0 examples kept outside the repository.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseUblDocument } from './ubl';

// The examples are not ours to ship, so they are read from the shared folder next to the repository (or
// UBL_EXAMPLES_DIR) and the suite is skipped where they are absent.
const examples = process.env.UBL_EXAMPLES_DIR ?? path.resolve(__dirname, '../../../../shared/ubl-examples');
const describeIfPresent = existsSync(examples) ? describe : describe.skip;

interface Expected {
  id: string;
  cents: bigint;
  credit: boolean;
  dueDate: string | null;
  currency: string;
  debtorId: string;
  debtorType: 'BUSINESS' | 'PRIVATE';
  documents: number;
}

const EXPECTED: Record<string, Expected> = {
  'base-example.xml': { id: 'Snippet1', cents: 165625n, credit: false, dueDate: '2017-12-01', currency: 'EUR', debtorId: 'FR23342', debtorType: 'BUSINESS', documents: 1 },
  'base-creditnote-correction.xml': { id: 'Snippet1', cents: -165625n, credit: true, dueDate: null, currency: 'EUR', debtorId: 'FR23342', debtorType: 'BUSINESS', documents: 1 },
  'base-negative-inv-correction.xml': { id: 'Correction1', cents: -165625n, credit: true, dueDate: '2017-12-01', currency: 'EUR', debtorId: 'FR23342', debtorType: 'BUSINESS', documents: 1 },
  // Despite its name this is an Invoice that references a sales order, not an Order document.
  'sales-order-example.xml': { id: 'Snippet1', cents: 165625n, credit: false, dueDate: '2017-12-01', currency: 'EUR', debtorId: 'FR23342', debtorType: 'BUSINESS', documents: 1 },
  'Vat-category-S.xml': { id: 'Snippet1', cents: 855000n, credit: false, dueDate: '2017-12-01', currency: 'EUR', debtorId: 'FR23342', debtorType: 'BUSINESS', documents: 1 },
  // PayableAmount is after PrepaidAmount 1000.00 (TaxInclusiveAmount is 7125.00).
  'Allowance-example.xml': { id: 'Snippet1', cents: 612500n, credit: false, dueDate: '2017-12-01', currency: 'EUR', debtorId: '4598375937', debtorType: 'BUSINESS', documents: 1 },
  'GR-base-example-correct.xml': { id: '061828591|01/10/2020|0|1.1|0|1', cents: 165625n, credit: false, dueDate: '2020-12-01', currency: 'EUR', debtorId: 'FR23342', debtorType: 'BUSINESS', documents: 1 },
  'GR-base-example-TaxRepresentative.xml': { id: '061828591|01/10/2020|0|1.1|0|1', cents: 165625n, credit: false, dueDate: '2020-12-01', currency: 'EUR', debtorId: 'FR23342', debtorType: 'BUSINESS', documents: 1 },
  'Norwegian-example-1.xml': { id: 'TOSL108', cents: 80200n, credit: false, dueDate: '2013-07-20', currency: 'NOK', debtorId: '3456789012098', debtorType: 'BUSINESS', documents: 2 },
  // These buyers have only an EndpointID and a RegistrationName (no VAT or company number), hence PRIVATE.
  'vat-category-E.xml': { id: 'Vat-Z', cents: 120000n, credit: false, dueDate: null, currency: 'GBP', debtorId: '12345678', debtorType: 'PRIVATE', documents: 1 },
  'vat-category-O.xml': { id: 'Vat-O', cents: 320000n, credit: false, dueDate: null, currency: 'SEK', debtorId: '987654325', debtorType: 'PRIVATE', documents: 1 },
  'vat-category-Z.xml': { id: 'Vat-Z', cents: 120000n, credit: false, dueDate: null, currency: 'GBP', debtorId: '12345678', debtorType: 'PRIVATE', documents: 1 },
};

describeIfPresent('official Peppol BIS Billing 3.0 examples', () => {
  it.each(Object.entries(EXPECTED))('%s', (file, expected) => {
    const xml = readFileSync(path.join(examples, file));
    const result = parseUblDocument(xml, 1, file);
    if (!('invoice' in result)) throw new Error(`${file}: ${result.error.message}`);
    const { invoice } = result;
    expect({
      id: invoice.externalId,
      cents: invoice.amountCents,
      credit: invoice.credit,
      dueDate: invoice.dueDate,
      currency: invoice.currency,
      debtorId: invoice.debtor.externalId,
      debtorType: invoice.debtor.type,
      documents: invoice.documents.length,
    }).toEqual(expected);
    expect(invoice.number).toBe(invoice.externalId);
    expect(invoice.openAmountCents).toBe(invoice.amountCents);
    expect(invoice.documents[0]).toEqual({ filename: file, contentType: 'application/xml', content: xml, sensitive: true });
  });

  it('maps the buyer of base-example.xml completely', () => {
    const result = parseUblDocument(readFileSync(path.join(examples, 'base-example.xml')), 1);
    expect('invoice' in result && result.invoice.debtor).toEqual({
      externalId: 'FR23342',
      name: 'BuyerTradingName AS',
      type: 'BUSINESS',
      email: 'lj@buyer.se',
      phone: '+4623434234',
      street: 'Hovedgatan',
      houseNumber: '32',
      postcode: '456 34',
      city: 'Stockholm',
      country: 'SE',
    });
  });

  it('decodes the embedded attachment of Norwegian-example-1.xml as declared', () => {
    const result = parseUblDocument(readFileSync(path.join(examples, 'Norwegian-example-1.xml')), 1);
    expect('invoice' in result && result.invoice.documents[1]).toEqual({
      filename: 'Hours-spent.csv',
      contentType: 'application/pdf',
      content: Buffer.from('Test base 64 encoding'),
      sensitive: true,
    });
  });
});
