// Ids are UUIDv7: valid UUIDs that sort in the order they were made, even within one millisecond.
import { newId } from '../src/entities/base';

it('ids made one after another sort in that order, as text and as PostgreSQL compares uuids', () => {
  const ids = Array.from({ length: 20_000 }, () => newId());
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect([...ids].sort()).toEqual(ids);
});
