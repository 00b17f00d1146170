// SMS through the outbox: the text is stored (sealed: it may hold a one-time code) in the transaction of the change
// that sends it, and a job sends it after commit. A crash between the provider's answer and our commit sends one
// SMS twice at most; for a one-time code that is harmless (the same code arrives twice).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { newId } from '../../entities/base';
import { SmsError, type SmsTransport } from '../../integrations/sms/transport';
import { decryptSecret, encryptSecret } from '../imports/secret-box';
import { enqueueJob } from '../outbox/outbox';
import { execute } from '../ledger/sql';

export const SEND_SMS_JOB = 'sms:send';
export interface SendSmsJobData {
  smsId: string;
}

export interface QueuedSms {
  administrationId: string;
  debtorId: string | null;
  to: string;
  body: string;
  /** What the stored row keeps once sent: the text without its secret. */
  summary: string;
}

export async function queueSms(em: EntityManager, config: Config, sms: QueuedSms, now: Date): Promise<string> {
  const id = newId();
  await execute(
    em,
    `insert into sms_messages (id, administration_id, debtor_id, "to", sealed_body, summary, status, created_at) values (?, ?, ?, ?, ?, ?, 'QUEUED', ?)`,
    [id, sms.administrationId, sms.debtorId, sms.to, encryptSecret(config, sms.body), sms.summary, now.toISOString()],
  );
  await enqueueJob(em, SEND_SMS_JOB, { smsId: id } satisfies SendSmsJobData);
  return id;
}

export interface SmsDeps {
  config: Config;
  transport: SmsTransport;
  logger: Logger;
  now(): Date;
  /** Waits between tries of a temporarily failing send (tests shorten it). */
  retryDelaysMs: number[];
}

/**
 * Sends a queued SMS; a sent or failed one is left alone, so a job that runs twice sends once. A temporary failure is
 * tried again a few times within the job (a one-time code is worth little minutes later); then the SMS is FAILED.
 */
export async function sendQueuedSms(em: EntityManager, deps: SmsDeps, { smsId }: SendSmsJobData): Promise<void> {
  const [row] = await execute<{ to: string; sealed_body: string }>(em, `select "to", sealed_body from sms_messages where id = ? and status = 'QUEUED'`, [smsId]);
  if (!row) return;
  const log = deps.logger.child({ smsId, transport: deps.transport.name });
  let failure: string | null = null;
  for (let attempt = 0; ; attempt++) {
    await execute(em, 'update sms_messages set attempts = attempts + 1 where id = ?', [smsId]);
    try {
      const { providerId } = await deps.transport.send({ id: smsId, to: row.to, body: decryptSecret(deps.config, row.sealed_body) });
      await execute(em, `update sms_messages set status = 'SENT', sealed_body = null, provider_id = ?, sent_at = ? where id = ?`, [providerId, deps.now().toISOString(), smsId]);
      log.info({ providerId }, 'SMS sent');
      return;
    } catch (error) {
      if (!(error instanceof SmsError)) throw error;
      failure = error.message;
      if (!error.temporary || attempt >= deps.retryDelaysMs.length) break;
      log.warn({ err: error }, 'SMS not sent yet; trying again');
      await new Promise((resolve) => setTimeout(resolve, deps.retryDelaysMs[attempt]));
    }
  }
  await execute(em, `update sms_messages set status = 'FAILED', sealed_body = null, error = ? where id = ?`, [failure, smsId]);
  log.warn({ error: failure }, 'SMS failed');
}
