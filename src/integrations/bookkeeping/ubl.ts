// Maps one UBL 2.1 / Peppol BIS Billing 3.0 Invoice or CreditNote onto the shared invoice row plus its documents.
import { normalizeInvoiceRow, type InvoiceField, type RawInvoiceRow } from './normalize';
import type { ImportedDocument, ParsedRow } from './types';
import { MalformedXmlError, all, attribute, first, parseXml, text, textAt, type XmlDocument } from './xml';

const PARTY = 'cac:AccountingCustomerParty/cac:Party';

/** Where each field comes from, appended to row errors because UBL users don't know our CSV field names. */
const UBL_SOURCE: Partial<Record<InvoiceField, string>> = {
  externalId: 'cbc:ID',
  number: 'cbc:ID',
  issueDate: 'cbc:IssueDate',
  dueDate: 'cbc:DueDate or cac:PaymentMeans/cbc:PaymentDueDate',
  amount: 'cac:LegalMonetaryTotal/cbc:PayableAmount',
  openAmount: 'cac:LegalMonetaryTotal/cbc:PayableAmount',
  currency: 'cbc:PayableAmount/@currencyID or cbc:DocumentCurrencyCode',
  debtorExternalId: `${PARTY}/cac:PartyIdentification/cbc:ID, cbc:EndpointID or cac:PartyLegalEntity/cbc:CompanyID`,
  debtorName: `${PARTY}/cac:PartyName/cbc:Name or cac:PartyLegalEntity/cbc:RegistrationName`,
  debtorEmail: `${PARTY}/cac:Contact/cbc:ElectronicMail`,
  debtorCountry: `${PARTY}/cac:PostalAddress/cac:Country/cbc:IdentificationCode`,
};

const EXTENSION_BY_MIME: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'text/csv': 'csv',
  'text/plain': 'txt',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
};

class AttachmentError extends Error {}

/**
 * Parses one UBL document. Every problem (malformed XML, a non-invoice document, invalid values) is a row error so
 * that the other documents of a ZIP still import. `filename` names the stored copy of the original XML.
 */
export function parseUblDocument(xml: Buffer, row: number, filename?: string): ParsedRow {
  let doc: XmlDocument;
  try {
    doc = parseXml(xml);
  } catch (err) {
    if (err instanceof MalformedXmlError) return { row, error: { row, field: null, message: err.message } };
    throw err;
  }
  const { rootName, root } = unwrapEnvelope(doc);
  if (rootName !== 'Invoice' && rootName !== 'CreditNote') {
    return { row, error: { row, field: null, message: `not a UBL Invoice or CreditNote (root element '${rootName}')` } };
  }

  const parsed = normalizeInvoiceRow(toRawRow(root, rootName === 'CreditNote'), row, { dueDateRequired: false });
  if ('error' in parsed) {
    const source = parsed.error.field ? UBL_SOURCE[parsed.error.field as InvoiceField] : undefined;
    if (source) parsed.error.message += ` (UBL: ${source})`;
    return parsed;
  }

  try {
    const original: ImportedDocument = {
      filename: withExtension(filename ? baseName(filename) : safeFileName(parsed.invoice.number), 'xml'),
      contentType: 'application/xml',
      content: xml,
      sensitive: true,
    };
    parsed.invoice.documents = [original, ...embeddedDocuments(root)];
  } catch (err) {
    if (err instanceof AttachmentError) return { row, error: { row, field: 'documents', message: err.message } };
    throw err;
  }
  return parsed;
}

/** Peppol access points often deliver the invoice wrapped in a StandardBusinessDocument (SBDH) envelope. */
function unwrapEnvelope(doc: XmlDocument): XmlDocument {
  if (doc.rootName !== 'StandardBusinessDocument') return doc;
  for (const name of ['Invoice', 'CreditNote']) {
    const inner = first(doc.root, name);
    if (inner !== undefined) return { rootName: name, root: inner };
  }
  return doc;
}

