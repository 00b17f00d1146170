// Administrations, members, roles and settings, through GraphQL over HTTP.
import {
  AddMemberDocument,
  AdministrationDetailDocument,
  AdministrationsDocument,
  CreateAdministrationDocument,
  UpdateSettingsDocument,
} from './generated/graphql';
import { createTenants, signUp, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let t: Tenants;
beforeAll(async () => {
  server = await startTestServer();
  t = await createTenants(server);
});
afterAll(() => server.stop());

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await server.runtime.orm.em.getConnection().execute(`select count(*)::int as n from ${sql}`, params);
  return row.n as number;
}

describe('createAdministration', () => {
  it('makes the creator OWNER with default settings', async () => {
    const user = await signUp(server, 'creator');
    const created = expectData(await server.gql(CreateAdministrationDocument, { name: ' Bakkerij Jansen ', currency: 'eur' }, { token: user.token }));
    expect(created.createAdministration).toMatchObject({ name: 'Bakkerij Jansen', currency: 'EUR', myRole: 'OWNER' });
    const detail = expectData(await server.gql(AdministrationDetailDocument, { id: created.createAdministration.id }, { token: user.token }));
    expect(detail.administration!.members).toEqual([{ role: 'OWNER', user: { id: user.id, email: user.email } }]);
    expect(detail.administration!.settings).toEqual({
      paused: false,
      pausedUntil: null,
      portalAuthenticationLevel: 'NONE',
      portalPrimaryMethod: null,
      portalSecondaryMethod: null,
      sensitiveAttachments: 'INCLUDE',
      emailSignature: null,
    });
  });

  it('refuses an unknown currency and an empty name, writing nothing', async () => {
    const user = await signUp(server, 'bad-admin');
    const before = await count('administrations');
    expectError(await server.gql(CreateAdministrationDocument, { name: 'X', currency: 'EURO' }, { token: user.token }), 'BAD_USER_INPUT', 'currency');
    expectError(await server.gql(CreateAdministrationDocument, { name: '   ' }, { token: user.token }), 'BAD_USER_INPUT', 'name');
    expect(await count('administrations')).toBe(before);
  });

  it('needs a logged-in user', async () => {
    expectError(await server.gql(CreateAdministrationDocument, { name: 'Anon' }), 'UNAUTHENTICATED');
  });
});

describe('administrations and roles', () => {
  it('lists only the administrations the user belongs to, with the role', async () => {
    const list = expectData(await server.gql(AdministrationsDocument, {}, { token: t.viewer.token }));
    expect(list.administrations).toEqual([{ id: t.a, name: 'Tenant A', myRole: 'VIEWER' }]);
    const other = expectData(await server.gql(AdministrationsDocument, {}, { token: t.otherOwner.token }));
    expect(other.administrations.map((a) => a.id)).toEqual([t.b]);
  });

  it('lets every role read the administration, its members and settings', async () => {
    for (const actor of [t.owner, t.admin, t.member, t.viewer]) {
      const data = expectData(await server.gql(AdministrationDetailDocument, { id: t.a }, { token: actor.token }));
      expect(data.administration!.members).toHaveLength(4);
    }
  });

  it('lets OWNER and ADMIN add members; MEMBER and VIEWER get FORBIDDEN', async () => {
    const newcomer = await signUp(server, 'newcomer');
    const another = await signUp(server, 'another');
    for (const actor of [t.member, t.viewer]) {
      expectError(await server.gql(AddMemberDocument, { administrationId: t.a, email: newcomer.email, role: 'VIEWER' }, { token: actor.token }), 'FORBIDDEN');
    }
    expect(await count('memberships where user_id = ?', [newcomer.id])).toBe(0);
    const added = expectData(await server.gql(AddMemberDocument, { administrationId: t.a, email: newcomer.email.toUpperCase(), role: 'MEMBER' }, { token: t.admin.token }));
    expect(added.addMember).toEqual({ role: 'MEMBER', user: { email: newcomer.email } });
    expectData(await server.gql(AddMemberDocument, { administrationId: t.a, email: another.email, role: 'OWNER' }, { token: t.owner.token }));
  });

  it('does not let an ADMIN make someone OWNER', async () => {
    const user = await signUp(server, 'wannabe');
    expectError(await server.gql(AddMemberDocument, { administrationId: t.a, email: user.email, role: 'OWNER' }, { token: t.admin.token }), 'FORBIDDEN');
    expect(await count('memberships where user_id = ?', [user.id])).toBe(0);
  });

  it('refuses an unknown email and an existing member', async () => {
    expectError(await server.gql(AddMemberDocument, { administrationId: t.a, email: 'ghost@example.test', role: 'VIEWER' }, { token: t.owner.token }), 'BAD_USER_INPUT', 'email');
    expectError(await server.gql(AddMemberDocument, { administrationId: t.a, email: t.viewer.email, role: 'ADMIN' }, { token: t.owner.token }), 'CONFLICT');
    const [row] = await server.runtime.orm.em.getConnection().execute('select role from memberships where user_id = ?', [t.viewer.id]);
    expect(row.role).toBe('VIEWER');
  });
});

