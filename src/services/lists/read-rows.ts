// Rows of a list page as read-only snapshots in the entity's shape, without the ORM's unit of work.
//
// `em.map` merges every row into the identity map, wires relation propagation and snapshots it for change
// tracking: on a page of 50 invoices that was a fifth of a request's CPU (bench/list, node --cpu-prof), spent on
// objects nobody changes. A list only hands its nodes to GraphQL field resolvers, so it gets plain objects with
// the entity's property names, its types (bigint, Date) and relations as `{ id }` references. Never persist one:
// load the entity by id to change it.
import type { EntityClass, EntityMetadata, EntityProperty } from '@mikro-orm/core';
import { ReferenceKind } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Row } from '../ledger/sql';

type Mapper = (row: Row) => Record<string, unknown>;
const mappers = new WeakMap<EntityMetadata, Mapper>();

function mapperOf(em: EntityManager, meta: EntityMetadata): Mapper {
  let mapper = mappers.get(meta);
  if (mapper) return mapper;
  const platform = em.getPlatform();
  const parts = meta.props
    .filter((prop) => prop.fieldNames?.length === 1 && prop.kind !== ReferenceKind.ONE_TO_MANY && prop.kind !== ReferenceKind.MANY_TO_MANY)
    .map((prop: EntityProperty) => {
      const field = prop.fieldNames[0];
      if (prop.kind === ReferenceKind.MANY_TO_ONE || prop.kind === ReferenceKind.ONE_TO_ONE) {
        return (row: Row, out: Record<string, unknown>) => {
          const id = row[field];
          out[prop.name] = id == null ? null : { id };
        };
      }
      if (prop.customType) {
        const type = prop.customType;
        return (row: Row, out: Record<string, unknown>) => {
          const value = row[field];
          out[prop.name] = value == null ? value : type.convertToJSValue(value, platform);
        };
      }
      if (prop.runtimeType === 'Date') {
        return (row: Row, out: Record<string, unknown>) => {
          const value = row[field];
          out[prop.name] = value == null || value instanceof Date ? value : platform.parseDate(value as string);
        };
      }
      return (row: Row, out: Record<string, unknown>) => {
        out[prop.name] = row[field];
      };
    });
  mapper = (row) => {
    const out: Record<string, unknown> = {};
    for (const part of parts) part(row, out);
    return out;
  };
  mappers.set(meta, mapper);
  return mapper;
}

export function readRows<T extends object>(em: EntityManager, entity: EntityClass<T>, rows: Row[]): T[] {
  const map = mapperOf(em, em.getMetadata().get(entity.name));
  return rows.map((row) => map(row) as T);
}
