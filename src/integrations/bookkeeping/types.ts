// Shared shapes produced by every bookkeeping import parser (CSV, UBL, ZIP) before anything touches the database.

export type DebtorKind = 'BUSINESS' | 'PRIVATE';

export interface ImportedDebtor {
  externalId: string;
  name: string;
  type: DebtorKind;
  email: string | null;
  phone: string | null;
  street: string | null;
  houseNumber: string | null;
  postcode: string | null;
  city: string | null;
  country: string | null;
}

export interface ImportedDocument {
  filename: string;
  contentType: string;
  content: Buffer;
  sensitive: boolean;
}

export interface ImportedInvoice {
  externalId: string;
  number: string;
  /** YYYY-MM-DD */
  issueDate: string;
  /** YYYY-MM-DD; null means the caller applies the administration's default payment term. */
  dueDate: string | null;
  amountCents: bigint;
  openAmountCents: bigint;
  /** ISO 4217; null means the administration currency. */
  currency: string | null;
  credit: boolean;
  debtor: ImportedDebtor;
  documents: ImportedDocument[];
}

export interface ImportRowError {
  row: number;
  field: string | null;
  message: string;
}

export type ParsedRow = { row: number; invoice: ImportedInvoice } | { row: number; error: ImportRowError };

/** The whole file can't be read: the import run is FAILED and writes nothing. */
export class UnreadableFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnreadableFileError';
  }
}
