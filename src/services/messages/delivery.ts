// Delivering a queued message exactly once as far as we can: an atomic claim per attempt, the provider called
// outside any transaction, the outcome written only while the claim holds, retries with backoff, and recovery of
// attempts whose worker died. See README "Messages: delivery and crashes" for what a crash can do.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config';
import { type Message, MessageStatus } from '../../entities/Message';
import { MailError, type MailTransport, type OutgoingAttachment } from '../../integrations/mail';
import type { Storage } from '../../integrations/storage/storage';
import type { Logger } from '../../logger';
import { execute } from '../ledger/sql';
import { publishEvent, Topic } from '../events/events';
import { enqueueJobs } from '../outbox/outbox';
import { composeEmail } from './compose';

export const DELIVER_JOB = 'messages:deliver';

/** Queued messages of one administration, delivered one after another by one job. */
export interface DeliverJobData {
  administrationId: string;
  /** Each with its attempt count when the job was queued: the claim only succeeds while it is still that. */
  messages: { id: string; attempt: number }[];
}

/**
 * Messages per delivery job: a reminder run queues hundreds of emails, and a job each would be a row in the outbox
 * and another in Agenda per email. Each message keeps its own claim, lease and retries; a worker runs several jobs
 * at once (deliverMessageJob's concurrency).
 */
const MESSAGES_PER_JOB = 10;

function deliveryJobs(messages: { administrationId: string; id: string; attempt: number }[]): DeliverJobData[] {
  const jobs: DeliverJobData[] = [];
  const open = new Map<string, DeliverJobData>();
  for (const { administrationId, id, attempt } of messages) {
    let job = open.get(administrationId);
    if (!job || job.messages.length === MESSAGES_PER_JOB) {
      job = { administrationId, messages: [] };
      open.set(administrationId, job);
      jobs.push(job);
    }
    job.messages.push({ id, attempt });
  }
  return jobs;
}

/** Leases are on the database's clock, which every process shares. */
const leaseFromNow = `now() + make_interval(secs => ?)`;

/** How long a claimed attempt may take before it is taken for dead: the provider's timeout plus a job lease as margin. */
export function attemptLeaseSeconds(config: Config): number {
  return Math.ceil(config.mail.timeoutMs / 1000) + config.jobs.leaseSeconds;
}

/** In the caller's transaction: each queued message gets its first lease and its delivery job. */
export async function queueDeliveries(em: EntityManager, config: Config, administrationId: string, messages: Pick<Message, 'id' | 'attempts'>[]): Promise<void> {
  if (messages.length === 0) return;
  const ids = messages.map((m) => m.id);
  await execute(em, `update messages set lease_until = ${leaseFromNow} where id in (select jsonb_array_elements_text(?::jsonb)::uuid)`, [
    config.jobs.leaseSeconds,
    JSON.stringify(ids),
  ]);
  await enqueueDeliveries(em, administrationId, messages);
}

/** The delivery jobs of messages that already hold their first lease (insertOutboundMessages gives it). */
export async function enqueueDeliveries(em: EntityManager, administrationId: string, messages: Pick<Message, 'id' | 'attempts'>[]): Promise<void> {
  await enqueueJobs(em, DELIVER_JOB, deliveryJobs(messages.map((m) => ({ administrationId, id: m.id, attempt: m.attempts }))));
}

/** Exponential: base, 2 × base, 4 × base ... with up to a tenth of jitter so retries of a burst spread out. */
export function backoffMs(config: Config, attemptsMade: number): number {
  const delay = config.mail.retryBaseMs * 2 ** Math.max(0, attemptsMade - 1);
  return Math.round(delay + Math.random() * delay * 0.1);
}

interface ClaimedMessage {
  id: string;
  administration_id: string;
  attempts: number;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  body: string;
  email: Message['email'];
}

export interface DeliveryDeps {
  config: Config;
  transport: MailTransport;
  storage: Storage;
  logger: Logger;
  now(): Date;
}

/**
 * A delivery job: its messages one after another. A message whose attempt fails in our own database (not at the
 * provider: that is its outcome) does not hold up the others; it keeps its lease, so recovery queues it again.
 */
export async function deliverMessages(em: EntityManager, deps: DeliveryDeps, job: DeliverJobData): Promise<void> {
  let failure: unknown = null;
  for (const { id, attempt } of job.messages) {
    try {
      await deliverMessage(em, deps, { administrationId: job.administrationId, messageId: id, attempt });
    } catch (error) {
      deps.logger.error({ err: error, messageId: id }, 'delivery attempt failed; recovery queues it again once its lease runs out');
      failure ??= error;
    }
  }
  if (failure) throw failure;
}

/**
 * One delivery attempt. The claim (`attempts` from `attempt` to `attempt + 1`) lets only one copy of the job
 * through; the provider is called outside any transaction; the outcome is written only if this attempt still
 * holds the message (same `attempts`, still QUEUED), so an attempt that was taken for dead changes nothing.
 */
