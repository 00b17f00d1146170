// Sign-up, login, tokens and the login rate limit, through GraphQL over HTTP.
import { LoginDocument, MeDocument, SignUpDocument } from './generated/graphql';
import { PASSWORD, signUp } from './support/actors';
import { errorCode, expectData, expectError } from './support/assertions';
import { startTestServer, postGraphql, type TestServer } from './support/server';
import { startRuntime } from '../src/runtime';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { LOGIN_MAX_PER_EMAIL: '3', LOGIN_MAX_PER_IP: '8', LOGIN_WINDOW_SECONDS: '600' } });
});
afterAll(() => server.stop());

async function userCount(email: string): Promise<number> {
  const rows = await server.runtime.orm.em.getConnection().execute('select count(*)::int as n from users where email = ?', [email]);
  return rows[0].n as number;
}

describe('signUp', () => {
  it('creates a user, stores the email lowercased and returns a working token', async () => {
    const data = expectData(await server.gql(SignUpDocument, { input: { email: ' Ada@Example.TEST ', password: PASSWORD, name: 'Ada' } }));
    expect(data.signUp.user).toMatchObject({ email: 'ada@example.test', name: 'Ada' });
    const me = expectData(await server.gql(MeDocument, {}, { token: data.signUp.token }));
    expect(me.me).toEqual({ id: data.signUp.user.id, email: 'ada@example.test', name: 'Ada' });
    const [row] = await server.runtime.orm.em.getConnection().execute('select password_hash from users where id = ?', [data.signUp.user.id]);
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('refuses an email that exists in another case with CONFLICT', async () => {
    const result = await server.gql(SignUpDocument, { input: { email: 'ADA@example.test', password: PASSWORD, name: 'Ada 2' } });
    expectError(result, 'CONFLICT');
    expect(await userCount('ada@example.test')).toBe(1);
  });

  it.each([
    ['short', 'Password must be at least 10 characters'],
    ['onlyletterslong', 'Password must contain letters and at least one digit or symbol'],
  ])('refuses the weak password %p with BAD_USER_INPUT on password', async (password, message) => {
    const result = await server.gql(SignUpDocument, { input: { email: 'weak@example.test', password, name: 'Weak' } });
    expectError(result, 'BAD_USER_INPUT', 'password');
    expect(result.errors![0].message).toBe(message);
    expect(await userCount('weak@example.test')).toBe(0);
  });

  it('refuses a malformed email and an empty name', async () => {
    expectError(await server.gql(SignUpDocument, { input: { email: 'nope', password: PASSWORD, name: 'X' } }), 'BAD_USER_INPUT', 'email');
    expectError(await server.gql(SignUpDocument, { input: { email: 'n@example.test', password: PASSWORD, name: '  ' } }), 'BAD_USER_INPUT', 'name');
    expect(await userCount('n@example.test')).toBe(0);
  });
});

describe('login', () => {
  it('returns a token for the right password, whatever the email case', async () => {
    const user = await signUp(server, 'login-ok');
    const data = expectData(await server.gql(LoginDocument, { input: { email: user.email.toUpperCase(), password: PASSWORD } }));
    expect(data.login.user.id).toBe(user.id);
    expect(expectData(await server.gql(MeDocument, {}, { token: data.login.token })).me.email).toBe(user.email);
  });

  it('gives a wrong password and an unknown email the same answer', async () => {
    const user = await signUp(server, 'login-wrong');
    const wrongPassword = await server.gql(LoginDocument, { input: { email: user.email, password: 'not the password 1' } });
    const unknownEmail = await server.gql(LoginDocument, { input: { email: 'nobody@example.test', password: PASSWORD } });
    expectError(wrongPassword, 'UNAUTHENTICATED');
    expect(wrongPassword.errors![0].message).toBe('Invalid email or password');
    expect(unknownEmail.errors).toEqual(wrongPassword.errors);
    expect(wrongPassword.data).toBeNull();
  });

  it('limits failed attempts per email, even for the right password, across API processes', async () => {
    const user = await signUp(server, 'login-limit');
    for (let i = 0; i < 3; i += 1) {
      expectError(await server.gql(LoginDocument, { input: { email: user.email, password: `wrong password ${i}` } }), 'UNAUTHENTICATED');
    }
    expectError(await server.gql(LoginDocument, { input: { email: user.email, password: PASSWORD } }), 'TOO_MANY_REQUESTS');

    // A second API process on the same database sees the same counters.
    const second = await startRuntime({ config: { ...server.runtime.app.config, port: 0 }, role: 'api', clock: server.clock });
    try {
      const result = await postGraphql(second.url!, { query: 'mutation($i: LoginInput!) { login(input: $i) { token } }', variables: { i: { email: user.email, password: PASSWORD } } });
      expect(errorCode(result)).toBe('TOO_MANY_REQUESTS');
    } finally {
      await second.stop();
    }

    // The window passes: the right password works again.
    server.clock.advanceDays(1);
    expectData(await server.gql(LoginDocument, { input: { email: user.email, password: PASSWORD } }));
  });

  it('limits failed attempts per IP address across emails', async () => {
    server.clock.advanceDays(1);
    const user = await signUp(server, 'login-ip');
    for (let i = 0; i < 8; i += 1) {
      await server.gql(LoginDocument, { input: { email: `spray-${i}@example.test`, password: 'whatever 123' } });
    }
    expectError(await server.gql(LoginDocument, { input: { email: user.email, password: PASSWORD } }), 'TOO_MANY_REQUESTS');
    server.clock.advanceDays(1);
  });
});

describe('tokens', () => {
  it('refuses a missing, forged or expired token with UNAUTHENTICATED', async () => {
    const user = await signUp(server, 'tokens');
    expectError(await server.gql(MeDocument, {}), 'UNAUTHENTICATED');
    expectError(await server.gql(MeDocument, {}, { token: `${user.token.slice(0, -2)}xx` }), 'UNAUTHENTICATED');
    expectError(await server.gql(MeDocument, {}, { token: 'not-a-jwt' }), 'UNAUTHENTICATED');
    expectData(await server.gql(MeDocument, {}, { token: user.token }));
    server.clock.advanceDays(1); // past the 8-hour lifetime
    expectError(await server.gql(MeDocument, {}, { token: user.token }), 'UNAUTHENTICATED');
  });
});
