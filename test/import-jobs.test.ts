// Import jobs go through the outbox, are claimed once, and runs a dead worker left behind are recovered.
import { startRuntime, type Runtime } from '../src/runtime';
import { ImportInvoicesDocument, InvoicesDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { invoiceInput, waitForRun } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';

// The API of this file has no worker; the test starts one when the story needs it.
let api: TestServer;
let t: Tenants;
let worker: Runtime | null = null;
const LEASE_SECONDS = 2;

beforeAll(async () => {
  api = await startTestServer({ role: 'api', env: { JOB_LEASE_SECONDS: String(LEASE_SECONDS) } });
  t = await createTenants(api);
});
afterEach(async () => {
  await worker?.stop();
  worker = null;
});
afterAll(() => api.stop());

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  api.runtime.orm.em.getConnection().execute<T[]>(query, params);

async function startWorker(): Promise<void> {
  const config = { ...api.runtime.app.config };
  worker = await startRuntime({ config: { ...config, jobs: { ...config.jobs, outboxPollMs: 50 } }, role: 'worker', clock: api.clock });
}

async function startImport(n: number) {
  return expectData(await api.gql(ImportInvoicesDocument, { administrationId: t.a, invoices: [invoiceInput(n)] }, { token: t.member.token })).importInvoices;
}

async function invoiceCount(): Promise<number> {
  return expectData(await api.gql(InvoicesDocument, { id: t.a }, { token: t.viewer.token })).administration!.invoices.totalCount;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the job outbox', () => {
  it('keeps an import job with its run until a worker is there, then hands it over exactly once', async () => {
    const run = await startImport(1);
    expect(run.status).toBe('QUEUED');
    // Written in the run's transaction; nothing reached Agenda: the API process runs no Agenda at all, so on this
    // fresh database its table does not even exist until a worker starts.
    expect(await sql(`select job, data from job_outbox`)).toEqual([{ job: 'imports:run', data: { administrationId: t.a, runId: run.id } }]);
    expect(await sql(`select to_regclass('agenda_jobs') as agenda_table`)).toEqual([{ agenda_table: null }]);

    await startWorker();
    expect(await waitForRun(api, t.viewer.token, t.a, run.id)).toMatchObject({ status: 'SUCCEEDED', invoicesCreated: 1, attempts: 1 });
    expect(await sql(`select id from job_outbox where job = 'imports:run'`)).toEqual([]);
    expect(await invoiceCount()).toBe(1);
  });

  it('a job delivered twice does nothing the second time', async () => {
    await startWorker();
    const run = await waitForRun(api, t.viewer.token, t.a, (await startImport(2)).id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    const before = await invoiceCount();

    await sql(`insert into job_outbox (job, data) values ('imports:run', ?::jsonb)`, [JSON.stringify({ administrationId: t.a, runId: run.id })]);
    await until(async () => (await sql(`select id from agenda_jobs where name = 'imports:run' and data->>'runId' = ? and last_finished_at is not null`, [run.id])).length === 2);
    expect(await waitForRun(api, t.viewer.token, t.a, run.id)).toEqual(run);
    expect(await invoiceCount()).toBe(before);
  });
});

describe('recovery of runs a dead worker left behind', () => {
  // What a worker that was killed mid-run leaves: the run RUNNING under its claim, the lease running out.
  async function abandonedRun(attempts: number): Promise<string> {
    const run = await startImport(10 + attempts);
    await sql(`delete from job_outbox`);
    await sql(`update import_runs set status = 'RUNNING', attempts = ?, lease_until = now() - interval '1 second' where id = ?`, [attempts, run.id]);
    return run.id;
  }

  it('re-queues the run once its lease has expired, and it completes; meanwhile a new import is a CONFLICT', async () => {
    const runId = await abandonedRun(1);
    expectError(await api.gql(ImportInvoicesDocument, { administrationId: t.a, invoices: [invoiceInput(99)] }, { token: t.member.token }), 'CONFLICT');

    await startWorker();
    expect(await waitForRun(api, t.viewer.token, t.a, runId)).toMatchObject({ status: 'SUCCEEDED', invoicesCreated: 1, attempts: 2 });
    expect((await startImport(3)).status).toBe('QUEUED');
    await until(async () => (await sql(`select id from import_runs where status in ('QUEUED', 'RUNNING')`)).length === 0);
  });

  it('ends a run FAILED with its reason once it has used up its attempts, and the next import is accepted', async () => {
    const runId = await abandonedRun(3);
    await startWorker();
    const run = await waitForRun(api, t.viewer.token, t.a, runId);
    expect(run).toMatchObject({ status: 'FAILED', attempts: 3, invoicesCreated: 0 });
    expect(run.errors[0].message).toBe('The worker stopped 3 times while running this import; nothing was imported');
    expect(await waitForRun(api, t.viewer.token, t.a, (await startImport(4)).id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
  });

  it('a run whose job Agenda never got is given it again when its lease runs out', async () => {
    const run = await startImport(5);
    await sql(`delete from job_outbox`);
    await startWorker();
    expect(await waitForRun(api, t.viewer.token, t.a, run.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
  });
});
