// What happened to an invoice or debtor, as the kinds of entries on its timeline (exposed as the TimelineKind enum).
export enum TimelineKind {
  MESSAGE_SENT = 'MESSAGE_SENT',
  MESSAGE_RECEIVED = 'MESSAGE_RECEIVED',
  REMINDER_SENT = 'REMINDER_SENT',
  PAYMENT = 'PAYMENT',
  CASE_OPENED = 'CASE_OPENED',
  PAYMENT_PLAN_CREATED = 'PAYMENT_PLAN_CREATED',
  INVOICE_IMPORTED = 'INVOICE_IMPORTED',
  INVOICE_PAID = 'INVOICE_PAID',
  NOTE = 'NOTE',
}
