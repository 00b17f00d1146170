// Ledger test data: invoice inputs, and imports run to the end through the real worker.
import { ImportInvoicesDocument, ImportRunsDocument, type InvoiceImportInput } from '../generated/graphql';
import type { GraphqlClient } from './actors';

export function invoiceInput(n: number, overrides: Partial<InvoiceImportInput> = {}): InvoiceImportInput {
  return {
    externalId: `INV-${n}`,
    number: `2026-${String(n).padStart(4, '0')}`,
    issueDate: '2026-01-15',
    dueDate: '2026-02-14',
    amount: '100.00',
    openAmount: '100.00',
    currency: 'EUR',
    debtor: { externalId: `D-${n}`, name: `Debtor ${n}`, type: 'BUSINESS', email: `d${n}@example.test` },
    ...overrides,
  };
}

/** Polls the run until the worker has finished it; returns the finished run. */
export async function waitForRun(server: GraphqlClient, token: string, administrationId: string, runId: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await server.gql(ImportRunsDocument, { id: administrationId }, { token });
    const run = result.data?.administration?.importRuns.edges.map((e) => e.node).find((r) => r.id === runId);
    if (run && run.status !== 'QUEUED' && run.status !== 'RUNNING') return run;
    if (Date.now() > deadline) throw new Error(`import run ${runId} did not finish: ${JSON.stringify(run ?? result)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** importInvoices, then waits for the run to finish. */
export async function importAndWait(
  server: GraphqlClient,
  token: string,
  administrationId: string,
  invoices: InvoiceImportInput[],
  complete = false,
) {
  const result = await server.gql(ImportInvoicesDocument, { administrationId, invoices, complete }, { token });
  if (!result.data) throw new Error(`importInvoices failed: ${JSON.stringify(result.errors)}`);
  return waitForRun(server, token, administrationId, result.data.importInvoices.id);
}
