// Membership rechecks of live subscriptions, batched and versioned: an event that reaches every subscriber of an
// administration costs one small query for all of them, however many different users they are.
import { rootEmOf, type RequestContext } from '../context';
import { liveConnectionOf } from '../db/live-reads';
import type { Role } from '../entities/Membership';

type Connection = ReturnType<RequestContext['em']['getConnection']>;

/** The members of one administration with their roles (by user id), as the tables were when it was read. */
export type Members = ReadonlyMap<string, Role>;

/** The members of one administration with their roles, as of a version of its memberships. */
interface Snapshot {
  version: number;
  roles: Map<string, Role>;
}

/** Administrations per statement: an array parameter of this many uuids is still a small statement. */
const MAX_BATCH = 5000;

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

  /** The members of each administration (distinct ids), as the tables are now. */
  async members(administrations: string[]): Promise<Members[]> {
    const versions = await this.connection.execute<{ administration_id: string; version: string }[]>(
      `select a.id::text as administration_id, coalesce(v.version, 0)::text as version
         from unnest(?::uuid[]) as a(id) left join membership_versions v on v.administration_id = a.id`,
      [`{${administrations.join(',')}}`],
    );
    const stale = versions.filter((row) => this.snapshots.get(row.administration_id)?.version !== Number(row.version)).map((row) => row.administration_id);
    const fresh = stale.length > 0 ? await this.reload(stale) : new Map<string, Snapshot>();
    // The newer of what was held and what was read (forget() may have dropped the one held while this read waited).
    return administrations.map((id) => newer(this.snapshots.get(id), fresh.get(id)).roles);
  }

  /** Drops what is held of the administration (nobody here subscribes to it any more); a later read loads it again. */
  forget(administrationId: string): void {
    this.snapshots.delete(administrationId);
  }

  private async reload(administrations: string[]): Promise<Map<string, Snapshot>> {
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
    return fresh;
  }
}

/** The snapshot of the higher version; at least one is there (what was stale was read). */
function newer(held: Snapshot | undefined, read: Snapshot | undefined): Snapshot {
  if (!held) return read!;
  if (!read) return held;
  return held.version > read.version ? held : read;
}

interface Pending {
  promise: Promise<Members>;
  resolve(members: Members): void;
  reject(error: unknown): void;
}

/** The members of administrations as the tables say now, read in batches per turn of the event loop. */
export interface MembersReader {
  read(administrationId: string): Promise<Members>;
  /** Nobody in this process subscribes to the administration any more: its members need not be held. */
  forget(administrationId: string): void;
}

/**
 * Collects the administrations asked for in one turn of the event loop (when a notification wakes the subscribers it
 * concerns, or the recheck timer fires) into one read after it; everyone asking for the same administration in that
 * turn shares its answer, which was read after they asked.
 */
class TurnBatcher implements MembersReader {
  private batch: Map<string, Pending> | null = null;

  constructor(private readonly reader: MembershipReader) {}

  read(administrationId: string): Promise<Members> {
    if (!this.batch) {
      const batch = new Map<string, Pending>();
      this.batch = batch;
      setImmediate(() => {
        this.batch = null;
        void this.readBatch(batch);
      });
    }
    let pending = this.batch.get(administrationId);
    if (!pending) {
      let resolve!: Pending['resolve'];
      let reject!: Pending['reject'];
      const promise = new Promise<Members>((ok, fail) => ((resolve = ok), (reject = fail)));
      pending = { promise, resolve, reject };
      this.batch.set(administrationId, pending);
    }
    return pending.promise;
  }

  forget(administrationId: string): void {
    this.reader.forget(administrationId);
  }

  private async readBatch(batch: Map<string, Pending>): Promise<void> {
    const ids = [...batch.keys()];
    for (let start = 0; start < ids.length; start += MAX_BATCH) {
      const chunk = ids.slice(start, start + MAX_BATCH);
      try {
        const members = await this.reader.members(chunk);
        chunk.forEach((id, index) => batch.get(id)!.resolve(members[index]));
      } catch (error) {
        for (const id of chunk) batch.get(id)!.reject(error);
      }
    }
  }
}

/** One batcher per database connection pool (tests run several servers, each on its own database, in one process). */
const readers = new WeakMap<Connection, MembersReader>();

/** The reader of the request's database, on its live connections. */
export function membersReaderOf(ctx: RequestContext): MembersReader {
  const connection = liveConnectionOf(rootEmOf(ctx));
  let reader = readers.get(connection);
  if (!reader) {
    reader = new TurnBatcher(new MembershipReader(connection));
    readers.set(connection, reader);
  }
  return reader;
}
