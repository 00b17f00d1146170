// importFile: CSV and UBL (XML or ZIP) uploads through GraphQL multipart, imported by the worker.
import fs from 'node:fs';
import path from 'node:path';
import { ImportFileDocument, InvoiceDocument, InvoicesDocument } from './generated/graphql';
import { createAdministration, createTenants, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { waitForRun } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';
import { postUpload } from './support/upload';
import { makeZip } from './fixtures/bookkeeping/make-zip';

let server: TestServer;
let t: Tenants;
beforeAll(async () => {
  server = await startTestServer();
  t = await createTenants(server);
});
afterAll(() => server.stop());

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', 'bookkeeping', name));
const invoiceCount = async (administrationId: string) =>
  ((await server.runtime.orm.em.getConnection().execute('select count(*)::int as n from invoices where administration_id = ?', [administrationId]))[0] as { n: number }).n;

async function upload(name: string, content: Buffer | string, format: 'CSV' | 'UBL', token = t.member.token, administrationId = t.a) {
  const { body } = await postUpload(server.url, ImportFileDocument, { administrationId, format, file: null }, { name, content }, { token });
  return body;
}

async function uploadAndWait(name: string, content: Buffer | string, format: 'CSV' | 'UBL') {
  const data = expectData(await upload(name, content, format));
  expect(data.importFile.status).toBe('QUEUED');
  return waitForRun(server, t.member.token, t.a, data.importFile.id);
}

describe('importFile', () => {
  it('imports a CSV (semicolons, BOM, Dutch amounts and dates)', async () => {
    const run = await uploadAndWait('export.csv', fixture('invoices-semicolon-bom.csv'), 'CSV');
    expect(run).toMatchObject({ format: 'CSV', status: 'SUCCEEDED', rowsRead: 3, invoicesCreated: 3, debtorsCreated: 2 });
    const invoices = expectData(await server.gql(InvoicesDocument, { id: t.a, filter: { search: 'F2024-0001' } }, { token: t.viewer.token }));
    expect(invoices.administration!.invoices.edges[0].node).toMatchObject({
      externalId: '1001',
      dueDate: '2024-02-14',
      amount: { amount: '1234.56', currency: 'EUR' },
      // DEB-1's last row (the credit note 1003) has no email: the last row of a debtor wins.
      debtor: { name: 'Jansen; Zonen B.V.', email: null },
    });
  });

  it("imports the README's example file as documented", async () => {
    const example = fs.readFileSync(path.join(__dirname, '..', 'docs', 'examples', 'invoices.csv'));
    // A new administration: its ledger is empty, so every row is new.
    const fresh = await createAdministration(server, t.owner, 'Example BV');
    const started = expectData(await upload('invoices.csv', example, 'CSV', t.owner.token, fresh));
    const run = await waitForRun(server, t.owner.token, fresh, started.importFile.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', rowsRead: 3, invoicesCreated: 3, debtorsCreated: 2, errors: [] });
  });

  it('imports the good rows of a CSV with bad ones and reports each bad row (PARTIAL)', async () => {
    const run = await uploadAndWait('bad.csv', fixture('invoices-bad-rows.csv'), 'CSV');
    expect(run.status).toBe('PARTIAL');
    expect(run.invoicesCreated).toBeGreaterThan(0);
    expect(run.errors.length).toBeGreaterThan(3);
    expect(run.errors).toContainEqual({ row: 3, field: 'externalId', message: 'externalId is required' });
  });

  it('imports an invoice that is in a CSV twice once: its last row wins, and the earlier one pays nothing', async () => {
    const header = 'externalId;number;issueDate;dueDate;amount;openAmount;debtorExternalId;debtorName;debtorType';
    const first = await uploadAndWait('day1.csv', `${header}\nTWICE-1;T-1;2026-01-15;2026-02-14;100,00;100,00;TW-D;Twice BV;BUSINESS\n`, 'CSV');
    expect(first).toMatchObject({ status: 'SUCCEEDED', invoicesCreated: 1 });
    const rows = [
      'TWICE-1;T-1;2026-01-15;2026-02-14;100,00;0,00;TW-D;Twice BV;BUSINESS',
      'TWICE-2;T-2 first;2026-01-15;2026-02-14;50,00;50,00;TW-D;Twice BV;BUSINESS',
      'TWICE-2;T-2 last;2026-01-15;2026-02-14;50,00;20,00;TW-D;Twice BV;BUSINESS',
      'TWICE-1;T-1;2026-01-15;2026-02-14;100,00;100,00;TW-D;Twice BV;BUSINESS',
    ];
    const run = await uploadAndWait('day2.csv', `${header}\n${rows.join('\n')}\n`, 'CSV');
    expect(run).toMatchObject({ status: 'SUCCEEDED', rowsRead: 4, invoicesCreated: 1, invoicesUpdated: 0, invoicesClosed: 0, errors: [] });
    const found = expectData(await server.gql(InvoicesDocument, { id: t.a, filter: { search: 'T-' } }, { token: t.viewer.token }));
    expect(found.administration!.invoices.edges.map((e) => [e.node.externalId, e.node.number, e.node.openAmount.amount, e.node.status]).sort()).toEqual([
      ['TWICE-1', 'T-1', '100.00', 'OPEN'],
      ['TWICE-2', 'T-2 last', '20.00', 'OPEN'],
    ]);
  });

  it('imports a single UBL without due date using the default payment term', async () => {
    const run = await uploadAndWait('inv.xml', fixture('invoice-no-due-date.xml'), 'UBL');
    expect(run).toMatchObject({ format: 'UBL', status: 'SUCCEEDED', invoicesCreated: 1 });
    const found = expectData(await server.gql(InvoicesDocument, { id: t.a, filter: { search: 'INV-2024-003' } }, { token: t.viewer.token }));
    const invoice = found.administration!.invoices.edges[0].node;
    expect(invoice).toMatchObject({ issueDate: '2024-02-29', dueDate: '2024-03-30' });
  });

  it('imports a UBL ZIP with its documents, served at an expiring signed URL', async () => {
    const zip = makeZip([
      { name: 'a/invoice-due-date.xml', content: fixture('invoice-due-date.xml') },
      { name: 'invoice-with-pdf.xml', content: fixture('invoice-with-pdf.xml'), store: true },
      { name: 'readme.txt', content: 'ignored' },
    ]);
    const run = await uploadAndWait('peppol.zip', zip, 'UBL');
    expect(run).toMatchObject({ status: 'SUCCEEDED', rowsRead: 2, invoicesCreated: 2 });
    const found = expectData(await server.gql(InvoicesDocument, { id: t.a, filter: { search: 'INV-2024-006' } }, { token: t.viewer.token }));
    const detail = expectData(await server.gql(InvoiceDocument, { id: found.administration!.invoices.edges[0].node.id }, { token: t.viewer.token })).invoice!;
    expect(detail.documents.map((d) => [d.filename, d.contentType, d.sensitive])).toEqual(
      expect.arrayContaining([
        ['invoice-with-pdf.xml', 'application/xml', true],
        ['INV-2024-006.pdf', 'application/pdf', true],
      ]),
    );
    const pdf = detail.documents.find((d) => d.contentType === 'application/pdf')!;
    const origin = new URL(server.url).origin;
    const response = await fetch(`${origin}${pdf.url}`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 4).toString()).toBe('%PDF');
    // A link for another document, or a tampered one, is refused.
    expect((await fetch(`${origin}${pdf.url.replace(pdf.id, detail.documents[0].id === pdf.id ? detail.documents[1].id : detail.documents[0].id)}`)).status).toBe(404);
    expect((await fetch(`${origin}${pdf.url}x`)).status).toBe(404);
    // Importing the same ZIP again stores nothing new.
    const again = await uploadAndWait('peppol.zip', zip, 'UBL');
    expect(again).toMatchObject({ status: 'SUCCEEDED', invoicesCreated: 0, invoicesUpdated: 0 });
    const after = expectData(await server.gql(InvoiceDocument, { id: detail.id }, { token: t.viewer.token })).invoice!;
    expect(after.documents).toHaveLength(detail.documents.length);
  });

  it('fails an unreadable file with a clear message and writes nothing', async () => {
    const before = await invoiceCount(t.a);
    const run = await uploadAndWait('photo.xml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]), 'UBL');
    expect(run.status).toBe('FAILED');
    expect(run.errors[0]).toMatchObject({ row: 0, field: null, message: expect.stringContaining('neither a ZIP archive nor an XML document') });
    const csv = await uploadAndWait('empty.csv', '', 'CSV');
    expect(csv.status).toBe('FAILED');
    expect(await invoiceCount(t.a)).toBe(before);
  });

  it('fails a CSV that breaks off after thousands of good rows: the staged rows are dropped, nothing is written', async () => {
    const before = await invoiceCount(t.a);
    const header = 'externalId;number;issueDate;dueDate;amount;openAmount;debtorExternalId;debtorName;debtorType';
    const good = Array.from({ length: 5000 }, (_, i) => `BROKEN-${i};B-${i};2026-01-15;2026-02-14;10,00;10,00;BR-D;Broken BV;BUSINESS`);
    const run = await uploadAndWait('broken.csv', `${header}\n${good.join('\n')}\nBROKEN-X;"unclosed;2026-01-15\n`, 'CSV');
    expect(run).toMatchObject({ status: 'FAILED', invoicesCreated: 0 });
    expect(run.errors[0].message).toContain('CSV could not be parsed at row 5002: Quote Not Closed');
    expect(await invoiceCount(t.a)).toBe(before);
    // The connection the import ran on is fine: the next import goes through.
    const next = await uploadAndWait('next.csv', `${header}\n${good[0]}\n`, 'CSV');
    expect(next).toMatchObject({ status: 'SUCCEEDED', invoicesCreated: 1 });
  });

  it('refuses a multipart request without a CSRF preflight header', async () => {
    const before = await invoiceCount(t.a);
    const { status } = await postUpload(
      server.url,
      ImportFileDocument,
      { administrationId: t.a, format: 'CSV', file: null },
      { name: 'export.csv', content: fixture('invoices-semicolon-bom.csv') },
      { token: t.member.token, preflight: false },
    );
    expect(status).toBe(400);
    expect(await invoiceCount(t.a)).toBe(before);
  });

  it('refuses a VIEWER (FORBIDDEN) and another administration (NOT_FOUND)', async () => {
    expectError(await upload('x.csv', fixture('invoices-semicolon-bom.csv'), 'CSV', t.viewer.token), 'FORBIDDEN');
    const foreign = await upload('x.csv', fixture('invoices-semicolon-bom.csv'), 'CSV', t.owner.token, t.b);
    expectError(foreign, 'NOT_FOUND');
    expect(await invoiceCount(t.b)).toBe(0);
  });
});