function toRawRow(root: unknown, creditNote: boolean): RawInvoiceRow {
  const id = textAt(root, 'ID');
  const payable = first(root, 'LegalMonetaryTotal', 'PayableAmount');
  const payableText = text(payable);
  const amount = payableText === null ? null : canonicalDecimal(payableText);
  // A credit note states a positive total that reduces the receivable; an invoice with a negative total already does.
  const signedAmount = amount !== null && creditNote ? negate(amount) : amount;

  const party = first(root, 'AccountingCustomerParty', 'Party');
  const address = first(party, 'PostalAddress');
  const vatNumber = textAt(party, 'PartyTaxScheme', 'CompanyID');
  const legalId = textAt(party, 'PartyLegalEntity', 'CompanyID');

  return {
    externalId: id,
    number: id,
    issueDate: withoutTimezone(textAt(root, 'IssueDate')),
    dueDate: withoutTimezone(textAt(root, 'DueDate') ?? textAt(root, 'PaymentMeans', 'PaymentDueDate')),
    amount: signedAmount,
    openAmount: signedAmount,
    currency: attribute(payable, 'currencyID') ?? textAt(root, 'DocumentCurrencyCode'),
    debtorExternalId: textAt(party, 'PartyIdentification', 'ID') ?? textAt(party, 'EndpointID') ?? legalId,
    debtorName: textAt(party, 'PartyName', 'Name') ?? textAt(party, 'PartyLegalEntity', 'RegistrationName'),
    debtorType: vatNumber !== null || legalId !== null ? 'BUSINESS' : 'PRIVATE',
    debtorEmail: textAt(party, 'Contact', 'ElectronicMail'),
    debtorPhone: textAt(party, 'Contact', 'Telephone'),
    // With a separate BuildingNumber the normaliser keeps StreetName whole; otherwise it splits the number off.
    debtorStreet: textAt(address, 'StreetName') ?? textAt(address, 'AddressLine', 'Line'),
    debtorHouseNumber: textAt(address, 'BuildingNumber'),
    debtorPostcode: textAt(address, 'PostalZone'),
    debtorCity: textAt(address, 'CityName'),
    debtorCountry: textAt(address, 'Country', 'IdentificationCode'),
  };
}

function embeddedDocuments(root: unknown): ImportedDocument[] {
  const documents: ImportedDocument[] = [];
  for (const reference of all(root, 'AdditionalDocumentReference')) {
    for (const object of all(reference, 'Attachment', 'EmbeddedDocumentBinaryObject')) {
      const base64 = text(object)?.replace(/\s+/g, '') ?? '';
      if (base64 === '') continue;
      const contentType = attribute(object, 'mimeCode') ?? 'application/octet-stream';
      const declaredName = attribute(object, 'filename');
      const name = declaredName
        ? baseName(declaredName)
        : withExtension(safeFileName(textAt(reference, 'ID') ?? `attachment-${documents.length + 1}`), EXTENSION_BY_MIME[contentType]);
      // Buffer.from silently skips invalid characters, which would store a corrupt file without anyone noticing.
      if (base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
        throw new AttachmentError(`embedded attachment '${name}' is not valid base64`);
      }
      documents.push({ filename: name, contentType, content: Buffer.from(base64, 'base64'), sensitive: true });
    }
  }
  return documents;
}

/**
 * xsd:decimal is unambiguous ('.' is always the decimal point), unlike CSV amounts; dropping insignificant trailing
 * zeros ("1.500" → "1.5") keeps the shared amount parser from reading it as a thousands separator or as 3 decimals.
 */
function canonicalDecimal(value: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value);
  if (!match || (match[2] === '' && !match[3])) return value;
  const [, sign, integer, fraction = ''] = match;
  const trimmed = fraction.length > 2 ? fraction.replace(/0+$/, '').padEnd(2, '0') : fraction;
  return `${sign === '-' ? '-' : ''}${integer || '0'}${trimmed ? `.${trimmed}` : ''}`;
}

function negate(amount: string): string {
  return amount.startsWith('-') ? amount.slice(1) : `-${amount}`;
}

/** xsd:date may carry a timezone ("2017-11-13Z", "2017-11-13+01:00"); the calendar date is what matters. */
function withoutTimezone(date: string | null): string | null {
  return date === null ? null : date.replace(/(?:Z|[+-]\d{2}:\d{2})$/, '');
}

function baseName(filename: string): string {
  return safeFileName(filename.replace(/\\/g, '/').split('/').pop() ?? filename);
}

/** Invoice numbers such as "061828591|01/10/2020|0|1.1|0|1" contain characters that are unusable in file names. */
function safeFileName(name: string): string {
  const safe = name.replace(/[\\/:*?"<>|\p{Cc}]/gu, '_').trim();
  return safe === '' ? 'document' : safe;
}

function withExtension(name: string, extension: string | undefined): string {
  if (!extension || name.toLowerCase().endsWith(`.${extension}`)) return name;
  return `${name}.${extension}`;
}
