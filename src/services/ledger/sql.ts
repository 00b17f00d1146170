// Native SQL through the ORM's connection, inside the entity manager's transaction when it has one (or through the
// live events' own connections, for an entity manager made for them: db/live-reads.ts).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/knex';
import { connectionFor } from '../../db/live-reads';

export type Row = Record<string, unknown>;

export function execute<T = Row>(em: EntityManager, query: string | Knex.QueryBuilder | Knex.Raw, params: unknown[] = []): Promise<T[]> {
  return connectionFor(em).execute<T[]>(query as string, params, 'all', em.getTransactionContext());
}

/**
 * Like execute, but the parameters travel to PostgreSQL as bound values instead of being quoted into
 * the SQL text by the ORM: for bulk statements whose parameter is megabytes of JSON. Returns the rows.
 */
export async function executeBulk<T = Row>(em: EntityManager, query: string, params: unknown[]): Promise<T[]> {
  const raw = em.getKnex().raw(query, params as Knex.RawBinding[]);
  const transaction = em.getTransactionContext<Knex.Transaction>();
  if (transaction) raw.transacting(transaction);
  const result = (await raw) as { rows: T[] };
  return result.rows;
}

export function knex(em: EntityManager): Knex {
  return em.getKnex();
}

/** `%term%` for ILIKE with the user's own % and _ taken literally. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
