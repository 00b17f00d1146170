// kill -9 of the worker in the middle of a 100,000-row import: a new worker finishes it, exactly once.
import { type Client } from 'pg';
import { ImportFileDocument, ImportRunsDocument } from './generated/graphql';
import type { Tenants } from './support/actors';
import { expectData } from './support/assertions';
import { importAndWait, invoiceInput, waitForRun } from './support/ledger';
import { startCluster, type Cluster } from './support/cluster';
import type { ServerProcess } from './support/process';
import { postUpload } from './support/upload';

const INVOICES = 100_000;
const DEBTORS = 10_000;
// Invoices the bookkeeping already sent; the big file shows them half paid: one BOOKKEEPING payment each.
const KNOWN = 500;
const LEASE_SECONDS = 3;

/** Amount 100.00 each; the first KNOWN rows show 50.00 open. */
function csv(): string {
  const lines = ['externalId;number;issueDate;dueDate;amount;openAmount;currency;debtorExternalId;debtorName;debtorType;debtorEmail'];
  for (let i = 1; i <= INVOICES; i += 1) {
    const d = i % DEBTORS;
    lines.push(`INV-${i};2026-${i};2026-01-15;2026-02-14;100,00;${i <= KNOWN ? '50,00' : '100,00'};EUR;D-${d};Debtor ${d};BUSINESS;d${d}@example.test`);
  }
  return `${lines.join('\n')}\n`;
}

describe('a worker killed (SIGKILL) in the middle of an import', () => {
  let cluster: Cluster;
  let api: ServerProcess;
  let workers: ServerProcess[];
  let t: Tenants;
  let db: Client;

  beforeAll(async () => {
    cluster = await startCluster('crash', {
      JOB_LEASE_SECONDS: String(LEASE_SECONDS),
      OUTBOX_POLL_MS: '100',
    });
    ({ api, db, t, workers } = cluster);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('is finished by a new worker: SUCCEEDED with exactly 100,000 invoices and no duplicate debtor or payment', async () => {
    // The ones the bookkeeping sent before (the debtors D-1..D-500 with them).
    const known = Array.from({ length: KNOWN }, (_, i) => invoiceInput(i + 1, { number: `2026-${i + 1}`, debtor: { externalId: `D-${(i + 1) % DEBTORS}`, name: `Debtor ${(i + 1) % DEBTORS}`, type: 'BUSINESS', email: `d${(i + 1) % DEBTORS}@example.test` } }));
    expect(await importAndWait(api, t.member.token, t.a, known, false)).toMatchObject({ status: 'SUCCEEDED', invoicesCreated: KNOWN });

    const upload = await postUpload(api.url, ImportFileDocument, { administrationId: t.a, format: 'CSV' as never, complete: false, file: null as never }, { name: 'invoices.csv', content: csv() }, { token: t.member.token });
    const runId = expectData(upload.body).importFile.id;

    // Kill the worker once it is well into the file.
    const progress = async () => expectData(await api.gql(ImportRunsDocument, { id: t.a }, { token: t.viewer.token })).administration!.importRuns.edges.find((e) => e.node.id === runId)!.node;
    let atKill = await progress();
    while (atKill.status !== 'RUNNING' || atKill.rowsRead < 30_000) {
      expect(['QUEUED', 'RUNNING']).toContain(atKill.status);
      await new Promise((resolve) => setTimeout(resolve, 50));
      atKill = await progress();
    }
    await workers[0].stop('SIGKILL');
    const killedAt = Date.now();
    expect(workers[0].child.signalCode).toBe('SIGKILL');

    // Nothing of the killed attempt is visible: its transaction died with it.
    const { rows: partial } = await db.query<{ count: number }>(`select count(*)::int as count from invoices where administration_id = $1`, [t.a]);
    expect(partial[0].count).toBe(KNOWN);

    await cluster.startWorker();
    let retaken = await progress();
    while (retaken.attempts < 2) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      retaken = await progress();
    }
    const recoveredAfterMs = Date.now() - killedAt;
    const run = await waitForRun(api, t.viewer.token, t.a, runId, 180_000);
    const finishedAfterMs = Date.now() - killedAt;
    expect(run).toMatchObject({ status: 'SUCCEEDED', attempts: 2, rowsRead: INVOICES, invoicesCreated: INVOICES - KNOWN, invoicesUpdated: KNOWN, errors: [] });

    const { rows: [counts] } = await db.query<Record<string, number>>(
      `select (select count(*)::int from invoices where administration_id = $1) as invoices,
              (select count(distinct external_id)::int from invoices where administration_id = $1) as distinct_invoices,
              (select count(*)::int from debtors where administration_id = $1) as debtors,
              (select count(distinct external_id)::int from debtors where administration_id = $1) as distinct_debtors,
              (select count(*)::int from payments where administration_id = $1) as payments,
              (select count(distinct invoice_id)::int from payment_allocations where administration_id = $1) as paid_invoices,
              (select coalesce(sum(amount), 0)::int from payments where administration_id = $1) as paid_cents`,
      [t.a],
    );
    expect(counts).toEqual({ invoices: INVOICES, distinct_invoices: INVOICES, debtors: DEBTORS, distinct_debtors: DEBTORS, payments: KNOWN, paid_invoices: KNOWN, paid_cents: KNOWN * 5000 });

    // The administration is not blocked: the next import is accepted and runs.
    expect(await importAndWait(api, t.member.token, t.a, [invoiceInput(INVOICES + 1)])).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    // The figures for the note.
    process.stdout.write(`kill -9 test: killed at row ${atKill.rowsRead} of ${INVOICES}; run taken up again after ${recoveredAfterMs} ms; SUCCEEDED ${finishedAfterMs} ms after the kill\n`);
  }, 300_000);
});
