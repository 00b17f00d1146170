// The channel that checks the memberships of an administration's live subscribers once per event (member-channels.ts),
// driven with events published in this process and memberships changed through the API, against the real database.
import { createRequestContext } from '../src/context';
import { Role } from '../src/entities/Membership';
import { joinChannel } from '../src/schema/member-channels';
import { pubSub, type EventPayload } from '../src/schema/pubsub';
import { Topic } from '../src/services/events/events';
import { RemoveMemberDocument } from './generated/graphql';
import { addMember, createTenants, signUp, type Actor, type Tenants } from './support/actors';
import { expectData } from './support/assertions';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let t: Tenants;

beforeAll(async () => {
  server = await startTestServer();
  t = await createTenants(server);
});
afterAll(() => server.stop());

function subscribeAs(actor: Actor): AsyncIterableIterator<EventPayload> {
  const ctx = createRequestContext(server.runtime.app, server.runtime.orm.em, { userId: actor.id, ip: '127.0.0.1', requestId: 'channel-test' });
  return joinChannel(Topic.PAYMENT_UPDATED, t.a, Role.VIEWER, ctx);
}

const publish = (id: string) => pubSub.publish(Topic.PAYMENT_UPDATED, t.a, id);
const nextId = async (subscription: AsyncIterableIterator<EventPayload>) => {
  const result = await subscription.next();
  return result.done ? null : result.value.id;
};

describe('a channel of live subscribers', () => {
  it('hands each subscriber the events after it joined, in order, and ends a removed member’s subscription only', async () => {
    const removed = await signUp(server, 'channel-removed');
    await addMember(server, t.owner, t.a, removed, 'VIEWER');
    const owner = subscribeAs(t.owner);
    publish('a0000000-0000-4000-8000-000000000001');
    const late = subscribeAs(removed);
    publish('a0000000-0000-4000-8000-000000000002');
    publish('a0000000-0000-4000-8000-000000000003');
    try {
      expect([await nextId(owner), await nextId(owner), await nextId(owner)]).toEqual([
        'a0000000-0000-4000-8000-000000000001',
        'a0000000-0000-4000-8000-000000000002',
        'a0000000-0000-4000-8000-000000000003',
      ]);
      // Joined after the first event: not its own.
      expect([await nextId(late), await nextId(late)]).toEqual(['a0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000003']);

      expectData(await server.gql(RemoveMemberDocument, { administrationId: t.a, userId: removed.id }, { token: t.owner.token }));
      publish('a0000000-0000-4000-8000-000000000004');
      await expect(late.next()).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      expect(await late.next()).toEqual({ value: undefined, done: true });
      expect(await nextId(owner)).toBe('a0000000-0000-4000-8000-000000000004');
    } finally {
      await Promise.all([owner.return!(), late.return!()]);
    }
  });

  it('ends when the client unsubscribes, with nothing left waiting', async () => {
    const subscription = subscribeAs(t.viewer);
    const waiting = subscription.next();
    await subscription.return!();
    expect(await waiting).toEqual({ value: undefined, done: true });
    publish('a0000000-0000-4000-8000-000000000005');
    expect(await subscription.next()).toEqual({ value: undefined, done: true });
  });
});
