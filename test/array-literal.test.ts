// Bulk statements pass their columns as array literals: every value must arrive in PostgreSQL exactly as it was.
import { Client } from 'pg';
import { arrayLiteral } from '../src/services/ledger/array-literal';
import { createTestDatabase } from './support/database';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let client: Client;

beforeAll(async () => {
  database = await createTestDatabase();
  client = new Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client.end();
  await database.drop();
});

describe('arrayLiteral', () => {
  it('carries quotes, backslashes, braces, commas, blank and multi-line text, the word NULL and nulls', async () => {
    const values = ['Jansen "& Zn"', 'C:\\path\\', '{a,b}', ' spaced , out ', '', 'NULL', null, 'line 1\nline 2\r\n\ttab', '€ ünïcödé'];
    const { rows } = await client.query<{ values: (string | null)[] }>('select $1::text[] as values', [arrayLiteral(values)]);
    expect(rows[0].values).toEqual(values);
  });

  it('carries numbers and uuids', async () => {
    const ids = ['0190c8a2-0000-7000-8000-000000000001', null];
    const { rows } = await client.query<{ n: number[]; ids: (string | null)[] }>('select $1::int[] as n, $2::uuid[] as ids', [arrayLiteral([1, -2, null]), arrayLiteral(ids)]);
    expect(rows[0].n).toEqual([1, -2, null]);
    expect(rows[0].ids).toEqual(ids);
  });

  it('an empty list is an empty array', async () => {
    const { rows } = await client.query<{ n: number }>('select cardinality($1::uuid[]) as n', [arrayLiteral([])]);
    expect(rows[0].n).toBe(0);
  });
});
