// Attachments of messages: uploads (limits, type from content) and an invoice's sensitive documents under each
// sensitiveAttachments policy, for a business and a private debtor, as the fake Mailgun receives them.
import fs from 'node:fs';
import path from 'node:path';
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  ImportFileDocument,
  InvoicesDocument,
  SendMessageDocument,
  SendMessagesDocument,
  UpdateSettingsDocument,
  type SendMessageMutation,
  type SensitiveAttachmentsPolicy,
} from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { startFakeMailgun, type FakeMailgun, type ReceivedEmail } from './support/fake-mailgun';
import { waitForRun } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';
import { postUpload } from './support/upload';

let fake: FakeMailgun;
let server: TestServer;
let t: Tenants;
const invoices: Record<string, string> = {};

const fixture = fs.readFileSync(path.join(__dirname, 'fixtures/bookkeeping/invoice-with-pdf.xml'), 'utf8');
const withEmail = (xml: string, email: string) => xml.replace('</cac:PartyName>', `</cac:PartyName>\n      <cac:Contact><cbc:ElectronicMail>${email}</cbc:ElectronicMail></cac:Contact>`);
/** The same invoice for a private debtor: no VAT number, another number and customer. */
const privateInvoice = withEmail(fixture, 'private@example.test')
  .replaceAll('INV-2024-006', 'INV-2024-106')
  .replace('DEB-2002', 'DEB-2102')
  .replace(/<cac:PartyTaxScheme>[\s\S]*?<\/cac:PartyTaxScheme>/, '');
const businessInvoice = withEmail(fixture, 'business@example.test');

beforeAll(async () => {
  fake = await startFakeMailgun();
  server = await startTestServer({ env: { ...fake.env(), PUBLIC_URL: 'https://credit.example.test', OUTBOX_POLL_MS: '50' } });
  t = await createTenants(server);
  for (const [name, xml] of [['business.xml', businessInvoice], ['private.xml', privateInvoice]]) {
    const { body } = await postUpload(server.url, ImportFileDocument, { administrationId: t.a, file: null, format: 'UBL', complete: false }, { name, content: xml }, { token: t.owner.token });
    const run = await waitForRun(server, t.owner.token, t.a, expectData(body).importFile.id);
    expect(run.status).toBe('SUCCEEDED');
  }
  const data = expectData(await server.gql(InvoicesDocument, { id: t.a }, { token: t.owner.token }));
  for (const { node } of data.administration!.invoices.edges) invoices[node.debtor.externalId === 'DEB-2002' ? 'business' : 'private'] = node.id;
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  (await server.runtime.orm.em.getConnection().execute(query, params)) as T[];
const counts = async () => (await sql<{ m: number; d: number }>('select (select count(*)::int from messages) as m, (select count(*)::int from documents) as d'))[0];

/** A GraphQL multipart request with several files in one list variable (`input.attachments`). */
async function postWithFiles<R, V>(document: TypedDocumentNode<R, V>, variables: V, files: { name: string; content: Buffer | string }[], listPath: string) {
  const form = new FormData();
  const operations = { query: print(document), variables: structuredClone(variables) as Record<string, unknown> };
  const parts = listPath.split('.');
  let holder = operations.variables;
  for (const part of parts.slice(0, -1)) holder = holder[part] as Record<string, unknown>;
  holder[parts.at(-1)!] = files.map(() => null);
  form.append('operations', JSON.stringify(operations));
  form.append('map', JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [`variables.${listPath}.${i}`]]))));
  files.forEach((file, i) => form.append(String(i), new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)]), file.name));
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.member.token}`, 'apollo-require-preflight': 'true' },
    body: form,
  });
  return (await response.json()) as ExecutionResult<R>;
}

async function received(messageId: string): Promise<ReceivedEmail> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const email = fake.accepted.find((e) => e.messageId === messageId);
    if (email) return email;
    if (Date.now() > deadline) throw new Error(`fake Mailgun never got message ${messageId}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe('uploaded attachments', () => {
  it('go along with the email, typed by their content rather than their name', async () => {
    const result = await postWithFiles(
      SendMessageDocument,
      { input: { target: { type: 'INVOICE', id: invoices.business }, subject: 'Files', body: 'See attached' } },
      [
        { name: 'notes.txt', content: PDF },
        { name: '../../etc/readme.pdf', content: 'Just some text\n' },
      ],
      'input.attachments',
    );
    const message = expectData<SendMessageMutation>(result).sendMessage;
    const uploads = message.attachments.filter((a) => !a.sensitive);
    expect(uploads.map((a) => [a.filename, a.contentType, a.size])).toEqual([
      ['notes.txt', 'application/pdf', PDF.length],
      ['readme.pdf', 'text/plain', 15],
    ]);
    const email = await received(message.id);
    const names = email.attachments.map((a) => [a.filename, a.contentType]);
    expect(names).toEqual(expect.arrayContaining([['notes.txt', 'application/pdf'], ['readme.pdf', 'text/plain']]));
    expect(email.attachments.find((a) => a.filename === 'notes.txt')!.content.equals(PDF)).toBe(true);
  });

  it('refuses files over 10 MB, over 25 MB together, and programs, storing nothing', async () => {
    const before = await counts();
    const input = { input: { target: { type: 'INVOICE' as const, id: invoices.business }, subject: 'Files', body: 'Body' } };
    const nineMb = Buffer.alloc(9 * 1024 * 1024, 'a');
    const cases = [
      [{ name: 'big.txt', content: Buffer.alloc(10 * 1024 * 1024 + 1, 'a') }],
      [
        { name: 'a.txt', content: nineMb },
        { name: 'b.txt', content: nineMb },
        { name: 'c.txt', content: nineMb },
      ],
      [{ name: 'invoice.pdf', content: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]) }],
    ];
    for (const files of cases) expectError(await postWithFiles(SendMessageDocument, input, files, 'input.attachments'), 'BAD_USER_INPUT', 'attachments');
    expect(await counts()).toEqual(before);
    const stored = fs.readdirSync(path.join(server.runtime.app.config.dataDir, 'files', 'documents', t.a));
    // Only the imported invoices' documents and the first test's two uploads are on disk.
    expect(stored.length).toBe((await sql<{ n: number }>('select count(distinct storage_key)::int as n from documents'))[0].n);
  });

  it('are shared by every message of a bulk send', async () => {
    const result = await postWithFiles(
      SendMessagesDocument,
      { input: { targets: [{ type: 'DEBTOR', id: await debtorOf(invoices.business) }, { type: 'DEBTOR', id: await debtorOf(invoices.private) }], subject: 'S', body: 'B' } },
      [{ name: 'letter.pdf', content: PDF }],
      'input.attachments',
    );
    const messages = expectData(result).sendMessages;
    expect(messages.map((m) => m.attachments.map((a) => a.filename))).toEqual([['letter.pdf'], ['letter.pdf']]);
    for (const message of messages) expect((await received(message.id)).attachments.map((a) => a.filename)).toEqual(['letter.pdf']);
  });
});

