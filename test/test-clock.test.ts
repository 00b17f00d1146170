// The test clock (TEST_CLOCK=true): setTestClock moves the clock of every process on the database, only forward,
// and the daily work that has come due by the new time runs at once.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ClockDocument, ConfigureImportSourceDocument, ImportRunsDocument, ImportSourceDocument, SetTestClockDocument } from './generated/graphql';
import { createTenants, signUp, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { waitForRun } from './support/ledger';
import { startServerProcess } from './support/process';
import { startTestServer, TEST_NOW, type TestServer } from './support/server';
import { ConfigError, loadConfig } from '../src/config';
import { DatabaseClock } from '../src/clock-database';

const DAY = 86_400_000;

async function storedOffset(server: TestServer): Promise<number | null> {
  const [row] = await server.runtime.orm.em.getConnection().execute<{ offset_ms: string }[]>('select offset_ms from test_clock');
  return row ? Number(row.offset_ms) : null;
}

async function clockOf(client: Pick<TestServer, 'gql'>): Promise<number> {
  return new Date(expectData(await client.gql(ClockDocument)).clock).getTime();
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('TEST_CLOCK at start-up', () => {
  it('is off by default, on with TEST_CLOCK=true, and refused with NODE_ENV=production', () => {
    expect(loadConfig({}).testClock).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', TEST_CLOCK: 'true' }).testClock).toBe(true);
    expect(() => loadConfig({ NODE_ENV: 'production', TEST_CLOCK: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', TEST_CLOCK: 'true' })).toThrow(/TEST_CLOCK=true is refused with NODE_ENV=production/);
    expect(() => loadConfig({ TEST_CLOCK: 'maybe' })).toThrow(/TEST_CLOCK must be true or false/);
  });
});

describe('with TEST_CLOCK=true', () => {
  let server: TestServer;
  let t: Tenants;
  let source: http.Server;
  let sourceUrl: string;
  const csv = fs.readFileSync(path.join(__dirname, 'fixtures', 'bookkeeping', 'invoices-semicolon-bom.csv'));

  beforeAll(async () => {
    // The import source below is on 127.0.0.1, which the import guard refuses by default.
    server = await startTestServer({ env: { TEST_CLOCK: 'true', IMPORT_ALLOW_PRIVATE_URLS: 'true' } });
    t = await createTenants(server);
    source = http.createServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/csv' }).end(csv));
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    sourceUrl = `http://127.0.0.1:${(source.address() as AddressInfo).port}/export.csv`;
  });
  afterAll(async () => {
    await new Promise((resolve) => source.close(resolve));
    await server.stop();
  });

  it('runs the server on the database clock, which starts at the real time and is anyone\'s to read', async () => {
    expect(server.runtime.app.clock).toBeInstanceOf(DatabaseClock);
    expect(() => server.clock).toThrow(/setTestClock/);
    expect(Math.abs((await clockOf(server)) - Date.now())).toBeLessThan(5_000);
  });

  it('moves forward for any logged-in user, and time keeps flowing from the new point', async () => {
    const target = new Date(Date.now() + 10 * DAY);
    const data = expectData(await server.gql(SetTestClockDocument, { now: target.toISOString() }, { token: t.viewer.token }));
    expect(data.setTestClock).toBe(target.toISOString());
    const first = await clockOf(server);
    expect(first).toBeGreaterThanOrEqual(target.getTime());
    expect(first).toBeLessThan(target.getTime() + 5_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await clockOf(server)).toBeGreaterThan(first);
    // A login token of before the move still works: sessions are measured in real time.
    expectData(await server.gql(SetTestClockDocument, { now: new Date(first + DAY).toISOString() }, { token: t.member.token }));
  });

  it('refuses to move backwards, naming the current clock, and changes nothing', async () => {
    const before = await storedOffset(server);
    const now = await clockOf(server);
    const result = await server.gql(SetTestClockDocument, { now: new Date(now - 60_000).toISOString() }, { token: t.owner.token });
    expectError(result, 'BAD_USER_INPUT', 'now');
    expect(result.errors![0].message).toMatch(/only moves forward: it is \d{4}-\d\d-\d\dT[\d:.]+Z/);
    expect(await storedOffset(server)).toBe(before);
    expect(await clockOf(server)).toBeGreaterThanOrEqual(now);
    // Nor does an older offset arriving late (a slow poll) move this process's clock back.
    (server.runtime.app.clock as DatabaseClock).advance(0);
    expect(await clockOf(server)).toBeGreaterThanOrEqual(now);
  });

  it('refuses a caller who is not logged in, and an invalid time', async () => {
    const before = await storedOffset(server);
    expectError(await server.gql(SetTestClockDocument, { now: new Date(Date.now() + 40 * DAY).toISOString() }), 'UNAUTHENTICATED');
    expectError(await server.gql(SetTestClockDocument, { now: 'tomorrow' }, { token: t.owner.token }), 'BAD_USER_INPUT');
    expect(await storedOffset(server)).toBe(before);
  });

  it('is seen by another server process on the same database within two seconds', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-clock-'));
    const other = await startServerProcess('api', { DATABASE_URL: server.databaseUrl, DATA_DIR: dataDir, NODE_ENV: 'test', TEST_CLOCK: 'true' });
    try {
      // At start-up it read the clock as it stands.
      expect(Math.abs((await clockOf(other)) - (await clockOf(server)))).toBeLessThan(2_000);
      const target = (await clockOf(server)) + 30 * DAY;
      expectData(await server.gql(SetTestClockDocument, { now: new Date(target).toISOString() }, { token: t.owner.token }));
      const moved = Date.now();
      const seen = await eventually(() => clockOf(other), (now) => now >= target, 2_000);
      expect(seen).toBeGreaterThanOrEqual(target);
      expect(Date.now() - moved).toBeLessThan(2_500);
    } finally {
      expect(await other.stop('SIGTERM')).toBe(0);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('runs the daily work that has come due by the new time at once: here a daily import', async () => {
    const input = { url: sourceUrl, format: 'CSV' as const, timeOfDay: '06:00' };
    const configured = expectData(await server.gql(ConfigureImportSourceDocument, { administrationId: t.a, input }, { token: t.admin.token }));
    const due = new Date(configured.configureImportSource.nextRunAt!).getTime();
    // The next 06:00 in Amsterdam by the moved clock, not by the real one.
    expect(due).toBeGreaterThan(await clockOf(server));
    expect(due - (await clockOf(server))).toBeLessThanOrEqual(DAY);
    const runs = async () => expectData(await server.gql(ImportRunsDocument, { id: t.a }, { token: t.member.token })).administration!.importRuns.edges;
    expect(await runs()).toHaveLength(0);

    const target = due + 60_000;
    expectData(await server.gql(SetTestClockDocument, { now: new Date(target).toISOString() }, { token: t.member.token }));
    // Well within the minute of the recurring run: this one was queued by setTestClock.
    const started = await eventually(runs, (edges) => edges.length > 0, 10_000);
    expect(started).toHaveLength(1);
    expect(await waitForRun(server, t.member.token, t.a, started[0].node.id)).toMatchObject({ status: 'SUCCEEDED', invoicesCreated: 3 });
    const after = expectData(await server.gql(ImportSourceDocument, { id: t.a }, { token: t.viewer.token })).administration!.importSource!;
    // Run on the moved clock, and due again at 06:00 the next day (23 to 25 hours on, by daylight saving time).
    expect(new Date(after.lastRunAt!).getTime()).toBeGreaterThanOrEqual(target);
    const next = new Date(after.nextRunAt!).getTime() - due;
    expect(next).toBeGreaterThanOrEqual(DAY - 3_600_000);
    expect(next).toBeLessThanOrEqual(DAY + 3_600_000);
  });
});

describe('without TEST_CLOCK', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer()));
  afterAll(() => server.stop());

  it('shows the server clock and refuses setTestClock as FORBIDDEN, writing nothing', async () => {
    expect(expectData(await server.gql(ClockDocument)).clock).toBe(TEST_NOW.toISOString());
    const user = await signUp(server, 'tester');
    const result = await server.gql(SetTestClockDocument, { now: new Date(TEST_NOW.getTime() + DAY).toISOString() }, { token: user.token });
    expectError(result, 'FORBIDDEN');
    expect(result.errors![0].message).toMatch(/TEST_CLOCK=true/);
    expect(await storedOffset(server)).toBeNull();
    expect(expectData(await server.gql(ClockDocument)).clock).toBe(TEST_NOW.toISOString());
  });
});
