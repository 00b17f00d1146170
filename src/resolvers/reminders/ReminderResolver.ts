// The reminder flow: reading and changing it, running it now, its history of runs, and what it plans per invoice.
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Role } from '../../entities/Membership';
import { AdministrationType } from '../../schema/types/administration';
import { ReminderFlowType, ReminderRunConnection, ReminderRunType, ReminderStepInput } from '../../schema/types/reminders';
import { reminderFlow, updateReminderFlow } from '../../services/reminders/flow';
import { listReminderRuns, startReminderRun } from '../../services/reminders/reminder-runs';

@Resolver(() => AdministrationType)
export class ReminderResolver {
  @Authorized(Role.VIEWER)
  @FieldResolver(() => ReminderFlowType)
  reminderFlow(@Ctx() ctx: RequestContext, @Root() administration: AdministrationType) {
    return reminderFlow(ctx, administration.id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ReminderFlowType)
  updateReminderFlow(
    @Ctx() ctx: RequestContext,
    @Arg('administrationId', () => ID) administrationId: string,
    @Arg('steps', () => [ReminderStepInput]) steps: ReminderStepInput[],
  ) {
    return updateReminderFlow(ctx, administrationId, steps);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ReminderRunType, { description: 'Runs the reminder flow now; the run is queued for the worker and shows in reminderRuns.' })
  runReminders(@Ctx() ctx: RequestContext, @Arg('administrationId', () => ID) administrationId: string) {
    return startReminderRun(ctx, administrationId);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => ReminderRunConnection)
  reminderRuns(
    @Ctx() ctx: RequestContext,
    @Root() administration: AdministrationType,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return listReminderRuns(ctx, administration.id, first, after);
  }
}

