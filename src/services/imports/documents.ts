// Stores the documents that came with imported invoices (UBL: the original XML and embedded PDFs).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ImportedInvoice } from '../../integrations/bookkeeping';
import type { Storage } from '../../integrations/storage/storage';
import { documentStorageKey } from '../ledger/document-service';
import { execute } from '../ledger/sql';

/**
 * A document whose invoice already has one with the same name and size is skipped, so
 * importing the same file twice does not store it twice. Each stored file's key goes into
 * `stored` as soon as it is written, so a run that rolls back can remove them again.
 */
export async function storeDocuments(
  em: EntityManager,
  storage: Storage,
  administrationId: string,
  invoices: ImportedInvoice[],
  invoiceIds: Map<string, string>,
  stored: string[],
): Promise<void> {
  const withDocuments = invoices.filter((i) => i.documents.length > 0 && invoiceIds.has(i.externalId));
  if (withDocuments.length === 0) return;
  const ids = withDocuments.map((i) => invoiceIds.get(i.externalId)!);
  const known = await execute<{ invoice_id: string; filename: string; size: number }>(
    em,
    `select invoice_id, filename, size from documents where administration_id = ?::uuid
        and invoice_id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
    [administrationId, JSON.stringify(ids)],
  );
  const seen = new Set(known.map((k) => `${k.invoice_id}/${k.filename}/${k.size}`));
  const rows = [];
  for (const invoice of withDocuments) {
    const invoiceId = invoiceIds.get(invoice.externalId)!;
    for (const document of invoice.documents) {
      if (seen.has(`${invoiceId}/${document.filename}/${document.content.length}`)) continue;
      const key = documentStorageKey(administrationId, document.filename.split('.').pop()?.toLowerCase() ?? '');
      await storage.put(key, document.content);
      stored.push(key);
      rows.push({ invoice_id: invoiceId, filename: document.filename, content_type: document.contentType, size: document.content.length, storage_key: key, sensitive: document.sensitive });
    }
  }
  if (rows.length === 0) return;
  await execute(
    em,
    `insert into documents (id, administration_id, invoice_id, filename, content_type, size, storage_key, sensitive, created_at)
     select gen_random_uuid(), ?::uuid, r.invoice_id, r.filename, r.content_type, r.size, r.storage_key, r.sensitive, now()
       from jsonb_to_recordset(?::jsonb) as r(invoice_id uuid, filename text, content_type text, size int, storage_key text, sensitive boolean)`,
    [administrationId, JSON.stringify(rows)],
  );
}
