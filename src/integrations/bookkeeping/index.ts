// Public entry point of the bookkeeping import parsers, so callers need not know how the folder is split up.
export { splitStreetAndNumber, type StreetAndNumber } from './address';
export { parseCsvInvoiceBatches, parseCsvInvoices } from './csv';
export { ALL_FIELDS, DebtorCache, REQUIRED_FIELDS, normalizeInvoiceRow, type InvoiceField, type NormalizeOptions, type RawInvoiceRow } from './normalize';
export * from './types';
export { parseUblDocument } from './ubl';
export { parseUblFile, parseUblZip, type UblFileOptions } from './zip';
