// The daily import source cannot be turned against the server's own network: addresses refused when the source
// is configured (literal addresses, localhost) and when it is fetched (resolved names, every redirect).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ConfigureImportSourceDocument, ImportSourceDocument, RunImportSourceNowDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { waitForRun } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';

const csv = fs.readFileSync(path.join(__dirname, 'fixtures', 'bookkeeping', 'invoices-semicolon-bom.csv'));

/** A server on 127.0.0.1 that counts the requests it receives: the internal service an attacker aims at. */
async function listen(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

let requestsToTarget = 0;
let target: http.Server;
let targetPort: number;
let source: http.Server;
let sourcePort: number;

beforeAll(async () => {
  ({ server: target, port: targetPort } = await listen((_req, res) => {
    requestsToTarget += 1;
    res.writeHead(200, { 'content-type': 'text/csv' }).end(csv);
  }));
  // The bookkeeping's server: serves the file, or redirects elsewhere.
  ({ server: source, port: sourcePort } = await listen((req, res) => {
    if (req.url === '/to-unspecified') return void res.writeHead(302, { location: `http://0.0.0.0:${targetPort}/export.csv` }).end();
    if (req.url === '/to-metadata') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    res.writeHead(200, { 'content-type': 'text/csv' }).end(csv);
  }));
});
afterAll(async () => {
  await new Promise((resolve) => target.close(resolve));
  await new Promise((resolve) => source.close(resolve));
});
beforeEach(() => {
  requestsToTarget = 0;
});

const input = (url: string) => ({ url, format: 'CSV' as const, timeOfDay: '06:00' });

describe('import source addresses, private ones refused (the default)', () => {
  let server: TestServer;
  let t: Tenants;
  beforeAll(async () => {
    server = await startTestServer();
    t = await createTenants(server);
  });
  afterAll(() => server.stop());

  it.each([
    ['127.0.0.1', () => `http://127.0.0.1:${targetPort}/export.csv`, 'loopback address 127.0.0.1 is not allowed'],
    ['localhost', () => `http://localhost:${targetPort}/export.csv`, 'loopback name localhost is not allowed'],
    ['localhost with a trailing dot', () => `http://localhost.:${targetPort}/export.csv`, 'loopback name localhost. is not allowed'],
    ['a name under localhost', () => `http://files.localhost:${targetPort}/export.csv`, 'loopback name files.localhost is not allowed'],
    ['[::1]', () => `http://[::1]:${targetPort}/export.csv`, 'loopback address ::1 is not allowed'],
    ['[::ffff:127.0.0.1]', () => `http://[::ffff:127.0.0.1]:${targetPort}/export.csv`, 'loopback address ::ffff:7f00:1 (127.0.0.1) is not allowed'],
    ['a decimal-encoded IPv4 address', () => `http://2130706433:${targetPort}/export.csv`, 'loopback address 127.0.0.1 is not allowed'],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/', 'link-local address 169.254.169.254 (cloud metadata) is not allowed'],
    ['a private network address', () => 'https://192.168.1.20/export.csv', 'private address 192.168.1.20 is not allowed'],
  ])('refuses %s when the source is configured, naming the rule', async (_name, url, rule) => {
    const result = await server.gql(ConfigureImportSourceDocument, { administrationId: t.a, input: input(url()) }, { token: t.admin.token });
    expectError(result, 'BAD_USER_INPUT', 'url');
    expect(result.errors![0].message).toBe(`The source URL is refused: ${rule}`);
    const [row] = await server.runtime.orm.em.getConnection().execute('select count(*)::int as n from import_sources where administration_id = ?', [t.a]);
    expect(row.n).toBe(0);
    expect(requestsToTarget).toBe(0);
  });

  it('checks a host name when it is fetched: a name that resolves to loopback fails the run and sends nothing', async () => {
    // A public-looking name passes configuration (nothing is resolved then) ...
    expectData(await server.gql(ConfigureImportSourceDocument, { administrationId: t.a, input: input('https://bookkeeping.example/export.csv') }, { token: t.admin.token }));
    // ... and a source saved before this guard existed may hold any name; localhost resolves offline everywhere.
    await server.runtime.orm.em.getConnection().execute('update import_sources set url = ? where administration_id = ?', [`http://localhost:${targetPort}/export.csv`, t.a]);

    const result = await server.gql(RunImportSourceNowDocument, { administrationId: t.a }, { token: t.member.token });
    expectError(result, 'BAD_USER_INPUT', 'url');
    const refusal = /^The source URL is refused: loopback address (127\.0\.0\.1|::1) is not allowed \(localhost resolves to it\)$/;
    expect(result.errors![0].message).toMatch(refusal);
    const { importSource } = expectData(await server.gql(ImportSourceDocument, { id: t.a }, { token: t.viewer.token })).administration!;
    expect(importSource).toMatchObject({ failures: 1, lastError: expect.stringMatching(refusal) });
    expect(requestsToTarget).toBe(0);
  });
});

describe('import source addresses with IMPORT_ALLOW_PRIVATE_URLS=true (an on-premises bookkeeping server)', () => {
  let server: TestServer;
  let t: Tenants;
  beforeAll(async () => {
    server = await startTestServer({ env: { IMPORT_ALLOW_PRIVATE_URLS: 'true' } });
    t = await createTenants(server);
  });
  afterAll(() => server.stop());

  it('lets a loopback source through and imports it', async () => {
    const url = `http://127.0.0.1:${sourcePort}/export.csv`;
    expectData(await server.gql(ConfigureImportSourceDocument, { administrationId: t.a, input: input(url) }, { token: t.admin.token }));
    const started = expectData(await server.gql(RunImportSourceNowDocument, { administrationId: t.a }, { token: t.member.token }));
    const run = await waitForRun(server, t.member.token, t.a, started.runImportSourceNow.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', invoicesCreated: 3 });
  });

  it('still refuses the cloud metadata address', async () => {
    const result = await server.gql(ConfigureImportSourceDocument, { administrationId: t.a, input: input('http://169.254.169.254/latest/meta-data/') }, { token: t.admin.token });
    expectError(result, 'BAD_USER_INPUT', 'url');
    expect(result.errors![0].message).toBe('The source URL is refused: link-local address 169.254.169.254 (cloud metadata) is not allowed');
  });

  it.each([
    // 0.0.0.0 connects to this very host on Linux: a way to loopback services that the switch does not open.
    ['0.0.0.0', '/to-unspecified', () => `http://0.0.0.0:${targetPort}`, 'unspecified address 0.0.0.0 is not allowed'],
    ['the cloud metadata address', '/to-metadata', () => 'http://169.254.169.254', 'link-local address 169.254.169.254 (cloud metadata) is not allowed'],
  ])('refuses a redirect from the allowed source to %s; the target receives no request', async (_name, from, origin, rule) => {
    const url = `http://127.0.0.1:${sourcePort}${from}`;
    expectData(await server.gql(ConfigureImportSourceDocument, { administrationId: t.a, input: input(url) }, { token: t.admin.token }));
    const result = await server.gql(RunImportSourceNowDocument, { administrationId: t.a }, { token: t.member.token });
    expectError(result, 'BAD_USER_INPUT', 'url');
    expect(result.errors![0].message).toBe(`The redirect to ${origin()} is refused: ${rule}`);
    const { importSource } = expectData(await server.gql(ImportSourceDocument, { id: t.a }, { token: t.viewer.token })).administration!;
    expect(importSource!.lastError).toBe(`The redirect to ${origin()} is refused: ${rule}`);
    expect(requestsToTarget).toBe(0);
  });
});
