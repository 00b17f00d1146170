// Relay connections over keyset-paginated queries.
import type { Knex } from '@mikro-orm/knex';
import { badInput } from '../../schema/errors';
import { decodeCursor, encodeCursor, pageSize } from '../../schema/pagination';

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

export interface KeysetSpec<T> {
  /** Columns of the stable order, ascending; the last one must be unique (the id). */
  columns: string[];
  /** The cursor values of a node, in the order of `columns`. */
  keyOf(node: T): unknown[];
  /** Checks decoded cursor values, so a forged cursor is bad input rather than an SQL error. */
  valid(values: unknown[]): boolean;
}

/** Applies `after` and the order to `qb`; returns the limit to fetch (one more than the page, to see a next page). */
export function applyKeyset(
  qb: Knex.QueryBuilder,
  spec: KeysetSpec<unknown>,
  first: number | null | undefined,
  after: string | null | undefined,
  direction: 'asc' | 'desc' = 'asc',
): number {
  const size = pageSize(first);
  if (after) {
    const values = decodeCursor(after, spec.columns.length);
    if (!spec.valid(values)) throw badInput('after is not a valid cursor', 'after');
    qb.whereRaw(`(${spec.columns.join(', ')}) ${direction === 'asc' ? '>' : '<'} (${spec.columns.map(() => '?').join(', ')})`, values as string[]);
  }
  for (const column of spec.columns) qb.orderBy(column, direction);
  qb.limit(size + 1);
  return size;
}

export function toPage<T>(nodes: T[], size: number, totalCount: number, spec: KeysetSpec<T>): Page<T> {
  const page = nodes.slice(0, size);
  const edges = page.map((node) => ({ cursor: encodeCursor(spec.keyOf(node)), node }));
  return { edges, pageInfo: { hasNextPage: nodes.length > size, endCursor: edges.at(-1)?.cursor ?? null }, totalCount };
}
