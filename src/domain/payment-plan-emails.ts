// The emails payment plans send to a debtor (README "Payment plans"): an alert before an installment is due, and a
// notice once one is overdue. Plain text with {{placeholders}}; the HTML part is made from it.

export const PAYMENT_PLAN_PLACEHOLDERS = [
  'debtor.name',
  'administration.name',
  /** 1 for the first. */
  'installment.number',
  'installment.count',
  'installment.dueDate',
  /** What is still to pay of this installment. */
  'installment.amount',
  /** The last day it may be paid before the plan is breached (due date plus the grace days). */
  'installment.graceEnd',
  'plan.total',
  /** What is still to pay of the whole plan. */
  'plan.remaining',
  'portal.url',
] as const;

export interface PlanEmailTemplate {
  kind: 'INSTALLMENT_ALERT' | 'INSTALLMENT_OVERDUE';
  subject: string;
  body: string;
}

const SIGN_OFF = 'Kind regards,\n{{administration.name}}';

/** Goes `installmentAlertDays` (default 3) before the due date of an installment not yet paid in full. */
export const INSTALLMENT_ALERT: PlanEmailTemplate = {
  kind: 'INSTALLMENT_ALERT',
  subject: 'Installment {{installment.number}} of {{installment.count}} is due on {{installment.dueDate}}',
  body:
    'Dear {{debtor.name}},\n\nA friendly reminder: installment {{installment.number}} of {{installment.count}} of your payment plan, ' +
    '{{installment.amount}}, is due on {{installment.dueDate}}.\n\nStill to pay under the plan: {{plan.remaining}} of {{plan.total}}. ' +
    'Pay online: {{portal.url}}\n\nAlready paid? Then please ignore this message.\n\n' +
    SIGN_OFF,
};

/** Goes the day after the due date of an installment not paid in full. */
export const INSTALLMENT_OVERDUE: PlanEmailTemplate = {
  kind: 'INSTALLMENT_OVERDUE',
  subject: 'Installment {{installment.number}} of {{installment.count}} is overdue',
  body:
    'Dear {{debtor.name}},\n\nWe have not received installment {{installment.number}} of {{installment.count}} of your payment plan, ' +
    '{{installment.amount}}, which was due on {{installment.dueDate}}.\n\nPlease pay it by {{installment.graceEnd}}: if it is still ' +
    'unpaid after that day, the payment plan ends and we resume collecting the full amount of {{plan.remaining}}. Pay online: {{portal.url}}\n\n' +
    SIGN_OFF,
};
