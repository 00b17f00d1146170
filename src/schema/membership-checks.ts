// Membership rechecks of live subscriptions, batched: an event that reaches every subscriber of an administration
// costs one query for all their memberships, not one per subscriber.
import DataLoader from 'dataloader';
import { connectionOf, type RequestContext } from '../context';
import type { Role } from '../entities/Membership';

type Connection = ReturnType<RequestContext['em']['getConnection']>;

/** One batcher per database connection pool (tests run several servers, each on its own database, in one process). */
const batchers = new WeakMap<Connection, DataLoader<string, Role | null>>();

function batcherFor(connection: Connection): DataLoader<string, Role | null> {
  let batcher = batchers.get(connection);
  if (!batcher) {
    batcher = new DataLoader<string, Role | null>(
      async (keys) => {
        // Uncached, so the subscribers of one user in one administration each bring the same key: ask once.
        const pairs = [...new Set(keys)].map((key) => {
          const [administrationId, userId] = key.split(':');
          return { a: administrationId, u: userId };
        });
        const rows = await connection.execute<{ administration_id: string; user_id: string; role: Role }[]>(
          `select m.administration_id, m.user_id, m.role
             from jsonb_to_recordset(?::jsonb) as k(a uuid, u uuid)
             join memberships m on m.administration_id = k.a and m.user_id = k.u`,
          [JSON.stringify(pairs)],
        );
        const roles = new Map(rows.map((row) => [`${row.administration_id}:${row.user_id}`, row.role]));
        return keys.map((key) => roles.get(key) ?? null);
      },
      // Never cached: every check must see the table as it is now. A batch collects the checks of one turn of
      // the event loop, which is when a notification wakes all the subscribers it concerns.
      { cache: false, batchScheduleFn: (run) => setImmediate(run), maxBatchSize: 5000 },
    );
    batchers.set(connection, batcher);
  }
  return batcher;
}

/** The caller's current role in the administration (null: not a member), read from the table now. */
export function currentRole(ctx: RequestContext, administrationId: string): Promise<Role | null> {
  if (!ctx.userId) return Promise.resolve(null);
  return batcherFor(connectionOf(ctx).connection).load(`${administrationId}:${ctx.userId}`);
}