async function debtorOf(invoiceId: string): Promise<string> {
  const [row] = await sql<{ debtor_id: string }>('select debtor_id from invoices where id = ?', [invoiceId]);
  return row.debtor_id;
}

describe("an invoice's sensitive documents", () => {
  const cases: [SensitiveAttachmentsPolicy, boolean, boolean][] = [
    ['INCLUDE', true, true],
    ['EXCLUDE', false, false],
    ['EXCLUDE_FOR_PRIVATE', true, false],
  ];
  it.each(cases)('under %s: attached for a business debtor %s, for a private debtor %s', async (policy, business, personal) => {
    expectData(await server.gql(UpdateSettingsDocument, { administrationId: t.a, input: { sensitiveAttachments: policy } }, { token: t.owner.token }));
    const sent = expectData(
      await server.gql(
        SendMessagesDocument,
        { input: { targets: [{ type: 'INVOICE', id: invoices.business }, { type: 'INVOICE', id: invoices.private }], subject: 'Invoice {{invoice.number}}', body: 'Hello' } },
        { token: t.member.token },
      ),
    ).sendMessages;
    expect(sent.map((m) => m.to)).toEqual([['business@example.test'], ['private@example.test']]);
    for (const [message, attached, number] of [
      [sent[0], business, 'INV-2024-006'],
      [sent[1], personal, 'INV-2024-106'],
    ] as const) {
      const email = await received(message.id);
      const pdf = `${number}.pdf`;
      if (attached) {
        expect(message.attachments.filter((a) => a.sensitive).map((a) => a.filename)).toEqual(expect.arrayContaining([pdf]));
        expect(email.attachments.map((a) => a.filename)).toEqual(expect.arrayContaining([pdf]));
        expect(email.attachments.find((a) => a.filename === pdf)!.content.subarray(0, 4).toString()).toBe('%PDF');
        expect(email.field('text')).not.toContain('customer portal');
      } else {
        expect(message.attachments).toEqual([]);
        expect(email.attachments).toEqual([]);
        expect(message.debtor.portalUrl).toMatch(/^https:\/\/credit\.example\.test\/portal\/\w+$/);
        expect(email.field('text')).toContain(`The documents of invoice ${number} are in your customer portal: ${message.debtor.portalUrl}`);
        expect(email.field('html')).toContain(`<a href="${message.debtor.portalUrl}">`);
      }
    }
  });
});