describe('updateAdministrationSettings', () => {
  const update = (token: string, input: Record<string, unknown>) =>
    server.gql(UpdateSettingsDocument, { administrationId: t.a, input }, { token });

  it('lets OWNER and ADMIN change settings', async () => {
    const changed = expectData(
      await update(t.admin.token, {
        portalAuthenticationLevel: 'SENSITIVE_INFORMATION',
        portalPrimaryMethod: 'POSTCODE_HOUSE_NUMBER',
        portalSecondaryMethod: 'SMS_OTP',
        sensitiveAttachments: 'EXCLUDE_FOR_PRIVATE',
        emailSignature: 'Met vriendelijke groet,\nAcme',
      }),
    );
    expect(changed.updateAdministrationSettings).toMatchObject({
      portalAuthenticationLevel: 'SENSITIVE_INFORMATION',
      portalPrimaryMethod: 'POSTCODE_HOUSE_NUMBER',
      portalSecondaryMethod: 'SMS_OTP',
      sensitiveAttachments: 'EXCLUDE_FOR_PRIVATE',
      emailSignature: 'Met vriendelijke groet,\nAcme',
    });
    const paused = expectData(await update(t.owner.token, { pausedUntil: '2026-03-20' }));
    expect(paused.updateAdministrationSettings).toMatchObject({ paused: true, pausedUntil: '2026-03-20' });
    const resumed = expectData(await update(t.owner.token, { paused: false }));
    expect(resumed.updateAdministrationSettings).toMatchObject({ paused: false, pausedUntil: null });
  });

  it('refuses MEMBER and VIEWER with FORBIDDEN, changing nothing', async () => {
    for (const actor of [t.member, t.viewer]) expectError(await update(actor.token, { paused: true }), 'FORBIDDEN');
    const detail = expectData(await server.gql(AdministrationDetailDocument, { id: t.a }, { token: t.owner.token }));
    expect(detail.administration!.settings.paused).toBe(false);
  });

  it.each([
    [{ pausedUntil: '2026-03-01' }, 'pausedUntil'], // the test clock says 2026-03-02
    [{ portalAuthenticationLevel: 'EVERY_PAGE', portalPrimaryMethod: null }, 'portalPrimaryMethod'],
    [{ portalPrimaryMethod: 'SMS_OTP', portalSecondaryMethod: 'SMS_OTP' }, 'portalSecondaryMethod'],
    [{ paused: null }, 'paused'],
  ])('refuses %p with BAD_USER_INPUT on %s and keeps the old settings', async (input, field) => {
    const before = expectData(await server.gql(AdministrationDetailDocument, { id: t.a }, { token: t.owner.token }));
    expectError(await update(t.owner.token, input), 'BAD_USER_INPUT', field);
    const after = expectData(await server.gql(AdministrationDetailDocument, { id: t.a }, { token: t.owner.token }));
    expect(after.administration!.settings).toEqual(before.administration!.settings);
  });

  it('rejects a malformed date at the scalar', async () => {
    expectError(await update(t.owner.token, { pausedUntil: '2026-02-30' }), 'BAD_USER_INPUT');
  });
});
