// Sign-up, login and `me`.
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { AuthPayload, LoginInput, SignUpInput, UserType } from '../../schema/types/identity';
import { currentUser, login, signUp } from '../../services/identity/identity-service';

@Resolver()
export class IdentityResolver {
  @Mutation(() => AuthPayload)
  signUp(@Ctx() ctx: RequestContext, @Arg('input', () => SignUpInput) input: SignUpInput) {
    return signUp(ctx, input);
  }

  @Mutation(() => AuthPayload)
  login(@Ctx() ctx: RequestContext, @Arg('input', () => LoginInput) input: LoginInput) {
    return login(ctx, input);
  }

  @Authorized()
  @Query(() => UserType)
  me(@Ctx() ctx: RequestContext) {
    return currentUser(ctx);
  }
}
