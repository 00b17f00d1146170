// Why an invoice or debtor needs a credit controller's attention (exposed as the AttentionReason enum).
export enum AttentionReason {
  MISSING_EMAIL = 'MISSING_EMAIL',
  EMAIL_BOUNCED = 'EMAIL_BOUNCED',
  UNREAD_REPLY = 'UNREAD_REPLY',
  PAYMENT_PLAN_BREACHED = 'PAYMENT_PLAN_BREACHED',
  COLLECTION_COSTS_UNDECIDED = 'COLLECTION_COSTS_UNDECIDED',
  DISPUTED = 'DISPUTED',
  /** Not in the contract yet: the daily import from the bookkeeping is failing. */
  IMPORT_FAILED = 'IMPORT_FAILED',
}
