// Documents of invoices: storing their bytes and handing out expiring, signed download links.
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../context';
import type { Document } from '../../entities/Document';

export const DOCUMENT_PATH = '/documents';
const LINK_TTL_SECONDS = 15 * 60;

export function documentStorageKey(administrationId: string, extension: string): string {
  const ext = /^[a-z0-9]{1,8}$/.test(extension) ? `.${extension}` : '';
  return `documents/${administrationId}/${randomUUID()}${ext}`;
}

/** The link carries a token for this one document (audience `document`), valid for 15 minutes. */
export async function documentUrl(ctx: RequestContext, document: Document): Promise<string> {
  const token = await ctx.tokens.sign(document.id, 'document', { adm: document.administration.id }, LINK_TTL_SECONDS);
  return `${DOCUMENT_PATH}/${document.id}?token=${token}`;
}
