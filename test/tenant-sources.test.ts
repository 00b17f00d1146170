// The tenant check reads the administration from paths into inputs and from lists of ids (of one table or
// typed references), and tells apart the two kinds of caller: users and portal debtors.
// The operations that will use nested inputs (sendMessage, sendMessages, createPaymentPlan) come with later
// issues; until then a small schema of probe operations exercises the real decorator and auth checker against
// the real database, next to the real API for the caller kinds.
import 'reflect-metadata';
import { graphql, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, Query, Resolver, buildSchema, registerEnumType } from 'type-graphql';
import { authChecker } from '../src/auth/auth-checker';
import { signPortalSession } from '../src/auth/principal';
import { PORTAL_DEBTOR, Role } from '../src/auth/roles';
import { TenantFrom, type RefTables } from '../src/auth/tenant-source';
import { createRequestContext, type RequestContext } from '../src/context';
import type { PortalPrincipal } from '../src/auth/principal';
import { AdministrationDetailDocument, DebtorsDocument, InvoicesDocument, MeDocument, PaymentUpdatedDocument } from './generated/graphql';
import { createTenants, type Tenants } from './support/actors';
import { expectData, expectError } from './support/assertions';
import { importAndWait, invoiceInput } from './support/ledger';
import { startTestServer, type TestServer } from './support/server';
import { subscribe } from './support/subscriptions';

enum ProbeTargetType {
  INVOICE = 'INVOICE',
  DEBTOR = 'DEBTOR',
}
registerEnumType(ProbeTargetType, { name: 'ProbeTargetType' });

const TARGETS: RefTables = { kindField: 'type', idField: 'id', tables: { INVOICE: 'invoices', DEBTOR: 'debtors' } };

@InputType()
class ProbeTarget {
  @Field(() => ProbeTargetType) type!: ProbeTargetType;
  @Field(() => ID) id!: string;
}

@InputType()
class ProbeOneInput {
  @Field(() => ProbeTarget) target!: ProbeTarget;
}

@InputType()
class ProbeManyInput {
  @Field(() => [ProbeTarget]) targets!: ProbeTarget[];
}

@InputType()
class ProbePlanInput {
  @Field(() => ID) administrationId!: string;
  @Field(() => [ID], { nullable: true }) invoiceIds?: string[];
}

@Resolver()
class ProbeResolver {
  @Authorized(Role.MEMBER)
  @TenantFrom({ path: 'input.target', table: TARGETS })
  @Mutation(() => String)
  probeOne(@Arg('input', () => ProbeOneInput) input: ProbeOneInput): string {
    return input.target.id;
  }

  @Authorized(Role.MEMBER)
  @TenantFrom({ path: 'input.targets', table: TARGETS })
  @Mutation(() => Number)
  probeMany(@Arg('input', () => ProbeManyInput) input: ProbeManyInput): number {
    return input.targets.length;
  }

  @Authorized(Role.MEMBER)
  @TenantFrom({ path: 'input.administrationId' }, { path: 'input.invoiceIds', table: 'invoices' })
  @Mutation(() => String)
  probePlan(@Arg('input', () => ProbePlanInput) input: ProbePlanInput): string {
    return input.administrationId;
  }

  @Authorized(PORTAL_DEBTOR)
  @Query(() => String)
  probePortal(@Ctx() ctx: RequestContext): string {
    return ctx.portal!.debtorId;
  }
}

let server: TestServer;
let t: Tenants;
let probes: GraphQLSchema;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  t = await createTenants(server);
  probes = await buildSchema({ resolvers: [ProbeResolver], authChecker, authMode: 'error', validate: false });
  await importAndWait(server, t.member.token, t.a, [invoiceInput(1), invoiceInput(2)]);
  await importAndWait(server, t.otherOwner.token, t.b, [invoiceInput(9)]);
  for (const [administrationId, token] of [[t.a, t.viewer.token], [t.b, t.otherOwner.token]]) {
    const invoices = expectData(await server.gql(InvoicesDocument, { id: administrationId }, { token }));
    for (const e of invoices.administration!.invoices.edges) ids[e.node.externalId] = e.node.id;
    const debtors = expectData(await server.gql(DebtorsDocument, { id: administrationId }, { token }));
    for (const e of debtors.administration!.debtors.edges) ids[e.node.externalId] = e.node.id;
  }
});
afterAll(() => server.stop());

function probe(source: string, variables: Record<string, unknown>, caller: { userId?: string; portal?: PortalPrincipal }) {
  const contextValue = createRequestContext(server.runtime.app, server.runtime.orm.em, {
    userId: caller.userId ?? null,
    portal: caller.portal ?? null,
    ip: '127.0.0.1',
    requestId: 'probe',
  });
  return graphql({ schema: probes, source, variableValues: variables, contextValue }) as Promise<ExecutionResult>;
}

const ONE = 'mutation($input: ProbeOneInput!) { probeOne(input: $input) }';
const MANY = 'mutation($input: ProbeManyInput!) { probeMany(input: $input) }';
const PLAN = 'mutation($input: ProbePlanInput!) { probePlan(input: $input) }';

