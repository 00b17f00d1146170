// A message's attachments: uploaded files (size-limited, typed by content) and, for a message about an invoice, the
// invoice's sensitive documents as the administration's policy allows.
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DebtorType } from '../../entities/Debtor';
import { SensitiveAttachmentsPolicy } from '../../entities/AdministrationSettings';
import { MAX_FILES_PER_REQUEST, type FileUpload } from '../../domain/files';
import { isExecutable, sniffFileType } from '../../domain/file-type';
import type { Storage } from '../../integrations/storage/storage';
import { badInput } from '../../schema/errors';
import { documentStorageKey } from '../ledger/document-service';
import { execute } from '../ledger/sql';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_BYTES = 25 * 1024 * 1024;
export const MAX_ATTACHMENT_COUNT = MAX_FILES_PER_REQUEST;

/** A file as it will be attached: stored bytes and how to show them. */
export interface AttachmentFile {
  filename: string;
  contentType: string;
  size: number;
  storageKey: string;
  sensitive: boolean;
}

interface Received {
  filename: string;
  content: Buffer;
}

const MB = (bytes: number) => `${bytes / 1024 / 1024} MB`;

/** A name safe to show and to put in a MIME header: the last path part, no control characters, not too long. */
export function safeFilename(name: string | undefined): string {
  const base = [...path.basename((name ?? '').replace(/\\/g, '/'))]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f && c !== '"')
    .join('')
    .trim();
  return (base || 'attachment').slice(0, 200);
}

/** Reads one upload into memory, stopping at the per-file limit (at most 10 MB, so memory stays bounded). */
async function receive(upload: Promise<FileUpload>, used: number): Promise<Received> {
  let file: FileUpload;
  try {
    file = await upload;
  } catch {
    throw badInput('An attachment could not be received', 'attachments');
  }
  const filename = safeFilename(file.filename);
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = file.createReadStream();
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > MAX_ATTACHMENT_BYTES) throw badInput(`${filename} is larger than ${MB(MAX_ATTACHMENT_BYTES)}`, 'attachments');
      if (used + size > MAX_ATTACHMENTS_BYTES) throw badInput(`The attachments together are larger than ${MB(MAX_ATTACHMENTS_BYTES)}`, 'attachments');
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    stream.destroy();
    if ((error as { extensions?: unknown }).extensions) throw error;
    throw badInput(`${filename} could not be received`, 'attachments');
  }
  return { filename, content: Buffer.concat(chunks) };
}

/**
 * Receives and checks every upload before any is stored: at most 10 MB each and 25 MB together, typed by their
 * content (a PDF named .txt is a PDF), programs refused. Then stores them; returns what to attach.
 */
export async function storeUploads(storage: Storage, administrationId: string, uploads: Promise<FileUpload>[] | null | undefined): Promise<AttachmentFile[]> {
  if (!uploads || uploads.length === 0) return [];
  if (uploads.length > MAX_ATTACHMENT_COUNT) throw badInput(`At most ${MAX_ATTACHMENT_COUNT} attachments`, 'attachments');
  const received: Received[] = [];
  let used = 0;
  for (const upload of uploads) {
    const file = await receive(upload, used);
    used += file.content.length;
    if (isExecutable(file.content)) throw badInput(`${file.filename} is a program; programs cannot be attached`, 'attachments');
    received.push(file);
  }
  const stored: AttachmentFile[] = [];
  try {
    for (const file of received) stored.push(await storeFile(storage, administrationId, file.filename, file.content));
  } catch (error) {
    await removeFiles(storage, stored);
    throw error;
  }
  return stored;
}

/** Stores one checked file under a new key, typed by its content (not by its name). */
export async function storeFile(storage: Storage, administrationId: string, filename: string, content: Buffer): Promise<AttachmentFile> {
  const type = sniffFileType(content);
  const storageKey = documentStorageKey(administrationId, type.extension);
  await storage.put(storageKey, content);
  return { filename, contentType: type.contentType, size: content.length, storageKey, sensitive: false };
}

export async function removeFiles(storage: Storage, files: AttachmentFile[]): Promise<void> {
  await Promise.all(files.map((file) => storage.remove(file.storageKey).catch(() => undefined)));
}

/** The sensitive documents (PDF, UBL) of each invoice, in one query. */
export async function sensitiveDocumentsOf(em: EntityManager, administrationId: string, invoiceIds: string[]): Promise<Map<string, AttachmentFile[]>> {
  const byInvoice = new Map<string, AttachmentFile[]>();
  if (invoiceIds.length === 0) return byInvoice;
  const rows = await execute<{ invoice_id: string; filename: string; content_type: string; size: number; storage_key: string }>(
    em,
    `select invoice_id, filename, content_type, size, storage_key from documents
      where administration_id = ? and sensitive and message_id is null and invoice_id in (select jsonb_array_elements_text(?::jsonb)::uuid)
      order by created_at, id`,
    [administrationId, JSON.stringify([...new Set(invoiceIds)])],
  );
  for (const row of rows) {
    const file = { filename: row.filename, contentType: row.content_type, size: row.size, storageKey: row.storage_key, sensitive: true };
    byInvoice.set(row.invoice_id, [...(byInvoice.get(row.invoice_id) ?? []), file]);
  }
  return byInvoice;
}

/** Whether an invoice's sensitive documents go along as attachments, or stay in the portal behind a link. */
export function attachesSensitive(policy: SensitiveAttachmentsPolicy, debtorType: DebtorType): boolean {
  if (policy === SensitiveAttachmentsPolicy.INCLUDE) return true;
  if (policy === SensitiveAttachmentsPolicy.EXCLUDE_FOR_PRIVATE) return debtorType === DebtorType.BUSINESS;
  return false;
}
