// The documents that come with imported invoices (UBL: the original XML and embedded PDFs): written as files while
// the input is staged, attached to their invoices once the merge has given them ids.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ImportedInvoice } from '../../integrations/bookkeeping';
import type { Storage } from '../../integrations/storage/storage';
import { documentStorageKey } from '../ledger/document-service';
import { executeBulk } from '../ledger/sql';

/** A stored document file waiting for its invoice; only its description is kept in memory. */
export interface PendingDocument {
  row: number;
  external_id: string;
  filename: string;
  content_type: string;
  size: number;
  storage_key: string;
  sensitive: boolean;
}

/**
 * Writes the row's documents to storage. Each key goes into `stored` as soon as the file is written, so a run
 * that rolls back can remove them again.
 */
export async function storeDocumentFiles(
  storage: Storage,
  administrationId: string,
  row: number,
  invoice: ImportedInvoice,
  stored: string[],
  pending: PendingDocument[],
): Promise<void> {
  for (const document of invoice.documents) {
    const key = documentStorageKey(administrationId, document.filename.split('.').pop()?.toLowerCase() ?? '');
    await storage.put(key, document.content);
    stored.push(key);
    pending.push({
      row,
      external_id: invoice.externalId,
      filename: document.filename,
      content_type: document.contentType,
      size: document.content.length,
      storage_key: key,
      sensitive: document.sensitive,
    });
  }
}

// Only the documents of the row that won (its row is still staged), and not those the invoice already has
// under the same name and size: importing the same file twice does not attach them twice.
const ATTACH = `
insert into documents (id, administration_id, invoice_id, filename, content_type, size, storage_key, sensitive, created_at)
select gen_random_uuid(), ?::uuid, i.id, p.filename, p.content_type, p.size, p.storage_key, p.sensitive, now()
  from jsonb_to_recordset(?::jsonb) as p(row int, external_id text, filename text, content_type text, size int, storage_key text, sensitive boolean)
  join import_rows r on r.row = p.row and r.external_id = p.external_id
  join invoices i on i.administration_id = ?::uuid and i.external_id = p.external_id
 where not exists (select 1 from documents d where d.invoice_id = i.id and d.filename = p.filename and d.size = p.size)
returning storage_key`;

/** Attaches the pending documents after the merge; the files that were not needed are removed again. */
export async function attachDocuments(tx: EntityManager, storage: Storage, administrationId: string, pending: PendingDocument[]): Promise<void> {
  if (pending.length === 0) return;
  const attached = await executeBulk<{ storage_key: string }>(tx, ATTACH, [administrationId, JSON.stringify(pending), administrationId]);
  const kept = new Set(attached.map((a) => a.storage_key));
  await Promise.all(pending.filter((p) => !kept.has(p.storage_key)).map((p) => storage.remove(p.storage_key).catch(() => undefined)));
}
