// Users, administrations and roles for tests, created through the public API.
import { randomBytes } from 'node:crypto';
import { AddMemberDocument, CreateAdministrationDocument, SignUpDocument, type Role } from '../generated/graphql';
import type { TestServer } from './server';

/** Anything that sends GraphQL operations: an in-process test server or a server process. */
export type GraphqlClient = Pick<TestServer, 'gql'>;

export interface Actor {
  id: string;
  email: string;
  token: string;
}

export const PASSWORD = 'correct horse 42';

export async function signUp(server: GraphqlClient, label: string): Promise<Actor> {
  const email = `${label}-${randomBytes(3).toString('hex')}@example.test`;
  const result = await server.gql(SignUpDocument, { input: { email, password: PASSWORD, name: label } });
  if (!result.data) throw new Error(`sign-up failed: ${JSON.stringify(result.errors)}`);
  return { id: result.data.signUp.user.id, email, token: result.data.signUp.token };
}

export async function createAdministration(server: GraphqlClient, owner: Actor, name = 'Acme BV'): Promise<string> {
  const result = await server.gql(CreateAdministrationDocument, { name }, { token: owner.token });
  if (!result.data) throw new Error(`createAdministration failed: ${JSON.stringify(result.errors)}`);
  return result.data.createAdministration.id;
}

export async function addMember(server: GraphqlClient, owner: Actor, administrationId: string, member: Actor, role: Role) {
  const result = await server.gql(AddMemberDocument, { administrationId, email: member.email, role }, { token: owner.token });
  if (!result.data) throw new Error(`addMember failed: ${JSON.stringify(result.errors)}`);
}

/** Administration A with a user of every role, and administration B of another owner. */
export interface Tenants {
  a: string;
  b: string;
  owner: Actor;
  admin: Actor;
  member: Actor;
  viewer: Actor;
  otherOwner: Actor;
}

export async function createTenants(server: GraphqlClient): Promise<Tenants> {
  const [owner, admin, member, viewer, otherOwner] = await Promise.all(
    ['owner', 'admin', 'member', 'viewer', 'other-owner'].map((label) => signUp(server, label)),
  );
  const a = await createAdministration(server, owner, 'Tenant A');
  const b = await createAdministration(server, otherOwner, 'Tenant B');
  await addMember(server, owner, a, admin, 'ADMIN');
  await addMember(server, owner, a, member, 'MEMBER');
  await addMember(server, owner, a, viewer, 'VIEWER');
  return { a, b, owner, admin, member, viewer, otherOwner };
}
