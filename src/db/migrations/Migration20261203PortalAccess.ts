// Each debtor's customer-portal link: a random access token, filled in for the debtors there are.
import { Migration } from '@mikro-orm/migrations';
import { PORTAL_LINK_NONCE_SQL } from '../../domain/portal-access';

export class Migration20261203PortalAccess extends Migration {
  override async up(): Promise<void> {
    // A volatile default is evaluated per row when the column is added: every existing debtor gets its own token.
    this.addSql(`alter table "debtors" add column "portal_access_token" text not null default ${PORTAL_LINK_NONCE_SQL};`);
    this.addSql(`alter table "debtors" add constraint "debtors_portal_access_token_unique" unique ("portal_access_token");`);
  }
}
