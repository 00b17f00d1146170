// Membership rechecks of live subscriptions, batched and versioned: an event that reaches every subscriber of an
// administration costs one small query for all of them, however many different users they are.
import DataLoader from 'dataloader';
import { rootEmOf, type RequestContext } from '../context';
import { liveConnectionOf } from '../db/live-reads';
import type { Role } from '../entities/Membership';

type Connection = ReturnType<RequestContext['em']['getConnection']>;

/** The members of one administration with their roles, as of a version of its memberships. */
interface Snapshot {
  version: number;
  roles: Map<string, Role>;
}

/**
 * Every change of an administration's memberships raises its version in membership_versions, in the same
 * transaction (a trigger: the API, an operator's SQL, a deleted user alike). A check reads the versions of the
 * administrations in question, now; only where one moved since the snapshot held here are the members read again,
 * together with their version in one statement (one view of the tables). So each check still reflects the table as
 * it is at that moment, and 10,000 subscribers of 100 administrations cost 100 version rows per batch, not 10,000
 * membership rows.
 */
class MembershipReader {
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(private readonly connection: Connection) {}

  async roles(keys: readonly string[]): Promise<(Role | null)[]> {
    const pairs = keys.map((key) => key.split(':') as [administrationId: string, userId: string]);
    const administrations = [...new Set(pairs.map(([administrationId]) => administrationId))];
    const versions = await this.connection.execute<{ administration_id: string; version: string }[]>(
      `select a.id::text as administration_id, coalesce(v.version, 0)::text as version
         from unnest(?::uuid[]) as a(id) left join membership_versions v on v.administration_id = a.id`,
      [`{${administrations.join(',')}}`],
    );
    const stale = versions.filter((row) => this.snapshots.get(row.administration_id)?.version !== Number(row.version)).map((row) => row.administration_id);
    if (stale.length > 0) await this.reload(stale);
    return pairs.map(([administrationId, userId]) => this.snapshots.get(administrationId)?.roles.get(userId) ?? null);
  }

  private async reload(administrations: string[]): Promise<void> {
    const rows = await this.connection.execute<{ administration_id: string; version: string; user_id: string | null; role: Role | null }[]>(
      `select a.id::text as administration_id, coalesce(v.version, 0)::text as version, m.user_id::text as user_id, m.role
         from unnest(?::uuid[]) as a(id)
         left join membership_versions v on v.administration_id = a.id
         left join memberships m on m.administration_id = a.id`,
      [`{${administrations.join(',')}}`],
    );
    const fresh = new Map(administrations.map((id) => [id, { version: 0, roles: new Map<string, Role>() }]));
    for (const row of rows) {
      const snapshot = fresh.get(row.administration_id)!;
      snapshot.version = Number(row.version);
      if (row.user_id && row.role) snapshot.roles.set(row.user_id, row.role);
    }
    // Versions only rise: a slower reload that read an older version never replaces a newer snapshot.
    for (const [id, snapshot] of fresh) {
      if ((this.snapshots.get(id)?.version ?? -1) <= snapshot.version) this.snapshots.set(id, snapshot);
    }
  }
}

/** One batcher per database connection pool (tests run several servers, each on its own database, in one process). */
const batchers = new WeakMap<Connection, DataLoader<string, Role | null>>();

function batcherFor(connection: Connection): DataLoader<string, Role | null> {
  let batcher = batchers.get(connection);
  if (!batcher) {
    const reader = new MembershipReader(connection);
    batcher = new DataLoader<string, Role | null>((keys) => reader.roles(keys), {
      // Not cached by key: every check asks the versions again. A batch collects the checks of one turn of the event
      // loop, which is when a notification wakes all the subscribers it concerns.
      cache: false,
      batchScheduleFn: (run) => setImmediate(run),
      maxBatchSize: 5000,
    });
    batchers.set(connection, batcher);
  }
  return batcher;
}

/** The caller's current role in the administration (null: not a member), as the tables say now. */
export function currentRole(ctx: RequestContext, administrationId: string): Promise<Role | null> {
  if (!ctx.userId) return Promise.resolve(null);
  return batcherFor(liveConnectionOf(rootEmOf(ctx))).load(`${administrationId}:${ctx.userId}`);
}
