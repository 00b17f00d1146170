// Declares, per root operation, where in its arguments the administration it acts on is found.
import type { EntityManager } from '@mikro-orm/postgresql';

/** Typed references such as `TargetRef { type: INVOICE, id }`: the kind names the table the id is in. */
export interface RefTables {
  kindField: string;
  idField: string;
  tables: Record<string, string>;
}

/**
 * `path` is a dotted path into the operation's arguments (`id`, `input.administrationId`,
 * `input.invoiceIds`, `input.targets`); a list anywhere along it is walked. Without `table` the values
 * are administration ids; with a table name they are ids of rows in it; with RefTables they are typed
 * references. An absent (null) value is skipped, but an operation must name at least one.
 */
export interface TenantSource {
  path: string;
  table?: string | RefTables;
}

const sources = new Map<string, TenantSource[]>();

/**
 * Method decorator on a root operation. Every id found through every source must exist and all must
 * belong to one administration, the one whose membership the auth checker then requires; anything
 * else (a missing row, a malformed id, ids spanning administrations) is NOT_FOUND.
 * `@TenantFrom({ path: 'input.target', table: TARGET_TABLES }, { path: 'input.caseIds', table: 'cases' })`.
 */
export function TenantFrom(...declared: TenantSource[]): MethodDecorator {
  return (_target, propertyKey) => {
    sources.set(String(propertyKey), declared);
  };
}

export function tenantSourcesOf(fieldName: string): TenantSource[] | undefined {
  return sources.get(fieldName);
}

/** The values at a dotted path, lists flattened, nulls dropped. */
export function valuesAt(root: unknown, path: string): unknown[] {
  let values: unknown[] = [root];
  for (const key of path.split('.')) {
    values = values
      .flatMap((value) => (Array.isArray(value) ? value : [value]))
      .map((value) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined));
  }
  return values.flatMap((value) => (Array.isArray(value) ? value : [value])).filter((value) => value !== undefined && value !== null);
}

/**
 * The single administration the arguments point at, or null when a row is missing, an id is
 * malformed, nothing is named, or the ids span administrations (all answered as NOT_FOUND).
 * One query per table, whatever the number of ids.
 */
export async function resolveAdministrationId(em: EntityManager, declared: TenantSource[], args: unknown): Promise<string | null> {
  const administrations = new Set<string>();
  const idsPerTable = new Map<string, Set<string>>();
  for (const source of declared) {
    for (const value of valuesAt(args, source.path)) {
      const [table, id] = locate(source, value);
      if (table === null || typeof id !== 'string' || !isUuid(id)) return null;
      if (table === undefined) administrations.add(id);
      else idsPerTable.set(table, (idsPerTable.get(table) ?? new Set()).add(id));
    }
  }
  for (const [table, ids] of idsPerTable) {
    const unique = [...ids];
    const rows = await ownersOf(em, table, unique);
    if (rows.reduce((sum, row) => sum + row.found, 0) !== unique.length) return null;
    for (const row of rows) administrations.add(row.administration_id);
  }
  return administrations.size === 1 ? [...administrations][0] : null;
}

type OwnerRows = { administration_id: string; found: number }[];

/**
 * Per request (its entity manager): the auth checker resolves an operation's administration, and the resolver then
 * asks again for the same ids. A row never changes administration, so the second answer is the first one.
 */
const ownersByRequest = new WeakMap<EntityManager, Map<string, Promise<OwnerRows>>>();

function ownersOf(em: EntityManager, table: string, ids: string[]): Promise<OwnerRows> {
  let owners = ownersByRequest.get(em);
  if (!owners) {
    owners = new Map();
    ownersByRequest.set(em, owners);
  }
  const key = `${table}:${[...ids].sort().join(',')}`;
  let rows = owners.get(key);
  if (!rows) {
    rows = em
      .getConnection()
      .execute<OwnerRows>(`select administration_id::text, count(*)::int as found from "${table}" where id in (${ids.map(() => '?').join(',')}) group by 1`, ids);
    // A failed query is not remembered: the next caller asks the database again.
    rows.catch(() => owners.delete(key));
    owners.set(key, rows);
  }
  return rows;
}

/** The table a value's id lives in (undefined: it is an administration id; null: an unknown kind) and the id. */
function locate(source: TenantSource, value: unknown): [string | null | undefined, unknown] {
  if (typeof source.table !== 'object') return [source.table, value];
  const ref = (value ?? {}) as Record<string, unknown>;
  return [source.table.tables[String(ref[source.table.kindField])] ?? null, ref[source.table.idField]];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);
