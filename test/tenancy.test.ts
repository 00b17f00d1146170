// Tenant isolation in both layers: the request layer (membership, NOT_FOUND) and the data layer (ORM filter).
import { getMetadataStorage } from 'type-graphql';
import { getNamedType, getNullableType, isInputObjectType, isListType, isNonNullType, type GraphQLField, type GraphQLInputType } from 'graphql';
import { AddMemberDocument, AdministrationDetailDocument, RemoveMemberDocument, UpdateSettingsDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { startTestServer, type TestServer } from './support/server';
import { expectForeignIdsNotFound, foreignIdCase } from './support/tenancy';
import { getSchema } from '../src/schema/build-schema';
import { tenantSourcesOf, type TenantSource } from '../src/auth/tenant-source';
import { createRequestContext, tenantEm } from '../src/context';
import { Membership } from '../src/entities/Membership';
import { AdministrationSettings } from '../src/entities/AdministrationSettings';

let server: TestServer;
let t: Tenants;
beforeAll(async () => {
  server = await startTestServer();
  t = await createTenants(server);
});
afterAll(() => server.stop());

/** Root fields anyone may call (portal operations authenticate with a portal session instead; the clock is no secret). */
const PUBLIC_ROOT_FIELDS = new Set(['signUp', 'login', 'clock']);
/** Required ids of users, not of a tenant's rows: the service looks them up among the administration's members. */
const MEMBER_ID_ARGS = new Set(['removeMember(userId)']);

describe('request layer', () => {
  it("answers every id-taking operation on another administration's ids with NOT_FOUND and no data", async () => {
    const cases = [
      foreignIdCase('administration', AdministrationDetailDocument, { id: t.b }),
      foreignIdCase('addMember', AddMemberDocument, { administrationId: t.b, email: t.viewer.email, role: 'ADMIN' }),
      foreignIdCase('updateAdministrationSettings', UpdateSettingsDocument, { administrationId: t.b, input: { paused: true } }),
      foreignIdCase('removeMember', RemoveMemberDocument, { administrationId: t.b, userId: t.otherOwner.id }),
    ];
    for (const testCase of cases) await expectForeignIdsNotFound(server, t.owner.token, testCase);
    // Nothing was changed in B.
    const [settings] = await server.runtime.orm.em.getConnection().execute('select paused from administration_settings where administration_id = ?', [t.b]);
    expect(settings.paused).toBe(false);
  });

  it('answers ids that do not exist or are not ids at all the same way', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id', "1' or '1'='1"]) {
      await expectForeignIdsNotFound(server, t.owner.token, foreignIdCase('administration', AdministrationDetailDocument, { id }));
    }
  });

  it('guards every root operation: authorised, and each required id (also inside inputs) tied to an administration', async () => {
    const schema = await getSchema();
    const authorized = new Set(getMetadataStorage().authorizedFields.map((f) => f.fieldName));
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
    const unguarded: string[] = [];
    for (const root of roots) {
      for (const field of Object.values(root?.getFields() ?? {}) as GraphQLField<unknown, unknown>[]) {
        if (PUBLIC_ROOT_FIELDS.has(field.name) || field.name.startsWith('portal')) continue;
        if (!authorized.has(field.name)) unguarded.push(`${field.name}: no @Authorized`);
        const declared = tenantSourcesOf(field.name) ?? [];
        // Optional ids (a filter's debtorId, a standard message id) are loaded by the service within the tenant.
        for (const path of field.args.flatMap((arg) => requiredIdPaths(arg.type, arg.name))) {
          if (!path.endsWith('administrationId') && !MEMBER_ID_ARGS.has(`${field.name}(${path})`) && !declared.some((source) => covers(source, path))) {
            unguarded.push(`${field.name}(${path}): not tied to an administration`);
          }
        }
      }
    }
    expect(unguarded).toEqual([]);
  });
});

/** Paths (dotted, lists transparent) of every ID in an argument whose innermost type is non-null. */
function requiredIdPaths(type: GraphQLInputType, path: string, seen = new Set<string>()): string[] {
  let inner: GraphQLInputType = type;
  let required = false;
  for (;;) {
    required = isNonNullType(inner);
    const nullable = getNullableType(inner) as GraphQLInputType;
    if (!isListType(nullable)) break;
    inner = nullable.ofType as GraphQLInputType;
  }
  const named = getNamedType(inner);
  if (named.name === 'ID') return required ? [path] : [];
  if (!isInputObjectType(named) || seen.has(named.name)) return [];
  const fields = Object.values(named.getFields());
  return fields.flatMap((f) => requiredIdPaths(f.type, `${path}.${f.name}`, new Set([...seen, named.name])));
}

/** A source covers an id path when it reads exactly that path, or the typed reference the id is part of. */
function covers(source: TenantSource, path: string): boolean {
  if (source.path === path) return true;
  return typeof source.table === 'object' && `${source.path}.${source.table.idField}` === path;
}

describe('data layer', () => {
  it('scopes tenant-owned entities to the administration bound to the entity manager', async () => {
    const ctx = createRequestContext(server.runtime.app, server.runtime.orm.em, { userId: null, ip: '', requestId: 'test' });
    const inA = await tenantEm(ctx, t.a).find(Membership, {}, { populate: ['administration'] });
    expect(inA).toHaveLength(4);
    expect(new Set(inA.map((m) => m.administration.id))).toEqual(new Set([t.a]));
    const settingsOfB = await tenantEm(ctx, t.a).findOne(AdministrationSettings, { administration: t.b });
    expect(settingsOfB).toBeNull();
  });

  it('fails loudly when a tenant-owned entity is queried without saying which administration', async () => {
    const em = server.runtime.orm.em.fork();
    await expect(em.find(Membership, {})).rejects.toThrow(/tenant/);
  });
});
