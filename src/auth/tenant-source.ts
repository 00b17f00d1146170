// Declares, per root operation, which argument names the administration it acts on.
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * `arg` holds an administration id (no table), or the id (or ids) of a row in
 * `table`, whose administration_id is the one the caller must belong to.
 */
export interface TenantSource {
  arg: string;
  table?: string;
}

const sources = new Map<string, TenantSource>();

/** Method decorator: `@TenantFrom({ arg: 'invoiceId', table: 'invoices' })`. */
export function TenantFrom(source: TenantSource): MethodDecorator {
  return (_target, propertyKey) => {
    sources.set(String(propertyKey), source);
  };
}

export function tenantSourceOf(fieldName: string): TenantSource | undefined {
  return sources.get(fieldName);
}

/**
 * The single administration the argument points at, or null when a row is
 * missing or the ids span administrations (both are answered as NOT_FOUND).
 */
export async function resolveAdministrationId(
  em: EntityManager,
  source: TenantSource,
  value: unknown,
): Promise<string | null> {
  const ids = (Array.isArray(value) ? value : [value]).map(String);
  if (ids.length === 0 || !ids.every(isUuid)) return null;
  if (!source.table) return ids.length === 1 ? ids[0] : null;
  const unique = [...new Set(ids)];
  const [row] = await em.getConnection().execute<{ found: number; lo: string | null; hi: string | null }[]>(
    `select count(*)::int as found, min(administration_id::text) as lo, max(administration_id::text) as hi
       from "${source.table}" where id in (${unique.map(() => '?').join(',')})`,
    unique,
  );
  return row.found === unique.length && row.lo === row.hi ? row.lo : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);
