// Removing a member: the rules of removeMember, and the removed member's open subscriptions end with NOT_FOUND.
import { Client } from 'pg';
import { AdministrationDetailDocument, InvoicesDocument, PaymentUpdatedDocument, RegisterPaymentDocument, RemoveMemberDocument } from './generated/graphql';
import { addMember, createTenants, signUp, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';
import { subscribe, type Subscriber } from './support/subscriptions';

const RECHECK_MS = 1000;

let server: TestServer;
let t: Tenants;
let invoiceId: string;

beforeAll(async () => {
  server = await startTestServer({ env: { SUBSCRIPTION_RECHECK_MS: String(RECHECK_MS) } });
  t = await createTenants(server);
  await importAndWait(server, t.member.token, t.a, [invoiceInput(1, { amount: '1000.00', openAmount: '1000.00' })]);
  const invoices = expectData(await server.gql(InvoicesDocument, { id: t.a }, { token: t.member.token }));
  invoiceId = invoices.administration!.invoices.edges[0].node.id;
});
afterAll(() => server.stop());

const pay = async (amount: string) =>
  expectData(await server.gql(RegisterPaymentDocument, { invoiceId, amount }, { token: t.owner.token })).registerPayment.id;

async function waitForEnd(subscriber: Subscriber<unknown>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!subscriber.ended()) {
    if (Date.now() - started > timeoutMs) throw new Error(`subscription still open after ${timeoutMs} ms; errors ${JSON.stringify(subscriber.errors)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

const endedNotFound = [
  expect.objectContaining({
    message: 'You are no longer a member of this administration; its live events have stopped',
    extensions: expect.objectContaining({ code: 'NOT_FOUND' }),
  }),
];

describe('a removed member loses live events', () => {
  it('does not deliver the next event to the removed member, ends their subscription with NOT_FOUND, and keeps the owner’s', async () => {
    const extra = await signUp(server, 'removed');
    await addMember(server, t.owner, t.a, extra, 'VIEWER');
    const removed = await subscribe(server.wsUrl, extra.token, PaymentUpdatedDocument, { administrationId: t.a });
    const owner = await subscribe(server.wsUrl, t.owner.token, PaymentUpdatedDocument, { administrationId: t.a });
    try {
      const before = await pay('1.00');
      await removed.waitFor((e) => e.paymentUpdated.id === before);
      await owner.waitFor((e) => e.paymentUpdated.id === before);

      expectData(await server.gql(RemoveMemberDocument, { administrationId: t.a, userId: extra.id }, { token: t.owner.token }));
      // Right after the removal, before any periodic recheck: the event itself is checked.
      const after = await pay('2.00');
      await owner.waitFor((e) => e.paymentUpdated.id === after);
      await waitForEnd(removed, RECHECK_MS + 2000);
      expect(removed.events.map((e) => e.paymentUpdated.id)).toEqual([before]);
      expect(removed.errors).toEqual(endedNotFound);

      // The owner's subscription goes on.
      const later = await pay('3.00');
      await owner.waitFor((e) => e.paymentUpdated.id === later);
      expect(owner.errors).toEqual([]);
      expect(owner.ended()).toBe(false);
      expect(removed.events).toHaveLength(1);
    } finally {
      await Promise.all([removed.close(), owner.close()]);
    }
  });

  it('ends a quiet subscription within the recheck interval', async () => {
    const extra = await signUp(server, 'quiet');
    await addMember(server, t.owner, t.a, extra, 'MEMBER');
    const removed = await subscribe(server.wsUrl, extra.token, PaymentUpdatedDocument, { administrationId: t.a });
    try {
      expect(removed.ended()).toBe(false);
      expectData(await server.gql(RemoveMemberDocument, { administrationId: t.a, userId: extra.id }, { token: t.admin.token }));
      const ms = await waitForEnd(removed, RECHECK_MS + 2000);
      expect(ms).toBeLessThanOrEqual(RECHECK_MS + 500);
      expect(removed.errors).toEqual(endedNotFound);
      expect(removed.events).toEqual([]);
    } finally {
      await removed.close();
    }
  });
});

describe('a membership changed in the database itself', () => {
  // The rechecks compare a version per administration that a trigger raises: an operator's SQL counts like the API.
  async function sql(text: string, values: unknown[]): Promise<void> {
    const db = new Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      await db.query(text, values);
    } finally {
      await db.end();
    }
  }

  it('ends the subscription of a member deleted by SQL at the next event, and one re-added by SQL gets events again', async () => {
    const extra = await signUp(server, 'operator-removed');
    await addMember(server, t.owner, t.a, extra, 'VIEWER');
    const removed = await subscribe(server.wsUrl, extra.token, PaymentUpdatedDocument, { administrationId: t.a });
    const owner = await subscribe(server.wsUrl, t.owner.token, PaymentUpdatedDocument, { administrationId: t.a });
    try {
      const before = await pay('4.00');
      await removed.waitFor((e) => e.paymentUpdated.id === before);

      await sql('delete from memberships where administration_id = $1 and user_id = $2', [t.a, extra.id]);
      const after = await pay('5.00');
      await owner.waitFor((e) => e.paymentUpdated.id === after);
      await waitForEnd(removed, RECHECK_MS + 2000);
      expect(removed.events.map((e) => e.paymentUpdated.id)).toEqual([before]);
      expect(removed.errors).toEqual(endedNotFound);

      await sql(`insert into memberships (id, administration_id, user_id, role, created_at) values (gen_random_uuid(), $1, $2, 'VIEWER', now())`, [t.a, extra.id]);
      const again = await subscribe(server.wsUrl, extra.token, PaymentUpdatedDocument, { administrationId: t.a });
      try {
        const later = await pay('6.00');
        await again.waitFor((e) => e.paymentUpdated.id === later);
        expect(again.errors).toEqual([]);
      } finally {
        await again.close();
      }
    } finally {
      await Promise.all([removed.close(), owner.close()]);
    }
  });
});

describe('removeMember', () => {
  it('removes a member, who then finds the administration NOT_FOUND', async () => {
    const extra = await signUp(server, 'leaver');
    await addMember(server, t.owner, t.a, extra, 'MEMBER');
    expectData(await server.gql(AdministrationDetailDocument, { id: t.a }, { token: extra.token }));
    expect(expectData(await server.gql(RemoveMemberDocument, { administrationId: t.a, userId: extra.id }, { token: t.admin.token })).removeMember).toBe(true);
    expectError(await server.gql(AdministrationDetailDocument, { id: t.a }, { token: extra.token }), 'NOT_FOUND');
    const members = expectData(await server.gql(AdministrationDetailDocument, { id: t.a }, { token: t.owner.token })).administration!.members;
    expect(members.map((m) => m.user.id)).not.toContain(extra.id);
  });

  it('needs the ADMIN role (FORBIDDEN), and only an OWNER removes an OWNER', async () => {
    expectError(await server.gql(RemoveMemberDocument, { administrationId: t.a, userId: t.viewer.id }, { token: t.member.token }), 'FORBIDDEN');
    expectError(await server.gql(RemoveMemberDocument, { administrationId: t.a, userId: t.owner.id }, { token: t.admin.token }), 'FORBIDDEN');
  });

  it('keeps the last OWNER (CONFLICT)', async () => {
    const result = await server.gql(RemoveMemberDocument, { administrationId: t.a, userId: t.owner.id }, { token: t.owner.token });
    expectError(result, 'CONFLICT');
    expect(result.errors?.[0].message).toMatch(/last OWNER/);
  });

  it("answers NOT_FOUND for another administration's member, a non-member and a malformed id", async () => {
    expectError(await server.gql(RemoveMemberDocument, { administrationId: t.b, userId: t.otherOwner.id }, { token: t.owner.token }), 'NOT_FOUND');
    expectError(await server.gql(RemoveMemberDocument, { administrationId: t.a, userId: t.otherOwner.id }, { token: t.owner.token }), 'NOT_FOUND');
    expectError(await server.gql(RemoveMemberDocument, { administrationId: t.a, userId: 'nope' }, { token: t.owner.token }), 'NOT_FOUND');
    // Nothing was removed on the way.
    const members = expectData(await server.gql(AdministrationDetailDocument, { id: t.b }, { token: t.otherOwner.token })).administration!.members;
    expect(members.map((m) => m.user.id)).toEqual([t.otherOwner.id]);
  });
});
