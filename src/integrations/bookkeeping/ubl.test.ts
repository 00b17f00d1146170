// Unit tests for mapping single UBL Invoice/CreditNote documents onto invoice rows.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ImportedInvoice, ParsedRow } from './types';
import { parseUblDocument } from './ubl';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/bookkeeping');
const fixture = (name: string): Buffer => readFileSync(path.join(fixtures, name));

function invoiceOf(result: ParsedRow): ImportedInvoice {
  if (!('invoice' in result)) throw new Error(`expected an invoice, got ${JSON.stringify(result.error)}`);
  return result.invoice;
}

describe('parseUblDocument', () => {
  it('maps a plain invoice with DueDate', () => {
    const xml = fixture('invoice-due-date.xml');
    const result = parseUblDocument(xml, 4, 'uploads/invoice-due-date.xml');
    expect(result.row).toBe(4);
    const invoice = invoiceOf(result);
    expect(invoice).toEqual({
      externalId: 'INV-2024-001',
      number: 'INV-2024-001',
      issueDate: '2024-03-01',
      dueDate: '2024-03-31',
      amountCents: 121000n,
      openAmountCents: 121000n,
      currency: 'EUR',
      credit: false,
      debtor: {
        externalId: 'DEB-1001',
        name: 'Café Jansen & Zn B.V.',
        type: 'BUSINESS',
        email: 'administratie@jansen.nl',
        phone: '+31201234567',
        street: 'Keizersgracht',
        houseNumber: '123A',
        postcode: '1015 CJ',
        city: 'Amsterdam',
        country: 'NL',
      },
      documents: [{ filename: 'invoice-due-date.xml', contentType: 'application/xml', content: xml, sensitive: true }],
    });
  });

  it('falls back to PaymentMeans/PaymentDueDate, EndpointID, RegistrationName and BuildingNumber', () => {
    const invoice = invoiceOf(parseUblDocument(fixture('invoice-payment-means-due-date.xml'), 1));
    expect(invoice.externalId).toBe('0042');
    expect(invoice.number).toBe('0042');
    expect(invoice.issueDate).toBe('2024-03-15');
    expect(invoice.dueDate).toBe('2024-04-15');
    expect(invoice.amountCents).toBe(8470n);
    expect(invoice.openAmountCents).toBe(8470n);
    expect(invoice.debtor).toEqual({
      externalId: '30123456',
      name: 'Bakkerij De Korenschoof B.V.',
      type: 'BUSINESS',
      email: null,
      phone: '+31612345678',
      street: 'Hoofdstraat',
      houseNumber: '12-3',
      postcode: '3511 AB',
      city: 'Utrecht',
      country: 'NL',
    });
    // Without an original filename the stored copy is named after the invoice number.
    expect(invoice.documents.map((d) => d.filename)).toEqual(['0042.xml']);
  });

  it('leaves the due date null when the document has none, and reads currency from DocumentCurrencyCode', () => {
    const invoice = invoiceOf(parseUblDocument(fixture('invoice-no-due-date.xml'), 1));
    expect(invoice.issueDate).toBe('2024-02-29');
    expect(invoice.dueDate).toBeNull();
    expect(invoice.amountCents).toBe(9950n);
    expect(invoice.currency).toBe('USD');
    expect(invoice.debtor).toEqual({
      externalId: 'CUST-77',
      name: 'Mrs. E. de Vries',
      type: 'PRIVATE',
      email: null,
      phone: '+442072243688',
      street: 'Baker Street',
      houseNumber: '221B',
      postcode: 'NW1 6XE',
      city: 'London',
      country: 'GB',
    });
  });

  it('makes a CreditNote negative and a credit', () => {
    const invoice = invoiceOf(parseUblDocument(fixture('creditnote.xml'), 1, 'creditnote.xml'));
    expect(invoice).toMatchObject({
      externalId: 'CN-2024-001',
      issueDate: '2024-03-10',
      dueDate: null,
      amountCents: -12100n,
      openAmountCents: -12100n,
      currency: 'EUR',
      credit: true,
      debtor: { externalId: 'DEB-1001', type: 'BUSINESS', street: null, houseNumber: null, country: null },
    });
  });

  it('treats an Invoice with a negative PayableAmount as a credit', () => {
    const invoice = invoiceOf(parseUblDocument(fixture('invoice-negative.xml'), 1));
    expect(invoice).toMatchObject({
      externalId: 'COR-7',
      dueDate: '2024-05-02',
      amountCents: -5000n,
      openAmountCents: -5000n,
      credit: true,
      debtor: { type: 'BUSINESS', name: 'Jansen en Zonen B.V.' },
    });
  });

  it('attaches the XML and every embedded document', () => {
    const xml = fixture('invoice-with-pdf.xml');
    const invoice = invoiceOf(parseUblDocument(xml, 1, 'INV-2024-006.xml'));
    expect(invoice.amountCents).toBe(250000n);
    expect(invoice.documents).toEqual([
      { filename: 'INV-2024-006.xml', contentType: 'application/xml', content: xml, sensitive: true },
      {
        filename: 'INV-2024-006.pdf',
        contentType: 'application/pdf',
        content: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
        sensitive: true,
      },
      { filename: 'Timesheet.csv', contentType: 'text/csv', content: Buffer.from('date;hours\n2024-03-01;8\n'), sensitive: true },
    ]);
  });

  it('rejects an attachment that is not valid base64', () => {
    const xml = fixture('invoice-with-pdf.xml').toString().replace('JVBERi0x', 'JVB!Ri0x');
    expect(parseUblDocument(Buffer.from(xml), 3)).toEqual({
      row: 3,
      error: { row: 3, field: 'documents', message: "embedded attachment 'INV-2024-006.pdf' is not valid base64" },
    });
  });

  it('rejects a document that is not an invoice', () => {
    expect(parseUblDocument(fixture('order.xml'), 2)).toEqual({
      row: 2,
      error: { row: 2, field: null, message: "not a UBL Invoice or CreditNote (root element 'Order')" },
    });
  });

  it('reports malformed XML with its line number', () => {
    expect(parseUblDocument(fixture('malformed.xml'), 5)).toEqual({
      row: 5,
      error: { row: 5, field: null, message: "malformed XML at line 7: Expected closing tag 'cbc:IssueDate' (opened in line 6, col 3) instead of closing tag 'Invoice'." },
    });
    expect(parseUblDocument(Buffer.from('%PDF-1.4 not xml'), 1)).toEqual({
      row: 1,
      error: { row: 1, field: null, message: "malformed XML at line 1: char '%' is not expected." },
    });
  });

  it('tolerates a BOM and whitespace before the XML declaration', () => {
    const xml = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\n  '), fixture('invoice-negative.xml')]);
    expect(invoiceOf(parseUblDocument(xml, 1)).externalId).toBe('COR-7');
  });

  it('refuses a DOCTYPE (entity expansion)', () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY a "aaaaaaaa">]><Invoice><ID>&a;</ID></Invoice>';
    expect(parseUblDocument(Buffer.from(xml), 1)).toEqual({
      row: 1,
      error: { row: 1, field: null, message: 'XML with a DOCTYPE declaration is not accepted' },
    });
  });

  it('names the UBL element in field errors', () => {
    const xml = fixture('invoice-due-date.xml').toString().replace('<cbc:PayableAmount currencyID="EUR">1210.00', '<cbc:PayableAmount currencyID="EUR">12,10.00');
    expect(parseUblDocument(Buffer.from(xml), 1)).toEqual({
      row: 1,
      error: { row: 1, field: 'amount', message: "amount is not a valid amount: '12,10.00' (UBL: cac:LegalMonetaryTotal/cbc:PayableAmount)" },
    });
    const noCustomer = fixture('creditnote.xml').toString().replace(/<cac:AccountingCustomerParty>[\s\S]*<\/cac:AccountingCustomerParty>/, '');
    expect(parseUblDocument(Buffer.from(noCustomer), 1)).toMatchObject({
      error: {
        field: 'debtorExternalId',
        message:
          'debtorExternalId is required (UBL: cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID, cbc:EndpointID or cac:PartyLegalEntity/cbc:CompanyID)',
      },
    });
  });

  it('applies the shared currency and e-mail rules', () => {
    const badCurrency = fixture('invoice-due-date.xml').toString().replace('<cbc:PayableAmount currencyID="EUR">', '<cbc:PayableAmount currencyID="XYZ">');
    expect(parseUblDocument(Buffer.from(badCurrency), 1)).toMatchObject({
      error: { field: 'currency', message: "unknown currency 'XYZ' (use an ISO 4217 code such as EUR) (UBL: cbc:PayableAmount/@currencyID or cbc:DocumentCurrencyCode)" },
    });
    const badEmail = fixture('invoice-due-date.xml').toString().replace('Administratie@Jansen.NL', 'administratie-at-jansen.nl');
    expect(parseUblDocument(Buffer.from(badEmail), 1)).toMatchObject({ error: { field: 'debtorEmail' } });
  });

  it('rejects a PayableAmount with sub-cent precision but accepts insignificant zeros', () => {
    const subCent = fixture('invoice-negative.xml').toString().replace('-50.00', '50.005');
    expect(parseUblDocument(Buffer.from(subCent), 1)).toMatchObject({
      error: { field: 'amount', message: "amount is not a valid amount: '50.005' (UBL: cac:LegalMonetaryTotal/cbc:PayableAmount)" },
    });
    const zeros = fixture('invoice-negative.xml').toString().replace('-50.00', '1.500');
    expect(invoiceOf(parseUblDocument(Buffer.from(zeros), 1)).amountCents).toBe(150n);
  });

  it('reads an invoice wrapped in a Peppol StandardBusinessDocument envelope', () => {
    const inner = fixture('creditnote.xml').toString().replace(/^<\?xml[^>]*>/, '');
    const sbd = `<?xml version="1.0" encoding="UTF-8"?>
<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">
  <StandardBusinessDocumentHeader><HeaderVersion>1.0</HeaderVersion></StandardBusinessDocumentHeader>
  ${inner}
</StandardBusinessDocument>`;
    expect(invoiceOf(parseUblDocument(Buffer.from(sbd), 1))).toMatchObject({ externalId: 'CN-2024-001', amountCents: -12100n, credit: true });
  });

  it('decodes UTF-16 and ISO-8859-1 documents', () => {
    const text = fixture('invoice-due-date.xml').toString();
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace('encoding="UTF-8"', 'encoding="UTF-16"'), 'utf16le')]);
    expect(invoiceOf(parseUblDocument(utf16, 1)).debtor.name).toBe('Café Jansen & Zn B.V.');
    const latin1 = Buffer.from(text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace('Caf&#233;', 'Café'), 'latin1');
    expect(invoiceOf(parseUblDocument(latin1, 1)).debtor.name).toBe('Café Jansen & Zn B.V.');
  });

  it('makes a file name out of an invoice number with unsafe characters', () => {
    const xml = fixture('invoice-negative.xml').toString().replace('<cbc:ID>COR-7</cbc:ID>', '<cbc:ID>061828591|01/10/2020</cbc:ID>');
    const invoice = invoiceOf(parseUblDocument(Buffer.from(xml), 1));
    expect(invoice.number).toBe('061828591|01/10/2020');
    expect(invoice.documents[0].filename).toBe('061828591_01_10_2020.xml');
  });
});
