// The server's clock, and the test clock's mutation.
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { clockNow, setTestClock } from '../../services/clock/test-clock';

@Resolver()
export class ClockResolver {
  /** Anyone may read it: it is what "today" and every due date are judged by. */
  @Query(() => Date, { description: 'the server\'s now (the test clock where one is set)' })
  clock(@Ctx() ctx: RequestContext): Date {
    return clockNow(ctx);
  }

  /** Any logged-in user, on a server started with TEST_CLOCK=true; FORBIDDEN elsewhere. */
  @Authorized()
  @Mutation(() => Date, {
    description:
      'Only on a server started with TEST_CLOCK=true (never in production): moves the clock of every process sharing the database, for simulating days and weeks.',
  })
  setTestClock(@Ctx() ctx: RequestContext, @Arg('now', () => Date) now: Date): Promise<Date> {
    return setTestClock(ctx, now);
  }
}
