// A debtor's link into the customer portal: random per debtor, shown to every member, ended by rotatePortalAccess.
import { DebtorPortalUrlDocument, InvoicesDocument, RotatePortalAccessDocument, SendMessageDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';
import { expectForeignIdsNotFound, foreignIdCase } from './support/tenancy';

let server: TestServer;
let t: Tenants;
const debtors: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ env: { PUBLIC_URL: 'https://credit.example.test' } });
  t = await createTenants(server);
  await importAndWait(server, t.owner.token, t.a, [invoiceInput(1), invoiceInput(2, { debtor: { externalId: 'D-2', name: 'Second', type: 'BUSINESS', email: 'd2@example.test' } })]);
  await importAndWait(server, t.otherOwner.token, t.b, [invoiceInput(9)]);
  for (const [administrationId, token, label] of [
    [t.a, t.owner.token, 'a'],
    [t.b, t.otherOwner.token, 'b'],
  ]) {
    const data = expectData(await server.gql(InvoicesDocument, { id: administrationId }, { token }));
    for (const { node } of data.administration!.invoices.edges) debtors[`${label}:${node.debtor.externalId}`] = node.debtor.id;
  }
});
afterAll(() => server?.stop());

const portalUrl = async (id: string, token = t.viewer.token) => expectData(await server.gql(DebtorPortalUrlDocument, { id }, { token })).debtor!.portalUrl;
const LINK = /^https:\/\/credit\.example\.test\/portal\/([0-9a-f]{96})$/;

describe('portalUrl', () => {
  it('gives every debtor a link of its own, the same each time it is read', async () => {
    const first = await portalUrl(debtors['a:D-1']);
    const second = await portalUrl(debtors['a:D-2']);
    expect(first).toMatch(LINK);
    expect(second).toMatch(LINK);
    expect(first).not.toBe(second);
    expect(await portalUrl(debtors['a:D-1'], t.owner.token)).toBe(first);
  });
});

describe('rotatePortalAccess', () => {
  it('gives the debtor a new link, which later messages carry, and leaves other debtors alone', async () => {
    const before = await portalUrl(debtors['a:D-2']);
    const other = await portalUrl(debtors['a:D-1']);
    const rotated = expectData(await server.gql(RotatePortalAccessDocument, { debtorId: debtors['a:D-2'] }, { token: t.admin.token })).rotatePortalAccess;
    expect(rotated.portalUrl).toMatch(LINK);
    expect(rotated.portalUrl).not.toBe(before);
    expect(await portalUrl(debtors['a:D-2'])).toBe(rotated.portalUrl);
    expect(await portalUrl(debtors['a:D-1'])).toBe(other);

    const sent = expectData(
      await server.gql(SendMessageDocument, { input: { target: { type: 'DEBTOR', id: debtors['a:D-2'] }, subject: 'Your page', body: 'See {{portal.url}}' } }, { token: t.member.token }),
    ).sendMessage;
    expect(sent.body).toBe(`See ${rotated.portalUrl}`);
  });

  it('is FORBIDDEN for a MEMBER and a VIEWER and changes nothing', async () => {
    const before = await portalUrl(debtors['a:D-1']);
    expectError(await server.gql(RotatePortalAccessDocument, { debtorId: debtors['a:D-1'] }, { token: t.member.token }), 'FORBIDDEN');
    expectError(await server.gql(RotatePortalAccessDocument, { debtorId: debtors['a:D-1'] }, { token: t.viewer.token }), 'FORBIDDEN');
    expect(await portalUrl(debtors['a:D-1'])).toBe(before);
  });

  it("is NOT_FOUND for another administration's debtor, and for an id that is no debtor", async () => {
    const before = await portalUrl(debtors['b:D-9'], t.otherOwner.token);
    await expectForeignIdsNotFound(server, t.owner.token, foreignIdCase('rotatePortalAccess', RotatePortalAccessDocument, { debtorId: debtors['b:D-9'] }));
    await expectForeignIdsNotFound(server, t.owner.token, foreignIdCase('debtor portalUrl', DebtorPortalUrlDocument, { id: debtors['b:D-9'] }));
    expect(await portalUrl(debtors['b:D-9'], t.otherOwner.token)).toBe(before);
    expectError(await server.gql(RotatePortalAccessDocument, { debtorId: 'not-an-id' }, { token: t.owner.token }), 'NOT_FOUND');
  });
});
