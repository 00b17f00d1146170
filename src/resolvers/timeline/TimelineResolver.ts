// Timelines: Invoice.timeline, Debtor.timeline and Case.timeline, and the loaded fields of a TimelineEntry.
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import type { Case } from '../../entities/Case';
import type { Debtor } from '../../entities/Debtor';
import type { Invoice } from '../../entities/Invoice';
import { CaseType } from '../../schema/types/cases';
import { UserType } from '../../schema/types/identity';
import { DebtorType_, InvoiceType, PaymentType } from '../../schema/types/ledger';
import { MessageType } from '../../schema/types/messages';
import { TimelineConnection, TimelineEntryType } from '../../schema/types/timeline';
import { loadersFor, scopedKey } from '../../services/ledger/loaders';
import { timelinePage, type TimelineEntry } from '../../services/timeline/timeline-page';

// The invoice, debtor or case was already authorised by the field that returned it; the page is scoped to its administration.
@Resolver(() => InvoiceType)
export class InvoiceTimelineResolver {
  @FieldResolver(() => TimelineConnection, { description: 'newest first' })
  timeline(
    @Ctx() ctx: RequestContext,
    @Root() invoice: Invoice,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return timelinePage(ctx, { administrationId: invoice.administration.id, kind: 'invoice', id: invoice.id }, { first, after });
  }
}

@Resolver(() => DebtorType_)
export class DebtorTimelineResolver {
  @FieldResolver(() => TimelineConnection, { description: 'newest first; with the entries of its invoices' })
  timeline(
    @Ctx() ctx: RequestContext,
    @Root() debtor: Debtor,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return timelinePage(ctx, { administrationId: debtor.administration.id, kind: 'debtor', id: debtor.id }, { first, after });
  }
}

@Resolver(() => CaseType)
export class CaseTimelineResolver {
  @FieldResolver(() => TimelineConnection, { description: 'newest first: its opening, messages about it, payments toward it' })
  timeline(
    @Ctx() ctx: RequestContext,
    @Root() c: Case,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return timelinePage(ctx, { administrationId: c.administration.id, kind: 'case', id: c.id }, { first, after });
  }
}

@Resolver(() => TimelineEntryType)
export class TimelineEntryResolver {
  @FieldResolver(() => UserType, { nullable: true, description: 'the user who did it: the sender of a sent message' })
  actor(@Ctx() ctx: RequestContext, @Root() entry: TimelineEntry) {
    return entry.actorId ? loadersFor(ctx).user.load(entry.actorId) : null;
  }

  @FieldResolver(() => MessageType, { nullable: true })
  message(@Ctx() ctx: RequestContext, @Root() entry: TimelineEntry) {
    return entry.messageId ? loadersFor(ctx).message.load(scopedKey(entry.administrationId, entry.messageId)) : null;
  }

  @FieldResolver(() => PaymentType, { nullable: true })
  payment(@Ctx() ctx: RequestContext, @Root() entry: TimelineEntry) {
    return entry.paymentId ? loadersFor(ctx).payment.load(scopedKey(entry.administrationId, entry.paymentId)) : null;
  }
}
