// What the portal knows about the calling debtor: one statement reads the debtor, its administration's name and
// the portal settings, once per request.
import type { RequestContext } from '../../context';
import { connectionOf } from '../../context';
import type { DebtorType } from '../../entities/Debtor';
import { PortalAuthenticationLevel, type PortalAuthenticationMethod } from '../../entities/AdministrationSettings';
import type { PortalDebtor, PortalSettings } from '../../domain/portal-verification';

export interface PortalView {
  debtorId: string;
  administrationId: string;
  debtorName: string;
  administrationName: string;
  linkNonce: string;
  debtor: PortalDebtor;
  settings: PortalSettings;
}

interface ViewRow {
  id: string;
  administration_id: string;
  name: string;
  type: DebtorType;
  phone: string | null;
  postcode: string | null;
  house_number: string | null;
  portal_link_nonce: string;
  administration_name: string;
  level: PortalAuthenticationLevel | null;
  primary_method: PortalAuthenticationMethod | null;
  secondary_method: PortalAuthenticationMethod | null;
}

const VIEW_SQL = `
select d.id, d.administration_id, d.name, d.type, d.phone, d.postcode, d.house_number, d.portal_link_nonce,
       a.name as administration_name, s.portal_authentication_level as level,
       s.portal_primary_method as primary_method, s.portal_secondary_method as secondary_method
  from debtors d
  join administrations a on a.id = d.administration_id
  left join administration_settings s on s.administration_id = d.administration_id
 where d.id = ?`;

/** The debtor's view by id alone (portalOpen, before there is a session); null when there is no such debtor. */
export async function readPortalView(ctx: RequestContext, debtorId: string): Promise<PortalView | null> {
  const { connection, transaction } = connectionOf(ctx);
  const [row] = await connection.execute<ViewRow[]>(VIEW_SQL, [debtorId], 'all', transaction as never);
  return row ? viewOf(row) : null;
}

function viewOf(row: ViewRow): PortalView {
  return {
    debtorId: row.id,
    administrationId: row.administration_id,
    debtorName: row.name,
    administrationName: row.administration_name,
    linkNonce: row.portal_link_nonce,
    debtor: { type: row.type, phone: row.phone, postcode: row.postcode, houseNumber: row.house_number },
    settings: { level: row.level ?? PortalAuthenticationLevel.NONE, primary: row.primary_method, secondary: row.secondary_method },
  };
}
