// Query limits and error hygiene: depth, aliases, tokens, cost, batching, suggestions and stack traces.
import { signUp, type Actor } from './support/actors';
import { errorCode } from './support/assertions';
import { postGraphql, startTestServer, type TestServer } from './support/server';
import { pageSize } from '../src/services/lists/pagination';

let server: TestServer;
let user: Actor;
beforeAll(async () => {
  server = await startTestServer({
    env: { GRAPHQL_MAX_DEPTH: '4', GRAPHQL_MAX_ALIASES: '3', GRAPHQL_MAX_TOKENS: '200', GRAPHQL_MAX_COST: '300', GRAPHQL_INTROSPECTION: 'false' },
  });
  user = await signUp(server, 'limits');
});
afterAll(() => server.stop());

const run = (query: string) => postGraphql(server.url, { query }, { token: user.token });

it('refuses a query deeper than the limit, also through fragments', async () => {
  const shallow = await startTestServer({ env: { GRAPHQL_MAX_DEPTH: '3' } });
  try {
    const owner = await signUp(shallow, 'depth');
    const ok = await postGraphql(shallow.url, { query: '{ administrations { name } }' }, { token: owner.token });
    expect(ok.errors).toBeUndefined();
    const query = 'fragment M on Membership { user { id } } { administrations { ... on Administration { members { ...M } } } }';
    const result = await postGraphql(shallow.url, { query }, { token: owner.token });
    expect(errorCode(result)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.errors![0].message).toBe('Query is too deep: depth 4 exceeds the limit of 3');
    expect(result.data).toBeUndefined();
  } finally {
    await shallow.stop();
  }
});

it('refuses more aliases than the limit', async () => {
  expect((await run('{ a: me { id } b: me { id } c: me { id } }')).errors).toBeUndefined();
  const result = await run('{ a: me { id } b: me { id } c: me { id } d: me { id } }');
  expect(errorCode(result)).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(result.errors![0].message).toBe('Too many aliases: 4 exceeds the limit of 3');
});

it('refuses a document with more tokens than the limit before validating it', async () => {
  const fields = Array.from({ length: 250 }, () => 'id').join(' ');
  const result = await run(`{ me { ${fields} } }`);
  expect(errorCode(result)).toBe('GRAPHQL_PARSE_FAILED');
  expect(result.errors![0].message).toMatch(/more tha[nt] 200 tokens/);
});

it('refuses a query costing more than the limit', async () => {
  // administrations (list: x10) -> members (list: x10) -> user: 1 + 10 * (1 + 10 * (1 + 1)) = 211
  expect((await run('{ administrations { members { user { id } } } }')).errors).toBeUndefined();
  const result = await run('{ administrations { members { user { id email name } } } }');
  expect(errorCode(result)).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(result.errors![0].message).toBe('Query is too expensive: cost 411 exceeds the limit of 300');
});

it('caps `first` of connections at 200', () => {
  expect(pageSize(undefined)).toBe(50);
  expect(pageSize(200)).toBe(200);
  expect(() => pageSize(201)).toThrow('first must be between 0 and 200');
  expect(() => pageSize(-1)).toThrow('first must be between 0 and 200');
});

it('refuses batched HTTP operations', async () => {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
    body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { email } }' }]),
  });
  expect(response.status).toBe(400);
  expect(await response.text()).toMatch(/batch/i);
});

it('refuses a GET mutation and a form post without the preflight header (CSRF)', async () => {
  const form = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ me { id } }"}' });
  expect(form.status).toBe(400);
  expect(await form.text()).toMatch(/CSRF|preflight/i);
});

it('hides field suggestions, introspection and internals outside development', async () => {
  const typo = await run('{ me { emial } }');
  expect(typo.errors![0].message).toBe('Cannot query field "emial" on type "User".');
  const introspection = await run('{ __schema { types { name } } }');
  expect(errorCode(introspection)).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(JSON.stringify(typo)).not.toMatch(/stacktrace|at \w+ \(/);
});

it('costs a connection by the value of a `first` variable, not by the cap', async () => {
  const created = await run('mutation { createAdministration(name: "Limits BV") { id } }');
  const { id } = (created.data as { createAdministration: { id: string } }).createAdministration;
  // 1 (administration) + 1 (invoices) + $first x (totalCount + pageInfo + its 2 fields) = 2 + 4 x $first; the limit is 300.
  const query = 'query ($id: ID!, $first: Int) { administration(id: $id) { invoices(first: $first) { totalCount pageInfo { hasNextPage endCursor } } } }';
  const cheap = await postGraphql(server.url, { query, variables: { id, first: 50 } }, { token: user.token });
  expect(cheap.errors).toBeUndefined();
  const dear = await postGraphql(server.url, { query, variables: { id, first: 100 } }, { token: user.token });
  expect(errorCode(dear)).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(dear.errors![0].message).toBe('Query is too expensive: cost 402 exceeds the limit of 300');
});
