// Reads for live events on connections of their own. Every send is a transaction holding one of the pool's
// connections, so a burst of a hundred sends queues ninety for a connection; the reads that deliver the events of
// that burst (the message, the subscribers' memberships) would queue behind all of them, and an inbox would see a
// message only after the burst. On a pool of their own they wait for no request (bench/fanout, 1,000 subscribers:
// a burst of 100 sends through the serving process went from p50 305 ms to 143-150 ms).
import type { MikroORM } from '@mikro-orm/core';
import { PostgreSqlConnection, type EntityManager } from '@mikro-orm/postgresql';

type Connection = ReturnType<EntityManager['getConnection']>;
type Driver = ReturnType<EntityManager['getDriver']>;

/** Two: the reads of one event are one or two statements, batched across the events of one turn of the event loop. */
const LIVE_POOL = { min: 0, max: 2 };

/** The live connections of each ORM (tests run several servers in one process), by the driver its forks share. */
const liveConnections = new WeakMap<Driver, Connection>();
/** Entity managers whose plain SQL goes through their ORM's live connections (sql.ts `execute`). */
const liveEms = new WeakSet<EntityManager>();

/**
 * The ORM's own connection settings with a pool of LIVE_POOL's size. (Passing the pool as the connection's
 * driverOptions would merge it into the ORM's configured pool object, shrinking the main pool too.)
 */
class LiveConnection extends PostgreSqlConnection {
  protected override getKnexOptions(type: string): ReturnType<PostgreSqlConnection['getKnexOptions']> {
    return { ...super.getKnexOptions(type), pool: { ...LIVE_POOL } };
  }
}

/** Opens the live connections of an API process's ORM; close() before the ORM closes. */
export async function openLiveReads(orm: MikroORM): Promise<{ close(): Promise<void> }> {
  const em = orm.em as EntityManager;
  const connection = new LiveConnection(orm.config, undefined, 'read');
  await connection.connect();
  liveConnections.set(em.getDriver(), connection);
  return {
    async close() {
      liveConnections.delete(em.getDriver());
      await connection.close();
    },
  };
}

/** The connection for live reads of this entity manager's ORM: its own, or the pool's where none was opened. */
export function liveConnectionOf(em: EntityManager): Connection {
  return liveConnections.get(em.getDriver()) ?? em.getConnection();
}

/** A fork of `root` whose plain SQL reads (sql.ts `execute`) go through the live connections. Never for writing. */
export function forkForLiveReads(root: EntityManager): EntityManager {
  const em = root.fork();
  liveEms.add(em);
  return em;
}

/** The connection `execute` runs a statement of `em` on. */
export function connectionFor(em: EntityManager): Connection {
  return liveEms.has(em) ? liveConnectionOf(em) : em.getConnection();
}
