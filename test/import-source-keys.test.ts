// Stored Authorization headers have a key of their own: the server restarts with both secrets rotated and the
// daily import still sends the header; headers stored by the previous version (v1, from JWT_SECRET) keep working.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ConfigureImportSourceDocument, ImportSourceDocument, LoginDocument, RunImportSourceNowDocument } from './generated/graphql';
import { createTenants, PASSWORD, type Actor, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { createTestDatabase } from './support/database';
import { waitForRun } from './support/ledger';
import { startServerProcess, type ServerProcess } from './support/process';

const csv = fs.readFileSync(path.join(__dirname, 'fixtures', 'bookkeeping', 'invoices-semicolon-bom.csv'));
const AUTHORIZATION = 'Token s3cret';

const secret = () => randomBytes(32).toString('hex');
/** As README documents it: the first 8 hex characters of the key's SHA-256. */
const keyIdOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 8);

/** What the version before DATA_ENCRYPTION_KEY stored: AES-GCM with a key derived from the JWT secret. */
function v1Encrypt(jwtSecret: string, plain: string): string {
  const key = createHash('sha256').update(`import-source-secret:${jwtSecret}`).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
}

describe('import source keys across restarts', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-keys-'));
  let database: { url: string; drop(): Promise<void> };
  let db: Client;
  let server: ServerProcess | undefined;
  let t: Tenants;
  let source: http.Server;
  let sourceUrl: string;
  const received: (string | undefined)[] = [];
  const [jwtOld, jwtNew] = [secret(), secret()];
  const [keyOld, keyNew, keyUnknown] = [secret(), secret(), secret()];

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
    source = http.createServer((req, res) => {
      received.push(req.headers.authorization);
      if (req.headers.authorization !== AUTHORIZATION) return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'text/csv' }).end(csv);
    });
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    sourceUrl = `http://127.0.0.1:${(source.address() as AddressInfo).port}/export.csv`;
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await db?.end();
    await new Promise((resolve) => source.close(resolve));
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  async function restart(secrets: Record<string, string>): Promise<ServerProcess> {
    await server?.stop();
    server = await startServerProcess('all', {
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      SEED_DEMO: 'false',
      // The test's source server is on 127.0.0.1.
      IMPORT_ALLOW_PRIVATE_URLS: 'true',
      ...secrets,
    });
    return server;
  }

  async function login(api: ServerProcess, actor: Actor): Promise<string> {
    return expectData(await api.gql(LoginDocument, { input: { email: actor.email, password: PASSWORD } })).login.token;
  }

  async function storedHeader(): Promise<string> {
    const { rows } = await db.query('select authorization_encrypted from import_sources where administration_id = $1', [t.a]);
    return rows[0].authorization_encrypted as string;
  }

  async function runNow(api: ServerProcess, token: string) {
    const started = expectData(await api.gql(RunImportSourceNowDocument, { administrationId: t.a }, { token }));
    return waitForRun(api, token, t.a, started.runImportSourceNow.id);
  }

  it('reads a header stored by the previous version with the JWT secret, and moves it to the data key', async () => {
    const api = await restart({ JWT_SECRET: jwtOld, DATA_ENCRYPTION_KEY: keyOld });
    t = await createTenants(api);
    expectData(
      await api.gql(ConfigureImportSourceDocument, { administrationId: t.a, input: { url: sourceUrl, format: 'CSV', timeOfDay: '06:00', authorization: AUTHORIZATION } }, { token: t.admin.token }),
    );
    expect(await storedHeader()).toMatch(new RegExp(`^v2:${keyIdOf(keyOld)}:`));
    // As the version before DATA_ENCRYPTION_KEY stored it.
    await db.query('update import_sources set authorization_encrypted = $1 where administration_id = $2', [v1Encrypt(jwtOld, AUTHORIZATION), t.a]);

    expect(await runNow(api, t.member.token)).toMatchObject({ status: 'SUCCEEDED', invoicesCreated: 3 });
    expect(received.splice(0)).toEqual([AUTHORIZATION]);
    expect(await storedHeader()).toMatch(new RegExp(`^v2:${keyIdOf(keyOld)}:`));
  }, 90_000);

  it('still imports after JWT_SECRET and DATA_ENCRYPTION_KEY are both rotated, the old key kept for reading', async () => {
    const api = await restart({ JWT_SECRET: jwtNew, DATA_ENCRYPTION_KEY: keyNew, DATA_ENCRYPTION_KEYS_OLD: keyOld });
    const token = await login(api, t.member); // tokens signed with the old JWT secret are void

    expect(await runNow(api, token)).toMatchObject({ status: 'SUCCEEDED', invoicesUpdated: 0 });
    expect(received.splice(0)).toEqual([AUTHORIZATION]);
    // The run re-encrypted the header with the new key: the old one can be dropped now.
    expect(await storedHeader()).toMatch(new RegExp(`^v2:${keyIdOf(keyNew)}:`));
  }, 90_000);

  it('fails the run clearly when the key of a stored header is not configured, sending nothing', async () => {
    const api = await restart({ JWT_SECRET: jwtNew, DATA_ENCRYPTION_KEY: keyUnknown });
    const token = await login(api, t.member);

    const result = await api.gql(RunImportSourceNowDocument, { administrationId: t.a }, { token });
    expectError(result, 'BAD_USER_INPUT', 'authorization');
    const message = `The stored Authorization header was encrypted with a key that is not configured (key id ${keyIdOf(keyNew)}); enter it again`;
    expect(result.errors![0].message).toBe(message);
    const { importSource } = expectData(await api.gql(ImportSourceDocument, { id: t.a }, { token })).administration!;
    expect(importSource).toMatchObject({ lastError: message, failures: 1 });
    expect(received).toEqual([]);
  }, 90_000);
});
