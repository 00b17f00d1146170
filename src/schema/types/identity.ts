// GraphQL types of identity: users, sign-up and login.
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../../entities/Membership';

registerEnumType(Role, { name: 'Role' });

@ObjectType('User')
export class UserType {
  @Field(() => ID) id!: string;
  @Field(() => String) email!: string;
  @Field(() => String) name!: string;
}

@ObjectType()
export class AuthPayload {
  @Field(() => String) token!: string;
  @Field(() => UserType) user!: UserType;
}

@ObjectType('Membership')
export class MembershipType {
  // `user` is a field resolver (MembershipResolver).
  @Field(() => Role) role!: Role;
}

@InputType()
export class SignUpInput {
  @Field(() => String) email!: string;
  @Field(() => String) password!: string;
  @Field(() => String) name!: string;
}

@InputType()
export class LoginInput {
  @Field(() => String) email!: string;
  @Field(() => String) password!: string;
}
