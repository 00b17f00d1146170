// The server as separate operating-system processes: `npm start` with its embedded PostgreSQL, and an
// API process and a worker process that share one database and reach each other through LISTEN/NOTIFY.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ImportRunUpdatedDocument, LoginDocument, MeDocument } from './generated/graphql';
import { createTenants } from './support/actors';
import { expectData } from './support/assertions';
import { createTestDatabase } from './support/database';
import { importAndWait, invoiceInput } from './support/ledger';
import { startServerProcess, type ServerProcess } from './support/process';
import { subscribe } from './support/subscriptions';

/** Processes whose command line mentions the folder: the embedded PostgreSQL runs with its data folder as argument. */
function processesUsing(folder: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(folder);
      } catch {
        return false; // ended meanwhile
      }
    })
    .map(Number);
}

describe('npm start (embedded PostgreSQL)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-start-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('comes up with a demo login, answers me, stops cleanly on SIGTERM, and reuses its data on the next start', async () => {
    // No DATABASE_URL and no SEED_DEMO: the defaults of a first `npm start`.
    const first = await startServerProcess('all', { DATA_DIR: dataDir }, 120_000);
    let demo: { email: string; password: string };
    try {
      const printed = first.output();
      expect(printed).toContain(`Playground: http://localhost:${new URL(first.url).port}/graphql`);
      const [, email, password] = /Demo login: (\S+) \/ (\S+)/.exec(printed) ?? [];
      demo = { email, password };
      const { login } = expectData(await first.gql(LoginDocument, { input: demo }));
      expect(expectData(await first.gql(MeDocument, {}, { token: login.token })).me).toMatchObject({ email: 'demo@example.com' });
      expect(processesUsing(dataDir).length).toBeGreaterThan(0);
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
    }
    expect(first.output()).toContain('"shutting down"');
    expect(first.output()).not.toMatch(/"level":(50|60)/);
    expect(processesUsing(dataDir)).toEqual([]);

    const second = await startServerProcess('all', { DATA_DIR: dataDir }, 120_000);
    try {
      // Same database: the demo user of the first start, with the same password.
      expect(second.output()).toContain(`Demo login: ${demo!.email} / ${demo!.password}`);
      expect(expectData(await second.gql(LoginDocument, { input: demo! })).login.token).toEqual(expect.any(String));
    } finally {
      expect(await second.stop('SIGINT')).toBe(0);
    }
    expect(processesUsing(dataDir)).toEqual([]);
  }, 240_000);

  it('refuses a second start on a data folder in use, and after a kill -9 stops the PostgreSQL left behind and comes up', async () => {
    const killed = await startServerProcess('all', { DATA_DIR: dataDir }, 120_000);
    await expect(startServerProcess('all', { DATA_DIR: dataDir })).rejects.toThrow(
      new RegExp(`The embedded PostgreSQL in .* is in use by process ${killed.child.pid}: stop that first`),
    );
    await killed.stop('SIGKILL');
    // Its PostgreSQL outlives it, holding the data folder.
    expect(processesUsing(dataDir).length).toBeGreaterThan(0);

    const next = await startServerProcess('all', { DATA_DIR: dataDir }, 120_000);
    try {
      expect(next.output()).toContain('"msg":"stopping the embedded PostgreSQL left running by a killed run"');
      expect(next.output()).toMatch(/Demo login: \S+ \/ \S+/);
    } finally {
      expect(await next.stop('SIGTERM')).toBe(0);
    }
    expect(processesUsing(dataDir)).toEqual([]);
  }, 240_000);
});

describe('an API process and a worker process on one database', () => {
  let database: { url: string; drop(): Promise<void> };
  let api: ServerProcess;
  let worker: ServerProcess;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-roles-'));
  beforeAll(async () => {
    database = await createTestDatabase();
    // Shared by both processes: the same secrets (tokens, stored headers) and the same file storage (uploaded imports).
    const env = {
      DATABASE_URL: database.url,
      JWT_SECRET: randomBytes(32).toString('hex'),
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      DATA_DIR: dataDir,
      SEED_DEMO: 'false',
    };
    // Started together on purpose: two processes setting up one database at once must not trip over each other.
    const started = await Promise.allSettled([startServerProcess('api', env), startServerProcess('worker', env)]);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) {
      await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : null)));
      throw failed.reason;
    }
    [api, worker] = started.map((result) => (result as PromiseFulfilledResult<ServerProcess>).value);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("delivers the worker's import progress to the API's subscribers of that administration only", async () => {
    const t = await createTenants(api);
    const runs = await subscribe(api.wsUrl, t.viewer.token, ImportRunUpdatedDocument, { administrationId: t.a });
    const otherRuns = await subscribe(api.wsUrl, t.otherOwner.token, ImportRunUpdatedDocument, { administrationId: t.b });
    try {
      // The API process only enqueues (role api); the run can only finish in the worker process.
      const run = await importAndWait(api, t.member.token, t.a, [invoiceInput(1), invoiceInput(2)]);
      expect(run).toMatchObject({ status: 'SUCCEEDED', invoicesCreated: 2 });
      await runs.waitFor((e) => e.importRunUpdated.id === run.id && e.importRunUpdated.status === 'SUCCEEDED');
      // Events carry ids and the subscriber reads the run when each arrives, so on a busy machine the QUEUED event may
      // already read RUNNING: what holds is one event per change, in order, ending SUCCEEDED.
      const order = ['QUEUED', 'RUNNING', 'SUCCEEDED'];
      const seen = runs.events.filter((e) => e.importRunUpdated.id === run.id).map((e) => order.indexOf(e.importRunUpdated.status));
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen.at(-1)).toBe(2);
      expect(worker.output()).toContain('"job":"imports:run"');
      expect(api.output()).not.toContain('"job":"imports:run"');
      expect(otherRuns.events).toEqual([]);
      expect([...runs.errors, ...otherRuns.errors]).toEqual([]);
    } finally {
      await Promise.all([runs.close(), otherRuns.close()]);
    }
  }, 60_000);
});
