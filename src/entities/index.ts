// Every entity the ORM knows, in one list.
import { Administration } from './Administration';
import { AdministrationSettings } from './AdministrationSettings';
import { Debtor } from './Debtor';
import { Document } from './Document';
import { ImportRun } from './ImportRun';
import { ImportSource } from './ImportSource';
import { Invoice } from './Invoice';
import { JobOutbox } from './JobOutbox';
import { LocalEmail } from './LocalEmail';
import { MailgunWebhookToken } from './MailgunWebhookToken';
import { Membership } from './Membership';
import { Message } from './Message';
import { MessageThread } from './MessageThread';
import { Payment, PaymentAllocation } from './Payment';
import { OnlinePaymentInvoice, TestProviderPayment } from './OnlinePayment';
import { StandardMessage } from './StandardMessage';
import { ReminderStep } from './ReminderStep';
import { ReminderRun } from './ReminderRun';
import { ReminderSend } from './ReminderSend';
import { Case } from './Case';
import { CasePayment } from './CasePayment';
import { Installment, PaymentPlan } from './PaymentPlan';
import { PaymentPlanItem } from './PaymentPlanItem';
import { User } from './User';

export const entities = [
  User,
  Administration,
  Membership,
  AdministrationSettings,
  Debtor,
  Invoice,
  Payment,
  PaymentAllocation,
  Document,
  ImportRun,
  ImportSource,
  JobOutbox,
  MessageThread,
  Message,
  StandardMessage,
  LocalEmail,
  MailgunWebhookToken,
  ReminderStep,
  ReminderRun,
  ReminderSend,
  Case,
  CasePayment,
  PaymentPlan,
  Installment,
  PaymentPlanItem,
  OnlinePaymentInvoice,
  TestProviderPayment,
];
export {
  Administration,
  AdministrationSettings,
  Debtor,
  Document,
  ImportRun,
  ImportSource,
  Invoice,
  JobOutbox,
  LocalEmail,
  MailgunWebhookToken,
  Membership,
  Message,
  MessageThread,
  Payment,
  PaymentAllocation,
  StandardMessage,
  User,
  ReminderStep,
  ReminderRun,
  ReminderSend,
  Case,
  CasePayment,
  PaymentPlan,
  Installment,
  PaymentPlanItem,
  OnlinePaymentInvoice,
  TestProviderPayment,
};
