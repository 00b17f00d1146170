// Builds the executable GraphQL schema from the type-graphql resolvers.
import 'reflect-metadata';
import { assertValidSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from '../auth/auth-checker';
import { portalFieldGuard } from '../auth/portal-fields';
import { AdministrationResolver } from '../resolvers/administration/AdministrationResolver';
import { MembershipResolver } from '../resolvers/administration/MembershipResolver';
import { IdentityResolver } from '../resolvers/identity/IdentityResolver';
import { ImportResolver } from '../resolvers/imports/ImportResolver';
import { ImportSourceResolver } from '../resolvers/imports/ImportSourceResolver';
import { LiveResolver } from '../resolvers/live/LiveResolver';
import { AdministrationLedgerResolver } from '../resolvers/ledger/AdministrationLedgerResolver';
import { DebtorResolver } from '../resolvers/ledger/DebtorResolver';
import { DocumentResolver } from '../resolvers/ledger/DocumentResolver';
import { InvoiceResolver } from '../resolvers/ledger/InvoiceResolver';
import { LedgerResolver } from '../resolvers/ledger/LedgerResolver';
import { PaymentResolver } from '../resolvers/ledger/PaymentResolver';
import { AdministrationCasesResolver, DebtorCasesResolver, InvoiceCaseResolver } from '../resolvers/cases/CaseLinksResolver';
import { CaseResolver } from '../resolvers/cases/CaseResolver';
import { AdministrationMessagesResolver } from '../resolvers/messages/AdministrationMessagesResolver';
import { MessageResolver } from '../resolvers/messages/MessageResolver';
import { StandardMessageResolver } from '../resolvers/messages/StandardMessageResolver';
import { PortalAccessResolver } from '../resolvers/portal/PortalAccessResolver';
import { PortalResolver } from '../resolvers/portal/PortalResolver';
import { PortalSessionResolver } from '../resolvers/portal/PortalSessionResolver';
import { PortalPaymentResolver } from '../resolvers/portal/PortalPaymentResolver';
import { ReminderResolver } from '../resolvers/reminders/ReminderResolver';
import { DebtorPlannedStepsResolver, InvoiceNextStepResolver } from '../resolvers/reminders/PlannedStepResolver';
import { CaseTimelineResolver, DebtorTimelineResolver, InvoiceTimelineResolver, TimelineEntryResolver } from '../resolvers/timeline/TimelineResolver';
import { ClockResolver } from '../resolvers/clock/ClockResolver';
import {
  AdministrationPaymentPlansResolver,
  CasePaymentPlanResolver,
  InvoicePaymentPlanResolver,
  PaymentPlanResolver,
} from '../resolvers/payment-plans/PaymentPlanResolver';
import { pubSub } from './pubsub';
import { DateTimeScalar } from './scalars';

export const resolvers = [
  IdentityResolver,
  AdministrationResolver,
  MembershipResolver,
  // Ledger
  LedgerResolver,
  AdministrationLedgerResolver,
  InvoiceResolver,
  DebtorResolver,
  PaymentResolver,
  DocumentResolver,
  // Imports
  ImportResolver,
  ImportSourceResolver,
  // Messages
  MessageResolver,
  StandardMessageResolver,
  AdministrationMessagesResolver,
  // Collection cases
  CaseResolver,
  AdministrationCasesResolver,
  DebtorCasesResolver,
  InvoiceCaseResolver,
  // Customer portal
  PortalAccessResolver,
  PortalSessionResolver,
  PortalResolver,
  PortalPaymentResolver,
  // Reminders
  ReminderResolver,
  InvoiceNextStepResolver,
  DebtorPlannedStepsResolver,
  // Payment plans
  PaymentPlanResolver,
  AdministrationPaymentPlansResolver,
  InvoicePaymentPlanResolver,
  CasePaymentPlanResolver,
  // Timelines
  InvoiceTimelineResolver,
  DebtorTimelineResolver,
  CaseTimelineResolver,
  TimelineEntryResolver,
  // Live events
  LiveResolver,
  // The clock (and the test clock)
  ClockResolver,
] as const;

let built: Promise<GraphQLSchema> | null = null;

/** Built once per process: type-graphql's metadata is global, and building is not free. */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers,
    authChecker,
    globalMiddlewares: [portalFieldGuard],
    authMode: 'error',
    pubSub,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    emitSchemaFile: false,
    // type-graphql checks the schema by running the introspection query on it, a sixth of a second of every
    // start; graphql's own validation of the schema finds the same faults in a few milliseconds.
    skipCheck: true,
  }).then((schema) => {
    assertValidSchema(schema);
    return schema;
  });
  return built;
}
