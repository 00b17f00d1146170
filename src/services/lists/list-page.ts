// The one way a list becomes a Relay page: a filtered base query, a keyset order, a count, entities out.
import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/knex';
import { isUuid } from '../../auth/tenant-source';
import { isCalendarDate, isIsoInstant } from '../../domain/dates';
import { badInput } from '../../schema/errors';
import { execute, knex, type Row } from '../ledger/sql';
import { decodeCursor, encodeCursor, pageSize } from './pagination';
import { readRows } from './read-rows';

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Counted only when asked for: graphql-js calls a function-valued field; a page without totalCount skips the count. */
  totalCount: () => Promise<number>;
}

export interface ListSpec<T> {
  entity: EntityClass<T>;
  /** The alias of the listed table in the base query, e.g. `i` for `invoices as i`. */
  alias: string;
  /** Columns of the stable order (without the alias); the last one must be unique (the id). */
  columns: string[];
  direction: 'asc' | 'desc';
  /** The cursor values of a node, in the order of `columns`. */
  keyOf(node: T): unknown[];
  /** Checks decoded cursor values, so a forged cursor is bad input rather than an SQL error. */
  valid(values: unknown[]): boolean;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/**
 * Runs the page (one statement, whatever its size) over `base`, a query that already joins and filters, and
 * the total count only if asked for; the page is keyset-paginated, so page 100 costs what page 1 does.
 */
export async function listPage<T extends object>(em: EntityManager, base: Knex.QueryBuilder, spec: ListSpec<T>, args: PageArgs): Promise<Page<T>> {
  const size = pageSize(args.first);
  const columns = spec.columns.map((column) => `${spec.alias}.${column}`);
  const pageQuery = base.clone().select(`${spec.alias}.*`);
  if (args.after) {
    const values = decodeCursor(args.after, columns.length);
    if (!spec.valid(values)) throw badInput('after is not a valid cursor', 'after');
    const compare = spec.direction === 'asc' ? '>' : '<';
    pageQuery.whereRaw(`(${columns.join(', ')}) ${compare} (${columns.map(() => '?').join(', ')})`, values as string[]);
  }
  for (const column of columns) pageQuery.orderBy(column, spec.direction);
  pageQuery.limit(size + 1);
  const rows = await execute<Row>(em, pageQuery);
  let count: Promise<number> | undefined;
  const totalCount = () => (count ??= execute<{ count: number }>(em, base.clone().select(knex(em).raw('count(*)::int as count'))).then(([row]) => row.count));
  const nodes = readRows(em, spec.entity, rows.slice(0, size));
  const edges = nodes.map((node) => ({ cursor: encodeCursor(spec.keyOf(node)), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null }, totalCount };
}

/** Keyset parts of the common orders: (created_at, id) and (a date column, id). */
export const byCreatedAt = {
  columns: ['created_at', 'id'],
  keyOf: (node: { createdAt: Date; id: string }) => [node.createdAt.toISOString(), node.id],
  valid: ([at, id]: unknown[]) => isIsoInstant(at) && typeof id === 'string' && isUuid(id),
};

export const validDateAndId = ([date, id]: unknown[]) => typeof date === 'string' && isCalendarDate(date) && typeof id === 'string' && isUuid(id);
