// Ending a debtor's portal link: a new access token, so the old link (in emails already sent) stops working.
import type { RequestContext } from '../../context';
import { Debtor } from '../../entities/Debtor';
import { PORTAL_LINK_NONCE_SQL } from '../../domain/portal-access';
import { notFound } from '../../schema/errors';
import { readRows } from '../lists/read-rows';
import { execute } from '../ledger/sql';

export async function rotatePortalAccess(ctx: RequestContext, administrationId: string, debtorId: string): Promise<Debtor> {
  const em = ctx.em; // plain SQL that names its administration
  const rows = await execute(em, `update debtors set portal_link_nonce = ${PORTAL_LINK_NONCE_SQL} where id = ? and administration_id = ? returning *`, [
    debtorId,
    administrationId,
  ]);
  if (rows.length === 0) throw notFound('Debtor not found');
  ctx.logger.info({ administrationId, debtorId }, 'portal access rotated; the old link no longer works');
  return readRows(em, Debtor, rows)[0];
}
