// The placeholders a reminder step's subject and body may use; a step's template is checked against them when saved.
export const REMINDER_PLACEHOLDERS = [
  'debtor.name',
  'administration.name',
  'invoices.table',
  'invoices.total',
  'invoices.count',
  'portal.url',
  'letter.deadline',
  'collection.costs',
] as const;

export type ReminderPlaceholder = (typeof REMINDER_PLACEHOLDERS)[number];
