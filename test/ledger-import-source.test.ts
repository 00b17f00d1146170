// The daily import: a source URL fetched on schedule (or now), failures retried and shown as attention.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ConfigureImportSourceDocument, ImportRunsDocument, ImportSourceDocument, RunImportSourceNowDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { waitForRun } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';
import { createJobContext } from '../src/jobs/job-context';
import { runDueImportSources } from '../src/services/imports/import-source-service';

let server: TestServer;
let t: Tenants;
let source: http.Server;
let sourceUrl: string;
let failWith: number | null = null;
const csv = fs.readFileSync(path.join(__dirname, 'fixtures', 'bookkeeping', 'invoices-semicolon-bom.csv'));

beforeAll(async () => {
  // The test's source server is on 127.0.0.1, a loopback address the import guard refuses by default.
  server = await startTestServer({ env: { IMPORT_ALLOW_PRIVATE_URLS: 'true' } });
  t = await createTenants(server);
  source = http.createServer((req, res) => {
    if (req.headers.authorization !== 'Token s3cret') return void res.writeHead(401).end();
    if (failWith) return void res.writeHead(failWith).end();
    res.writeHead(200, { 'content-type': 'text/csv' }).end(csv);
  });
  await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
  sourceUrl = `http://127.0.0.1:${(source.address() as AddressInfo).port}/export.csv`;
});
afterAll(async () => {
  await new Promise((resolve) => source.close(resolve));
  await server.stop();
});

const input = () => ({ url: sourceUrl, format: 'CSV' as const, authorization: 'Token s3cret', timeOfDay: '06:00' });

describe('import source', () => {
  it('is configured by an ADMIN, with the authorization header stored encrypted', async () => {
    const data = expectData(await server.gql(ConfigureImportSourceDocument, { administrationId: t.a, input: input() }, { token: t.admin.token }));
    // 06:00 in Amsterdam after 2026-03-02 11:00 local is tomorrow 05:00 UTC.
    expect(data.configureImportSource).toMatchObject({ url: sourceUrl, timeOfDay: '06:00', nextRunAt: '2026-03-03T05:00:00.000Z', failures: 0 });
    const [row] = await server.runtime.orm.em.getConnection().execute('select authorization_encrypted from import_sources where administration_id = ?', [t.a]);
    expect(row.authorization_encrypted).toMatch(/^v2:[0-9a-f]{8}:/);
    expect(row.authorization_encrypted).not.toContain('s3cret');
  });

  it('runs now: fetches the file and imports it as a complete import', async () => {
    const started = expectData(await server.gql(RunImportSourceNowDocument, { administrationId: t.a }, { token: t.member.token }));
    const run = await waitForRun(server, t.member.token, t.a, started.runImportSourceNow.id);
    expect(run).toMatchObject({ format: 'CSV', status: 'SUCCEEDED', invoicesCreated: 3 });
  });

  it('records a failure, shows it as attention and retries with backoff until a run succeeds', async () => {
    failWith = 500;
    expectError(await server.gql(RunImportSourceNowDocument, { administrationId: t.a }, { token: t.member.token }), 'BAD_USER_INPUT', 'url');
    const failed = expectData(await server.gql(ImportSourceDocument, { id: t.a }, { token: t.viewer.token })).administration!;
    expect(failed.importSource).toMatchObject({ lastError: 'The source answered HTTP 500', failures: 1, nextRunAt: '2026-03-02T10:05:00.000Z' });
    expect(failed.dashboard.attention).toContainEqual({ reason: 'IMPORT_FAILED', count: 1 });

    failWith = null;
    server.clock.set(new Date('2026-03-02T10:06:00Z'));
    const ctx = createJobContext(server.runtime.app, server.runtime.orm);
    const runIds = async () => expectData(await server.gql(ImportRunsDocument, { id: t.a }, { token: t.member.token })).administration!.importRuns.edges.map((e) => e.node.id);
    const before = await runIds();
    expect(await runDueImportSources(ctx)).toBe(1);
    // The retry's import runs to the end (and the server is not stopped with it half done).
    const retried = (await runIds()).filter((id) => !before.includes(id));
    expect(retried).toHaveLength(1);
    expect(await waitForRun(server, t.member.token, t.a, retried[0])).toMatchObject({ status: 'SUCCEEDED' });
    const recovered = expectData(await server.gql(ImportSourceDocument, { id: t.a }, { token: t.viewer.token })).administration!;
    expect(recovered.importSource).toMatchObject({ lastError: null, failures: 0, nextRunAt: '2026-03-03T05:00:00.000Z' });
    expect(recovered.dashboard.attention).toContainEqual({ reason: 'IMPORT_FAILED', count: 0 });
    // Nothing is due any more.
    expect(await runDueImportSources(ctx)).toBe(0);
  });

  it('refuses bad input, lower roles and another administration', async () => {
    expectError(await server.gql(ConfigureImportSourceDocument, { administrationId: t.a, input: { ...input(), url: 'ftp://x/y' } }, { token: t.admin.token }), 'BAD_USER_INPUT', 'url');
    expectError(await server.gql(ConfigureImportSourceDocument, { administrationId: t.a, input: { ...input(), timeOfDay: '25:00' } }, { token: t.admin.token }), 'BAD_USER_INPUT', 'timeOfDay');
    expectError(await server.gql(ConfigureImportSourceDocument, { administrationId: t.a, input: input() }, { token: t.member.token }), 'FORBIDDEN');
    expectError(await server.gql(RunImportSourceNowDocument, { administrationId: t.a }, { token: t.viewer.token }), 'FORBIDDEN');
    expectError(await server.gql(ConfigureImportSourceDocument, { administrationId: t.b, input: input() }, { token: t.owner.token }), 'NOT_FOUND');
    const [row] = await server.runtime.orm.em.getConnection().execute('select count(*)::int as n from import_sources where administration_id = ?', [t.b]);
    expect(row.n).toBe(0);
  });
});
