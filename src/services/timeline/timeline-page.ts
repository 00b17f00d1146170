// A page of an invoice's, debtor's or case's timeline: newest first, one UNION ALL statement of the sources per page.
import { isIsoInstant } from '../../domain/dates';
import type { Knex } from '@mikro-orm/knex';
import type { RequestContext } from '../../context';
import type { TimelineKind } from '../../domain/timeline';
import { isUuid } from '../../auth/tenant-source';
import { badInput } from '../../schema/errors';
import { execute, knex } from '../ledger/sql';
import type { Page, PageArgs } from '../lists/list-page';
import { decodeCursor, encodeCursor, pageSize } from '../lists/pagination';
import { sourceOfKind, TIMELINE_SOURCES, type TimelineOwner, type TimelineSource } from './sources';

/** One entry; the message, payment and actor are loaded by id when a client asks for them. */
export interface TimelineEntry {
  /** `<kind>:<source row id>`: stable, and unique across kinds. */
  id: string;
  at: Date;
  kind: TimelineKind;
  summary: string;
  administrationId: string;
  actorId: string | null;
  messageId: string | null;
  paymentId: string | null;
}

interface EntryRow {
  kind: TimelineKind;
  rank: number;
  source_id: string;
  at: Date | string;
  actor_id: string | null;
  message_id: string | null;
  payment_id: string | null;
  data: Record<string, unknown>;
}

// Unique across kinds; in the C collation, so the order and the cursor comparison agree whatever the database's.
const ENTRY_ID = `(t.kind || ':' || t.source_id::text) collate "C"`;

/** One source's select, its columns in the order every arm shares. */
function armOf(db: Knex, source: TimelineSource, owner: TimelineOwner): Knex.QueryBuilder | null {
  const on = source.on[owner.kind];
  if (!on) return null;
  const c = source.columns;
  const query = db(source.table).where(`${source.alias}.administration_id`, owner.administrationId);
  source.narrow?.(query);
  on(query, owner.id);
  // Milliseconds, as a cursor carries them: a microsecond more would put a row on both sides of its own cursor.
  return query.select(
    db.raw(
      `?::text as kind, ?::int as rank, ${c.sourceId} as source_id, date_trunc('milliseconds', ${c.at}) as at, ` +
        `${c.actorId ?? 'null'}::uuid as actor_id, ${c.messageId ?? 'null'}::uuid as message_id, ${c.paymentId ?? 'null'}::uuid as payment_id, ` +
        `${c.data}::jsonb as data`,
      [source.kind, source.rank],
    ),
  );
}

/** Every source's entries of the owner as one relation `t` (every owner kind has at least one source). */
function entriesOf(db: Knex, owner: TimelineOwner): Knex.QueryBuilder {
  const arms = TIMELINE_SOURCES.map((source) => armOf(db, source, owner)).filter((arm) => arm !== null);
  return db.queryBuilder().from(db.queryBuilder().unionAll(arms, true).as('t'));
}

function validCursor([at, rank, id]: unknown[]): boolean {
  if (!isIsoInstant(at)) return false;
  if (!Number.isInteger(rank) || (rank as number) < 0 || (rank as number) > 1000 || typeof id !== 'string') return false;
  const [kind, sourceId, ...rest] = id.split(':');
  return rest.length === 0 && sourceOfKind.has(kind as TimelineKind) && isUuid(sourceId ?? '');
}

function entryOf(owner: TimelineOwner, row: EntryRow): TimelineEntry {
  return {
    id: `${row.kind}:${row.source_id}`,
    at: row.at instanceof Date ? row.at : new Date(row.at),
    kind: row.kind,
    summary: sourceOfKind.get(row.kind)!.summary(row.data ?? {}),
    administrationId: owner.administrationId,
    actorId: row.actor_id,
    messageId: row.message_id,
    paymentId: row.payment_id,
  };
}

/**
 * Newest first (at, then rank, then id, all descending), keyset-paginated like every list (listPage): one
 * statement for the page whatever its size, and the count only when totalCount is asked for.
 */
export async function timelinePage(ctx: RequestContext, owner: TimelineOwner, args: PageArgs): Promise<Page<TimelineEntry>> {
  const em = ctx.em; // plain SQL that names its administration in every arm
  const db = knex(em);
  const size = pageSize(args.first);
  const page = entriesOf(db, owner).select('t.*');
  if (args.after) {
    const values = decodeCursor(args.after, 3);
    if (!validCursor(values)) throw badInput('after is not a valid cursor', 'after');
    page.whereRaw(`(t.at, t.rank, ${ENTRY_ID}) < (?::timestamptz, ?::int, ?)`, values as string[]);
  }
  page.orderByRaw(`t.at desc, t.rank desc, ${ENTRY_ID} desc`).limit(size + 1);
  const rows = await execute<EntryRow>(em, page);

  let count: Promise<number> | undefined;
  const totalCount = () =>
    (count ??= execute<{ count: number }>(em, entriesOf(db, owner).select(db.raw('count(*)::int as count'))).then(([row]) => row.count));
  const edges = rows.slice(0, size).map((row) => {
    const node = entryOf(owner, row);
    return { cursor: encodeCursor([node.at.toISOString(), row.rank, node.id]), node };
  });
  return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null }, totalCount };
}
