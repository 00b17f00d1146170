// Writes the payment-plan emails of claimed installments: one message about the debtor per installment, from the
// administration (no user sender), with its delivery job, in the caller's transaction.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { isEmailAddress } from '../../domain/email-address';
import { centsToDecimal } from '../../domain/money';
import { PAYMENT_PLAN_PLACEHOLDERS, type PlanEmailTemplate } from '../../domain/payment-plan-emails';
import { MessageStatus, TargetType } from '../../entities/Message';
import { addDays } from '../../domain/dates';
import { executeBulk } from '../ledger/sql';
import { emailEnvelope } from '../messages/compose';
import { enqueueDeliveries } from '../messages/delivery';
import { fillPlaceholders } from '../messages/placeholders';
import { newThreadToken, replyAddress } from '../messages/send';
import { insertOutboundMessages, type NewMessage } from '../messages/write-messages';

interface InstallmentRow {
  id: string;
  administration_id: string;
  number: number;
  count: number;
  due_date: string;
  wanted: string;
  currency: string;
  total: string;
  remaining: string;
  administration_name: string;
  signature: string | null;
  grace_days: number;
  debtor_id: string;
  debtor_name: string;
  email: string | null;
  portal_link_nonce: string;
}

const DETAILS = `
select ins.id, ins.administration_id, ins.number, ins.due_date::text as due_date, (ins.amount - ins.paid_amount)::text as wanted,
       (select count(*) from installments x where x.plan_id = p.id)::int as count,
       p.currency, p.total::text as total, (p.total - p.paid)::text as remaining,
       a.name as administration_name, s.email_signature as signature, s.installment_grace_days as grace_days,
       d.id as debtor_id, d.name as debtor_name, d.email, d.portal_link_nonce
  from installments ins
  join payment_plans p on p.id = ins.plan_id
  join administrations a on a.id = ins.administration_id
  join administration_settings s on s.administration_id = a.id
  join debtors d on d.id = p.debtor_id
 where ins.id = any(?::uuid[])
 order by ins.administration_id, p.id, ins.number`;

function draftOf(ctx: RequestContext, template: PlanEmailTemplate, row: InstallmentRow): NewMessage {
  const money = (cents: string) => `${row.currency} ${centsToDecimal(cents)}`;
  const values: Record<string, string> = {
    'debtor.name': row.debtor_name,
    'administration.name': row.administration_name,
    'installment.number': String(row.number),
    'installment.count': String(row.count),
    'installment.dueDate': row.due_date,
    'installment.amount': money(row.wanted),
    'installment.graceEnd': addDays(row.due_date, row.grace_days),
    'plan.total': money(row.total),
    'plan.remaining': money(row.remaining),
    'portal.url': ctx.portalLinks.urlOf(row.debtor_id, row.portal_link_nonce),
  };
  const subject = fillPlaceholders(template.subject, values, 'subject', PAYMENT_PLAN_PLACEHOLDERS).replace(/[\r\n]+/g, ' ').trim();
  const body = fillPlaceholders(template.body, values, 'body', PAYMENT_PLAN_PLACEHOLDERS);
  const token = newThreadToken();
  const address = row.email?.trim() ?? '';
  const emailable = isEmailAddress(address);
  return {
    threadToken: token,
    targetType: TargetType.DEBTOR,
    targetId: row.debtor_id,
    debtorId: row.debtor_id,
    invoiceId: null,
    to: emailable ? [address] : [],
    cc: [],
    bcc: [],
    subject,
    body,
    status: emailable ? MessageStatus.QUEUED : MessageStatus.NOT_EMAILED,
    email: emailable
      ? emailEnvelope({
          signature: row.signature,
          senderName: null,
          administrationName: row.administration_name,
          fromAddress: ctx.config.mail.from,
          replyTo: replyAddress(ctx, token),
          tags: ['payment-plan', template.kind.toLowerCase().replaceAll('_', '-')],
        })
      : null,
    failureReason: emailable ? null : address ? `The debtor's email address '${address}' is not valid` : 'The debtor has no email address',
    attachments: [],
  };
}

/** Returns how many messages were written (emailed, or NOT_EMAILED for a debtor without a usable address). */
export async function writePlanEmails(ctx: RequestContext, em: EntityManager, template: PlanEmailTemplate, installmentIds: string[]): Promise<number> {
  if (installmentIds.length === 0) return 0;
  const rows = await executeBulk<InstallmentRow>(em, DETAILS, [`{${installmentIds.join(',')}}`]);
  const perAdministration = new Map<string, InstallmentRow[]>();
  for (const row of rows) perAdministration.set(row.administration_id, [...(perAdministration.get(row.administration_id) ?? []), row]);
  for (const [administrationId, own] of perAdministration) {
    const messages = await insertOutboundMessages(em, administrationId, null, ctx.clock.now(), own.map((row) => draftOf(ctx, template, row)), ctx.config.jobs.leaseSeconds);
    await enqueueDeliveries(em, administrationId, messages.filter((m) => m.status === MessageStatus.QUEUED));
  }
  return rows.length;
}
