// The user of a membership.
import { FieldResolver, Resolver, Root } from 'type-graphql';
import type { Membership } from '../../entities/Membership';
import { MembershipType, UserType } from '../../schema/types/identity';

@Resolver(() => MembershipType)
export class MembershipResolver {
  /** Members are loaded with their users populated, so this costs no query. */
  @FieldResolver(() => UserType)
  user(@Root() membership: Membership) {
    return membership.user;
  }
}
