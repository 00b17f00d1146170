// What the reminder flow plans: an invoice's next step and all remaining steps of a debtor's invoices.
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import type { Debtor } from '../../entities/Debtor';
import type { Invoice } from '../../entities/Invoice';
import { DebtorType_, InvoiceType } from '../../schema/types/ledger';
import { PlannedStepType } from '../../schema/types/reminders';
import { scopedKey } from '../../services/ledger/loaders';
import { reminderLoadersFor } from '../../services/reminders/loaders';

@Resolver(() => InvoiceType)
export class InvoiceNextStepResolver {
  @FieldResolver(() => PlannedStepType, { nullable: true, description: 'The step the flow takes next, and when; null when none is planned.' })
  nextStep(@Ctx() ctx: RequestContext, @Root() invoice: Invoice) {
    return reminderLoadersFor(ctx).nextStep.load(scopedKey(invoice.administration.id, invoice.id));
  }
}

@Resolver(() => DebtorType_)
export class DebtorPlannedStepsResolver {
  @FieldResolver(() => [PlannedStepType], { description: 'Every step still planned for the open invoices of the debtor, by day.' })
  plannedSteps(@Ctx() ctx: RequestContext, @Root() debtor: Debtor) {
    return reminderLoadersFor(ctx).plannedSteps.load(scopedKey(debtor.administration.id, debtor.id));
  }
}
