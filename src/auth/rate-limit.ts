// Fixed-window rate limits kept in PostgreSQL, so every API process shares the same counters.
import type { EntityManager } from '@mikro-orm/postgresql';

export interface RateLimit {
  key: string;
  limit: number;
  windowSeconds: number;
}

/** Hits counted in the current window of `key` (0 when the window has passed). */
export async function currentHits(em: EntityManager, { key, windowSeconds }: RateLimit, now: Date): Promise<number> {
  const rows = await em.getConnection().execute<{ hits: number }[]>(
    `select hits from rate_limit_counters where key = ? and window_start > ?::timestamptz - make_interval(secs => ?)`,
    [key, now.toISOString(), windowSeconds],
  );
  return rows[0]?.hits ?? 0;
}

/** Counts one hit against `key` atomically; answers the hits in the current window and when that window began. */
async function countHit(em: EntityManager, { key, windowSeconds }: RateLimit, now: Date): Promise<{ hits: number; window_start: Date }> {
  const rows = await em.getConnection().execute<{ hits: number; window_start: Date }[]>(
    `insert into rate_limit_counters (key, window_start, hits) values (?, ?, 1)
     on conflict (key) do update set
       hits = case when rate_limit_counters.window_start <= excluded.window_start - make_interval(secs => ?)
                   then 1 else rate_limit_counters.hits + 1 end,
       window_start = case when rate_limit_counters.window_start <= excluded.window_start - make_interval(secs => ?)
                   then excluded.window_start else rate_limit_counters.window_start end
     returning hits, window_start`,
    [key, now.toISOString(), windowSeconds, windowSeconds],
  );
  return rows[0];
}

/** Counts one hit against `key` atomically and returns the hits in the current window. */
export async function recordHit(em: EntityManager, limit: RateLimit, now: Date): Promise<number> {
  return (await countHit(em, limit, now)).hits;
}

/**
 * Counts one hit like recordHit and answers whether it is over the limit, and when the window ends: the time a
 * refused caller may try again. Counting first makes the check atomic: concurrent attempts each take one hit.
 */
export async function takeHit(em: EntityManager, limit: RateLimit, now: Date): Promise<{ allowed: boolean; retryAt: Date }> {
  const { hits, window_start: windowStart } = await countHit(em, limit, now);
  return { allowed: hits <= limit.limit, retryAt: new Date(new Date(windowStart).getTime() + limit.windowSeconds * 1000) };
}

/** Gives back a hit taken by takeHit (an attempt that succeeded is no failure to count). */
export async function returnHit(em: EntityManager, key: string): Promise<void> {
  await em.getConnection().execute('update rate_limit_counters set hits = greatest(hits - 1, 0) where key = ?', [key]);
}

export async function isLimited(em: EntityManager, limit: RateLimit, now: Date): Promise<boolean> {
  return (await currentHits(em, limit, now)) >= limit.limit;
}

export async function clearHits(em: EntityManager, key: string): Promise<void> {
  await em.getConnection().execute('delete from rate_limit_counters where key = ?', [key]);
}

/** Drops counters whose window ended more than a day ago (no limit uses a longer window). */
export async function purgeExpiredCounters(em: EntityManager, now: Date): Promise<number> {
  const rows = await em
    .getConnection()
    .execute<{ key: string }[]>(
      `delete from rate_limit_counters where window_start < ?::timestamptz - interval '1 day' returning key`,
      [now.toISOString()],
    );
  return rows.length;
}
