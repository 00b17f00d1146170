// importInvoices: up to 10,000 invoices given through the API, imported by the worker like a file.
import type { RequestContext } from '../../context';
import { badInput } from '../../schema/errors';
import type { ApiInvoice } from './row-sources';
import { startImport } from './start-import';

export const MAX_API_INVOICES = 10_000;

export async function importInvoices(ctx: RequestContext, administrationId: string, invoices: ApiInvoice[], complete: boolean) {
  if (invoices.length > MAX_API_INVOICES) {
    throw badInput(`At most ${MAX_API_INVOICES} invoices per call; split the list or upload a file`, 'invoices');
  }
  // Plain objects: type-graphql gives class instances, and only the data is stored.
  const content = Buffer.from(JSON.stringify(invoices));
  return startImport(ctx, administrationId, { format: 'API', complete, source: { kind: 'buffer', content } });
}
