// The reminder flow every new administration starts with (README "Reminder flow"); an ADMIN may change it.
import { DebtorScope, ReminderAction } from '../entities/ReminderStep';

export interface ReminderStepSpec {
  key: string;
  name: string;
  daysAfterDue: number;
  action: ReminderAction;
  appliesTo: DebtorScope;
  subject: string;
  body: string;
}

const SIGN_OFF = 'Kind regards,\n{{administration.name}}';

export const DEFAULT_REMINDER_FLOW: readonly ReminderStepSpec[] = [
  {
    key: 'REMINDER_1',
    name: 'First reminder',
    daysAfterDue: 7,
    action: ReminderAction.EMAIL,
    appliesTo: DebtorScope.ALL,
    subject: 'Reminder: {{invoices.count}} open invoice(s)',
    body:
      'Dear {{debtor.name}},\n\nOur records show that the following invoices are past their due date:\n\n{{invoices.table}}\n\n' +
      'Total due: {{invoices.total}}\n\nPerhaps this escaped your attention. Please pay within 7 days, or pay online: {{portal.url}}\n\n' +
      'Already paid? Then please ignore this reminder.\n\n' +
      SIGN_OFF,
  },
  {
    key: 'REMINDER_2',
    name: 'Second reminder',
    daysAfterDue: 21,
    action: ReminderAction.EMAIL,
    appliesTo: DebtorScope.ALL,
    subject: 'Second reminder: {{invoices.count}} open invoice(s)',
    body:
      'Dear {{debtor.name}},\n\nWe have not yet received payment of the following invoices, despite our earlier reminder:\n\n{{invoices.table}}\n\n' +
      'Total due: {{invoices.total}}\n\nPlease pay within 7 days: {{portal.url}}\n\nIf you cannot pay in one go, reply to this email to arrange a payment plan.\n\n' +
      SIGN_OFF,
  },
  {
    key: 'FOURTEEN_DAY_LETTER',
    name: '14-day letter',
    daysAfterDue: 35,
    action: ReminderAction.FOURTEEN_DAY_LETTER,
    appliesTo: DebtorScope.PRIVATE,
    subject: 'Final demand before collection costs: {{invoices.count}} open invoice(s)',
    body:
      'Dear {{debtor.name}},\n\nThe following invoices are still unpaid:\n\n{{invoices.table}}\n\nTotal due: {{invoices.total}}\n\n' +
      'You can still pay this amount without extra costs until {{letter.deadline}} (14 days from the day after you receive this letter): {{portal.url}}\n\n' +
      'If we have not received payment by then, we will charge the statutory extrajudicial collection costs of {{collection.costs}} ' +
      '(Besluit vergoeding voor buitengerechtelijke incassokosten), together with the statutory interest.\n\n' +
      SIGN_OFF,
  },
  {
    key: 'FINAL_NOTICE',
    name: 'Final notice',
    daysAfterDue: 35,
    action: ReminderAction.EMAIL,
    appliesTo: DebtorScope.BUSINESS,
    subject: 'Final notice: {{invoices.count}} open invoice(s)',
    body:
      'Dear {{debtor.name}},\n\nThe following invoices are still unpaid:\n\n{{invoices.table}}\n\nTotal due: {{invoices.total}}\n\n' +
      'This is our final notice. Unless we receive payment within 14 days, we will hand the claim over for collection and charge ' +
      'the statutory extrajudicial collection costs of {{collection.costs}} and the statutory commercial interest. Pay online: {{portal.url}}\n\n' +
      SIGN_OFF,
  },
  {
    key: 'CASE',
    name: 'Hand-over for collection',
    daysAfterDue: 56,
    action: ReminderAction.OPEN_CASE,
    appliesTo: DebtorScope.ALL,
    subject: 'Your account has been handed over for collection',
    body:
      'Dear {{debtor.name}},\n\nBecause the following invoices remain unpaid, a collection case has been opened:\n\n{{invoices.table}}\n\n' +
      'Total due: {{invoices.total}}, plus the statutory extrajudicial collection costs of {{collection.costs}} and statutory interest.\n\n' +
      'Pay now to avoid further measures: {{portal.url}}\n\n' +
      SIGN_OFF,
  },
];