describe('administration from a path into the input', () => {
  it('a typed reference of either kind resolves to its administration for a member', async () => {
    for (const target of [{ type: 'INVOICE', id: ids['INV-1'] }, { type: 'DEBTOR', id: ids['D-1'] }]) {
      expect(expectData(await probe(ONE, { input: { target } }, { userId: t.member.id }))).toEqual({ probeOne: target.id });
    }
  });

  it("another administration's row, a missing row, a wrong kind and a malformed id are all NOT_FOUND", async () => {
    const targets = [
      { type: 'INVOICE', id: ids['INV-9'] },
      { type: 'INVOICE', id: '00000000-0000-4000-8000-000000000000' },
      { type: 'DEBTOR', id: ids['INV-1'] },
      { type: 'INVOICE', id: "1' or '1'='1" },
    ];
    for (const target of targets) expectError(await probe(ONE, { input: { target } }, { userId: t.member.id }), 'NOT_FOUND');
  });

  it('a member of the administration with too low a role is FORBIDDEN', async () => {
    expectError(await probe(ONE, { input: { target: { type: 'INVOICE', id: ids['INV-1'] } } }, { userId: t.viewer.id }), 'FORBIDDEN');
  });
});

describe('administration from a list of ids', () => {
  it('a list of references of mixed kinds within one administration passes', async () => {
    const targets = [{ type: 'INVOICE', id: ids['INV-1'] }, { type: 'INVOICE', id: ids['INV-2'] }, { type: 'DEBTOR', id: ids['D-2'] }];
    expect(expectData(await probe(MANY, { input: { targets } }, { userId: t.member.id }))).toEqual({ probeMany: 3 });
  });

  it('one foreign id among many refuses the whole request as NOT_FOUND, even for a member of both', async () => {
    const targets = [{ type: 'INVOICE', id: ids['INV-1'] }, { type: 'INVOICE', id: ids['INV-9'] }];
    expectError(await probe(MANY, { input: { targets } }, { userId: t.member.id }), 'NOT_FOUND');
    // The other owner is a member of B only: the ids span administrations, which no one may mix.
    expectError(await probe(MANY, { input: { targets } }, { userId: t.otherOwner.id }), 'NOT_FOUND');
    expectError(await probe(MANY, { input: { targets: [] } }, { userId: t.member.id }), 'NOT_FOUND');
  });

  it('an administration id and ids of rows must all agree', async () => {
    const mine = { administrationId: t.a, invoiceIds: [ids['INV-1'], ids['INV-2']] };
    expect(expectData(await probe(PLAN, { input: mine }, { userId: t.member.id }))).toEqual({ probePlan: t.a });
    expect(expectData(await probe(PLAN, { input: { administrationId: t.a } }, { userId: t.member.id }))).toEqual({ probePlan: t.a });
    expectError(await probe(PLAN, { input: { administrationId: t.a, invoiceIds: [ids['INV-9']] } }, { userId: t.member.id }), 'NOT_FOUND');
    expectError(await probe(PLAN, { input: { administrationId: t.b, invoiceIds: [ids['INV-1']] } }, { userId: t.otherOwner.id }), 'NOT_FOUND');
  });
});

describe('two kinds of caller', () => {
  const portalOf = (administrationId: string, debtorId: string): PortalPrincipal => ({ administrationId, debtorId, verified: false, link: 'test' });

  it('a portal debtor reaches a portal operation; a user and an anonymous caller do not', async () => {
    const portal = portalOf(t.a, ids['D-1']);
    expect(expectData(await probe('{ probePortal }', {}, { portal }))).toEqual({ probePortal: ids['D-1'] });
    expectError(await probe('{ probePortal }', {}, { userId: t.owner.id }), 'FORBIDDEN');
    expectError(await probe('{ probePortal }', {}, {}), 'UNAUTHENTICATED');
  });

  it('a portal debtor is refused on user operations, even on its own administration', async () => {
    const portal = portalOf(t.a, ids['D-1']);
    expectError(await probe(ONE, { input: { target: { type: 'DEBTOR', id: ids['D-1'] } } }, { portal }), 'FORBIDDEN');
  });

  it('over HTTP and WebSocket, a portal session token is refused on every user operation', async () => {
    const token = await signPortalSession(server.runtime.app.tokens, portalOf(t.a, ids['D-1']), 600);
    expectError(await server.gql(MeDocument, {}, { token }), 'FORBIDDEN');
    expectError(await server.gql(AdministrationDetailDocument, { id: t.a }, { token }), 'FORBIDDEN');
    const subscriber = await subscribe(server.wsUrl, token, PaymentUpdatedDocument, { administrationId: t.a });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(subscriber.events).toEqual([]);
      expect(JSON.stringify(subscriber.errors)).toMatch(/portal session token only works for the customer-portal operations/);
    } finally {
      await subscriber.close();
    }
  });

  it('a tampered or expired portal token is UNAUTHENTICATED, not anonymous', async () => {
    const token = await signPortalSession(server.runtime.app.tokens, portalOf(t.a, ids['D-1']), 600);
    expectError(await server.gql(MeDocument, {}, { token: `${token.slice(0, -2)}xx` }), 'UNAUTHENTICATED');
    const expired = await signPortalSession(server.runtime.app.tokens, portalOf(t.a, ids['D-1']), -10);
    expectError(await server.gql(MeDocument, {}, { token: expired }), 'UNAUTHENTICATED');
  });
});
