// The administration owning a row, for root operations that take a row id (the auth checker already vouched for it).
import type { RequestContext } from '../../context';
import { resolveAdministrationId } from '../../auth/tenant-source';
import { notFound } from '../../schema/errors';

export async function administrationOf(ctx: RequestContext, table: string, id: string): Promise<string> {
  const administrationId = await resolveAdministrationId(ctx.em, [{ path: 'id', table }], { id });
  if (administrationId === null) throw notFound();
  return administrationId;
}