async function deliverMessage(em: EntityManager, deps: DeliveryDeps, job: { administrationId: string; messageId: string; attempt: number }): Promise<void> {
  const [claimed] = await execute<ClaimedMessage>(
    em,
    `update messages set attempts = attempts + 1, lease_until = ${leaseFromNow}
      where id = ? and administration_id = ? and status = 'QUEUED' and attempts = ?
      returning id, administration_id, attempts, "to", cc, bcc, subject, body, email`,
    [attemptLeaseSeconds(deps.config), job.messageId, job.administrationId, job.attempt],
  );
  if (!claimed || !claimed.email) return;
  const email = composeEmail(claimed.subject, claimed.body, claimed.email);
  const attachments = await attachmentsOf(em, deps.storage, claimed.id);
  const log = deps.logger.child({ messageId: claimed.id, attempt: claimed.attempts, transport: deps.transport.name });
  let outcome: { providerMessageId: string } | MailError;
  try {
    outcome = await deps.transport.send({
      administrationId: claimed.administration_id,
      messageId: claimed.id,
      from: email.from,
      to: claimed.to,
      cc: claimed.cc,
      bcc: claimed.bcc,
      replyTo: email.replyTo,
      subject: claimed.subject,
      text: email.text,
      html: email.html,
      tags: email.tags,
      attachments,
    });
  } catch (error) {
    outcome = error instanceof MailError ? error : new MailError(`Sending failed: ${(error as Error).message}`, true);
  }
  // The one window where a crash sends twice: the provider has accepted the email and this update has not
  // committed. The attempt's lease then runs out and recovery sends it again (README).
  const fence = [claimed.id, claimed.attempts];
  if (!(outcome instanceof MailError)) {
    const changed = await changeStatus(
      em,
      claimed.administration_id,
      `update messages set status = 'SENT', provider_message_id = ?, sent_at = ?::timestamptz, lease_until = null, failure_reason = null
        where id = ? and attempts = ? and status = 'QUEUED' returning id`,
      [outcome.providerMessageId, deps.now().toISOString(), ...fence],
    );
    if (!changed) log.warn('message sent, but its attempt had been taken over meanwhile');
    else log.info({ providerMessageId: outcome.providerMessageId }, 'message sent');
    return;
  }
  const final = !outcome.temporary || claimed.attempts >= deps.config.mail.maxAttempts;
  if (final) {
    const reason = outcome.temporary ? `Gave up after ${claimed.attempts} attempts. ${outcome.message}` : outcome.message;
    await changeStatus(
      em,
      claimed.administration_id,
      `update messages set status = 'FAILED', lease_until = null, failure_reason = ? where id = ? and attempts = ? and status = 'QUEUED' returning id`,
      [reason, ...fence],
    );
    log.warn({ reason }, 'message failed');
    return;
  }
  // Stays QUEUED: the lease is the backoff, and recovery queues the next attempt once it has run out.
  const delayMs = backoffMs(deps.config, claimed.attempts);
  await execute(em, `update messages set lease_until = now() + make_interval(secs => ?), failure_reason = ? where id = ? and attempts = ? and status = 'QUEUED'`, [
    delayMs / 1000,
    outcome.message,
    ...fence,
  ]);
  log.warn({ reason: outcome.message, retryInMs: delayMs }, 'message not sent yet; will retry');
}

/** A status update and its live push (messageUpdated) commit together; false when the update matched nothing. */
async function changeStatus(em: EntityManager, administrationId: string, update: string, params: unknown[]): Promise<boolean> {
  return em.transactional(async (tx) => {
    const rows = await execute<{ id: string }>(tx, update, params);
    await publishEvent(tx, Topic.MESSAGE_UPDATED, administrationId, rows.map((row) => row.id));
    return rows.length > 0;
  });
}

async function attachmentsOf(em: EntityManager, storage: Storage, messageId: string): Promise<OutgoingAttachment[]> {
  const rows = await execute<{ filename: string; content_type: string; size: number; storage_key: string }>(
    em,
    'select filename, content_type, size, storage_key from documents where message_id = ? order by created_at, id',
    [messageId],
  );
  return rows.map((row) => ({ filename: row.filename, contentType: row.content_type, size: row.size, open: () => storage.read(row.storage_key) }));
}

// Queued messages whose lease ran out: a retry whose backoff is over, a job Agenda lost, or an attempt whose worker
// died. Each gets a job for its next attempt, or is FAILED once its attempts are used up. SKIP LOCKED passes over a
// message another worker is recovering right now.
const RECOVER = `
with due as (
  select id, attempts from messages
   where status = 'QUEUED' and coalesce(lease_until, '-infinity') < now()
   order by lease_until nulls first limit 200
   for update skip locked
), failed as (
  update messages m set status = 'FAILED', lease_until = null,
         failure_reason = 'Gave up after ' || d.attempts || ' attempts.' || coalesce(' ' || m.failure_reason, ' The worker stopped while sending.')
    from due d where m.id = d.id and d.attempts >= ?
  returning m.id, m.administration_id, m.attempts, 'FAILED' as outcome
), requeued as (
  update messages m set lease_until = ${leaseFromNow}
    from due d where m.id = d.id and d.attempts < ?
  returning m.id, m.administration_id, m.attempts, 'QUEUED' as outcome
)
select * from failed union all select * from requeued`;

/** One recovery round in one transaction: the next attempts' jobs commit with their new leases. */
export async function recoverDeliveries(em: EntityManager, config: Config, logger: Logger): Promise<number> {
  return em.transactional(async (tx) => {
    const rows = await execute<{ id: string; administration_id: string; attempts: number; outcome: MessageStatus }>(tx, RECOVER, [
      config.mail.maxAttempts,
      config.mail.maxAttempts,
      config.jobs.leaseSeconds,
    ]);
    const requeued = rows.filter((row) => row.outcome === MessageStatus.QUEUED);
    await enqueueJobs(
      tx,
      DELIVER_JOB,
      deliveryJobs(requeued.map((row) => ({ administrationId: row.administration_id, id: row.id, attempt: row.attempts }))),
    );
    for (const row of rows.filter((r) => r.outcome === MessageStatus.FAILED)) {
      logger.warn({ messageId: row.id, attempts: row.attempts }, 'message failed: its attempts are used up');
      await publishEvent(tx, Topic.MESSAGE_UPDATED, row.administration_id, [row.id]);
    }
    return rows.length;
  });
}
